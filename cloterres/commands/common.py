"""Pieces shared by every command module: French help, consoles, progress, common options.

A command module (``cloterres/commands/<name>.py``) defines its functions with these and exposes
``register(app)``; ``cloterres/cli.py`` calls it.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

T = TypeVar("T")

_HELP_FR = (
    ("Usage:", "Utilisation :"),
    ("Show this message and exit.", "Affiche cette aide et quitte."),
    ("Options:", "Options :"),
    ("Commands:", "Commandes :"),
    ("Arguments:", "Arguments :"),
    ("[required]", "[obligatoire]"),
    ("[default: ", "[défaut : "),
    (" <list[Path]>", ""),
    ("{ENTREE}...", "ENTREE..."),
    (" <file>", ""),
    (" <path>", ""),
    (" <text>", ""),
    ("COMMAND [ARGS]...", "COMMANDE [ARGS]..."),
)


def _french_help(text: str) -> str:
    for en, fr in _HELP_FR:
        text = text.replace(en, fr)
    return text


class FrenchCommand(TyperCommand):
    def get_help(self, ctx) -> str:  # noqa: ANN001
        return _french_help(super().get_help(ctx))


class FrenchGroup(TyperGroup):
    def get_help(self, ctx) -> str:  # noqa: ANN001
        return _french_help(super().get_help(ctx))


err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


def with_progress(label: str, quiet: bool, run: Callable[[Callable[[int], None] | None], T]) -> T:
    """Run a long job with a progress line on a terminal (none when quiet or redirected)."""
    if quiet or not err.is_terminal:
        return run(None)
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn(label), TimeElapsedColumn(), console=err, transient=True
    ) as bar:
        task = bar.add_task("travail", total=None)
        return run(lambda n: bar.update(task, completed=n) if n % 200 == 0 else None)


EcraserOpt = Annotated[
    bool,
    typer.Option(
        "--ecraser", "--overwrite", help="Remplacer les fichiers de sortie s'ils existent."
    ),
]
SilencieuxOpt = Annotated[
    bool, typer.Option("--silencieux", "--quiet", "-q", help="N'afficher que les erreurs.")
]


def command_line() -> str:
    return "cloterres " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def add_command(target: typer.Typer, name: str, alias: str, fn: Callable[..., object]) -> None:
    """Register ``fn`` under its French name, and its English alias hidden from the help."""
    target.command(name, cls=FrenchCommand)(fn)
    target.command(alias, hidden=True, cls=FrenchCommand)(fn)


def sub_app(help_text: str) -> typer.Typer:
    """A command group (``cloterres revue ...``) with French help, like the main app."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
        rich_markup_mode=None,
        cls=FrenchGroup,
    )


# Backwards-compatible private names used inside cli.py
_FrenchCommand = FrenchCommand
_FrenchGroup = FrenchGroup
