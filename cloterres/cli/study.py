"""The study as the commands see it: open it, the optional study of ``categoriser`` and
``coder --etude``, and what such a run recorded."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cloterres.cli.messages import out
from cloterres.errors import InputError

if TYPE_CHECKING:
    from cloterres.store import Study


def open_etude(etude: str, *, create: bool) -> Study:
    """The study named by ``--etude`` (a SQLite file or a SQLAlchemy URL)."""
    from cloterres.store import open_study

    return open_study(etude, create=create)


@contextlib.contextmanager
def optional_study(
    etude: str | None, codeur: str | None, outputs: Iterable[Path | None] = ()
) -> Iterator[Study | None]:
    """The study of ``categoriser`` / ``coder --etude`` (created on first use), or None.
    ``outputs``: files the run writes; the study may not be one of them."""
    if etude is None:
        if codeur is not None:
            raise InputError("--codeur demande aussi --etude (l'étude où sont les revues)")
        yield None
        return
    if "://" not in etude:
        study_path = Path(etude).expanduser().resolve()
        for output in outputs:
            if output is not None and output.expanduser().resolve() == study_path:
                raise InputError(
                    f"{etude} : l'étude (--etude) et le fichier de sortie (--sortie) sont le même "
                    f"fichier ; donnez-leur des noms différents"
                )
    with open_etude(etude, create=True) as study:
        yield study


def print_study_outcome(report: object, silencieux: bool) -> None:
    """What ``categoriser`` / ``coder --etude`` recorded, and the machine's reliability."""
    from cloterres.store.reliability import reliability_lines

    summary = getattr(report, "study_round", None)
    rel = getattr(report, "reliability", None)
    if summary is not None and not silencieux:
        out.print(
            f"Étude : manche {summary.number} enregistrée ({summary.labels} étiquette(s) nouvelles "
            f"ou modifiées sur {summary.units} unité(s))",
            markup=False,
        )
    if rel is not None:
        for line in reliability_lines(rel):
            out.print(line, markup=False)
