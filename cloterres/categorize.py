"""Categorise the measures of CLS action plans: read, code with a grid, write (the library
function behind ``cloterres categoriser``)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from cloterres.coding import Coder, CodingResult
from cloterres.errors import InputError
from cloterres.grid import default_grid_path, load_grid, require_rules
from cloterres.io.csv_export import CsvWriter
from cloterres.io.files import atomic_path, prepare_output
from cloterres.io.jsonl import JsonlWriter
from cloterres.io.run_info import run_info
from cloterres.io.workbook import WorkbookWriter
from cloterres.nlp import model_version
from cloterres.parallel import code_stream
from cloterres.plans import ReadReport, check_inputs, read_measures
from cloterres.plans.report import DocumentReport
from cloterres.reliability import Reliability, add_reliability_sheet, study_reliability
from cloterres.store import MachineLabel, RoundSummary, SourceInput, Study, UnitInput
from cloterres.store.machine import file_sha256, machine_labels, record_run, text_derived
from cloterres.units import MEASURE_FIELDS, Measure, SourceRef, Warning_

OUTPUT_FORMATS = (".xlsx", ".csv", ".jsonl")


class _Writer(Protocol):
    """A writer codes and renders in ``task`` (worker processes), then ``add``s in order;
    ``render`` renders an already coded measure."""

    task: Callable[[Coder, Measure], tuple[object, bool]]
    render: Callable[[Coder, Measure, CodingResult], tuple[object, bool]]

    def add(self, measure: Measure, payload: tuple[Any, bool]) -> None: ...
    def close(self) -> None: ...
    def discard(self) -> None: ...


@dataclass
class CategorizeReport:
    output: Path
    measures: int = 0
    without_text: int = 0
    per_file: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    imports: list[DocumentReport] = field(default_factory=list)  # the import report
    seconds: float = 0.0
    study_round: RoundSummary | None = None
    reliability: Reliability | None = None


def _task_with_result(
    render: Callable[[Coder, Measure, CodingResult], tuple[object, bool]],
    coder: Coder,
    measure: Measure,
) -> tuple[tuple[object, bool], CodingResult]:
    """Code once, render for the output, and keep the result for the study (worker processes)."""
    result = coder.code(measure.fields())
    return render(coder, measure, result), result


def _unit_input(measure: Measure) -> UnitInput:
    fields: dict[str, object] = {name: getattr(measure, name) for name in MEASURE_FIELDS}
    fields["autres_colonnes"] = dict(measure.extra)
    fields["source"] = measure.source.describe()
    text = "\n".join(t for t in (measure.intitule.strip(), measure.description.strip()) if t)
    return UnitInput(key=measure.id, text=text, fields=fields, source=measure.source.fichier)


class _SeenIds:
    """The (contract, id) pairs met so far, in about 100 bytes each: a 64-bit hash of the pair
    and where it was first met (a collision only ever costs a wrong duplicate warning)."""

    LIMIT = 20_000_000

    def __init__(self) -> None:
        self._first: dict[int, tuple[int, int]] = {}  # hash -> (source index, line)
        self._sources: dict[tuple[str, str | None], int] = {}

    def add(self, measure: Measure) -> SourceRef | None:
        """Where this pair was first met, or None (and remember it) if it is new."""
        digest = hashlib.blake2b(
            f"{measure.contrat}\x00{measure.id}".encode(errors="replace"), digest_size=8
        ).digest()
        key = int.from_bytes(digest, "little")
        found = self._first.get(key)
        if found is not None:
            (fichier, feuille), line = list(self._sources)[found[0]], found[1]
            return SourceRef(fichier=fichier, feuille=feuille, ligne=line if line >= 0 else None)
        if len(self._first) < self.LIMIT:
            src = measure.source
            index = self._sources.setdefault((src.fichier, src.feuille), len(self._sources))
            self._first[key] = (index, src.ligne if src.ligne is not None else -1)
        return None


def output_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise InputError(
            f"{path} : format de sortie « {suffix or '(aucune extension)'} » inconnu ; "
            f"utilisez .xlsx (classeur), .csv ou .jsonl"
        )
    return suffix


def categorize(
    inputs: list[Path],
    output: Path,
    *,
    grid_path: Path | None = None,
    overwrite: bool = False,
    progress: Callable[[int], None] | None = None,
    command: str = "",
    workers: int | None = None,
    study: Study | None = None,
    reliability_coder: str | None = None,
) -> CategorizeReport:
    """Categorise every measure of ``inputs`` and write ``output`` (by its extension).

    Raises InputError (nothing written) on bad input; the output appears only when complete.
    ``workers``: processes that code, and that read a long PDF (default: one per core; 1 does
    everything in this process).
    ``study``: also record the sources, grid, measures and labels there as a new machine round
    (after the output is written), and when people have reviewed some of these measures, score
    the machine against them (``reliability_coder``: against that coder only) in
    ``report.reliability`` and, for a workbook, in a « Fiabilité » sheet.
    """
    started = time.perf_counter()
    fmt = output_format(output)
    check_inputs(inputs)
    grid_file = grid_path or default_grid_path()
    grid = load_grid(grid_file)
    require_rules(grid, grid_file)
    prepare_output(output, overwrite=overwrite, inputs=inputs)
    coder = Coder(grid)
    read_report = ReadReport()
    report = CategorizeReport(output=output)
    seen = _SeenIds()
    duplicates: list[Warning_] = []
    stored_units: dict[str, UnitInput] = {}
    stored_labels: dict[str, dict[str, MachineLabel]] = {}
    stored_derived: dict[str, dict[str, str | bool | None]] = {}

    with atomic_path(output) as tmp:
        writer: _Writer
        if fmt == ".jsonl":
            writer = JsonlWriter(tmp, grid)
        elif fmt == ".csv":
            writer = CsvWriter(tmp, grid)
        else:
            writer = WorkbookWriter(tmp, grid)
        committed = False
        try:
            task: Callable[[Coder, Measure], Any] = writer.task
            if study is not None:
                task = partial(_task_with_result, writer.render)
            coded = code_stream(
                coder, read_measures(inputs, read_report, workers=workers), task, workers=workers
            )
            for measure, out in coded:
                payload = out
                first = seen.add(measure)
                if study is not None:
                    payload, result = out
                    if measure.id in stored_units:
                        if first is None and len(duplicates) < 1000:  # same id, other contract
                            duplicates.append(
                                Warning_(
                                    source=measure.source,
                                    message=f"identifiant « {measure.id} » déjà utilisé dans un "
                                    f"autre contrat : seule la première mesure de ce nom est "
                                    f"enregistrée dans l'étude",
                                )
                            )
                    else:
                        stored_units[measure.id] = _unit_input(measure)
                        stored_labels[measure.id] = machine_labels(grid, result)
                        stored_derived[measure.id] = text_derived(grid, result)
                if first is not None and len(duplicates) < 1000:
                    duplicates.append(
                        Warning_(
                            source=measure.source,
                            message=f"identifiant « {measure.id} » déjà utilisé dans le contrat "
                            f"« {measure.contrat} » ({first.describe()})",
                        )
                    )
                writer.add(measure, payload)
                report.measures += 1
                report.without_text += payload[1]
                if progress is not None:
                    progress(report.measures)
            if report.measures == 0:
                names = ", ".join(str(p) for p in inputs)
                raise InputError(
                    f"{names} : aucune mesure trouvée (seulement une ligne d'en-tête ou des lignes "
                    f"vides) ; ajoutez une ligne par mesure sous l'en-tête"
                )
            report.warnings = read_report.warnings + duplicates
            if read_report.omitted:
                report.warnings.append(
                    Warning_(
                        source=SourceRef(fichier=", ".join(str(p) for p in inputs)),
                        message=f"{read_report.omitted} autre(s) mesure(s) sans intitulé ni "
                        f"description, non détaillée(s) ici (elles sont dans la sortie)",
                    )
                )
            report.per_file = [(d.fichier, d.mesures) for d in read_report.documents]
            report.imports = read_report.documents
            if isinstance(writer, WorkbookWriter):
                writer.warnings = report.warnings
                writer.imports = report.imports
                writer.run_info = run_info(Path(grid_file), command, inputs=report.per_file)
            writer.close()
            committed = True
        finally:
            if not committed:
                writer.discard()  # release the handle; the temporary file is then removed
    if study is not None:
        sources = [SourceInput(path=str(p), kind="plan", sha256=file_sha256(p)) for p in inputs]
        report.study_round = record_run(
            study, kind="mesures", grid=grid, grid_path=Path(grid_file), sources=sources,
            units=list(stored_units.values()), labels=stored_labels, command=command,
            model=model_version(), derived=stored_derived,
        )  # fmt: skip
        report.reliability = study_reliability(
            study, "mesures", grid, stored_units, coder=reliability_coder
        )
        if report.reliability is not None and fmt == ".xlsx":
            add_reliability_sheet(output, report.reliability)
    report.seconds = time.perf_counter() - started
    return report
