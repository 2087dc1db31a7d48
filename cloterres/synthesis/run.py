"""The library function behind ``cloterres synthese``: read, summarise, write the workbook and
the coordinators' reports."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cloterres import __version__
from cloterres.engine.grid import Grid, grid_hash, load_grid
from cloterres.engine.grid_display import reliability_note
from cloterres.engine.learned.layer import layer_for
from cloterres.engine.nlp import fold
from cloterres.errors import InputError
from cloterres.frontends import INTERVIEWS, MEASURES, front_end
from cloterres.io.display import display_path, french_date
from cloterres.io.files import os_error_fr, prepare_output, remove_stale_dirs, staged
from cloterres.synthesis.interviews import TERRITORY, InterviewSummary, summarize_interviews
from cloterres.synthesis.profiles import ContractProfile, contract_profiles
from cloterres.synthesis.readers import SynthesisData, read_inputs, resolve_measures
from cloterres.synthesis.records import (
    InterviewUnit,
    MeasureRecord,
    check_measures,
    check_units,
    measures_fit,
    units_fit,
)
from cloterres.synthesis.report import (
    ReportSubject,
    attribute_interviews,
    slug,
    write_index,
    write_report,
)
from cloterres.synthesis.study_labels import StudyLabels, read_study
from cloterres.synthesis.workbook import COUNTING_NOTE, write_workbook

ALL_INTERVIEWS = "Entretiens"


@dataclass
class SynthesisReport:
    output: Path | None
    report_dir: Path | None
    contracts: list[str] = field(default_factory=list)
    measures: int = 0
    interviews: int = 0
    units: int = 0
    study: StudyLabels | None = None  # what was read from --etude
    sheets: list[str] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class ChosenGrid:
    where: str  # the grid file, or the study that recorded it
    grid: Grid
    sha: str


@dataclass
class Grids:
    measures: ChosenGrid | None = None
    interviews: ChosenGrid | None = None


def _file_grid(path: Path) -> ChosenGrid:
    return ChosenGrid(display_path(path), load_grid(path), grid_hash(path))


def choose_grids(
    data: SynthesisData, grid_paths: list[Path], defaults: dict[str, ChosenGrid] | None = None
) -> Grids:
    """Each grid given goes to the kind of data it fits; a kind without one gets its default
    (``defaults``, e.g. the grids recorded in a study, else the shipped grids)."""
    defaults = defaults or {}
    if len(grid_paths) > 2:
        raise InputError(
            "--grille : donnez au plus deux grilles (une pour les mesures, une pour les entretiens)"
        )
    grids = Grids()
    for path in grid_paths:
        chosen = _file_grid(path)
        if data.measures and grids.measures is None and measures_fit(chosen.grid, data.measures):
            grids.measures = chosen
        elif data.units and grids.interviews is None and units_fit(chosen.grid, data.units):
            grids.interviews = chosen
        else:
            raise InputError(
                f"{path} : cette grille ne correspond ni aux dimensions des mesures ni aux thèmes "
                f"des codes d'entretien lus ; donnez la grille qui a servi à catégoriser ou à coder"
            )
    if data.measures and grids.measures is None:
        grids.measures = defaults.get(MEASURES.kind) or _file_grid(MEASURES.default_grid_path())
        if not measures_fit(grids.measures.grid, data.measures):
            raise InputError(
                f"{data.measures[0].source} : les dimensions de ces mesures ne sont pas celles de "
                f"la grille {grids.measures.grid.id} ; donnez avec --grille la grille qui a "
                f"servi à catégoriser"
            )
    if data.units and grids.interviews is None:
        grids.interviews = defaults.get(INTERVIEWS.kind) or _file_grid(
            INTERVIEWS.default_grid_path()
        )
        if not units_fit(grids.interviews.grid, data.units) and any(u.codes for u in data.units):
            raise InputError(
                f"{data.units[0].source} : les thèmes de ces codes ne sont pas ceux de la grille "
                f"{grids.interviews.grid.id} ; donnez avec --grille la grille qui a servi à coder"
            )
    return grids


def _by_territory(units: list[InterviewUnit]) -> dict[str, list[InterviewUnit]]:
    out: dict[str, list[InterviewUnit]] = {}
    for u in units:
        out.setdefault(u.variables.get(TERRITORY) or ALL_INTERVIEWS, []).append(u)
    return out


def report_subjects(
    profiles: list[ContractProfile],
    units: list[InterviewUnit],
    interview_grid: Grid | None,
) -> list[ReportSubject]:
    """One report per contract; the interviews of a territory named like the contract join it.
    Without measures, one report per interviewed territory."""
    territories = _by_territory(units) if interview_grid is not None else {}
    by_key = {fold(name).strip(): name for name in territories}
    subjects: list[ReportSubject] = []
    contracts = profiles[:-1]  # the last profile is the whole set
    for profile in contracts:
        match = by_key.get(fold(profile.contrat).strip())
        summary: InterviewSummary | None = None
        if match is not None and interview_grid is not None:
            summary = summarize_interviews(interview_grid, territories[match])
        subjects.append(ReportSubject(name=profile.contrat, profile=profile, interviews=summary))
    if not contracts and interview_grid is not None:
        for name, territory_units in territories.items():
            subjects.append(
                ReportSubject(
                    name=name, interviews=summarize_interviews(interview_grid, territory_units)
                )
            )
    return subjects


def _prepare_report_dir(folder: Path, overwrite: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} : existe et n'est pas un dossier ; donnez un nom de dossier")
    if folder.is_dir() and any(folder.iterdir()) and not overwrite:
        raise InputError(
            f"{folder} : le dossier existe et n'est pas vide ; choisissez un autre dossier ou "
            f"ajoutez --ecraser pour remplacer les rapports qu'il contient"
        )


def _move(source: Path, target: Path) -> None:
    """Rename ``source`` onto ``target``; across file systems (a USB key, a network share),
    copy it next to ``target`` first, then rename it there."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        staging = target.with_name(f".{target.name}.{os.getpid()}.copie.tmp")
        try:
            shutil.copyfile(source, staging)
            os.replace(staging, target)
        except BaseException:
            with contextlib.suppress(OSError):
                staging.unlink()
            raise
        source.unlink()


