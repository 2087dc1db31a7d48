"""Categorise the measures of CLS action plans: read, code with a grid, write (the library
function behind ``cloterres categoriser``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol, cast

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.frontend import Ending, Sink, SinkFactory
from cloterres.engine.grid import Grid
from cloterres.engine.run_info import run_info
from cloterres.errors import InputError
from cloterres.io.files import Staging
from cloterres.io.sources import SourceRef, Warning_
from cloterres.plans import ReadReport, check_inputs, read_measures
from cloterres.plans.frontend import MEASURES
from cloterres.plans.measure import MEASURE_FIELDS, Measure
from cloterres.plans.report import DocumentReport
from cloterres.run import RunRequest, StudyRecord, run_coding, store_unit
from cloterres.store import RoundSummary, SourceInput, Study, UnitInput
from cloterres.store.machine import file_sha256
from cloterres.store.reliability import Reliability

OUTPUT_FORMATS = tuple(MEASURES.sinks)


class _Writer(Sink, Protocol):
    """A measures writer codes and renders in ``task`` (worker processes); ``render`` renders
    an already coded measure."""

    task: Callable[[Coder, Measure], tuple[object, bool]]
    render: Callable[[Coder, Measure, CodingResult], tuple[object, bool]]


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
    return MEASURES.output_suffix(path)


class MeasuresJob:
    """Categorising measures in one run (see :func:`cloterres.run.run_coding`)."""

    def __init__(self, report: CategorizeReport, workers: int | None) -> None:
        self.report = report
        self.workers = workers
        self.read_report = ReadReport()
        self.seen = _SeenIds()
        self.duplicates: list[Warning_] = []
        self.inputs: list[Path] = []
        self.grid: Grid | None = None
        self.command = ""
        self.grid_file = Path()

    def check(self, request: RunRequest, suffix: str) -> None:
        check_inputs(request.inputs)
        self.inputs = request.inputs
        self.command = request.command

    def prepare(self, request: RunRequest, grid: Grid, grid_file: Path) -> None:
        self.grid = grid

    def open_sink(self, factory: SinkFactory, path: Path, grid: Grid) -> Sink:
        return factory(path, grid)

    def units(self, sink: Sink) -> Iterator[Measure]:
        return read_measures(self.inputs, self.read_report, workers=self.workers)

    def task(self, sink: Sink, keep_result: bool) -> Callable[[Coder, Any], Any]:
        writer = cast(_Writer, sink)
        return partial(_task_with_result, writer.render) if keep_result else writer.task

    def accept(self, sink: Sink, unit: Any, out: Any, record: StudyRecord | None) -> int:
        measure: Measure = unit
        payload = out
        first = self.seen.add(measure)
        if record is not None:
            payload, result = out
            assert self.grid is not None
            stored = store_unit(record, self.grid, _unit_input(measure), result, derived=True)
            if not stored and first is None and len(self.duplicates) < 1000:
                self.duplicates.append(  # same id, other contract
                    Warning_(
                        source=measure.source,
                        message=f"identifiant « {measure.id} » déjà utilisé dans un "
                        f"autre contrat : seule la première mesure de ce nom est "
                        f"enregistrée dans l'étude",
                    )
                )
        if first is not None and len(self.duplicates) < 1000:
            self.duplicates.append(
                Warning_(
                    source=measure.source,
                    message=f"identifiant « {measure.id} » déjà utilisé dans le contrat "
                    f"« {measure.contrat} » ({first.describe()})",
                )
            )
        sink.add(measure, payload)
        self.report.measures += 1
        self.report.without_text += payload[1]
        return 1

    def finish(self, sink: Sink, grid_file: Path) -> None:
        report, inputs = self.report, self.inputs
        if report.measures == 0:
            names = ", ".join(str(p) for p in inputs)
            raise InputError(
                f"{names} : aucune mesure trouvée (seulement une ligne d'en-tête ou des lignes "
                f"vides) ; ajoutez une ligne par mesure sous l'en-tête"
            )
        report.warnings = self.read_report.warnings + self.duplicates
        if self.read_report.omitted:
            report.warnings.append(
                Warning_(
                    source=SourceRef(fichier=", ".join(str(p) for p in inputs)),
                    message=f"{self.read_report.omitted} autre(s) mesure(s) sans intitulé ni "
                    f"description, non détaillée(s) ici (elles sont dans la sortie)",
                )
            )
        report.per_file = [(d.fichier, d.mesures) for d in self.read_report.documents]
        report.imports = self.read_report.documents
        info = run_info(grid_file, self.command, inputs=report.per_file)
        sink.close(Ending(warnings=report.warnings, run_info=info, imports=report.imports))

    def stage_extras(self, staging: Staging) -> None:
        return None

    def write_extras(self) -> None:
        return None

    def sources(self) -> list[SourceInput]:
        return [SourceInput(path=str(p), kind="plan", sha256=file_sha256(p)) for p in self.inputs]


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
    report = CategorizeReport(output=output)
    request = RunRequest(
        inputs=inputs, output=output, grid_path=grid_path, overwrite=overwrite,
        progress=progress, command=command, workers=workers, study=study,
        reliability_coder=reliability_coder,
    )  # fmt: skip
    outcome = run_coding(MEASURES, MeasuresJob(report, workers), request)
    report.study_round = outcome.study_round
    report.reliability = outcome.reliability
    report.seconds = outcome.seconds
    return report
