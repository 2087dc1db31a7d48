"""Burt's structural holes: constraint and effective size, in matrix form.

Same definitions as networkx (``nx.constraint``, ``nx.effective_size``; Burt 1992), computed with
numpy so that a network of hundreds of actors takes milliseconds (the tests check equality with
networkx):

- mutual weight ``m_ij = a_ij + a_ji`` (ties in either direction);
- proportional tie strength ``p_ij = m_ij / sum_k m_ik``;
- constraint ``c_i = sum_{j in N(i)} (p_ij + sum_q p_iq p_qj)^2`` (N(i): neighbours in either
  direction). An actor whose two contacts are tied to each other (a closed triad) has
  ``2 * (1/2 + 1/4)^2 = 1.125``; an isolated star centre with k contacts has 1/k;
- effective size ``sum_{j in N(i)} (1 - sum_q p_iq m_jq / max_k m_jk)``; for undirected binary
  ties this is Borgatti's ``n - 2t/n`` (t ties among the n contacts).

An actor with no tie has neither measure (NaN, reported as undefined). Unlike networkx, an actor
of a directed layer with incoming ties only is measured too (networkx gives it NaN).
"""

from __future__ import annotations

import numpy as np


def _mutual(adjacency: np.ndarray) -> np.ndarray:
    a = np.asarray(adjacency, dtype=float).copy()
    np.fill_diagonal(a, 0.0)
    return a + a.T


def constraint(adjacency: np.ndarray) -> np.ndarray:
    m = _mutual(adjacency)
    totals = m.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = m / totals[:, None]
    p[totals == 0] = 0.0
    local = (p + p @ p) ** 2
    result = np.where(m > 0, local, 0.0).sum(axis=1)
    result[totals == 0] = np.nan
    return result


def effective_size(adjacency: np.ndarray) -> np.ndarray:
    m = _mutual(adjacency)
    totals = m.sum(axis=1)
    peaks = m.max(axis=1) if m.size else np.zeros(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = m / totals[:, None]
        scaled = m / peaks[:, None]
    p[totals == 0] = 0.0
    scaled[peaks == 0] = 0.0
    redundancy = p @ scaled.T  # [i, j] = sum_q p_iq * m_jq / max_k m_jk
    result = np.where(m > 0, 1.0 - redundancy, 0.0).sum(axis=1)
    result[totals == 0] = np.nan
    return result