def _publish(tmp: Path, folder: Path) -> None:
    """Move the reports built in ``tmp`` into ``folder`` (created, or files replaced)."""
    if not folder.exists():
        try:
            os.replace(tmp, folder)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            folder.mkdir()
    for path in sorted(tmp.rglob("*")):
        target = folder / path.relative_to(tmp)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            _move(path, target)
    shutil.rmtree(tmp, ignore_errors=True)


def _report_workspace(report_dir: Path) -> Path:
    """A hidden folder to build the reports in, on the file system of ``report_dir``:
    ``.<name>.rap.<pid>.<random>`` beside it, or inside it when it is a mount point (a USB
    key given as the report folder). The next run removes it if this one is killed."""
    parent = report_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_dirs(report_dir)
    inside = report_dir.is_dir() and os.stat(report_dir).st_dev != os.stat(parent).st_dev
    where = report_dir if inside else parent
    if inside:
        remove_stale_dirs(report_dir / report_dir.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{report_dir.name}.rap.{os.getpid()}.", dir=where))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; reports are shared
    return tmp


def _study_rows(study: StudyLabels) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [
        ("Étude lue", display_path(study.name)),
        ("Règle des étiquettes", study.rule()),
    ]
    for kind, what in (
        (MEASURES.kind, MEASURES.nouns.units),
        (INTERVIEWS.kind, INTERVIEWS.nouns.coded),
    ):
        counts = study.counts.get(kind)
        if counts is not None:
            rows.append(
                (f"{what[0].upper()}{what[1:]} de l'étude",
                 f"{counts.units} {what}, dont {counts.reviewed} avec des étiquettes revues par "
                 f"une personne (au moins une dimension)")
            )  # fmt: skip
    rows.append(("Codeurs dont les revues sont retenues", ", ".join(study.coders) or "aucun"))
    if study.without_text_derived:
        rows.append(
            ("Supra-communal", f"non enregistré dans l'étude pour {study.without_text_derived} "
                              f"mesure(s) (catégorisées par une version plus ancienne de "
                              f"cloterres) : comptées comme non supra-communales ; relancez "
                              f"cloterres categoriser --etude pour l'enregistrer")
        )  # fmt: skip
    return rows


def _about(
    data: SynthesisData, grids: Grids, command: str, study: StudyLabels | None = None
) -> tuple[list[tuple[str, object]], str]:
    date = french_date()
    rows: list[tuple[str, object]] = [
        ("Outil", f"cloterres {__version__}"),
        ("Date de création", date),
        ("Commande", command),
    ]
    for name, kind, count in data.files:
        what = front_end(kind).nouns.coded
        rows.append(("Fichier lu", f"{display_path(name)} — {count} {what}"))
    if study is not None:
        rows.extend(_study_rows(study))
    for title, chosen in ((MEASURES.kind, grids.measures), (INTERVIEWS.kind, grids.interviews)):
        if chosen is None:
            continue
        grid = chosen.grid
        rows.append((f"Grille des {title}", f"{grid.nom} ({grid.id}, version {grid.version})"))
        rows.append((f"Fichier de la grille des {title}", chosen.where))
        rows.append((f"Empreinte SHA-256 de la grille des {title}", chosen.sha))
    if grids.measures is not None:
        grid = grids.measures.grid
        rows.append(
            ("Parts", "Les parts (%) portent sur les actions catégorisées, c'est-à-dire ayant un "
                      "intitulé ou une description ; une action peut avoir plusieurs catégories "
                      "d'une même dimension.")
        )  # fmt: skip
        rows.append(("Comptage", COUNTING_NOTE))
        layer = layer_for(grid.id)
        if layer is not None and layer.measured:
            rows.append(("Fiabilité attendue", reliability_note(layer)))
        for der in grid.derives:
            definition = " ".join(der.definition.split())
            if der.type == "partition":
                groups = " ; ".join(f"{g} = {', '.join(c)}" for g, c in der.groupes.items())
                definition += f" Groupes de la dimension « {der.dimension} » : {groups}."
            if der.type != "termes":
                definition += " Recalculé à partir des catégories (corrections comprises)."
            rows.append((der.label, definition))
    sources = [Path(name).name for name, _, _ in data.files]
    if study is not None:
        sources.insert(0, f"étude {Path(study.name).name}")
    footer = (
        f"Synthèse produite par cloterres {__version__} le {date} à partir de : "
        + ", ".join(sources)
        + ". Les parts portent sur les actions catégorisées."
    )
    return rows, footer


def _check_overlap(study: StudyLabels, data: SynthesisData) -> None:
    """A measure or an interview unit both in the study and in an input file would count twice."""
    in_study = {(m.contrat, m.id) for m in study.measures}
    for m in data.measures:
        if (m.contrat, m.id) in in_study:
            raise InputError(
                f"{m.source} : la mesure « {m.id} » ({m.contrat}) est aussi dans l'étude "
                f"{study.name} ; elle serait comptée deux fois : retirez ce fichier ou l'étude"
            )
    units = {u.id for u in study.units}
    for u in data.units:
        if u.id in units:
            raise InputError(
                f"{u.source} : l'unité « {u.id} » est aussi dans l'étude {study.name} ; elle "
                f"serait comptée deux fois : retirez ce fichier ou l'étude"
            )


def synthesize(
    inputs: list[Path],
    output: Path | None,
    *,
    report_dir: Path | None = None,
    grid_paths: list[Path] | None = None,
    overwrite: bool = False,
    command: str = "",
    study: str | Path | None = None,
    study_coder: str | None = None,
) -> SynthesisReport:
    """Summarise categorised measures and coded interviews into ``output`` (.xlsx) and/or one
    HTML report per contract in ``report_dir``. Nothing is written on bad input.

    ``study``: also read the measures and interview units of a study store, with their current
    labels (the latest human review of each unit and dimension, only ``study_coder``'s when
    given, else the machine's; see :mod:`cloterres.synthesis.study_labels`)."""
    started = time.perf_counter()
    _check_arguments(inputs, output, report_dir, study, study_coder)
    data = read_inputs(inputs)
    from_study: StudyLabels | None = None
    defaults: dict[str, ChosenGrid] = {}
    if study is not None:
        from_study = read_study(study, study_coder)
        _check_overlap(from_study, data)
        data.measures = [*from_study.measures, *data.measures]
        data.units = [*from_study.units, *data.units]
        defaults = {
            kind: ChosenGrid(f"{display_path(study)} (grille enregistrée dans l'étude)", grid, sha)
            for kind, (grid, sha) in from_study.grids.items()
        }
    grids = choose_grids(data, list(grid_paths or []), defaults)
    measures: list[MeasureRecord] = []
    profiles: list[ContractProfile] = []
    if grids.measures is not None:
        grid = grids.measures.grid
        measures = resolve_measures(grid, data.measures)
        check_measures(grid, measures)
        profiles = contract_profiles(grid, measures)
    interviews: InterviewSummary | None = None
    if grids.interviews is not None:
        check_units(grids.interviews.grid, data.units)
        interviews = summarize_interviews(grids.interviews.grid, data.units)

    if output is not None:
        read = [*inputs, *([Path(study)] if study is not None and "://" not in str(study) else [])]
        prepare_output(output, overwrite=overwrite, inputs=read)
    if report_dir is not None:
        _prepare_report_dir(report_dir, overwrite)
    about, footer = _about(data, grids, command, from_study)
    report = SynthesisReport(
        output=output,
        report_dir=report_dir,
        contracts=[p.contrat for p in profiles[:-1]],
        measures=len(measures),
        interviews=interviews.interviews if interviews else 0,
        units=interviews.units if interviews else 0,
        study=from_study,
    )
    # All or nothing: the workbook and the reports are written to hidden temporaries first;
    # they are put in place only when both are complete.
    with staged() as staging:
        if output is not None:
            report.sheets = write_workbook(staging.path(output), profiles, interviews, about)
        if report_dir is not None:
            subjects = report_subjects(
                profiles, data.units, grids.interviews.grid if grids.interviews else None
            )
            report.reports = _write_reports(report_dir, subjects, footer, data, profiles)
    report.seconds = time.perf_counter() - started
    return report


def _check_arguments(
    inputs: list[Path],
    output: Path | None,
    report_dir: Path | None,
    study: str | Path | None,
    study_coder: str | None,
) -> None:
    """Something to read and something to write, in the right formats."""
    if output is None and report_dir is None:
        raise InputError("rien à écrire : donnez --sortie FICHIER.xlsx et/ou --rapport DOSSIER")
    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError(
            f"{output} : la synthèse s'écrit dans un classeur .xlsx ; changez l'extension"
        )
    if study_coder is not None and study is None:
        raise InputError("--codeur ne s'emploie qu'avec --etude (l'étude où sont les revues)")
    if not inputs and study is None:
        raise InputError(
            "aucun fichier d'entrée : donnez les sorties .jsonl ou .csv de cloterres categoriser "
            "et/ou cloterres coder, ou une étude avec --etude"
        )


def _write_reports(
    report_dir: Path,
    subjects: list[ReportSubject],
    footer: str,
    data: SynthesisData,
    profiles: list[ContractProfile],
) -> list[Path]:
    """One HTML report per subject and their index, written in a hidden folder then put in
    place as ``report_dir``; the paths of the reports."""
    try:
        tmp_dir = _report_workspace(report_dir)
    except OSError as exc:
        raise InputError(f"{report_dir} : écriture impossible : {os_error_fr(exc)}") from None
    try:
        taken: set[str] = {"index"}
        entries: list[tuple[ReportSubject, str]] = []
        shown = attribute_interviews(subjects, data.units, data.files, ALL_INTERVIEWS)
        for subject in subjects:
            name = slug(subject.name, taken)
            write_report(tmp_dir, name, subject, footer, shown)
            entries.append((subject, f"{name}.html"))
        write_index(tmp_dir, entries, footer, shown, overall=profiles[-1] if profiles else None)
        _publish(tmp_dir, report_dir)
    except OSError as exc:  # the folder the user gave, never the hidden one
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise InputError(f"{report_dir} : écriture impossible : {os_error_fr(exc)}") from None
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    return [report_dir / file for _, file in entries]
