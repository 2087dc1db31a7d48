"""``cloterres extraire`` / ``extract``: the measures of action plans, structured, not categorised."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloterres.cli.common import add_command, input_files, with_progress
from cloterres.cli.messages import out, warn_all
from cloterres.cli.options import EcraserOpt, SilencieuxOpt


def extraire(
    entrees: Annotated[
        list[Path],
        typer.Argument(
            help="Plans d'action : documents .docx, .pdf, .txt, .md (ou tableaux .csv / .xlsx).",
            metavar="ENTREE",
        ),
    ],
    sortie: Annotated[
        Path,
        typer.Option(
            "--sortie",
            "--out",
            "-o",
            help="Fichier à écrire : .xlsx (feuilles Mesures et Import), .csv ou .jsonl.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ],
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Extraire les mesures (fiches actions) des plans d'action, sans les catégoriser : vérifiez et
    corrigez le fichier obtenu, puis donnez-le à « cloterres categoriser »."""
    from cloterres.io.tables import TABLE_SUFFIXES
    from cloterres.plans import DOCUMENT_SUFFIXES
    from cloterres.plans.extract import extract
    from cloterres.plans.report import report_lines

    entrees = input_files(
        entrees, DOCUMENT_SUFFIXES + TABLE_SUFFIXES, "plan ou tableau de mesures", silencieux
    )

    report = with_progress(
        "Extraction : {task.completed} mesures",
        silencieux,
        lambda progress: extract(entrees, sortie, overwrite=ecraser, progress=progress),
    )
    warn_all(report.warnings)
    if not silencieux:
        for line in report_lines(report.imports):
            out.print(line, markup=False)
        out.print(
            f"{report.measures} mesures extraites ({len(report.imports)} fichier(s)) en "
            f"{report.seconds:.1f} s",
            markup=False,
        )
        out.print(f"Résultat écrit dans : {report.output}", markup=False)


def register(app: typer.Typer) -> None:
    add_command(app, "extraire", "extract", extraire)
