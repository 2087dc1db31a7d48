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


def fill_frame(positions: np.ndarray) -> np.ndarray:
    """Each axis stretched to [-1, 1], so the network fills the picture's width and height."""
    low, high = positions.min(axis=0), positions.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    return (positions - low) / span * 2 - 1


def place_labels(
    positions: np.ndarray,
    nodes: list[int],
    widths: list[float] | None = None,
    *,
    height: float = 0.05,
    offset: float = 0.04,
) -> dict[int, tuple[float, float]]:
    """Where each node's label starts (data coordinates, frame [-1, 1]; the label runs right
    of x when x is right of its node, left otherwise). Among six spots beside the node (right
    or left; level, above or below) the one that covers the fewest other nodes and no placed
    label, and stays in the frame, wins. ``widths``: each label's width in data units."""
    placed: dict[int, tuple[float, float, float, float]] = {}  # x0, x1, y0, y1 boxes
    spots: dict[int, tuple[float, float]] = {}
    marked = set(nodes)
    for i in sorted(nodes, key=lambda j: -positions[j, 1]):
        width = widths[nodes.index(i)] if widths else 0.5
        x0, y0 = float(positions[i, 0]), float(positions[i, 1])
        best: tuple[float, float, float] | None = None
        for dy in (0.0, 1.4 * height, -1.4 * height):
            for right in (True, False):
                x = x0 + offset if right else x0 - offset
                box = (x, x + width) if right else (x - width, x)
                y = y0 + dy
                inside = (
                    (positions[:, 0] > box[0] - 0.01) & (positions[:, 0] < box[1] + 0.01)
                    & (np.abs(positions[:, 1] - y) < height / 2 + 0.04)
                )  # fmt: skip
                inside[i] = False
                cost = float(inside.sum()) + 5.0 * sum(1 for j in marked if inside[j])
                cost += 0.5 * (dy != 0) + 0.1 * (not right)
                if box[0] < -1.06 or box[1] > 1.06:
                    cost += 100.0
                for bx0, bx1, by0, by1 in placed.values():
                    if (
                        bx0 < box[1]
                        and box[0] < bx1
                        and by0 < y + height / 2
                        and y - height / 2 < by1
                    ):
                        cost += 50.0
                if best is None or cost < best[0]:
                    best = (cost, x, y)
        assert best is not None
        _, x, y = best
        right = x >= x0
        placed[i] = (x if right else x - width, x + width if right else x, y - height / 2,
                     y + height / 2)  # fmt: skip
        spots[i] = (x, y)
    return spots


def write_png(path: Path, analysis: NetworkAnalysis) -> None:
    result = analysis.picture_layer
    adjacency = result.layer.adjacency
    undirected = adjacency | adjacency.T
    n = len(analysis.actors)
    u, v = np.nonzero(np.triu(undirected, 1))
    positions = fill_frame(spring_layout(undirected, seed=analysis.seed))
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
    # Each label beside its node, on the side facing outwards, in a white box; labels that
    # would overlap are moved apart vertically and then joined to their node by a short line.
    marked_nodes = sorted(spanners | pivots)
    texts = {
        i: _short(analysis.actors[i].nom) + (" (pivot)" if i in pivots else "")
        for i in marked_nodes
    }
    # 8-point bold text: about 0.018 data units a character in this frame
    widths = [0.018 * len(texts[i]) + 0.02 for i in marked_nodes]
    for i, (x, y) in place_labels(positions, marked_nodes, widths).items():
        label = texts[i]
        moved = abs(y - ys[i]) > 1e-9
        ax.annotate(label, (xs[i], ys[i]), xytext=(x, y), textcoords="data",
                    ha="left" if x >= xs[i] else "right", va="center", fontsize=8,
                    weight="bold", zorder=4,
                    arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.6, "alpha": 0.7}
                    if moved else None,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85})  # fmt: skip
    ax.set_xlim(-1.06, 1.06)
    ax.set_ylim(-1.06, 1.06)
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
    layer = "tous les types de liens" if result.name == ALL_TYPES else f"liens « {result.label} »"
    ax.set_title(
        f"Réseau des acteurs ({n} acteurs, {result.layer.n_ties} liens ; {layer})\n"
        f"couleur = {analysis.attribute} ; contour noir épais = passeurs de frontières ; "
        f"taille = nombre de contacts",
        fontsize=11,
    )
    figure.tight_layout()
    with atomic_path(path) as tmp:
        figure.savefig(tmp, format="png")
