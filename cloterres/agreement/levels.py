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
from cloterres.engine.grid import Grid
from cloterres.engine.labels import CoderLabels
from cloterres.frontends import MEASURES, front_end

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
    front = front_end(kind)
    return [front.label(dim.id, c.id) for c in dim.categories]


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
    kind = coders[0].kind if coders else MEASURES.kind
    texts: dict[str, str] = {}
    for coder in coders:
        for uid, unit in coder.units.items():
            if unit.text and uid not in texts:
                texts[uid] = unit.text
    items: list[Item] = []
    disagreements: list[Disagreement] = []
    skipped: list[str] = []
    n_units, n_coders = len(units), len(coders)
    # (unit index, coder index, labels) of every coded unit, by dimension: one pass over labels
    by_dim: dict[str, list[tuple[int, int, list[str]]]] = {d.id: [] for d in grid.dimensions}
    for c, coder in enumerate(coders):
        for uid, unit in coder.units.items():
            u = index[uid]
            for dim_id, labels in unit.labels.items():
                if dim_id in by_dim:
                    by_dim[dim_id].append((u, c, labels))
    for dim in grid.dimensions:
        order: dict[tuple[int, int], list[str]] = {
            (u, c): labels for u, c, labels in by_dim[dim.id]
        }
        coded = np.zeros((n_units, n_coders), dtype=bool)
        if order:
            where = np.array(list(order), dtype=np.int64)
            coded[where[:, 0], where[:, 1]] = True
        paired = coded.sum(axis=1) >= 2
        if not paired.any():
            skipped.append(dim.id)
            continue
        categories = category_ids(grid, dim.id, kind)
        code = {cat: i for i, cat in enumerate(categories)}
        present = np.zeros((n_units, n_coders, len(categories)), dtype=bool)
        single = True
        for (u, c), given in order.items():
            single = single and len(given) <= 1
            for cat in given:
                present[u, c, code[cat]] = True
        matrix = np.full((n_units, n_coders), MISSING, dtype=np.int64)
        if single:
            # the category's code, or len(categories) for "aucune"
            chosen = np.where(present.any(axis=2), present.argmax(axis=2), len(categories))
            matrix = np.where(coded, chosen, MISSING)
            dim_ratings = Ratings(matrix, len(categories) + 1)
        else:
            distinct: dict[frozenset[str], int] = {}
            for (u, c), given in order.items():
                matrix[u, c] = distinct.setdefault(frozenset(given), len(distinct))
            dim_ratings = Ratings(matrix, max(len(distinct), 1), chance_corrected=False)
        items.append(Item(dim.id, None, dim_ratings, single=single))
        for k, cat in enumerate(categories):
            binary = np.where(coded, present[:, :, k].astype(np.int64), MISSING)
            applied = {names[c]: int(present[:, c, k].sum()) for c in range(n_coders)}
            rated = binary[binary != MISSING]
            items.append(
                Item(
                    dim.id,
                    cat,
                    Ratings(binary, 2),
                    used=bool((rated == 1).any()),
                    always=bool(rated.size and (rated == 1).all()),
                    applied=applied,
                )
            )
        for u in np.flatnonzero(paired).tolist():  # Python ints, like the keys of order
            seen = [frozenset(order[(u, c)]) for c in range(n_coders) if coded[u, c]]
            if all(x == seen[0] for x in seen):
                continue
            disagreements.append(
                Disagreement(
                    unit=units[u],
                    dimension=dim.id,
                    text=texts.get(units[u]),
                    labels={
                        names[c]: (list(order[(u, c)]) if coded[u, c] else None)
                        for c in range(n_coders)
                    },
                )
            )
    position = {uid: i for i, uid in enumerate(units)}
    dim_order = {d.id: i for i, d in enumerate(grid.dimensions)}
    disagreements.sort(key=lambda d: (position[d.unit], dim_order[d.dimension]))
    return Comparison(names, units, items, disagreements, skipped)
