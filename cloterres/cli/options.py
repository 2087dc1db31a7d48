"""Options shared by several commands, as annotated types (``ecraser: EcraserOpt = False``).

An option used by one command only stays in that command's module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EcraserOpt = Annotated[
    bool,
    typer.Option(
        "--ecraser", "--overwrite", help="Remplacer les fichiers de sortie s'ils existent."
    ),
]
SilencieuxOpt = Annotated[
    bool, typer.Option("--silencieux", "--quiet", "-q", help="N'afficher que les erreurs.")
]

# The measures grid (categoriser, grille tester).
GrilleOpt = Annotated[
    Path | None,
    typer.Option(
        "--grille",
        "--grid",
        help="Fichier de grille YAML (défaut : grids/cloterres-mesures.yaml).",
        dir_okay=False,
        metavar="FICHIER",
    ),
]

# --- the study (revue; categoriser and coder with --etude) ----------------------------------

DEFAULT_STUDY = "etude-cloterres.sqlite"

EtudeOpt = Annotated[
    str,
    typer.Option(
        "--etude", "--study",
        help="Étude : fichier SQLite (créé au premier usage) ou URL SQLAlchemy (postgresql://...).",
        metavar="ETUDE",
    ),
]  # fmt: skip
EtudeFacultativeOpt = Annotated[
    str | None,
    typer.Option(
        "--etude", "--study",
        help="Enregistrer aussi sources, grille, unités et étiquettes dans cette étude (fichier "
        "SQLite créé au premier usage, ou URL SQLAlchemy) ; mesure la fiabilité de l'outil quand "
        "des personnes ont revu ces unités.",
        metavar="ETUDE",
    ),
]  # fmt: skip
CodeurFiabiliteOpt = Annotated[
    str | None,
    typer.Option(
        "--codeur", "--coder",
        help="Avec --etude : mesurer la fiabilité contre ce codeur seulement (défaut : la revue "
        "humaine la plus récente de chaque unité, tous codeurs).",
        metavar="NOM",
    ),
]  # fmt: skip
CodeurOpt = Annotated[
    str, typer.Option("--codeur", "--coder", help="Nom du codeur qui revoit.", metavar="NOM")
]
