"""Code interview transcripts with a grid (the library function behind ``cloterres coder``)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.frontend import Ending, Sink, SinkFactory
from cloterres.engine.grid import Grid
from cloterres.engine.run_info import RunInfo, run_info
from cloterres.errors import InputError
from cloterres.interviews.frontend import INTERVIEWS
from cloterres.interviews.model import CodedUnit, Interview, Segment
from cloterres.interviews.outputs import MergeSink, UnitSink
from cloterres.interviews.pseudonymise import Pseudonymiser, read_name_list
from cloterres.interviews.segmentation import segment, unit_kind
from cloterres.interviews.transcripts import (
    TRANSCRIPT_SUFFIXES,
    case_variable,
    interview_from_text,
    read_transcript,
    transcript_id,
    transcript_metadata,
)
from cloterres.interviews.units_table import check_units_table, read_units_table
from cloterres.io.archive import check_docx
from cloterres.io.files import Staging, atomic_path, check_input_files, prepare_output
from cloterres.io.qdpx.model import QdaCoding, QdaProject
from cloterres.io.qdpx.reader import read_qdpx
from cloterres.io.safety import csv_safe
from cloterres.io.sources import SourceRef
from cloterres.run import RunRequest, StudyRecord, run_coding, store_unit
from cloterres.store import RoundSummary, SourceInput, Study, UnitInput
from cloterres.store.machine import file_sha256
from cloterres.store.reliability import Reliability

OUTPUT_FORMATS = tuple(INTERVIEWS.sinks)
TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".ods", ".xls")
PROJECT_SUFFIXES = (".qdpx",)


@dataclass
class CodeReport:
    output: Path
    interviews: int = 0
    units: int = 0
    coded: int = 0  # units coded (interviewer turns are not, by default)
    with_codes: int = 0  # units with at least one code
    warnings: list[str] = field(default_factory=list)
    correspondence: Path | None = None
    seconds: float = 0.0
    study_round: RoundSummary | None = None
    reliability: Reliability | None = None


@dataclass
class _Document:
    """An interview as read, with the codings people made in another tool (from a .qdpx)."""

    interview: Interview
    codings: list[QdaCoding]


def project_warnings(path: Path, project: QdaProject, *, kept: bool) -> list[str]:
    """What a project holds that is not coded (``kept``: the output keeps it all the same)."""
    fate = "gardé(e)s tel(le)s quel(le)s dans la sortie" if kept else "non repris"
    out = []
    if project.skipped_sources:
        kinds: dict[str, list[str]] = {}
        for kind, name in project.skipped_sources:
            kinds.setdefault(kind, []).append(name)
        listed = " ; ".join(
            f"{len(names)} {kind} ({', '.join(f'« {n} »' for n in names[:3] if n)})"
            for kind, names in kinds.items()
        )
        out.append(f"{path} : sources non textuelles, non codées et {fate} : {listed}")
    for what in ("note(s) ou mémo(s)", "ensemble(s)"):
        if project.counts.get(what):
            out.append(f"{path} : {project.counts[what]} {what} non utilisé(e)s, {fate}")
    if not project.sources:
        out.append(
            f"{path} : aucune source texte à coder ; le projet contient {project.inventory()}"
        )
    return out


def _documents(
    inputs: list[Path], notes: list[str] | None = None, *, kept: bool = False
) -> Iterator[_Document | Segment]:
    """Every interview and every spreadsheet unit of the inputs, in order, read one at a time
    (what a project holds that is not coded goes to ``notes``)."""
    for path in inputs:
        suffix = path.suffix.lower()
        if suffix in TRANSCRIPT_SUFFIXES:
            yield _Document(read_transcript(path), [])
        elif suffix in PROJECT_SUFFIXES:
            project = read_qdpx(path, text_id=transcript_id)
            if notes is not None:
                notes += project_warnings(path, project, kept=kept)
                if not project.sources and not kept:
                    raise InputError(
                        f"{path} : aucune source texte à coder ; le projet contient "
                        f"{project.inventory()}"
                    )
            by_source: dict[str, list[QdaCoding]] = {}
            for coding in project.codings:
                by_source.setdefault(coding.source_id, []).append(coding)
            for interview in project_interviews(path, project):
                yield _Document(interview, by_source.get(interview.id, []))
        else:
            yield from read_units_table(path)


def map_codings(
    seg: Segment, codings: list[QdaCoding], reached: set[int] | None = None
) -> dict[str, list[str]]:
    """Codes that people gave, in another tool, to a selection covering this unit: a selection
    counts for the unit when it covers at least half of the unit or the unit holds at least half
    of the selection (``reached`` collects the ``id()`` of the codings that count)."""
    out: dict[str, list[str]] = {}
    length = seg.end - seg.start
    for c in codings:
        overlap = min(c.end, seg.end) - max(c.start, seg.start)
        if overlap <= 0 or length <= 0:
            continue
        if overlap * 2 >= length or overlap * 2 >= (c.end - c.start):
            if reached is not None:
                reached.add(id(c))
            codes = out.setdefault(c.coder, [])
            if c.code not in codes:
                codes.append(c.code)
    return out


def unreached_warnings(imported: dict[str, list[QdaCoding]], reached: set[int]) -> list[str]:
    """Codings of a project that count for no unit (on a speaker label, say), counted, with
    the first ones."""
    lost = [(iid, c) for iid, codings in imported.items() for c in codings if id(c) not in reached]
    if not lost:
        return []
    total = sum(len(c) for c in imported.values())
    first = " ; ".join(
        f"« {c.code} » de {c.coder} sur « {iid} » ({c.start}-{c.end})" for iid, c in lost[:5]
    )
    return [
        f"{len(lost)} codage(s) sur {total} du projet n'atteignent aucune unité (sélection trop "
        f"courte ou hors de la parole : étiquette de locuteur, métadonnées) : {first}"
        + (" ; …" if len(lost) > 5 else "")
    ]


def project_interviews(path: Path, project: QdaProject) -> list[Interview]:
    """The sources of a REFI-QDA project as interviews (metadata and speaker turns recognised),
    so that they are segmented exactly like transcripts; codings keep their offsets."""
    interviews = []
    for source in project.sources:
        header, body = transcript_metadata(source.text, f"{path}, {source.name}")
        header.pop("id", None)
        interviews.append(
            interview_from_text(
                source.id,
                source.name,
                source.text,
                # French names (« Type d'acteur ») or ids (``type_acteur``, older projects)
                {**header, **{case_variable(k): v for k, v in source.variables.items()}},
                SourceRef(fichier=str(path), feuille=source.name),
                body,
            )  # fmt: skip
        )
    return interviews


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
                f"transcriptions .txt, .md, .docx ou .vtt, un tableau d'unités .csv, .xlsx, .ods "
                f"ou .xls, ou un "
                f"projet REFI-QDA .qdpx"
            )
        if suffix in TABLE_SUFFIXES:
            check_units_table(path)  # without a text column: refused now, not after the model
        elif suffix == ".docx":
            check_docx(path)  # an unreadable document: refused now, not after the model


class InterviewsJob:
    """Coding interview units in one run (see :func:`cloterres.run.run_coding`)."""

    def __init__(
        self,
        report: CodeReport,
        *,
        unit: str,
        pseudonymise: bool,
        names_file: Path | None,
        places: bool,
        organisations: bool,
        table_path: Path | None,
        code_interviewer: bool,
    ) -> None:
        self.report = report
        self.unit = unit
        self.names_file = names_file
        self.places = places
        self.organisations = organisations
        self.table_path = table_path
        self.code_interviewer = code_interviewer
        # Asking for a correspondence table or a names list means asking for pseudonyms.
        self.pseudonymising = (
            pseudonymise or bool(names_file) or places or organisations or table_path is not None
        )
        self.inputs: list[Path] = []
        self.command = ""
        self.kind = ""
        self.names: list[str] = []
        self.merging = False
        self.table: Path | None = None
        self.table_tmp: Path | None = None
        self.pseudonymiser: Pseudonymiser | None = None
        self.run: RunInfo | None = None
        self.grid: Grid | None = None
        self.imported: dict[str, list[QdaCoding]] = {}  # interview id -> codings from a tool
        self.reached: set[int] = set()  # id() of the imported codings that count for some unit
        self.notes: list[str] = []

    def check(self, request: RunRequest, suffix: str) -> None:
        inputs = request.inputs
        self.inputs, self.command = inputs, request.command
        self.kind = unit_kind(self.unit)
        _check_inputs(inputs)
        projects = [p for p in inputs if p.suffix.lower() in PROJECT_SUFFIXES]
        self.merging = suffix == ".qdpx" and len(projects) == 1 and len(inputs) == 1
        self.projects = projects
        self.suffix = suffix
        self.names = read_name_list(self.names_file) if self.names_file else []
        if self.merging and self.pseudonymising:
            raise InputError(
                f"{inputs[0]} : un projet .qdpx complété en .qdpx garde les textes d'origine, la "
                "pseudonymisation n'y est pas possible ; écrivez une sortie .jsonl, .csv ou "
                ".xlsx, ou pseudonymisez les transcriptions avant de les importer dans votre "
                "logiciel"
            )

    def prepare(self, request: RunRequest, grid: Grid, grid_file: Path) -> None:
        inputs, output, report = request.inputs, request.output, self.report
        self.grid = grid
        if self.pseudonymising:
            table = self.table_path or output.with_name(f"{output.stem}-correspondances.csv")
            if table.resolve() == output.resolve():
                raise InputError(
                    f"{table} : la table de correspondance doit être un autre fichier que la sortie"
                )
            prepare_output(table, overwrite=request.overwrite, inputs=inputs)
            self.table = report.correspondence = table
        if self.suffix == ".qdpx" and self.projects and not self.merging:
            report.warnings.append(
                "seules les transcriptions sont reprises dans la sortie .qdpx, pas les codes, "
                "utilisateurs ni codages des projets donnés ; pour les garder, donnez un seul "
                "projet .qdpx à la fois (cloterres coder projet.qdpx --sortie projet-code.qdpx)"
            )
        if self.pseudonymising:  # a first pass learns every name: pseudonyms hold corpus-wide
            self.pseudonymiser = Pseudonymiser(
                names=self.names, places=self.places, organisations=self.organisations
            )
            seen: set[str] = set()
            for item in _documents(inputs):
                if isinstance(item, Segment):
                    self.pseudonymiser.learn_unit(item)
                else:
                    _check_unique(item.interview, seen)
                    self.pseudonymiser.learn(item.interview)
            self.command = self.pseudonymiser.rewrite(self.command)[0]  # file names
            request.command = self.command
        self.run = run_info(
            grid_file, self.command, unit=self.kind, pseudonymised=self.pseudonymising
        )

    def open_sink(self, factory: SinkFactory, path: Path, grid: Grid) -> Sink:
        if self.merging:
            return MergeSink(path, grid, self.inputs[0], self.notes)
        return factory(path, grid)

    def units(self, sink: Sink) -> Iterator[Segment]:
        report, pseudonymiser = self.report, self.pseudonymiser
        interviews = cast(UnitSink, sink)
        seen: set[str] = set()
        for item in _documents(self.inputs, report.warnings, kept=self.merging):
            if isinstance(item, Segment):
                yield pseudonymiser.apply_unit(item) if pseudonymiser else item
                continue
            interview, codings = item.interview, item.codings
            _check_unique(interview, seen)
            if pseudonymiser is not None:
                interview, move = pseudonymiser.apply_with_map(interview)
                codings = [replace(c, start=move(c.start), end=move(c.end)) for c in codings]
            self.imported[interview.id] = codings
            where = interview.source.fichier
            if interview.source.feuille:
                where += f", {interview.source.feuille}"
            report.warnings += [f"{where} : {w}" for w in interview.warnings]
            report.interviews += 1
            interviews.begin_interview(interview)
            yield from segment(interview, self.kind)

    def task(self, sink: Sink, keep_result: bool) -> Callable[[Coder, Any], Any]:
        return _code_unit_all if self.code_interviewer else _code_unit

    def accept(self, sink: Sink, unit: Any, out: Any, record: StudyRecord | None) -> int:
        seg: Segment = unit
        result: CodingResult | None = out
        report = self.report
        coded = CodedUnit(
            seg, result, map_codings(seg, self.imported.get(seg.interview, []), self.reached)
        )
        sink.add(coded, None)
        report.units += 1
        report.coded += result is not None
        report.with_codes += bool(coded.codes())
        if record is not None and result is not None:
            assert self.grid is not None
            store_unit(record, self.grid, _unit_input(seg), result, derived=False)
        return 1

    def finish(self, sink: Sink, grid_file: Path) -> None:
        report = self.report
        if not report.units and not self.merging:
            raise InputError(
                "aucune unité à coder dans les fichiers donnés ; vérifiez leur contenu"
            )
        report.warnings += unreached_warnings(self.imported, self.reached)
        assert self.run is not None
        sink.close(Ending(warnings=report.warnings, run_info=self.run))
        report.warnings += self.notes

    def stage_extras(self, staging: Staging) -> None:
        # All or nothing: the data and the correspondence table are written to hidden
        # temporaries and renamed together, the table first, so that a crash between the two
        # never loses it.
        if self.table is not None:
            self.table_tmp = staging.path(self.table)

    def write_extras(self) -> None:
        if self.table_tmp is not None and self.pseudonymiser is not None:
            write_correspondence(self.table_tmp, self.pseudonymiser)

    def sources(self) -> list[SourceInput]:
        pseudonymiser = self.pseudonymiser

        def shown(path: Path) -> str:  # file names often carry the interviewee's name
            return pseudonymiser.rewrite(str(path))[0] if pseudonymiser else str(path)

        return [
            SourceInput(path=shown(p), kind=_source_kind(p), sha256=file_sha256(p))
            for p in self.inputs
        ]


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
    study: Study | None = None,
    reliability_coder: str | None = None,
) -> CodeReport:
    """Read, (pseudonymise,) segment, code and write; the output appears only when complete.

    ``study``: also record the sources, grid, coded units (pseudonymised text if asked) and
    labels there as a new machine round, and score the machine against people's reviews of
    these units (see :func:`cloterres.plans.categorize.categorize`).
    """
    report = CodeReport(output=output)
    job = InterviewsJob(
        report, unit=unit, pseudonymise=pseudonymise, names_file=names_file, places=places,
        organisations=organisations, table_path=table_path, code_interviewer=code_interviewer,
    )  # fmt: skip
    request = RunRequest(
        inputs=inputs, output=output, grid_path=grid_path, overwrite=overwrite,
        progress=progress, command=command, workers=workers, study=study,
        reliability_coder=reliability_coder,
    )  # fmt: skip
    outcome = run_coding(INTERVIEWS, job, request)
    report.study_round = outcome.study_round
    report.reliability = outcome.reliability
    report.seconds = outcome.seconds
    return report


def _source_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TRANSCRIPT_SUFFIXES:
        return "transcript"
    return "projet" if suffix in PROJECT_SUFFIXES else "table"


def _unit_input(seg: Segment) -> UnitInput:
    fields = {
        "entretien": seg.interview, "locuteur": seg.speaker, "tour": seg.turn,
        "debut": seg.start, "fin": seg.end, "ligne_debut": seg.line_start,
        "ligne_fin": seg.line_end, "variables": dict(seg.variables),
    }  # fmt: skip
    return UnitInput(key=seg.id, text=seg.text, fields=fields, source=seg.source.fichier)


def write_correspondence(path: Path, pseudonymiser: Pseudonymiser) -> None:
    """The correspondence table (pseudonym -> name), a CSV of its own, never in the data."""
    with (
        atomic_path(path, private=True) as tmp,
        tmp.open("w", encoding="utf-8-sig", newline="") as fh,
    ):  # readable by its owner only: it holds every real name
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["type", "pseudonyme", "nom", "autres formes remplacées", "occurrences"])
        writer.writerows([csv_safe(v) for v in row] for row in pseudonymiser.table())


def _check_unique(interview: Interview, seen: set[str]) -> None:
    if interview.id in seen:
        raise InputError(
            f"{interview.source.fichier} : identifiant d'entretien « {interview.id} » déjà "
            f"utilisé par une autre transcription ; donnez un « id » différent à chaque "
            f"transcription"
        )
    seen.add(interview.id)
