"""Code interview transcripts with a grid (the library function behind ``cloterres coder``)."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from cloterres.coding import Coder, CodingResult
from cloterres.errors import InputError
from cloterres.grid import load_grid
from cloterres.interviews.model import Interview, Segment
from cloterres.interviews.pseudonymise import Pseudonymiser, read_name_list
from cloterres.interviews.segmentation import segment, unit_kind
from cloterres.interviews.transcripts import (
    TRANSCRIPT_SUFFIXES,
    interview_from_text,
    read_transcript,
    transcript_metadata,
)
from cloterres.interviews.units_table import read_units_table
from cloterres.io.files import atomic_path, check_input_files, prepare_output
from cloterres.io.qdpx import QdaCoding, read_qdpx
from cloterres.io.run_info import run_info
from cloterres.parallel import code_stream
from cloterres.units import SourceRef

OUTPUT_FORMATS = (".xlsx", ".csv", ".jsonl", ".qdpx")
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm")
PROJECT_SUFFIXES = (".qdpx",)


@dataclass(frozen=True)
class CodedUnit:
    segment: Segment
    result: CodingResult | None  # None: not coded (interviewer turn)
    imported: dict[str, list[str]] = field(default_factory=dict)  # coder -> codes from a .qdpx

    def codes(self) -> list[str]:
        if self.result is None:
            return []
        return [f"{dim}.{d.category}" for dim, decs in self.result.labels.items() for d in decs]


@dataclass
class CodeReport:
    output: Path
    interviews: list[Interview] = field(default_factory=list)
    units: list[CodedUnit] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    correspondence: Path | None = None
    seconds: float = 0.0

    @property
    def coded(self) -> int:
        """Units that were coded (interviewer turns are not, by default)."""
        return sum(1 for u in self.units if u.result is not None)

    @property
    def with_codes(self) -> int:
        return sum(1 for u in self.units if u.codes())


def default_interview_grid_path() -> Path:
    return Path(__file__).resolve().parent.parent / "grids" / "entretiens-cls.yaml"


def map_codings(seg: Segment, codings: list[QdaCoding]) -> dict[str, list[str]]:
    """Codes that people gave, in another tool, to a selection covering this unit: a selection
    counts for the unit when it covers at least half of the unit or the unit holds at least half
    of the selection."""
    out: dict[str, list[str]] = {}
    length = seg.end - seg.start
    for c in codings:
        overlap = min(c.end, seg.end) - max(c.start, seg.start)
        if overlap <= 0 or length <= 0:
            continue
        if overlap * 2 >= length or overlap * 2 >= (c.end - c.start):
            codes = out.setdefault(c.coder, [])
            if c.code not in codes:
                codes.append(c.code)
    return out


def _code_unit(coder: Coder, seg: Segment) -> CodingResult | None:
    return None if seg.interviewer else coder.code({"texte": seg.text})


def _code_unit_all(coder: Coder, seg: Segment) -> CodingResult | None:
    return coder.code({"texte": seg.text})


def _check_inputs(paths: list[Path]) -> None:
    check_input_files(
        paths,
        "aucun entretien donné ; exemple : cloterres coder entretiens/*.docx --sortie codes.xlsx",
    )
    for path in paths:
        suffix = path.suffix.lower()
        if suffix not in TRANSCRIPT_SUFFIXES + TABLE_SUFFIXES + PROJECT_SUFFIXES:
            raise InputError(
                f"{path} : extension « {suffix or '(aucune)'} » non reconnue ; donnez des "
                f"transcriptions .txt, .md ou .docx, un tableau d'unités .csv ou .xlsx, ou un "
                f"projet REFI-QDA .qdpx"
            )


def code_interviews(
    inputs: list[Path],
    output: Path,
    *,
    grid_path: Path | None = None,
    unit: str = "phrase",
    overwrite: bool = False,
    pseudonymise: bool = False,
    names_file: Path | None = None,
    places: bool = False,
    organisations: bool = False,
    table_path: Path | None = None,
    code_interviewer: bool = False,
    progress: Callable[[int], None] | None = None,
    command: str = "",
    workers: int | None = None,
) -> CodeReport:
    """Read, (pseudonymise,) segment, code and write; the output appears only when complete."""
    started = time.perf_counter()
    suffix = output.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise InputError(
            f"{output} : format de sortie « {suffix or '(aucune extension)'} » inconnu ; utilisez "
            f".xlsx (classeur), .csv, .jsonl ou .qdpx (projet REFI-QDA)"
        )
    kind = unit_kind(unit)
    _check_inputs(inputs)
    grid_file = grid_path or default_interview_grid_path()
    grid = load_grid(grid_file)
    names = read_name_list(names_file) if names_file else []
    pseudonymising = pseudonymise or bool(names_file) or places or organisations
    prepare_output(output, overwrite=overwrite, inputs=inputs)
    table = None
    if pseudonymising:
        table = table_path or output.with_name(f"{output.stem}-correspondances.csv")
        if table.resolve() == output.resolve():
            raise InputError(
                f"{table} : la table de correspondance doit être un autre fichier que la sortie"
            )
        prepare_output(table, overwrite=overwrite, inputs=inputs)
    report = CodeReport(output=output, correspondence=table)

    interviews: list[Interview] = []
    table_units: list[Segment] = []
    imported: dict[str, list[QdaCoding]] = {}  # interview id -> codings made in another tool
    for path in inputs:
        kind_of_input = path.suffix.lower()
        if kind_of_input in TRANSCRIPT_SUFFIXES:
            interview = read_transcript(path)
            interviews.append(interview)
            report.warnings += [f"{path} : {w}" for w in interview.warnings]
        elif kind_of_input in PROJECT_SUFFIXES:
            project = read_qdpx(path)
            for source in project.sources:
                header, body = transcript_metadata(source.text, f"{path}, {source.name}")
                header.pop("id", None)
                interview = interview_from_text(
                    source.id, source.name, source.text, {**header, **source.variables},
                    SourceRef(fichier=str(path), feuille=source.name), body,
                )  # fmt: skip
                interviews.append(interview)
                report.warnings += [f"{path}, {source.name} : {w}" for w in interview.warnings]
            for coding in project.codings:
                imported.setdefault(coding.source_id, []).append(coding)
        else:
            table_units.extend(read_units_table(path))
    ids = [i.id for i in interviews]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise InputError(
            f"identifiant d'entretien en double : {', '.join(dup)} ; donnez un « id » différent à chaque transcription"
        )

    pseudonymiser = None
    if pseudonymising:
        pseudonymiser = Pseudonymiser(names=names, places=places, organisations=organisations)
        for interview in interviews:
            pseudonymiser.learn(interview)
        moved = []
        for interview in interviews:
            new, move = pseudonymiser.apply_with_map(interview)
            moved.append(new)
            imported[interview.id] = [
                replace(c, start=move(c.start), end=move(c.end))
                for c in imported.get(interview.id, [])
            ]
        interviews = moved
        rewritten = [(s, pseudonymiser.rewrite(s.text)[0]) for s in table_units]
        table_units = [s.model_copy(update={"text": t, "end": len(t)}) for s, t in rewritten]
    segments = [s for i in interviews for s in segment(i, kind)] + table_units
    if not segments:
        raise InputError("aucune unité à coder dans les fichiers donnés ; vérifiez leur contenu")

    coder = Coder(grid)
    task = _code_unit_all if code_interviewer else _code_unit
    for n, (seg, result) in enumerate(code_stream(coder, segments, task, workers=workers), start=1):
        report.units.append(
            CodedUnit(seg, result, map_codings(seg, imported.get(seg.interview, [])))
        )
        if progress is not None:
            progress(n)
    report.interviews = interviews

    from cloterres.io import interview_outputs as outputs

    run = run_info(Path(grid_file), command, unit=kind, pseudonymised=pseudonymising)
    with atomic_path(output) as tmp:
        if suffix == ".jsonl":
            outputs.write_jsonl(tmp, grid, report.units)
        elif suffix == ".csv":
            outputs.write_csv(tmp, grid, report.units)
        elif suffix == ".xlsx":
            outputs.write_workbook(tmp, grid, interviews, report.units, report.warnings, run)
        else:
            outputs.write_project(tmp, grid, interviews, report.units, run)
    if table is not None and pseudonymiser is not None:
        with atomic_path(table) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(
                ["type", "pseudonyme", "nom", "autres formes remplacées", "occurrences"]
            )
            writer.writerows(pseudonymiser.table())
    report.seconds = time.perf_counter() - started
    return report
