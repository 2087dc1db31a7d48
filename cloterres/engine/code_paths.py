"""Which grid code a code of another tool stands for (REFI-QDA code paths, by id or name)."""

from __future__ import annotations

import re

from cloterres.engine.grid import Grid
from cloterres.engine.nlp import fold

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def map_code_path(path: str, grid: Grid) -> str | None:
    """The grid code (``theme.code``) a project's code path stands for, or None.

    Paths are ids (``gouvernance.pilotage``, projects written by cloterres) or names built by
    :func:`cloterres.io.qdpx.read_qdpx` (``Gouvernance.Pilotage du CLS``); ids and labels are
    compared case- and accent-insensitively, first on the whole path, then on its last two
    levels, then on the code alone when no other theme has a code of that name."""
    full: dict[str, str] = {}
    alone: dict[str, set[str]] = {}
    for d in grid.dimensions:
        for c in d.categories:
            code = f"{d.id}.{c.id}"
            for theme in (d.id, d.label):
                for name in (c.id, c.label):
                    full.setdefault(f"{_key(theme)}.{_key(name)}", code)
            for name in (c.id, c.label):
                alone.setdefault(_key(name), set()).add(code)
    parts = [_key(p) for p in path.split(".")]
    candidates = [".".join(parts), ".".join(parts[-2:])] if len(parts) >= 2 else []
    for candidate in candidates:
        if candidate in full:
            return full[candidate]
    matches = alone.get(parts[-1], set())
    return next(iter(matches)) if len(matches) == 1 else None
