"""PNG charts of a profile for the HTML reports (matplotlib, Agg canvas, no pyplot state)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, cast

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cloterres.synthesis.interviews import CodeCount
from cloterres.synthesis.profiles import DimensionProfile, LevelProfile

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.ticker import MaxNLocator

BLUE = "#1F4E78"
COLOURS = ("#2E75B6", "#A9A9A9", "#70AD47")  # individual only, mixed, environmental only
DPI = 110


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    fig.savefig(path, format="png", dpi=DPI)


def _wrap(label: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def bars(
    path: Path,
    title: str,
    labels: list[str],
    values: list[int],
    *,
    value_label: str,
    width: float = 4.6,
) -> None:
    """Horizontal bars, first label on top, each bar annotated with its value."""
    height = 1.0 + 0.28 * max(len(labels), 1)
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    ax.barh(positions, values, color=BLUE)
    ax.set_yticks(positions, [_wrap(x) for x in labels], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(value_label, fontsize=8)
    ax.set_title(title, fontsize=9, loc="left")
    top = max(values, default=0)
    ax.set_xlim(0, max(top * 1.18, 1))
    ax.tick_params(axis="x", labelsize=7)
    # a linear axis ticks with an AutoLocator, a MaxNLocator
    cast("MaxNLocator", ax.xaxis.get_major_locator()).set_params(integer=True)
    for pos, value in zip(positions, values, strict=True):
        ax.text(value + top * 0.02, pos, str(value), va="center", fontsize=7)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _save(fig, path)


def dimension_bars(
    path: Path, dimension: DimensionProfile, *, only_covered: bool = False, limit: int = 0
) -> None:
    """Counts per category (grid order), or the covered ones, most frequent first, at most
    ``limit`` of them."""
    cats = dimension.covered() if only_covered else dimension.categories
    cats = sorted(cats, key=lambda c: -c.count) if only_covered else cats
    title = dimension.label
    if limit and len(cats) > limit:
        cats = cats[:limit]
        title += f" (les {limit} plus fréquentes)"
    bars(
        path,
        title,
        [c.label for c in cats],
        [c.count for c in cats],
        value_label="Nombre d'actions",
    )


def level_bar(path: Path, level: LevelProfile, total: int) -> None:
    """One stacked bar: individual only / mixed / environmental only, in % of the actions, then
    the actions whose level rests on a label to check (counted apart, hatched)."""
    parts = [*level.only[:1], level.mixed, *level.only[1:]]
    names = [f"{p.label.capitalize()} seulement" if p.id != "mixte" else "Mixte" for p in parts]
    fig = Figure(figsize=(4.6, 2.1), layout="constrained")
    ax = fig.add_subplot()
    left = 0.0
    for part, name, colour in zip(parts, names, COLOURS * 3, strict=False):
        share = 100 * part.count / total if total else 0.0
        ax.barh([0], [share], left=left, color=colour, label=f"{name} ({part.count})")
        if share >= 8:
            ax.text(left + share / 2, 0, f"{share:.0f} %", ha="center", va="center",
                    fontsize=8, color="white")  # fmt: skip
        left += share
    apart = sum(p.default + p.review for p in parts)  # its level rests on a label to check
    if apart:
        share = 100 * apart / total if total else 0.0
        ax.barh([0], [share], left=left, color="#F4B183", hatch="//", edgecolor="white",
                label=f"À vérifier ou par défaut ({apart})")  # fmt: skip
    ax.set_xlim(0, 100)
    ax.set_yticks([])
    ax.set_xlabel("Part des actions (%)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title("Niveau visé : individuel ou environnemental", fontsize=9, loc="left")
    fig.legend(fontsize=7, ncols=2, loc="outside lower center", frameon=False)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    _save(fig, path)


def cited_bars(path: Path, title: str, codes: list[CodeCount]) -> None:
    bars(
        path,
        title,
        [c.label.split(" : ", 1)[-1] for c in codes],
        [c.interviews for c in codes],
        value_label="Nombre d'entretiens",
    )


SERIES_COLOURS = ("#2E75B6", "#ED7D31", "#70AD47", "#7F6084", "#C9A227", "#4BACC6", "#A5A5A5",
                  "#9E480E", "#264478", "#636363")  # fmt: skip


def _percent_fr(value: float) -> str:
    return f"{value:.0f}\u00a0%"


def grouped_bars(
    path: Path,
    title: str,
    categories: list[str],
    series: list[tuple[str, list[float]]],
    *,
    value_label: str,
) -> None:
    """Horizontal bars in %, one group per category (first on top), one bar per series
    (a contract), with a legend; each bar annotated when there are few enough of them."""
    n = max(len(series), 1)
    bar = 0.8 / n
    height = 1.4 + (0.16 * n + 0.12) * max(len(categories), 1) + 0.18 * ((n + 1) // 2)
    fig = Figure(figsize=(7.2, height), layout="constrained")
    ax = fig.add_subplot()
    top = max((v for _, values in series for v in values), default=0.0)
    annotate = n * len(categories) <= 60
    for i, (name, values) in enumerate(series):
        positions = [c + (i - (n - 1) / 2) * bar for c in range(len(categories))]
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        ax.barh(positions, values, height=bar * 0.92, color=colour, label=_wrap(name, 45))
        if annotate:
            for pos, value in zip(positions, values, strict=True):
                ax.text(value + max(top, 1) * 0.01, pos, _percent_fr(value), va="center",
                        fontsize=6)  # fmt: skip
    ax.set_yticks(list(range(len(categories))), [_wrap(c, 28) for c in categories], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, max(top * 1.15, 1))
    ax.set_xlabel(value_label, fontsize=8)
    ax.xaxis.set_major_formatter(lambda v, _pos: _percent_fr(v))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_title(title, fontsize=9, loc="left")
    fig.legend(fontsize=7, ncols=2, loc="outside lower center", frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _save(fig, path)
