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
    """One stacked bar: individual only / mixed / environmental only, in % of the actions."""
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
