"""Categorise the measures of CLS action plans: read, code with a grid, write (the library
function behind ``cloterres categoriser``)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cloterres.coding import Coder
from cloterres.errors import InputError
from cloterres.grid import default_grid_path, load_grid
from cloterres.io.csv_export import CsvWriter
from cloterres.io.files import atomic_path, prepare_output
from cloterres.io.jsonl import JsonlWriter
from cloterres.io.run_info import run_info
from cloterres.io.workbook import WorkbookWriter
from cloterres.parallel import code_stream
from cloterres.plans import ReadReport, check_inputs, read_measures
from cloterres.units import Measure, SourceRef, Warning_

OUTPUT_FORMATS = (".xlsx", ".csv", ".jsonl")


class _Writer(Protocol):
    """A writer codes and renders in ``task`` (worker processes), then ``add``s in order."""

    task: Callable[[Coder, Measure], tuple[object, bool]]

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
    seconds: float = 0.0


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
) -> CategorizeReport:
    """Categorise every measure of ``inputs`` and write ``output`` (by its extension).

    Raises InputError (nothing written) on bad input; the output appears only when complete.
    ``workers``: processes that code (default: one per core; 1 codes in this process).
    """
    started = time.perf_counter()
    fmt = output_format(output)
    check_inputs(inputs)
    grid_file = grid_path or default_grid_path()
    grid = load_grid(grid_file)
    prepare_output(output, overwrite=overwrite, inputs=inputs)
    coder = Coder(grid)
    read_report = ReadReport()
    report = CategorizeReport(output=output)
    seen = _SeenIds()
    duplicates: list[Warning_] = []

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
            coded = code_stream(
                coder, read_measures(inputs, read_report), writer.task, workers=workers
            )
            for measure, payload in coded:
                first = seen.add(measure)
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
            report.per_file = [(f.fichier, f.mesures) for f in read_report.files]
            if isinstance(writer, WorkbookWriter):
                writer.warnings = report.warnings
                writer.run_info = run_info(Path(grid_file), command, inputs=report.per_file)
            writer.close()
            committed = True
        finally:
            if not committed:
                writer.discard()  # release the handle; the temporary file is then removed
    report.seconds = time.perf_counter() - started
    return report
