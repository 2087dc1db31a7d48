"""Pieces every command module uses: French help, command groups, progress, the command line.

A command module (``cloterres/cli/<command>.py``) defines its functions with these, takes its
shared options from :mod:`cloterres.cli.options`, prints through :mod:`cloterres.cli.messages`,
and exposes ``register(app)``; :mod:`cloterres.cli.app` calls it.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from cloterres.cli.messages import err, remark
from cloterres.io.files import expand_folders

if TYPE_CHECKING:  # typer >= 0.20 ships its own copy of click
    from typer._click import Context

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
    """A command whose help is in French."""

    def get_help(self, ctx: Context) -> str:
        return _french_help(super().get_help(ctx))


class FrenchGroup(TyperGroup):
    """A command group whose help is in French."""

    def get_help(self, ctx: Context) -> str:
        return _french_help(super().get_help(ctx))


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


MAX_SKIPPED_NAMES = 8  # a folder's skipped files named in the remark line, then a count


def input_files(
    paths: list[Path],
    suffixes: tuple[str, ...],
    what: str,
    quiet: bool = False,
    exclude: tuple[Path, ...] = (),
) -> list[Path]:
    """The command's inputs with every folder replaced by the files of ``suffixes`` it holds
    (sorted); one remark line per folder names what was skipped (unless ``quiet``)."""
    expanded = expand_folders(paths, suffixes, what, exclude)
    if not quiet:
        for folder, names in expanded.skipped.items():
            shown = ", ".join(names[:MAX_SKIPPED_NAMES])
            more = len(names) - MAX_SKIPPED_NAMES
            if more > 0:
                shown += f" et {more} autre(s)"
            remark(f"{folder} : ignoré(s), pas un {what} : {shown}")
    return expanded.files


def command_line() -> str:
    """The command as the user typed it, recorded in the outputs."""
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


def add_group(app: typer.Typer, name: str, alias: str, group: typer.Typer) -> None:
    """Register a command group under its French name and its hidden English alias."""
    app.add_typer(group, name=name)
    app.add_typer(group, name=alias, hidden=True)
