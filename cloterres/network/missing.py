"""Roster non-respondents as missing data: which dyads are observed, and the measures over them.

In a roster survey an actor who did not answer reported nothing: its own reports are unknown,
not absent (Wasserman & Faust 1994, §2.4; Kossinets 2006; Huisman 2009). By default the density
and the mixing counts are computed over the *observed dyads* only (« available-case
analysis »):

- directed layer: the arc i → j is known when i answered (n_r × (n - 1) dyads);
- undirected layer, ``union`` rule: the pair {i, j} is known when at least one of the two
  answered (one report is enough to say a tie exists, and a respondent who did not name the
  other says it does not): n(n-1)/2 - n_nr(n_nr-1)/2 pairs;
- undirected layer, ``reciproque`` rule: the pair is known only when both answered (a tie needs
  both reports): n_r(n_r-1)/2 pairs;
- a kept tie is always observed (co-mentions derived from interviews, for instance).

Density = ties in observed dyads / observed dyads. With ``missing=False`` (``--non-repondants
sans-liens``) every dyad counts, as if non-respondents had declared no tie.
"""

from __future__ import annotations

import numpy as np

from cloterres.errors import InputError
from cloterres.network.measures import Mixing, Value

MISSING = "manquants"
NO_TIES = "sans-liens"
TREATMENTS = (MISSING, NO_TIES)


def non_respondent_treatment(text: str) -> bool:
    """``--non-repondants`` as a flag: True when their ties are missing data."""
    value = text.strip().lower().replace("_", "-").replace(" ", "-")
    if value in (MISSING, "manquant", "inconnus"):
        return True
    if value in (NO_TIES, "sans-lien", "absents"):
        return False
    raise InputError(
        f"--non-repondants : choix inconnu « {text} » ; choisissez manquants (leurs liens sont "
        f"inconnus, par défaut) ou sans-liens (ils n'ont aucun lien)"
    )


def observed_dyads(
    adjacency: np.ndarray,
    answered: np.ndarray | None,
    *,
    directed: bool,
    rule: str,
    missing: bool = True,
) -> np.ndarray:
    """Bool n x n mask of the dyads whose tie is known (diagonal False)."""
    n = adjacency.shape[0]
    if not missing or answered is None:
        mask = np.ones((n, n), dtype=bool)
    elif directed:
        mask = np.repeat(answered[:, None], n, axis=1)
    elif rule == "reciproque":
        mask = answered[:, None] & answered[None, :]
    else:
        mask = answered[:, None] | answered[None, :]
    mask = mask | adjacency
    if not directed:
        mask = mask | mask.T
    np.fill_diagonal(mask, False)
    return mask


def combined_observed(
    layers: list[tuple[np.ndarray | None, bool]], adjacency: np.ndarray
) -> np.ndarray:
    """The all-ties layer (undirected): a pair is known when it has a tie, or when no tie is
    known in any layer and each layer observed it (in one direction at least)."""
    n = adjacency.shape[0]
    mask = np.ones((n, n), dtype=bool)
    for observed, _directed in layers:
        if observed is not None:
            mask &= observed | observed.T
    mask = mask | adjacency | adjacency.T
    np.fill_diagonal(mask, False)
    return mask


def observed_pairs(observed: np.ndarray, directed: bool) -> int:
    count = int(np.count_nonzero(observed))
    return count if directed else count // 2


def observed_density(adjacency: np.ndarray, observed: np.ndarray, directed: bool) -> Value:
    """Ties / observed dyads (Wasserman & Faust's L / (n(n-1)/2) when all are observed)."""
    a = np.asarray(adjacency, dtype=bool) & observed
    pairs = observed_pairs(observed, directed)
    if pairs == 0:
        return Value.undefined("aucune paire observée")
    ties = int(np.count_nonzero(a if directed else np.triu(a, 1)))
    return Value(ties / pairs)


def observed_mixing(mix: Mixing, observed: np.ndarray, labels: np.ndarray, k: int) -> Mixing:
    """The same tie counts, with possible pairs counted over observed dyads only."""
    onehot = np.zeros((labels.size, k), dtype=np.int64)
    onehot[np.arange(labels.size), labels] = 1
    counts = onehot.T @ observed.astype(np.int64) @ onehot  # ordered dyads, group x group
    if not mix.directed:
        counts[np.diag_indices(k)] //= 2  # each pair within a group was counted both ways
    return Mixing(mix.ties, counts, mix.directed)
