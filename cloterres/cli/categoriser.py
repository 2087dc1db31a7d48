"""``cloterres categoriser`` (alias ``categorize``): categorise the measures of action plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloterres.cli.common import add_command, command_line, input_files, with_progress
from cloterres.cli.messages import out, warn_all
from cloterres.cli.options import (
    CodeurFiabiliteOpt,
    EcraserOpt,
    EtudeFacultativeOpt,
    GrilleOpt,
    SilencieuxOpt,
)
from cloterres.cli.study import optional_study, print_study_outcome

SortieOpt = Annotated[
    Path,
    typer.Option(
        "--sortie",
        "--out",
        "-o",
        help="Fichier à écrire : .xlsx (classeur d'étude), .csv ou .jsonl.",
        dir_okay=False,
        metavar="FICHIER",
    ),
]


def categoriser(
    entrees: Annotated[
        list[Path],
        typer.Argument(
            help="Plans d'action : documents .docx, .pdf, .txt, .md, ou tableaux .csv / .xlsx / .ods / .xls (une ligne par mesure).",
            metavar="ENTREE",
        ),
    ],
    sortie: SortieOpt,
    grille: GrilleOpt = None,
    etude: EtudeFacultativeOpt = None,
    codeur: CodeurFiabiliteOpt = None,
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Catégoriser chaque mesure avec la grille CLoterreS et écrire le résultat."""
    from cloterres.io.tables import TABLE_SUFFIXES
    from cloterres.plans import DOCUMENT_SUFFIXES
    from cloterres.plans.categorize import categorize

    entrees = input_files(
        entrees, TABLE_SUFFIXES + DOCUMENT_SUFFIXES, "plan ou tableau de mesures", silencieux
    )
    command = command_line()
    with optional_study(etude, codeur, [sortie]) as study:
        report = with_progress(
            "Catégorisation : {task.completed} mesures",
            silencieux,
            lambda progress: categorize(
                entrees, sortie, grid_path=grille, overwrite=ecraser, command=command,
                progress=progress, study=study, reliability_coder=codeur,
            ),
        )  # fmt: skip
    warn_all(report.warnings, count_rest=True)
    if not silencieux:
        from cloterres.plans.report import report_lines

        for line in report_lines(report.imports):
            out.print(line, markup=False)
        rate = report.measures / report.seconds if report.seconds else 0.0
        speed = f", {rate:.0f} mesures/s" if report.measures >= 1000 else ""
        out.print(
            f"{report.measures} mesures catégorisées ({len(report.per_file)} fichier(s), "
            f"{report.without_text} sans texte) en {report.seconds:.1f} s{speed}",
            markup=False,
        )
        out.print(f"Résultat écrit dans : {report.output}", markup=False)
    print_study_outcome(report, silencieux)


def register(app: typer.Typer) -> None:
    add_command(app, "categoriser", "categorize", categoriser)
