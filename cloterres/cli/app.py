"""The root ``cloterres`` typer app: its help, ``--version``, and one line per command module.

Each module of :mod:`cloterres.cli` is named after the French command as users type it and
exposes ``register(app)``; a new command is one module plus one line in :data:`COMMANDS`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cloterres import __version__
from cloterres.cli import (
    accord,
    categoriser,
    coder,
    extraire,
    grille,
    reseau,
    revue,
    synthese,
)
from cloterres.cli.common import FrenchGroup
from cloterres.cli.messages import out

# In this order in the help (commands first, then the groups grille and revue).
COMMANDS = (grille, categoriser, coder, extraire, revue, accord, reseau, synthese)

app = typer.Typer(
    name="cloterres",
    help="Catégoriser les mesures des contrats locaux de santé (CLS) et coder les entretiens.",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    cls=FrenchGroup,
)


def _version(value: bool) -> None:
    if value:
        out.print(f"cloterres {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_version,
            is_eager=True,
            help="Affiche la version et quitte.",
        ),
    ] = False,
) -> None:
    """Catégoriser les mesures des contrats locaux de santé (CLS) et coder les entretiens."""


for _module in COMMANDS:
    _module.register(app)
