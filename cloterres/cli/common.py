"""Pieces every command module uses: French help, command groups, progress, the command line.

A command module (``cloterres/cli/<command>.py``) defines its functions with these, takes its
shared options from :mod:`cloterres.cli.options`, prints through :mod:`cloterres.cli.messages`,
and exposes ``register(app)``; :mod:`cloterres.cli.app` calls it.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from cloterres.cli.messages import err, remark
from cloterres.io.display import display_path
from cloterres.io.files import expand_folders

try:  # typer >= 0.20 ships its own copy of click: its classes are the ones used
    from typer._click import Context, HelpFormatter
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import Context, HelpFormatter  # type: ignore[assignment]

T = TypeVar("T")

# The help as click and typer write it, in French; applied to each term and definition *before*
# the columns are laid out, so that the help stays aligned.
_HEADINGS = {"Usage": "Utilisation", "Options": "Options", "Commands": "Commandes",
             "Arguments": "Arguments"}  # fmt: skip
_DEFINITION_FR = (
    ("Show this message and exit.", "Affiche cette aide et quitte."),
    ("[default: ", "[défaut : "),
    ("; default: ", "; défaut : "),
    ("[required]", "[obligatoire]"),
    ("; required]", "; obligatoire]"),
    ("(dynamic)", "(calculé)"),
)
_TYPE_TAG = re.compile(r" <[^<>\s]+>")  # typer's « <str> », « <int> », « <list[Path]> »
_BRACES = re.compile(r"\{([^{}\s]+)\}")  # typer's « {FICHIER} » for a required argument


def _term_fr(term: str) -> str:
    return _BRACES.sub(r"\1", _TYPE_TAG.sub("", term))


_BEFORE_PUNCTUATION = re.compile(r" (?=[:;?!»])")
NBSP = "\u00a0"  # French punctuation is never wrapped alone at the start of a line


def _unbreakable(text: str) -> str:
    return _BEFORE_PUNCTUATION.sub(NBSP, text).replace("« ", "«" + NBSP)


def _definition_fr(text: str) -> str:
    for en, fr in _DEFINITION_FR:
        text = text.replace(en, fr)
    return _unbreakable(text)


def _usage_fr(args: str) -> str:
    return _term_fr(args).replace("COMMAND [ARGS]", "COMMANDE [ARGS]")


class FrenchFormatter(HelpFormatter):
    """Click's help formatter with French headings, usage and definitions, translated before
    the layout so that every column stays aligned."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _usage_fr(args), "Utilisation : " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)} :\n")

    def write_text(self, text: str) -> None:
        super().write_text(_unbreakable(text))

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        french = [(_term_fr(term), _definition_fr(text)) for term, text in rows]
        super().write_dl(french, col_max, col_spacing)


class FrenchContext(Context):
    formatter_class = FrenchFormatter


# Summaries in a group's list of commands: the whole first sentence, never cut with « ... ».
_SHORT_HELP_LIMIT = 200


class FrenchCommand(TyperCommand):
    """A command whose help is in French."""

    context_class = FrenchContext

    def get_short_help_str(self, limit: int = 45) -> str:
        return super().get_short_help_str(_SHORT_HELP_LIMIT)


class FrenchGroup(TyperGroup):
    """A command group whose help is in French."""

    context_class = FrenchContext

    def get_short_help_str(self, limit: int = 45) -> str:
        return super().get_short_help_str(_SHORT_HELP_LIMIT)


@contextlib.contextmanager
def step(label: str, quiet: bool = False) -> Iterator[None]:
    """A spinner with ``label`` on stderr while a step that may take more than a second runs
    (on a terminal only, and not when quiet); it disappears when the step ends."""
    if quiet or not err.is_terminal:
        yield
        return
    with err.status(label, spinner="dots"):
        yield


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
    """The command as the user typed it, recorded in the outputs; an absolute path under the
    working folder is shown relative to it (the command still runs from that folder)."""
    return "cloterres " + " ".join(shlex.quote(_shown_arg(a)) for a in sys.argv[1:])


def _shown_arg(arg: str) -> str:
    if arg.startswith("/"):
        return display_path(arg)
    name, sep, value = arg.partition("=")
    if sep and name.startswith("--") and value.startswith("/"):
        return f"{name}={display_path(value)}"
    return arg


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
