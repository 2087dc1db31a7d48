"""Freeman betweenness for unweighted ties, all sources at once with dense matrix products.

Brandes' algorithm (2001), vectorised over the sources: a breadth-first search from every actor
at the same time (one matrix product per distance level), counting shortest paths, then the
dependencies accumulated back level by level. Same values as ``nx.betweenness_centrality(G,
normalized=True)`` (the tests compare them), about a hundred times faster on a few hundred
actors. Larger networks (where n x n matrices would be heavy) go to networkx.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

DENSE_LIMIT = 2000  # actors; above, networkx's Brandes (memory grows as n^2 here)


def betweenness(adjacency: np.ndarray, directed: bool) -> np.ndarray:
    """Normalised betweenness of every actor: raw / ((n - 1)(n - 2)), as networkx."""
    a = np.asarray(adjacency, dtype=bool).copy()
    np.fill_diagonal(a, False)
    if not directed:
        a |= a.T
    n = a.shape[0]
    if n <= 2:
        return np.zeros(n)
    if n > DENSE_LIMIT:
        graph = nx.from_numpy_array(
            a.astype(np.int8), create_using=nx.DiGraph if directed else nx.Graph
        )
        values = nx.betweenness_centrality(graph, normalized=True)
        return np.array([values[i] for i in range(n)])
    arcs = a.astype(np.float64)
    sigma = np.eye(n)  # [s, v] number of shortest paths from s to v
    reached = np.eye(n, dtype=bool)
    levels = [np.eye(n, dtype=bool)]
    frontier = np.eye(n)
    while True:
        arriving = frontier @ arcs
        new = (arriving > 0) & ~reached
        if not new.any():
            break
        sigma[new] = arriving[new]
        reached |= new
        levels.append(new)
        frontier = np.where(new, arriving, 0.0)
    delta = np.zeros((n, n))
    safe_sigma = np.where(sigma > 0, sigma, 1.0)
    for depth in range(len(levels) - 1, 0, -1):
        coefficient = np.where(levels[depth], (1.0 + delta) / safe_sigma, 0.0)
        contribution = coefficient @ arcs.T  # [s, v] = sum over successors w of v
        delta += np.where(levels[depth - 1], sigma * contribution, 0.0)
    np.fill_diagonal(delta, 0.0)
    return delta.sum(axis=0) / ((n - 1) * (n - 2))
