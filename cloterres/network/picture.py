"""A PNG picture of the network: colour by milieu, boundary spanners outlined and named.

Drawn with matplotlib's Agg canvas directly (no global backend switch, no display needed), on a
spring layout with a fixed seed so the same data give the same picture.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from cloterres.io.files import atomic_path
from cloterres.network.analysis import NetworkAnalysis
from cloterres.network.layers import ALL_TYPES

_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
)  # fmt: skip


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def spring_layout(adjacency: np.ndarray, *, seed: int, iterations: int = 60) -> np.ndarray:
    """Fruchterman-Reingold force-directed positions (the dense algorithm networkx uses below 500
    nodes; networkx switches to a much slower sparse variant above), scaled to [-1, 1]."""
    n = adjacency.shape[0]
    rng = np.random.default_rng(seed)
    positions = rng.random((n, 2))
    if n <= 1:
        return positions
    a = adjacency.astype(float)
    k = 1.6 / np.sqrt(n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = positions[:, None, :] - positions[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 0.01)
        force = k * k / distance**2 - a * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.linalg.norm(displacement, axis=-1)
        length = np.where(length < 0.01, 0.1, length)
        positions += displacement * (temperature / length)[:, None]
        temperature -= cooling
    positions -= positions.mean(axis=0)
    scale = np.abs(positions).max()
    return positions / scale if scale > 0 else positions


def write_png(path: Path, analysis: NetworkAnalysis) -> None:
    result = analysis.picture_layer
    adjacency = result.layer.adjacency
    undirected = adjacency | adjacency.T
    n = len(analysis.actors)
    u, v = np.nonzero(np.triu(undirected, 1))
    positions = spring_layout(undirected, seed=analysis.seed)
    figure = Figure(figsize=(12, 9.5), dpi=150)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot(1, 1, 1)
    ax.set_axis_off()
    segments = np.stack([positions[u], positions[v]], axis=1)
    ax.add_collection(
        # matplotlib stubs want a Sequence; an (n, 2, 2) array is what its docs describe
        LineCollection(segments, colors="#9a9a9a", linewidths=0.6, alpha=0.55, zorder=1)  # type: ignore[arg-type]
    )
    colours = [_PALETTE[g % len(_PALETTE)] for g in analysis.labels.tolist()]
    degrees = undirected.sum(axis=1)
    sizes = 60 + 260 * degrees / max(1, int(degrees.max()) or 1)
    spanners = set(result.spanners)
    pivots = set(result.pivots)
    xs, ys = positions[:, 0], positions[:, 1]
    plain = [i for i in range(n) if i not in spanners]
    ax.scatter(xs[plain], ys[plain], s=sizes[plain], c=[colours[i] for i in plain],
               edgecolors="white", linewidths=0.8, zorder=2)  # fmt: skip
    marked = sorted(spanners)
    if marked:
        ax.scatter(xs[marked], ys[marked], s=sizes[marked] * 1.3, c=[colours[i] for i in marked],
                   edgecolors="black", linewidths=3.0, zorder=3)  # fmt: skip
    # Labels in a column to the right of the network, in the vertical order of their nodes,
    # each joined to its node by a thin line: they never overlap each other or the nodes.
    labelled = sorted(spanners | pivots, key=lambda i: -ys[i])
    if labelled:
        x_min, x_max = float(xs.min()), float(xs.max())
        y_min, y_max = float(ys.min()), float(ys.max())
        width = (x_max - x_min) or 1.0
        column = x_max + 0.12 * width
        height = (y_max - y_min) or 1.0
        gap = min(0.09 * height, height / max(len(labelled) - 1, 1))
        middle = float(np.mean([ys[i] for i in labelled]))
        middle = min(
            max(middle, y_min + gap * (len(labelled) - 1) / 2),
            y_max - gap * (len(labelled) - 1) / 2,
        )
        steps = [middle + gap * ((len(labelled) - 1) / 2 - k) for k in range(len(labelled))]
        for i, y in zip(labelled, steps, strict=True):
            label = _short(analysis.actors[i].nom) + (" (pivot)" if i in pivots else "")
            ax.annotate(label, (xs[i], ys[i]), xytext=(column, y), textcoords="data",
                        ha="left", va="center", fontsize=8, weight="bold", zorder=4,
                        arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.6, "alpha": 0.7},
                        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9})  # fmt: skip
        ax.set_xlim(x_min - 0.05 * width, x_max + 0.75 * width)
    handles = [
        Line2D([0], [0], marker="o", color="none", markerfacecolor=_PALETTE[g % len(_PALETTE)],
               markeredgecolor="white", markersize=9, label=name)
        for g, name in enumerate(analysis.groups)
    ]  # fmt: skip
    handles.append(
        Line2D([0], [0], marker="o", color="none", markerfacecolor="white",
               markeredgecolor="black", markeredgewidth=2.5, markersize=10,
               label="passeur de frontières")
    )  # fmt: skip
    ax.legend(handles=handles, title=analysis.attribute.capitalize(), loc="upper left",
              bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)  # fmt: skip
    layer = "tous les types de liens" if result.name == ALL_TYPES else f"liens « {result.name} »"
    ax.set_title(
        f"Réseau des acteurs ({n} acteurs, {result.layer.n_ties} liens ; {layer})\n"
        f"couleur = {analysis.attribute} ; contour noir épais = passeurs de frontières ; "
        f"taille = nombre de contacts",
        fontsize=11,
    )
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png")
