"""The registry of front ends: one line per kind of unit.

Review, agreement, synthesis and the study ask a kind's :class:`~cloterres.engine.frontend.
FrontEnd` here instead of branching on its name. A new front end (meeting minutes, say) is one
package that builds its descriptor, plus one line in ``FRONT_ENDS``.
"""

from __future__ import annotations

from cloterres.engine.frontend import FrontEnd
from cloterres.errors import InputError
from cloterres.interviews.frontend import INTERVIEWS
from cloterres.plans.frontend import MEASURES

FRONT_ENDS: dict[str, FrontEnd] = {front.kind: front for front in (MEASURES, INTERVIEWS)}


def front_end(kind: str) -> FrontEnd:
    """The front end of a kind of unit (InputError if there is none)."""
    try:
        return FRONT_ENDS[kind]
    except KeyError:
        known = ", ".join(f"« {k} »" for k in FRONT_ENDS)
        raise InputError(f"type d'unités « {kind} » inconnu ; types connus : {known}") from None


def kinds() -> list[str]:
    """The kinds of units the tool knows, in registry order."""
    return list(FRONT_ENDS)


def kind_of_row(row: dict[str, object]) -> str | None:
    """The kind of a JSONL row written by a front end (by the key of its labels), or None."""
    for front in FRONT_ENDS.values():
        if front.labels_key in row:
            return front.kind
    return None
