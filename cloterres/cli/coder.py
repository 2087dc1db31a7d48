"""``cloterres coder`` (alias ``code``): code interviews with the interview grid."""

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
    SilencieuxOpt,
)
from cloterres.cli.study import optional_study, print_study_outcome

CoderSortieOpt = Annotated[
    Path,
    typer.Option(
        "--sortie", "--out", "-o",
        help="Fichier à écrire : .xlsx (classeur d'étude), .csv, .jsonl ou .qdpx (projet REFI-QDA).",
        dir_okay=False, metavar="FICHIER",
    ),
]  # fmt: skip
CoderGrilleOpt = Annotated[
    Path | None,
    typer.Option(
        "--grille", "--grid", help="Fichier de grille YAML (défaut : grids/entretiens-cls.yaml).",
        dir_okay=False, metavar="FICHIER",
    ),
]  # fmt: skip


def coder(
    entrees: Annotated[
        list[Path],
        typer.Argument(
            help="Transcriptions .txt, .md, .docx ou .vtt (Zoom, Teams), ou tableaux d'unités .csv / .xlsx / .ods / .xls (id, texte).",
            metavar="ENTREE",
        ),
    ],
    sortie: CoderSortieOpt,
    grille: CoderGrilleOpt = None,
    unite: Annotated[
        str,
        typer.Option(
            "--unite",
            "--unit",
            help="Unité de codage : phrase, tour, paragraphe ou ligne.",
            metavar="UNITE",
        ),
    ] = "phrase",
    pseudonymiser: Annotated[
        bool,
        typer.Option(
            "--pseudonymiser",
            "--pseudonymise",
            help="Remplacer les noms de personnes par des pseudonymes stables.",
        ),
    ] = False,
    noms: Annotated[
        Path | None,
        typer.Option(
            "--noms",
            "--names",
            help="Liste de noms à pseudonymiser (un par ligne), en plus de ceux repérés.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    lieux: Annotated[
        bool,
        typer.Option("--lieux", "--places", help="Pseudonymiser aussi les lieux ([Commune N])."),
    ] = False,
    organisations: Annotated[
        bool,
        typer.Option(
            "--organisations", "--organizations", help="Pseudonymiser aussi les organisations."
        ),
    ] = False,
    table: Annotated[
        Path | None,
        typer.Option(
            "--table-correspondance",
            "--mapping",
            help="Où écrire la table des pseudonymes (défaut : <sortie>-correspondances.csv), à conserver à part.",
            dir_okay=False,
            metavar="FICHIER",
        ),
    ] = None,
    coder_enqueteur: Annotated[
        bool,
        typer.Option(
            "--coder-enqueteur", "--code-interviewer", help="Coder aussi les tours de l'enquêteur."
        ),
    ] = False,
    etude: EtudeFacultativeOpt = None,
    codeur: CodeurFiabiliteOpt = None,
    ecraser: EcraserOpt = False,
    silencieux: SilencieuxOpt = False,
) -> None:
    """Coder des entretiens avec la grille d'analyse (implication, gouvernance, rôles, bénéfices, coûts...)."""
    from cloterres.interviews.coding import (
        PROJECT_SUFFIXES,
        TABLE_SUFFIXES,
        TRANSCRIPT_SUFFIXES,
        code_interviews,
    )

    suffixes = TRANSCRIPT_SUFFIXES + TABLE_SUFFIXES + PROJECT_SUFFIXES
    entrees = input_files(entrees, suffixes, "entretien ou tableau d'unités", silencieux)

    command = command_line()
    with optional_study(etude, codeur, [sortie, table]) as study:
        report = with_progress(
            "Codage : {task.completed} unités",
            silencieux,
            lambda progress: code_interviews(
                entrees, sortie, grid_path=grille, unit=unite, overwrite=ecraser,
                pseudonymise=pseudonymiser, names_file=noms, places=lieux,
                organisations=organisations, table_path=table, code_interviewer=coder_enqueteur,
                command=command, reliability_coder=codeur, progress=progress, study=study,
            ),
        )  # fmt: skip
    warn_all(report.warnings)
    if not silencieux:
        out.print(
            f"{report.interviews} entretien(s), {report.units} unités "
            f"({report.coded} hors enquêteur, {report.with_codes} avec au moins un code), "
            f"en {report.seconds:.1f} s",
            markup=False,
        )
        out.print(f"Résultat écrit dans : {report.output}", markup=False)
        if report.correspondence:
            out.print(
                f"Table des pseudonymes (à conserver à part, hors des fichiers partagés) : "
                f"{report.correspondence}",
                markup=False,
            )
    print_study_outcome(report, silencieux)


def register(app: typer.Typer) -> None:
    add_command(app, "coder", "code", coder)
