"""QAP (quadratic assignment procedure) test of the association between two actor x actor
matrices, by Y-permutation (Krackhardt 1987, 1988).

The statistic is Pearson's correlation over the off-diagonal cells. Under the null hypothesis the
rows and columns of Y are permuted together (the actors are relabelled), which keeps the
structure of Y (degrees, reciprocity, clustering) and breaks only its alignment with X.

Vectorised: only the cross-product changes under permutation (a permutation maps off-diagonal
cells onto off-diagonal cells, so means and variances stay), and
``sum_ij X_ij Y_p(i)p(j) = sum over ties (a, b) of Y of X[q(a), q(b)]`` with ``q`` the inverse
permutation, so each permutation costs one gather over the ties of Y, never an n x n copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_BLOCK_CELLS = 2_000_000  # gathered values per block of permutations (memory bound)
_EPS = 1e-12


@dataclass(frozen=True)
class QAPResult:
    correlation: float | None
    p_value: float | None  # two-sided: share of |r_perm| >= |r_obs|
    p_greater: float | None  # one-sided: r_perm >= r_obs (positive association)
    p_less: float | None  # one-sided: r_perm <= r_obs
    permutations: int
    seed: int
    reason: str = ""  # why the correlation is undefined


def _off_diagonal(matrix: np.ndarray) -> np.ndarray:
    n = matrix.shape[0]
    return matrix[~np.eye(n, dtype=bool)]


def random_permutations(rng: np.random.Generator, count: int, n: int) -> np.ndarray:
    """``count`` independent uniform permutations of ``range(n)`` (rows)."""
    return rng.permuted(np.tile(np.arange(n), (count, 1)), axis=1)


def qap_correlation(
    y: np.ndarray, x: np.ndarray, *, permutations: int = 1000, seed: int = 1
) -> QAPResult:
    """Correlation of ``y`` and ``x`` (n x n) and its QAP p-values (``y`` permuted)."""
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    n = y.shape[0]
    if n < 3:
        return QAPResult(None, None, None, None, permutations, seed, "moins de trois acteurs")
    yo, xo = _off_diagonal(y), _off_diagonal(x)
    cells = yo.size
    my, mx = yo.mean(), xo.mean()
    sy, sx = yo.std(), xo.std()
    if sy == 0:
        return QAPResult(None, None, None, None, permutations, seed,
                         "la matrice des liens est constante (aucun lien, ou tous les liens)")  # fmt: skip
    if sx == 0:
        return QAPResult(None, None, None, None, permutations, seed,
                         "la matrice comparée est constante (par exemple un seul milieu, ou un "
                         "milieu par acteur)")  # fmt: skip
    denominator = cells * sx * sy
    observed = float(((xo * yo).sum() - cells * mx * my) / denominator)
    if permutations <= 0:
        return QAPResult(observed, None, None, None, 0, seed)
    np.fill_diagonal(y := y.copy(), 0.0)
    symmetric = np.array_equal(y, y.T) and np.array_equal(x, x.T)
    # both symmetric: each unordered pair once, counted twice (half the gathers)
    a, b = np.nonzero(np.triu(y) if symmetric else y)
    w = y[a, b] * (2.0 if symmetric else 1.0)
    binary = bool(np.all(w == w[0])) if w.size else True
    rng = np.random.default_rng(seed)
    block = max(1, min(permutations, _BLOCK_CELLS // max(1, a.size)))
    stats = np.empty(permutations)
    done = 0
    while done < permutations:
        size = min(block, permutations - done)
        q = random_permutations(rng, size, n)
        gathered = x[q[:, a], q[:, b]]
        cross = gathered.sum(axis=1) * w[0] if binary and w.size else (gathered * w).sum(axis=1)
        stats[done : done + size] = (cross - cells * mx * my) / denominator
        done += size
    greater = (np.count_nonzero(stats >= observed - _EPS) + 1) / (permutations + 1)
    less = (np.count_nonzero(stats <= observed + _EPS) + 1) / (permutations + 1)
    both = (np.count_nonzero(np.abs(stats) >= abs(observed) - _EPS) + 1) / (permutations + 1)
    return QAPResult(observed, float(both), float(greater), float(less), permutations, seed)


def same_group_matrix(labels: np.ndarray) -> np.ndarray:
    """1 where two actors share the attribute value (diagonal included; QAP ignores it)."""
    return (labels[:, None] == labels[None, :]).astype(float)
