"""How far the machine's labels can be trusted: precision, recall and F1 per category against
the latest human label of each reviewed unit.

For a category c of dimension d, over the units a person labelled on d: a true positive is a
unit both gave c, a false positive one only the machine gave c, a false negative one only the
person gave c. Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2TP / (2TP + FP + FN),
support = TP + FN (units the person gave c). A ratio with a zero denominator is undefined
(shown « — »). Categories are sorted worst first (lowest F1, then most errors), so those that
still need a full human review come first.

The human reference is, per unit and dimension, the latest human record across coders, or the
latest record of one coder (``--codeur``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from cloterres.engine.grid import Grid
from cloterres.engine.scoring import precision_recall_f1
from cloterres.io.excel import TITLE_FONT, put, write_table
from cloterres.io.files import atomic_path
from cloterres.store import HUMAN, MACHINE, Study

SHEET = "Fiabilité"
GOOD_F1 = 0.9
FAIR_F1 = 0.7
FEW = 5

Labels = Mapping[str, Mapping[str, Iterable[str]]]  # unit -> dimension -> categories


@dataclass(frozen=True)
class CategoryScore:
    dimension: str
    category: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return precision_recall_f1(self.tp, self.fp, self.fn, undefined=None)[0]

    @property
    def recall(self) -> float | None:
        return precision_recall_f1(self.tp, self.fp, self.fn, undefined=None)[1]

    @property
    def f1(self) -> float | None:
        # No figure (empty cell, « — ») when the category was neither given nor expected.
        return precision_recall_f1(self.tp, self.fp, self.fn, undefined=None)[2]

    def advice(self) -> str:
        f1 = self.f1 or 0.0
        if self.support + self.fp < FEW:
            verdict = "trop peu d'exemples pour conclure : à revoir entièrement"
        elif f1 < FAIR_F1:
            verdict = "à revoir entièrement"
        elif f1 < GOOD_F1:
            verdict = "à contrôler (erreurs fréquentes)"
        else:
            verdict = "fiable sur les unités revues : contrôle par sondage"
        return verdict


@dataclass
class Reliability:
    grid: Grid
    coder: str | None  # None: the latest human label across coders
    units: int  # units with at least one human label among those scored
    scores: list[CategoryScore] = field(default_factory=list)


def category_scores(grid: Grid, machine: Labels, human: Labels) -> list[CategoryScore]:
    """Scores per category over the (unit, dimension) pairs ``human`` labelled, worst first."""
    order = {(d.id, c.id): i for i, (d, c) in enumerate(
        (d, c) for d in grid.dimensions for c in d.categories
    )}  # fmt: skip
    counts: dict[tuple[str, str], list[int]] = {}
    for unit, dims in human.items():
        for dim, gold_cats in dims.items():
            gold = set(gold_cats)
            pred = set(machine.get(unit, {}).get(dim, []))
            for cat in gold | pred:
                c = counts.setdefault((dim, cat), [0, 0, 0])
                if cat in gold and cat in pred:
                    c[0] += 1
                elif cat in pred:
                    c[1] += 1
                else:
                    c[2] += 1
    scores = [CategoryScore(dim, cat, *c) for (dim, cat), c in counts.items()]
    scores.sort(
        key=lambda s: (
            s.f1 if s.f1 is not None else 1.0,
            -(s.fp + s.fn),
            order.get((s.dimension, s.category), len(order)),
        )
    )
    return scores


def study_reliability(
    study: Study, kind: str, grid: Grid, units: Iterable[str], coder: str | None = None
) -> Reliability | None:
    """The machine's current labels on ``units`` against the latest human labels, or None when
    no person has labelled any of them."""
    keys = set(units)
    latest: dict[tuple[str, str], tuple[int, list[str]]] = {}
    for s in study.current(kind, origin=HUMAN, coder=coder):
        if s.unit in keys and s.id > latest.get((s.unit, s.dimension), (-1, []))[0]:
            latest[(s.unit, s.dimension)] = (s.id, s.categories)
    if not latest:
        return None
    human: dict[str, dict[str, list[str]]] = {}
    for (unit, dim), (_, cats) in latest.items():
        human.setdefault(unit, {})[dim] = cats
    machine: dict[str, dict[str, list[str]]] = {}
    for s in study.current(kind, origin=MACHINE):
        if s.unit in human:
            machine.setdefault(s.unit, {})[s.dimension] = s.categories
    return Reliability(grid, coder, len(human), category_scores(grid, machine, human))


def _label(grid: Grid, dim: str, cat: str) -> tuple[str, str]:
    try:
        dimension = grid.dimension(dim)
        return dimension.label, dimension.category(cat).label
    except KeyError:
        return dim, cat


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def reliability_lines(rel: Reliability, limit: int = 15) -> list[str]:
    """A short French summary for the terminal (worst categories first)."""
    who = f"du codeur « {rel.coder} »" if rel.coder else "humaines les plus récentes"
    lines = [
        f"Fiabilité de l'outil contre les étiquettes {who} ({rel.units} unité(s) revue(s)) ; "
        f"catégories à revoir en premier :"
    ]
    for s in rel.scores[:limit]:
        dim, cat = _label(rel.grid, s.dimension, s.category)
        lines.append(
            f"  {dim} › {cat} : précision {ratio(s.precision)}, rappel {ratio(s.recall)}, "
            f"F1 {ratio(s.f1)}, support {s.support} — {s.advice()}"
        )
    if len(rel.scores) > limit:
        lines.append(f"  … et {len(rel.scores) - limit} autre(s) catégorie(s)")
    return lines


def add_reliability_sheet(path: Path, rel: Reliability) -> None:
    """Add the « Fiabilité » sheet to a finished workbook (rewritten atomically)."""
    wb = load_workbook(path)
    if SHEET in wb.sheetnames:
        del wb[SHEET]
    ws = wb.create_sheet(SHEET, index=1)
    who = f"du codeur « {rel.coder} »" if rel.coder else "humaine la plus récente (tous codeurs)"
    put(ws, 1, 1, "Fiabilité de l'outil par catégorie").font = TITLE_FONT
    put(
        ws, 2, 1,
        f"Comparaison avec l'étiquette {who} de chaque unité revue ({rel.units} unité(s)). "
        f"Précision : part des propositions de l'outil confirmées ; rappel : part des catégories "
        f"retenues par les codeurs que l'outil avait proposées ; support : nombre d'unités où les "
        f"codeurs ont retenu la catégorie. Les catégories en tête sont à revoir entièrement.",
    )  # fmt: skip
    headers = [
        "Dimension", "Catégorie", "Identifiant", "Précision", "Rappel", "F1", "Support",
        "Proposée par l'outil", "Vrais positifs", "Faux positifs", "Faux négatifs", "Avis",
    ]  # fmt: skip
    rows = []
    for s in rel.scores:
        dim, cat = _label(rel.grid, s.dimension, s.category)
        rows.append([
            dim, cat, f"{s.dimension}.{s.category}", s.precision, s.recall, s.f1, s.support,
            s.tp + s.fp, s.tp, s.fp, s.fn, s.advice(),
        ])  # fmt: skip
    write_table(
        ws, headers, rows, widths=[26, 34, 30, 11, 11, 11, 10, 12, 10, 10, 10, 48],
        wrap={1, 2, 12}, start_row=4, freeze_col=2, hidden={3},
    )  # fmt: skip
    for row in ws.iter_rows(min_row=5, min_col=4, max_col=6):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    with atomic_path(path) as tmp:
        wb.save(tmp)
