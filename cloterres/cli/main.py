"""The console entry point and the CLI's one error boundary.

User errors (:class:`~cloterres.errors.InputError`, a missing language model, an OS error, a
usage error translated to French, an option that takes one value given twice) print one French
line on stderr and exit with code 2, never a traceback; an unexpected exception prints one line
and exits with code 1 (``CLOTERRES_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any

import typer

from cloterres.cli.app import app
from cloterres.cli.messages import err, error, show_warning
from cloterres.engine.nlp import ModelMissingError
from cloterres.errors import InputError
from cloterres.io.files import os_error_fr, visible_name

try:  # typer >= 0.20 ships its own copy of click: its exceptions are the ones raised
    from typer._click import exceptions as click_exceptions
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click_exceptions  # type: ignore[no-redef]
from typer import exceptions as typer_exceptions

# typer >= 0.20 raises its own Exit/Abort (its vendored click has none); older typer, click's.
_EXIT = tuple({getattr(click_exceptions, "Exit", typer_exceptions.Exit), typer_exceptions.Exit})
_ABORT = tuple({getattr(click_exceptions, "Abort", typer_exceptions.Abort), typer_exceptions.Abort})


def _param_hint(exc: click_exceptions.BadParameter) -> str:
    param = exc.param
    if param is None:
        return str(exc.param_hint or "")
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    if getattr(param, "param_type_name", "") == "option" and opts:
        return " / ".join(opts)
    return str(getattr(param, "metavar", None) or getattr(param, "name", "") or "").upper()


def _close_options(name: str, possibilities: Sequence[str]) -> list[str]:
    """The options worth suggesting for a mistyped one: click's candidates (difflib, cutoff
    0.6) are too loose (``--verbose`` would suggest ``--overwrite`` and ``--ecraser``)."""
    from difflib import SequenceMatcher

    return sorted(p for p in possibilities if SequenceMatcher(None, name, p).ratio() >= 0.75)


def _usage_error_fr(exc: click_exceptions.UsageError) -> str:
    if isinstance(exc, click_exceptions.MissingParameter):
        hint = _param_hint(exc)
        kind = "option" if getattr(exc.param, "param_type_name", "") == "option" else "argument"
        if kind == "option":
            return f"option obligatoire manquante : {hint}"
        return f"argument obligatoire manquant : {hint}"
    if isinstance(exc, click_exceptions.NoSuchOption):
        text = f"option inconnue : {exc.option_name}"
        close = _close_options(exc.option_name, exc.possibilities or [])
        if close:
            text += f" (vouliez-vous dire {', '.join(close)} ?)"
        return text
    if isinstance(exc, click_exceptions.BadParameter):
        hint = _param_hint(exc)
        return f"valeur invalide pour {hint} : {exc.message}"
    message = exc.message
    if message.startswith("No such command") and "'" in message:
        return f"commande inconnue : {message.split(chr(39), 2)[1]}"
    if message.startswith("Got unexpected extra argument"):
        return "argument en trop : " + message.split("(", 1)[-1].rstrip(")")
    return message


def _repeated_option(command: Any, args: list[str]) -> str | None:
    """The first option that takes one value and is given more than once (``--sortie a
    --sortie b`` would silently keep ``b``), or None. Duck-typed: typer may bring its own
    copy of click."""
    current = command
    for arg in args:  # follow the subcommands named on the line
        commands = getattr(current, "commands", None)
        if not arg.startswith("-") and isinstance(commands, dict) and arg in commands:
            current = commands[arg]
    for param in getattr(current, "params", []):
        if getattr(param, "param_type_name", "") != "option":
            continue
        if param.multiple or getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        names = [*param.opts, *param.secondary_opts]
        longs = [f"{n}=" for n in names if n.startswith("--")]
        given = [a for a in args if a in names or a.startswith(tuple(longs) or ("\0",))]
        if len(given) > 1:
            return str(param.opts[0])
    return None


def _silence_libraries() -> None:
    """Under ``-q``, only errors: no library warning (matplotlib's fonts and layout, openpyxl,
    numpy) reaches the terminal."""
    import logging

    warnings.simplefilter("ignore")
    os.environ["PYTHONWARNINGS"] = "ignore"  # worker processes too
    for name in ("matplotlib", "PIL", "fontTools", "pdfminer", "openpyxl"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _quiet_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An OS error while a half-written file is closed during garbage collection (a full
    disk: zipfile's ``ZipFile.__del__``) was already reported in French: say nothing more."""
    if isinstance(unraisable.exc_value, OSError):
        return
    sys.__unraisablehook__(unraisable)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: runs the app and turns user errors into one line and exit code 2."""
    sys.unraisablehook = _quiet_unraisable
    warnings.showwarning = show_warning
    command = typer.main.get_command(app)
    args = list(sys.argv[1:] if argv is None else argv)
    if {"-q", "--silencieux", "--quiet"} & set(args):
        _silence_libraries()
    repeated = _repeated_option(command, args[: args.index("--")] if "--" in args else args)
    if repeated is not None:
        error(
            f"l'option {repeated} est donnée plusieurs fois alors qu'elle n'attend qu'une "
            f"valeur ; gardez-en une seule (aide : cloterres --help)"
        )
        sys.exit(2)
    try:
        # Not standalone: click returns the code of a typer.Exit instead of exiting.
        result = command.main(args=args, prog_name="cloterres", standalone_mode=False)
    except (InputError, ModelMissingError) as exc:
        error(exc)
        sys.exit(2)
    except click_exceptions.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx is not None else "cloterres"
        error(f"{_usage_error_fr(exc)} (aide : {path} --help)")
        sys.exit(2)
    except _EXIT as exc:
        sys.exit(exc.exit_code)
    except (*_ABORT, KeyboardInterrupt):
        err.print("Interrompu : aucun fichier de sortie n'a été écrit.", markup=False)
        sys.exit(130)
    except OSError as exc:
        where = f"{visible_name(exc.filename)} : " if exc.filename else ""
        error(f"{where}{os_error_fr(exc)}")
        sys.exit(2)
    except Exception as exc:  # a bug: one line, details on demand
        if os.environ.get("CLOTERRES_DEBUG"):
            raise
        err.print(
            f"Erreur interne inattendue ({type(exc).__name__} : {exc}) ; relancez avec "
            f"CLOTERRES_DEBUG=1 pour le détail et signalez-la",
            markup=False,
        )
        sys.exit(1)
    if isinstance(result, int) and not isinstance(result, bool) and result:
        if result == 130:  # Ctrl-C, turned into Exit(130) by click
            err.print("Interrompu : aucun fichier de sortie n'a été écrit.", markup=False)
        sys.exit(result)
