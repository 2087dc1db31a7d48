"""Gould & Fernandez (1989) brokerage roles on directed ties.

Actor ``b`` brokers when ``a -> b -> c`` with ``a != c`` and no tie ``a -> c``. The role depends
on the groups of the three actors:

- coordinateur (coordinator, w_I): a, b, c in the same group;
- itinérant (itinerant or consultant, w_O): a and c in one group, b in another;
- représentant (representative, b_IO): a and b in one group, c in another;
- gardien (gatekeeper, b_OI): a in one group, b and c in another;
- liaison (liaison, b_O): three different groups.

Expected counts (Gould & Fernandez): the broker's total number of brokered pairs times the
probability of each role if the other actors' groups were assigned at random with the observed
group sizes (a and c drawn without replacement among the N - 1 other actors). An undirected layer
is read as symmetric arcs, so each path a - b - c counts once in each direction.
"""

from __future__ import annotations

import numpy as np

ROLES = ("coordinateur", "itinerant", "representant", "gardien", "liaison")
ROLE_LABELS = {
    "coordinateur": "Coordinateur",
    "itinerant": "Itinérant (consultant)",
    "representant": "Représentant",
    "gardien": "Gardien (gatekeeper)",
    "liaison": "Agent de liaison",
}
BETWEEN_ROLES = ("representant", "gardien", "liaison")
CROSSING_ROLES = ("itinerant", "representant", "gardien", "liaison")  # two milieux or more


def brokerage_counts(adjacency: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Observed role counts, shape (n, 5) in the order of ``ROLES``."""
    arcs = np.asarray(adjacency, dtype=bool).copy()
    np.fill_diagonal(arcs, False)
    n = arcs.shape[0]
    k = int(labels.max()) + 1 if n else 0
    counts = np.zeros((n, len(ROLES)), dtype=np.int64)
    for b in range(n):
        sources = np.flatnonzero(arcs[:, b])
        targets = np.flatnonzero(arcs[b, :])
        if sources.size == 0 or targets.size == 0:
            continue
        open_pairs = ~arcs[np.ix_(sources, targets)] & (sources[:, None] != targets[None, :])
        ga = labels[sources]
        gc = labels[targets]
        by_groups = np.zeros((k, k), dtype=np.int64)
        rows, cols = np.nonzero(open_pairs)
        np.add.at(by_groups, (ga[rows], gc[cols]), 1)
        g = labels[b]
        diagonal = np.trace(by_groups)
        coordinator = by_groups[g, g]
        itinerant = diagonal - coordinator
        representative = by_groups[g, :].sum() - coordinator
        gatekeeper = by_groups[:, g].sum() - coordinator
        liaison = by_groups.sum() - coordinator - itinerant - representative - gatekeeper
        counts[b] = (coordinator, itinerant, representative, gatekeeper, liaison)
    return counts


def expected_counts(counts: np.ndarray, labels: np.ndarray) -> np.ndarray | None:
    """Expected role counts given each broker's total (Gould-Fernandez); None when N < 3."""
    n = labels.size
    if n < 3:
        return None
    sizes = np.bincount(labels)
    d1, d2 = n - 1, n - 2
    expected = np.zeros(counts.shape, dtype=float)
    totals = counts.sum(axis=1)
    for g in range(sizes.size):
        same = sizes[g] - 1
        out = n - sizes[g]
        other_sizes = np.delete(sizes, g).astype(float)
        probs = np.array(
            [
                same * (same - 1),
                float((other_sizes * (other_sizes - 1)).sum()),
                same * out,
                out * same,
                float((other_sizes * (out - other_sizes)).sum()),
            ],
            dtype=float,
        ) / (d1 * d2)
        members = labels == g
        expected[members] = totals[members, None] * probs[None, :]
    return expected
