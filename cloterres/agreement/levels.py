"""From coders' labels to rating matrices: one per category, one per dimension.

- Category level: each coder's present (1) / absent (0) on each unit that coder coded in the
  dimension; a unit the coder did not code is missing, not absent.
- Dimension level: when every coder gives every unit at most one category of the dimension,
  the category itself is a nominal value per unit, "aucune" (no category) being a value of its
  own. Otherwise the dimension's value is the set of its categories: only the percent agreement
  (same set) is computed on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cloterres.agreement.stats import MISSING, Ratings
from cloterres.grid import Grid
from cloterres.labels import CoderLabels

NONE_VALUE = "aucune"


@dataclass
class Item:
    """One line of the agreement table: a dimension (``category`` None) or one category."""

    dimension: str
    category: str | None
    ratings: Ratings
    single: bool = True  # dimension line: at most one category per unit (nominal value)
    used: bool = True  # category line: applied by at least one coder to at least one unit
    always: bool = False  # category line: applied by every coder to every unit they coded
    applied: dict[str, int] = field(default_factory=dict)  # coder -> units with the category


@dataclass
class Disagreement:
    unit: str
    dimension: str
    text: str | None
    labels: dict[str, list[str] | None]  # coder -> categories (None: unit not coded)


@dataclass
class Comparison:
    coders: list[str]
    units: list[str]
    items: list[Item]
    disagreements: list[Disagreement]
    skipped_dimensions: list[str]  # coded by fewer than two coders on any unit


def category_ids(grid: Grid, dim_id: str, kind: str) -> list[str]:
    """Category ids as the labels carry them (``theme.code`` for interviews)."""
    dim = grid.dimension(dim_id)
    if kind == "entretiens":
        return [f"{dim.id}.{c.id}" for c in dim.categories]
    return [c.id for c in dim.categories]


def union_of_units(coders: list[CoderLabels]) -> list[str]:
    seen: dict[str, None] = {}
    for c in coders:
        for uid in c.units:
            seen.setdefault(uid, None)
    return list(seen)


def build_comparison(coders: list[CoderLabels], grid: Grid) -> Comparison:
    """Rating matrices over the union of the coders' units, dimension by dimension."""
    units = union_of_units(coders)
    index = {uid: i for i, uid in enumerate(units)}
    names = [c.coder for c in coders]
    kind = coders[0].kind if coders else "mesures"
    texts: dict[str, str] = {}
    for c in coders:
        for uid, unit in c.units.items():
            if unit.text and uid not in texts:
                texts[uid] = unit.text
    items: list[Item] = []
    disagreements: list[Disagreement] = []
    skipped: list[str] = []
    n_units, n_coders = len(units), len(coders)
    for dim in grid.dimensions:
        sets: list[list[frozenset[str] | None]] = [[None] * n_coders for _ in range(n_units)]
        order: dict[tuple[int, int], list[str]] = {}
        for c, coder in enumerate(coders):
            for uid, unit in coder.units.items():
                if dim.id in unit.labels:
                    u = index[uid]
                    sets[u][c] = frozenset(unit.labels[dim.id])
                    order[(u, c)] = list(unit.labels[dim.id])
        coded = np.array([[s is not None for s in row] for row in sets], dtype=bool).reshape(
            n_units, n_coders
        )
        paired = coded.sum(axis=1) >= 2
        if not paired.any():
            skipped.append(dim.id)
            continue
        categories = category_ids(grid, dim.id, kind)
        single = all(len(s) <= 1 for row in sets for s in row if s is not None)
        matrix = np.full((n_units, n_coders), MISSING, dtype=np.int64)
        if single:
            code = {cat: i for i, cat in enumerate(categories)}
            for u, row in enumerate(sets):
                for c, s in enumerate(row):
                    if s is not None:
                        matrix[u, c] = code[next(iter(s))] if s else len(categories)
            dim_ratings = Ratings(matrix, len(categories) + 1)
        else:
            distinct: dict[frozenset[str], int] = {}
            for u, row in enumerate(sets):
                for c, s in enumerate(row):
                    if s is not None:
                        matrix[u, c] = distinct.setdefault(s, len(distinct))
            dim_ratings = Ratings(matrix, max(len(distinct), 1))
        items.append(Item(dim.id, None, dim_ratings, single=single))
        for cat in categories:
            binary = np.full((n_units, n_coders), MISSING, dtype=np.int64)
            for u, row in enumerate(sets):
                for c, s in enumerate(row):
                    if s is not None:
                        binary[u, c] = int(cat in s)
            applied = {names[c]: int((binary[:, c] == 1).sum()) for c in range(n_coders)}
            present = binary[binary != MISSING]
            items.append(
                Item(
                    dim.id,
                    cat,
                    Ratings(binary, 2),
                    used=bool((present == 1).any()),
                    always=bool(present.size and (present == 1).all()),
                    applied=applied,
                )
            )
        for u in np.flatnonzero(paired):
            given = [s for s in sets[u] if s is not None]
            if all(s == given[0] for s in given):
                continue
            disagreements.append(
                Disagreement(
                    unit=units[u],
                    dimension=dim.id,
                    text=texts.get(units[u]),
                    labels={
                        names[c]: (order[(u, c)] if sets[u][c] is not None else None)
                        for c in range(n_coders)
                    },
                )
            )
    position = {uid: i for i, uid in enumerate(units)}
    dim_order = {d.id: i for i, d in enumerate(grid.dimensions)}
    disagreements.sort(key=lambda d: (position[d.unit], dim_order[d.dimension]))
    return Comparison(names, units, items, disagreements, skipped)
