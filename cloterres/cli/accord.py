"""``cloterres accord`` (alias ``agreement``): agreement between two or more coders."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cloterres.agreement.stats import DEFAULT_SEED, Estimate
from cloterres.cli.common import add_command, command_line, input_files, with_progress
from cloterres.cli.messages import out, remark
from cloterres.cli.options import EcraserOpt, SilencieuxOpt
from cloterres.engine.labels import Kind
from cloterres.errors import InputError

if TYPE_CHECKING:
    from cloterres.agreement.compare import AgreementReport

WORST = 10
_HEADERS = {
    "percent_agreement": "Accord observé",
    "cohen_kappa": "κ Cohen",
    "fleiss_kappa": "κ Fleiss",
    "krippendorff_alpha": "α Krippendorff",
    "gwet_ac1": "AC1 Gwet",
}


def _number(x: float | None, digits: int = 3) -> str:
    return "" if x is None else f"{x:.{digits}f}".replace(".", ",")


def _percent(x: float | None) -> str:
    return "" if x is None else f"{100 * x:.1f} %".replace(".", ",")


def _print_table(table: Table) -> None:
    """On a terminal, at its width; redirected, wide enough for the tables not to wrap."""
    if out.is_terminal:
        out.print(table)
    else:
        Console(file=out.file, width=max(out.width, 160), highlight=False).print(table)


def _with_ci(est: Estimate, percent: bool = False) -> str:
    show = _percent if percent else _number
    if est.value is None:
        return "—"
    if est.ci_low is None or est.ci_high is None:
        return show(est.value)
    return f"{show(est.value)} [{show(est.ci_low)} ; {show(est.ci_high)}]"


def print_report(report: AgreementReport) -> None:
    """The readable summary on the terminal: coders, one line per dimension, worst categories."""
    out.print("Codeurs comparés :", markup=False)
    for source in report.inputs:
        out.print(
            f"  {source.coder} — {source.path} : {source.units} unités, dont {source.shared} "
            f"codées aussi par un autre codeur",
            markup=False,
        )
    ci = f"IC 95 % bootstrap, {report.n_boot} tirages" if report.n_boot else "sans IC"
    rows = report.rows
    dimension_rows = [r for r in rows if r.category is None]
    shown = ["percent_agreement"] + [
        name
        for name in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1")
        if any(r.agreement.value(name) is not None for r in dimension_rows)
    ]
    table = Table(title=f"Accord par dimension ({ci})", title_justify="left")
    table.add_column("Dimension", ratio=1, min_width=12)
    table.add_column("Unités", justify="right")
    for name in shown:
        table.add_column(_HEADERS[name])
    table.add_column("α des catégories : médian (min – max)")
    sets = False
    for row in dimension_rows:
        alphas = [
            r.agreement.value("krippendorff_alpha")
            for r in rows
            if r.dimension == row.dimension and r.category is not None
        ]
        defined = [a for a in alphas if a is not None]
        s = row.agreement.stats
        nominal = row.note.startswith("une catégorie")
        sets = sets or not nominal
        cells = [row.dimension_label, str(row.agreement.n_units)]
        for name in shown:
            text = _with_ci(s[name], percent=name == "percent_agreement")
            cells.append(text + (" *" if name == "percent_agreement" and not nominal else ""))
        cells.append(
            f"{_number(statistics.median(defined))} ({_number(min(defined))} – "
            f"{_number(max(defined))})"
            if defined
            else "—"
        )
        table.add_row(*cells)
    if sets:
        table.caption = (
            "* plusieurs catégories par unité : accord sur l'ensemble exact des catégories ; "
            "coefficients par catégorie (classeur de sortie)"
        )
        table.caption_justify = "left"
    _print_table(table)
    ranked = [
        r
        for r in rows
        if r.category is not None and r.agreement.value("krippendorff_alpha") is not None
    ]
    ranked.sort(key=lambda r: r.agreement.value("krippendorff_alpha") or 0.0)  # never None here
    if ranked:
        worst = Table(
            title=f"Les {min(WORST, len(ranked))} catégories les moins concordantes",
            title_justify="left",
            caption="Appliquée : nombre d'unités, par codeur (" + " / ".join(report.coders) + ")",
            caption_justify="left",
        )
        worst.add_column("Dimension", ratio=1, min_width=10)
        worst.add_column("Catégorie", ratio=2, min_width=12)
        for header in ("Unités", "Accord observé", "α Krippendorff", "AC1 Gwet", "Appliquée"):
            worst.add_column(header)
        for r in ranked[:WORST]:
            s = r.agreement.stats
            worst.add_row(
                r.dimension_label,
                r.category_label or "",
                str(r.agreement.n_units),
                _percent(s["percent_agreement"].value),
                _with_ci(s["krippendorff_alpha"]),
                _with_ci(s["gwet_ac1"]),
                " / ".join(str(n) for n in r.applied.values()),
            )
        _print_table(worst)
    undefined = sum(
        1
        for r in rows
        if r.category is not None and r.agreement.value("krippendorff_alpha") is None
    )
    if undefined:
        out.print(
            f"{undefined} catégorie(s) sans α défini (appliquée(s) par aucun codeur, ou partout) : "
            f"voir la colonne Remarque de la sortie.",
            markup=False,
        )
    out.print(
        f"{len(report.comparison.disagreements)} désaccord(s) (unité × dimension).", markup=False
    )


def _kind(value: str | None) -> Kind | None:
    if value is None:
        return None
    from cloterres.frontends import FRONT_ENDS  # here: it loads the engine (spaCy)

    if value not in FRONT_ENDS:
        raise InputError(f"--type : « {value} » inconnu ; donnez {' ou '.join(FRONT_ENDS)}")
    return value


def accord(
    entrees: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Étiquettes de chaque codeur : sorties .jsonl / .csv de categoriser ou coder, "
            "étiquettes de référence .jsonl, projets REFI-QDA .qdpx (un codeur par utilisateur).",
            metavar="ENTREE",
        ),
    ] = None,
    sortie: Annotated[
        Path | None,
        typer.Option(
            "--sortie",
            "--out",
            "-o",
            help="Fichier à écrire : .xlsx (classeur), .csv (plus <nom>-desaccords.csv) ou .jsonl.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,  # fmt: skip
    grille: Annotated[
        Path | None,
        typer.Option(
            "--grille",
            "--grid",
            help="Grille YAML (défaut : celle des mesures ou des entretiens, selon les entrées).",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,  # fmt: skip
    codeur: Annotated[
        list[str] | None,
        typer.Option(
            "--codeur",
            "--coder",
            help="Nom du codeur de chaque fichier .jsonl / .csv, répété dans l'ordre des "
            "entrées (défaut : le nom du fichier sans extension).",
            metavar="NOM",
        ),
    ] = None,  # fmt: skip
    unite: Annotated[
        str,
        typer.Option(
            "--unite",
            "--unit",
            help="Découpage des projets .qdpx en unités, comme cloterres coder : phrase, tour, "
            "paragraphe ou ligne.",
            metavar="UNITE",
        ),
    ] = "phrase",  # fmt: skip
    etude: Annotated[
        str | None,
        typer.Option(
            "--etude",
            "--study",
            help="Étude dont comparer les codeurs enregistrés (leurs dernières étiquettes, et "
            "celles de l'outil sous le nom cloterres) ; sans fichier, --codeur choisit les codeurs. "
            "Fichier SQLite ou URL (postgresql://...).",
            metavar="ETUDE",
        ),
    ] = None,  # fmt: skip
    type_: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="Avec --etude : comparer les mesures ou les entretiens (si l'étude a les deux).",
            metavar="mesures|entretiens",
        ),
    ] = None,
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap",
            help="Nombre de rééchantillonnages pour les IC à 95 % (0 : aucun).",
            metavar="N",
        ),
    ] = 1000,
    graine: Annotated[
        int,
        typer.Option(
            "--graine",
            "--seed",
            help="Graine du bootstrap (résultats reproductibles).",
            metavar="ENTIER",
        ),
    ] = DEFAULT_SEED,
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Mesurer l'accord entre codeurs : accord observé, kappas de Cohen et de Fleiss, alpha de
    Krippendorff, AC1 de Gwet, par dimension et par catégorie, avec les désaccords."""
    from cloterres.agreement.compare import compare
    from cloterres.agreement.readers import LABEL_SUFFIXES

    entrees = input_files(list(entrees or []), LABEL_SUFFIXES, "fichier d'étiquettes", silencieux)

    command = command_line()
    report = with_progress(
        "Accord entre codeurs : {task.completed} tirages bootstrap",
        silencieux,
        lambda progress: compare(
            list(entrees or []), sortie, grid_path=grille, names=list(codeur or []), unit=unite,
            study=etude, kind=_kind(type_), n_boot=bootstrap, seed=graine, overwrite=ecraser, command=command,
            progress=progress,
        ),
    )  # fmt: skip
    if not silencieux:
        for note in report.notes:
            remark(note)
        print_report(report)
        if report.output is not None:
            out.print(f"Résultat écrit dans : {report.output}", markup=False)
        if report.disagreements_output is not None:
            out.print(f"Désaccords écrits dans : {report.disagreements_output}", markup=False)


def register(app: typer.Typer) -> None:
    add_command(app, "accord", "agreement", accord)
