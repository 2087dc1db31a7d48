"""How the workbooks and reports show a date and a path to the person who reads them: a French
local date (« 7 décembre 2026 à 23:58 ») and a path relative to the working folder. Machine files
(JSONL, the study store, REFI-QDA) keep ISO dates."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def local_now() -> dt.datetime:
    """Now, in the machine's local time zone (aware)."""
    return dt.datetime.now().astimezone()


def french_date(moment: dt.datetime | str | None = None, *, time: bool = True) -> str:
    """``moment`` (default: now) as a French local date: « 7 décembre 2026 à 23:58 » (« 1er »
    for the first of the month). A naive datetime is taken as UTC (the study store's times), an
    aware one is converted to the local time zone; an ISO text is parsed first (returned as it
    is when it is not one)."""
    if moment is None:
        moment = local_now()
    elif isinstance(moment, str):
        text = moment
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone()
    day = "1er" if moment.day == 1 else str(moment.day)
    text = f"{day} {MONTHS[moment.month - 1]} {moment.year}"
    return f"{text} à {moment:%H:%M}" if time else text


def display_path(path: str | os.PathLike[str], base: Path | None = None) -> str:
    """``path`` relative to the working folder (or ``base``) when it lies under it, absolute
    otherwise; a text that is not a file path (« (aucun) ») is returned unchanged."""
    text = os.fspath(path)
    if not text or text.startswith("("):
        return text
    root = Path(os.path.abspath(base or Path.cwd()))
    absolute = Path(os.path.abspath(root / text))
    for candidate, under in ((absolute, root), (_resolved(absolute), _resolved(root))):
        try:
            return candidate.relative_to(under).as_posix() or "."
        except ValueError:
            continue
    return str(absolute)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path
