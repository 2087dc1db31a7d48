"""One coder's labels on a set of units: the common currency of review, agreement and scoring.

Every source of labels (a ``categoriser`` or ``coder`` output, a review workbook, a REFI-QDA
project, a coder recorded in a study) is read into a :class:`CoderLabels`, so that agreement and
precision/recall never care where the labels came from.

Measures: one dimension per grid dimension (``champ``, ``niveau``...), categories are category
ids. Interviews: one dimension per theme (``gouvernance``...), categories are full code ids
(``gouvernance.pilotage``).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

#: A kind of unit: the name of a front end (a key of :data:`cloterres.frontends.FRONT_ENDS`).
Kind = str


class UnitLabels(BaseModel):
    """What one coder said of one unit. A dimension absent from ``labels`` was not coded."""

    text: str | None = None
    labels: dict[str, list[str]] = Field(default_factory=dict)


class CoderLabels(BaseModel):
    """All the labels of one coder (a person, or the engine), by unit id."""

    coder: str
    kind: Kind
    units: dict[str, UnitLabels] = Field(default_factory=dict)

    def dimensions(self) -> list[str]:
        seen: dict[str, None] = {}
        for unit in self.units.values():
            for dim in unit.labels:
                seen.setdefault(dim, None)
        return list(seen)


def codes_to_dimensions(codes: list[str]) -> dict[str, list[str]]:
    """Interview codes ``theme.code`` grouped by theme (the theme is the dimension)."""
    out: dict[str, list[str]] = {}
    for code in codes:
        theme = code.split(".", 1)[0]
        out.setdefault(theme, []).append(code)
    return out
