"""What the summaries are computed from: categorised measures and coded interview units.

These are plain records, whatever they were read from (a ``categoriser`` or ``coder`` output, a
study store), so the summary functions never care about files.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from cloterres.engine.grid import Grid
from cloterres.errors import InputError

UNKNOWN_CONTRACT = "Contrat non renseigné"
UNKNOWN_VALUE = "non renseigné"


class MeasureRecord(BaseModel):
    """One categorised measure: its contract and its category ids per dimension."""

    model_config = ConfigDict(frozen=True)

    id: str
    contrat: str = UNKNOWN_CONTRACT
    labels: dict[str, list[str]] = Field(default_factory=dict)
    # derived attributes as written by the tool that categorised the measure; only those that
    # need the text (type ``termes``, e.g. supra_communal) are used, the others are recomputed
    # from the labels (which may have been corrected since)
    derives: dict[str, str | bool | None] = Field(default_factory=dict)
    sans_texte: bool = False
    source: str = ""  # "file, line N": where to look when something is wrong
    # the labels that are not sure, when known: "dim.cat" (or "Dimension › Catégorie", French
    # labels, as the evidence text of a CSV or workbook names them) -> "defaut" (given by
    # default, no clue in the text) or "a_verifier" (confidence under the review threshold);
    # ``resolve_measures`` turns the keys into ids
    flags: dict[str, str] = Field(default_factory=dict)

    @property
    def defauts(self) -> int:
        """Labels the tool gave by default (no clue in the text), when known."""
        return sum(f == "defaut" for f in self.flags.values())


class InterviewUnit(BaseModel):
    """One coded unit of an interview (a sentence, a turn, a paragraph)."""

    model_config = ConfigDict(frozen=True)

    id: str
    entretien: str
    variables: dict[str, str] = Field(default_factory=dict)
    codes: list[str] = Field(default_factory=list)
    coded: bool = True  # False for interviewer turns left uncoded
    source: str = ""
    to_check: list[str] = Field(default_factory=list)  # codes of low confidence (« à vérifier »)


def check_measures(grid: Grid, records: list[MeasureRecord]) -> None:
    """Every category id is one of the grid's (one French line naming the record otherwise)."""
    known = {d.id: {c.id for c in d.categories} for d in grid.dimensions}
    for rec in records:
        for dim_id, cats in rec.labels.items():
            if dim_id not in known:
                continue
            for cat in cats:
                if cat not in known[dim_id]:
                    raise InputError(
                        f"{rec.source or rec.id} : catégorie inconnue « {cat} » dans la dimension "
                        f"« {dim_id} » de la grille {grid.id} ; donnez avec --grille la grille qui a "
                        f"servi à catégoriser"
                    )


def check_units(grid: Grid, units: list[InterviewUnit]) -> None:
    """Every code ``theme.code`` is one of the grid's."""
    known = {f"{d.id}.{c.id}" for d in grid.dimensions for c in d.categories}
    for unit in units:
        for code in unit.codes:
            if code not in known:
                raise InputError(
                    f"{unit.source or unit.id} : code inconnu « {code} » dans la grille {grid.id} ; "
                    f"donnez avec --grille la grille qui a servi à coder"
                )


def measures_fit(grid: Grid, records: list[MeasureRecord]) -> bool:
    """Every dimension of the grid is among the measures' labels (by id, or by French label in
    a study workbook)."""
    keys = {k for r in records for k in r.labels}
    return bool(keys) and all(d.id in keys or d.label in keys for d in grid.dimensions)


def units_fit(grid: Grid, units: list[InterviewUnit]) -> bool:
    """The grid's themes are those of the interview codes."""
    dims = {d.id for d in grid.dimensions}
    themes = {c.split(".", 1)[0] for u in units for c in u.codes if "." in c}
    return bool(themes) and themes <= dims
