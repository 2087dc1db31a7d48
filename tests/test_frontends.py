"""A third front end is one package plus one registry line: a tiny fake one (meeting minutes,
one unit per paragraph) coded by the common run, recorded in a study, exported for review and
read back by agreement, without any change to those modules."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.frontend import Ending, FrontEnd, Nouns, Sink, SinkFactory
from cloterres.engine.grid import Grid
from cloterres.errors import InputError
from cloterres.frontends import FRONT_ENDS, front_end
from cloterres.io.files import Staging
from cloterres.run import RunRequest, StudyRecord, run_coding, store_unit
from cloterres.store import SourceInput, Study, UnitInput


class MinutesJsonl:
    """The fake front end's only writer: one JSON object per paragraph."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self._fh = path.open("w", encoding="utf-8")

    def add(self, unit: Any, payload: Any) -> None:
        key, text = unit
        self._fh.write(json.dumps({"id": key, "texte": text, "codes": payload}) + "\n")

    def close(self, ending: Ending) -> None:
        self._fh.close()

    def discard(self) -> None:
        self._fh.close()


def _code(coder: Coder, unit: tuple[str, str]) -> CodingResult:
    return coder.code({"texte": unit[1]})


class MinutesJob:
    def __init__(self) -> None:
        self.inputs: list[Path] = []
        self.grid: Grid | None = None
        self.closed_with: Ending | None = None

    def check(self, request: RunRequest, suffix: str) -> None:
        for path in request.inputs:
            if path.suffix != ".txt":
                raise InputError(f"{path} : donnez des comptes rendus .txt")
        self.inputs = request.inputs

    def prepare(self, request: RunRequest, grid: Grid, grid_file: Path) -> None:
        self.grid = grid

    def open_sink(self, factory: SinkFactory, path: Path, grid: Grid) -> Sink:
        return factory(path, grid)

    def units(self, sink: Sink) -> Iterator[tuple[str, str]]:
        for path in self.inputs:
            paragraphs = [p.strip() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
            for number, text in enumerate(paragraphs, 1):
                yield f"{path.stem}-{number}", text

    def task(self, sink: Sink, keep_result: bool) -> Callable[[Coder, Any], Any]:
        return _code

    def accept(self, sink: Sink, unit: Any, out: Any, record: StudyRecord | None) -> int:
        result: CodingResult = out
        codes = [f"{dim}.{d.category}" for dim, ds in result.labels.items() for d in ds]
        sink.add(unit, codes)
        if record is not None:
            assert self.grid is not None
            key, text = unit
            unit_input = UnitInput(key=key, text=text, fields={"reunion": key}, source="cr")
            store_unit(record, self.grid, unit_input, result, derived=False)
        return 1

    def finish(self, sink: Sink, grid_file: Path) -> None:
        from cloterres.engine.run_info import run_info

        self.closed_with = Ending(warnings=[], run_info=run_info(grid_file, "test"))
        sink.close(self.closed_with)

    def stage_extras(self, staging: Staging) -> None:
        return None

    def write_extras(self) -> None:
        return None

    def sources(self) -> list[SourceInput]:
        return [SourceInput(path=str(p), kind="compte-rendu", sha256="0" * 64) for p in self.inputs]


MINUTES = FrontEnd(
    kind="comptes-rendus",
    nouns=Nouns(unit="paragraphe", units="paragraphes", coded="paragraphes codés"),
    grid_file="entretiens-cls.yaml",
    labels_key="codes",
    qualified_labels=True,
    sinks={".jsonl": MinutesJsonl},
    formats_hint="utilisez .jsonl",
    command="coder-comptes-rendus",
    review_columns=(("reunion", "Réunion", 20), ("texte", "Texte", 70)),
    review_cells=lambda fields, text: [str(fields.get("reunion", "")), text],
)


@pytest.fixture
def minutes_registered(monkeypatch: pytest.MonkeyPatch) -> FrontEnd:
    monkeypatch.setitem(FRONT_ENDS, MINUTES.kind, MINUTES)  # the one registry line
    return MINUTES


def test_a_fake_front_end_codes_records_and_reviews(
    tmp_path: Path, minutes_registered: FrontEnd, nlp: object
) -> None:
    minutes = tmp_path / "cr-copil.txt"
    minutes.write_text(
        "Le comité de pilotage a validé le programme d'actions de l'année.\n\n"
        "Les partenaires se connaissent mieux depuis les groupes de travail.\n",
        encoding="utf-8",
    )
    output = tmp_path / "cr.jsonl"
    study = Study(tmp_path / "etude.sqlite", create=True)
    job = MinutesJob()
    request = RunRequest(inputs=[minutes], output=output, study=study, command="test")
    outcome = run_coding(front_end("comptes-rendus"), job, request)

    rows = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["cr-copil-1", "cr-copil-2"]
    grid = outcome.grid
    expected = Coder(grid).code({"texte": rows[0]["texte"]})  # the engine coded the fake units
    assert rows[0]["codes"] == [
        f"{d}.{x.category}" for d, xs in expected.labels.items() for x in xs
    ]
    assert "gouvernance.instances" in rows[0]["codes"]  # « comité de pilotage »
    assert outcome.units == 2 and job.closed_with is not None
    assert outcome.study_round is not None
    assert study.kinds() == ["comptes-rendus"]
    assert [u.key for u in study.units("comptes-rendus")] == ["cr-copil-1", "cr-copil-2"]

    # Review asks the descriptor for its columns; agreement for its label encoding.
    from openpyxl import load_workbook

    from cloterres.agreement.study_coders import study_coder_labels
    from cloterres.review.export import export_review

    workbook = tmp_path / "revue.xlsx"
    export_review(study, workbook, coder="Alice Fictive", kind="comptes-rendus")
    wb = load_workbook(workbook)
    headers = [[c.value for c in row] for ws in wb.worksheets for row in ws.iter_rows(max_row=8)]
    assert any("Réunion" in row for row in headers)
    (machine,) = study_coder_labels(study, kind="comptes-rendus")
    assert machine.kind == "comptes-rendus"
    stored = machine.units["cr-copil-1"].labels
    assert sorted(c for codes in stored.values() for c in codes) == sorted(rows[0]["codes"])
    study.close()


def test_unknown_output_format_and_kind_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="utilisez .jsonl"):
        MINUTES.output_suffix(tmp_path / "cr.xlsx")
    with pytest.raises(InputError, match="type d'unités « reunions » inconnu"):
        front_end("reunions")
