"""The library function behind ``cloterres synthese``: read, summarise, write the workbook and
the coordinators' reports."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from cloterres import __version__
from cloterres.errors import InputError
from cloterres.grid import Grid, default_grid_path, grid_hash, load_grid
from cloterres.io.files import atomic_path, prepare_output
from cloterres.nlp import fold
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
from cloterres.synthesis.report import ReportSubject, slug, write_index, write_report
from cloterres.synthesis.workbook import write_workbook

ALL_INTERVIEWS = "Entretiens"


@dataclass
class SynthesisReport:
    output: Path | None
    report_dir: Path | None
    contracts: list[str] = field(default_factory=list)
    measures: int = 0
    interviews: int = 0
    units: int = 0
    sheets: list[str] = field(default_factory=list)
    reports: list[Path] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Grids:
    measures: tuple[Path, Grid] | None = None
    interviews: tuple[Path, Grid] | None = None


def default_interview_grid_path() -> Path:
    return default_grid_path().parent / "entretiens-cls.yaml"


def choose_grids(data: SynthesisData, grid_paths: list[Path]) -> Grids:
    """Each grid given goes to the kind of data it fits; a kind without one gets its default."""
    if len(grid_paths) > 2:
        raise InputError(
            "--grille : donnez au plus deux grilles (une pour les mesures, une pour les entretiens)"
        )
    grids = Grids()
    for path in grid_paths:
        grid = load_grid(path)
        if data.measures and grids.measures is None and measures_fit(grid, data.measures):
            grids.measures = (path, grid)
        elif data.units and grids.interviews is None and units_fit(grid, data.units):
            grids.interviews = (path, grid)
        else:
            raise InputError(
                f"{path} : cette grille ne correspond ni aux dimensions des mesures ni aux thèmes "
                f"des codes d'entretien lus ; donnez la grille qui a servi à catégoriser ou à coder"
            )
    if data.measures and grids.measures is None:
        path = default_grid_path()
        grids.measures = (path, load_grid(path))
        if not measures_fit(grids.measures[1], data.measures):
            raise InputError(
                f"{data.measures[0].source} : les dimensions de ces mesures ne sont pas celles de "
                f"la grille livrée {grids.measures[1].id} ; donnez avec --grille la grille qui a "
                f"servi à catégoriser"
            )
    if data.units and grids.interviews is None:
        path = default_interview_grid_path()
        grids.interviews = (path, load_grid(path))
        if not units_fit(grids.interviews[1], data.units) and any(u.codes for u in data.units):
            raise InputError(
                f"{data.units[0].source} : les thèmes de ces codes ne sont pas ceux de la grille "
                f"livrée {grids.interviews[1].id} ; donnez avec --grille la grille qui a servi à coder"
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


def _publish(tmp: Path, folder: Path) -> None:
    """Move the reports built in ``tmp`` into ``folder`` (created, or files replaced)."""
    if not folder.exists():
        os.replace(tmp, folder)
        return
    for path in sorted(tmp.rglob("*")):
        target = folder / path.relative_to(tmp)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            os.replace(path, target)
    shutil.rmtree(tmp, ignore_errors=True)


def _about(data: SynthesisData, grids: Grids, command: str) -> tuple[list[tuple[str, object]], str]:
    date = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    rows: list[tuple[str, object]] = [
        ("Outil", f"cloterres {__version__}"),
        ("Date de création", date),
        ("Commande", command),
    ]
    for name, kind, count in data.files:
        what = "mesures catégorisées" if kind == "mesures" else "unités d'entretien codées"
        rows.append(("Fichier lu", f"{name} — {count} {what}"))
    for title, chosen in (("mesures", grids.measures), ("entretiens", grids.interviews)):
        if chosen is None:
            continue
        path, grid = chosen
        rows.append((f"Grille des {title}", f"{grid.nom} ({grid.id}, version {grid.version})"))
        rows.append((f"Fichier de la grille des {title}", str(path)))
        rows.append((f"Empreinte SHA-256 de la grille des {title}", grid_hash(path)))
    if grids.measures is not None:
        grid = grids.measures[1]
        rows.append(
            ("Parts", "Les parts (%) portent sur les actions catégorisées, c'est-à-dire ayant un "
                      "intitulé ou une description ; une action peut avoir plusieurs catégories "
                      "d'une même dimension.")
        )  # fmt: skip
        for der in grid.derives:
            definition = " ".join(der.definition.split())
            if der.type == "partition":
                groups = " ; ".join(f"{g} = {', '.join(c)}" for g, c in der.groupes.items())
                definition += f" Groupes de la dimension « {der.dimension} » : {groups}."
            if der.type != "termes":
                definition += " Recalculé à partir des catégories (corrections comprises)."
            rows.append((der.label, definition))
    footer = (
        f"Synthèse produite par cloterres {__version__} le {date[:10]} à partir de : "
        + ", ".join(Path(name).name for name, _, _ in data.files)
        + ". Les parts portent sur les actions catégorisées."
    )
    return rows, footer


def synthesize(
    inputs: list[Path],
    output: Path | None,
    *,
    report_dir: Path | None = None,
    grid_paths: list[Path] | None = None,
    overwrite: bool = False,
    command: str = "",
) -> SynthesisReport:
    """Summarise categorised measures and coded interviews into ``output`` (.xlsx) and/or one
    HTML report per contract in ``report_dir``. Nothing is written on bad input."""
    started = time.perf_counter()
    if output is None and report_dir is None:
        raise InputError("rien à écrire : donnez --sortie FICHIER.xlsx et/ou --rapport DOSSIER")
    if output is not None and output.suffix.lower() != ".xlsx":
        raise InputError(
            f"{output} : la synthèse s'écrit dans un classeur .xlsx ; changez l'extension"
        )
    if not inputs:
        raise InputError(
            "aucun fichier d'entrée : donnez les sorties .jsonl ou .csv de cloterres categoriser "
            "et/ou cloterres coder"
        )
    data = read_inputs(inputs)
    grids = choose_grids(data, list(grid_paths or []))
    measures: list[MeasureRecord] = []
    profiles: list[ContractProfile] = []
    if grids.measures is not None:
        grid = grids.measures[1]
        measures = resolve_measures(grid, data.measures)
        check_measures(grid, measures)
        profiles = contract_profiles(grid, measures)
    interviews: InterviewSummary | None = None
    if grids.interviews is not None:
        check_units(grids.interviews[1], data.units)
        interviews = summarize_interviews(grids.interviews[1], data.units)

    if output is not None:
        prepare_output(output, overwrite=overwrite, inputs=inputs)
    if report_dir is not None:
        _prepare_report_dir(report_dir, overwrite)
    about, footer = _about(data, grids, command)
    report = SynthesisReport(
        output=output,
        report_dir=report_dir,
        contracts=[p.contrat for p in profiles[:-1]],
        measures=len(measures),
        interviews=interviews.interviews if interviews else 0,
        units=interviews.units if interviews else 0,
    )
    if output is not None:
        with atomic_path(output) as tmp:
            report.sheets = write_workbook(tmp, profiles, interviews, about)
    if report_dir is not None:
        subjects = report_subjects(
            profiles, data.units, grids.interviews[1] if grids.interviews else None
        )
        report_dir.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir = Path(tempfile.mkdtemp(prefix=f".{report_dir.name}.", dir=report_dir.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_dir, 0o777 & ~umask)  # mkdtemp makes it private; reports are shared
        try:
            taken: set[str] = {"index"}
            entries: list[tuple[str, str]] = []
            for subject in subjects:
                name = slug(subject.name, taken)
                write_report(tmp_dir, name, subject, footer)
                entries.append((subject.name, f"{name}.html"))
            write_index(tmp_dir, entries, footer)
            _publish(tmp_dir, report_dir)
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
        report.reports = [report_dir / file for _, file in entries]
    report.seconds = time.perf_counter() - started
    return report
