"""What the CLI prints besides results: the two consoles, and the one way warnings, remarks and
errors reach the user.

Every user warning goes through :func:`warn`, whatever it comes from: the warnings a library run
collects in its report (``Warning_`` of the plans, strings of the interviews and the network, a
QDA project's notes), the problems ``grille valider`` finds in a grid's examples, and the
:class:`~cloterres.errors.InputWarning` raised with :func:`warnings.warn` while reading a file
(:func:`show_warning` is installed as :data:`warnings.showwarning` by ``main``). A warning is
anything whose ``str()`` is the French sentence to show; it is printed on stderr as one
« Attention : ... » line.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console

from cloterres.errors import InputWarning

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

MAX_WARNINGS = 20  # a run with more warnings shows the first ones only


def warn(warning: object) -> None:
    """One user warning as one French line on stderr: ``Attention : <warning>``."""
    err.print(f"Attention : {warning}", markup=False)


def warn_all(
    report_warnings: Sequence[object], *, count_rest: bool = False, rest_hint: str = ""
) -> None:
    """The first :data:`MAX_WARNINGS` warnings of a run; with ``count_rest``, one more line
    counting those not shown (``rest_hint`` says where to find them)."""
    for warning in report_warnings[:MAX_WARNINGS]:
        warn(warning)
    hidden = len(report_warnings) - MAX_WARNINGS
    if count_rest and hidden > 0:
        warn(f"{hidden} autre(s) avertissement(s) non affiché(s){rest_hint}")


def remark(note: object) -> None:
    """A remark about the inputs that is not a problem: ``Remarque : <note>`` on stderr."""
    err.print(f"Remarque : {note}", markup=False)


def error(message: object) -> None:
    """One French error line on stderr: ``Erreur : <message>`` (the caller chooses the exit)."""
    err.print(f"Erreur : {message}", markup=False)


_default_showwarning = warnings.showwarning


def show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """:data:`warnings.showwarning` under the CLI: a repair of the input (:class:`InputWarning`)
    is a user warning (:func:`warn`); any other warning is shown the default way."""
    if issubclass(category, InputWarning):
        warn(message)
        return
    _default_showwarning(message, category, filename, lineno, file, line)
