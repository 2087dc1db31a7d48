"""Mixing between groups (milieux): densities, within/between ratios, E-I index, assortativity.

Groups are integer labels ``0..k-1`` (one per actor). ``pairs`` are unordered pairs for an
undirected layer and ordered pairs for a directed one. Undefined values are ``None`` with a
French reason, never 0.

- Within/between density ratio = (ties within / pairs within) / (ties between / pairs between).
- Odds ratio = (within ties / within non-ties) / (between ties / between non-ties).
- Krackhardt & Stern's (1988) E-I index = (E - I) / (E + I), E external and I internal ties, at
  network, group and actor level; its expected value under random mixing given the group sizes
  is (E* - I*) / (E* + I*) with E*, I* the numbers of possible external and internal ties. The
  permutation p-value permutes the actors' labels (group sizes kept) and is two-sided around the
  expected value.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from cloterres.network.qap import random_permutations

_EPS = 1e-12
_BLOCK_CELLS = 2_000_000
ATTRIBUTE = "groupe"


@dataclass(frozen=True)
class Value:
    """A statistic, or None with the reason it is undefined."""

    value: float | None
    reason: str = ""
    expected: float | None = None
    p_value: float | None = None
    p_less: float | None = None  # one-sided, toward homophily for E-I

    @classmethod
    def undefined(cls, reason: str) -> Value:
        return cls(None, reason)


@dataclass(frozen=True)
class Mixing:
    """Tie counts and possible pairs between groups (k x k)."""

    ties: np.ndarray  # undirected: [g, g] within ties, [g, h] = [h, g] ties between g and h
    pairs: np.ndarray
    directed: bool

    @property
    def within_ties(self) -> int:
        return int(np.trace(self.ties))

    @property
    def within_pairs(self) -> int:
        return int(np.trace(self.pairs))

    @property
    def between_ties(self) -> int:
        total = self.ties.sum() if self.directed else np.triu(self.ties).sum()
        return int(total) - self.within_ties

    @property
    def between_pairs(self) -> int:
        total = self.pairs.sum() if self.directed else np.triu(self.pairs).sum()
        return int(total) - self.within_pairs

    def block_density(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.pairs > 0, self.ties / np.maximum(self.pairs, 1), np.nan)


def to_graph(adjacency: np.ndarray, directed: bool, labels: np.ndarray) -> nx.Graph:
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from((i, {ATTRIBUTE: int(g)}) for i, g in enumerate(labels))
    matrix = adjacency if directed else np.triu(adjacency, 1)
    u, v = np.nonzero(matrix)
    graph.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    return graph


def mixing(graph: nx.Graph, labels: np.ndarray, k: int) -> Mixing:
    """networkx's attribute mixing matrix, with the diagonal of an undirected layer halved so
    that each tie counts once, and the matching numbers of possible pairs."""
    directed = graph.is_directed()
    ties = nx.attribute_mixing_matrix(graph, ATTRIBUTE, mapping={g: g for g in range(k)},
                                      normalized=False)  # fmt: skip
    ties = np.rint(np.asarray(ties)).astype(np.int64)
    if not directed:
        ties[np.diag_indices(k)] //= 2
    sizes = np.bincount(labels, minlength=k).astype(np.int64)
    pairs = np.outer(sizes, sizes)
    within = sizes * (sizes - 1)
    pairs[np.diag_indices(k)] = within if directed else within // 2
    return Mixing(ties, pairs, directed)


def density_ratio(mix: Mixing) -> Value:
    if mix.within_pairs == 0:
        return Value.undefined("aucun milieu n'a deux acteurs : pas de paire interne")
    if mix.between_pairs == 0:
        return Value.undefined("un seul milieu : pas de paire entre milieux")
    if mix.within_ties + mix.between_ties == 0:
        return Value.undefined("aucun lien de ce type")
    if mix.between_ties == 0:
        return Value.undefined("aucun lien entre milieux : rapport infini")
    within = mix.within_ties / mix.within_pairs
    between = mix.between_ties / mix.between_pairs
    return Value(within / between)


def odds_ratio(mix: Mixing) -> Value:
    if mix.within_pairs == 0:
        return Value.undefined("aucun milieu n'a deux acteurs : pas de paire interne")
    if mix.between_pairs == 0:
        return Value.undefined("un seul milieu : pas de paire entre milieux")
    w, pw = mix.within_ties, mix.within_pairs
    b, pb = mix.between_ties, mix.between_pairs
    if w + b == 0:
        return Value.undefined("aucun lien de ce type")
    if b == 0:
        return Value.undefined("aucun lien entre milieux : rapport infini")
    if w == pw:
        return Value.undefined("toutes les paires internes sont liées : rapport infini")
    if b == pb:
        return Value.undefined("toutes les paires entre milieux sont liées : rapport indéfini")
    return Value((w / (pw - w)) / (b / (pb - b)))


def _ei(external: float, internal: float) -> float:
    return (external - internal) / (external + internal)


def _expected_ei(possible_external: float, possible_internal: float) -> float | None:
    if possible_external + possible_internal == 0:
        return None
    return _ei(possible_external, possible_internal)


@dataclass(frozen=True)
class EIResult:
    network: Value
    groups: list[Value]  # one per group label


def _label_permutation_counts(
    u: np.ndarray, v: np.ndarray, labels: np.ndarray, k: int, permutations: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Under ``permutations`` random relabellings: internal ties (R), internal ties per group
    (R x k) and ties touching each group (R x k)."""
    rng = np.random.default_rng(seed)
    n = labels.size
    block = max(1, min(permutations, _BLOCK_CELLS // max(1, u.size)))
    internal = np.empty(permutations)
    internal_g = np.empty((permutations, k))
    touching_g = np.empty((permutations, k))
    done = 0
    while done < permutations:
        size = min(block, permutations - done)
        shuffled = labels[random_permutations(rng, size, n)]
        lu, lv = shuffled[:, u], shuffled[:, v]
        same = lu == lv
        offset = (np.arange(size) * k)[:, None]
        inside = np.bincount((lu + offset)[same], minlength=size * k).reshape(size, k)
        touch = (
            np.bincount((lu + offset).ravel(), minlength=size * k)
            + np.bincount((lv + offset).ravel(), minlength=size * k)
        ).reshape(size, k) - inside
        internal[done : done + size] = same.sum(axis=1)
        internal_g[done : done + size] = inside
        touching_g[done : done + size] = touch
        done += size
    return internal, internal_g, touching_g


def _p_values(observed: float, expected: float, simulated: np.ndarray) -> tuple[float, float]:
    """Two-sided (distance to the expected value) and lower one-sided permutation p-values."""
    count = simulated.size
    far = np.count_nonzero(np.abs(simulated - expected) >= abs(observed - expected) - _EPS)
    low = np.count_nonzero(simulated <= observed + _EPS)
    return (far + 1) / (count + 1), (low + 1) / (count + 1)


def ei_index(
    adjacency: np.ndarray,
    directed: bool,
    labels: np.ndarray,
    k: int,
    *,
    permutations: int = 1000,
    seed: int = 1,
) -> EIResult:
    """E-I index of the network and of each group, with expected values and p-values."""
    matrix = adjacency if directed else np.triu(adjacency | adjacency.T, 1)
    u, v = np.nonzero(matrix)
    n = labels.size
    sizes = np.bincount(labels, minlength=k)
    total = u.size
    internal = int(np.count_nonzero(labels[u] == labels[v]))
    possible_internal = float((sizes * (sizes - 1)).sum() / 2)
    possible_external = float(n * (n - 1) / 2 - possible_internal)
    simulated = None
    if total and permutations > 0:
        simulated = _label_permutation_counts(u, v, labels, k, permutations, seed)
    if total == 0:
        network = Value.undefined("aucun lien de ce type")
    elif possible_internal == 0:
        network = Value.undefined("aucun milieu n'a deux acteurs : pas de lien interne possible")
    elif possible_external == 0:
        network = Value.undefined("un seul milieu : pas de lien externe possible")
    else:
        observed = _ei(total - internal, internal)
        expected = _expected_ei(possible_external, possible_internal)
        p = p_low = None
        if simulated is not None and expected is not None:
            perm = (total - 2 * simulated[0]) / total
            p, p_low = _p_values(observed, expected, perm)
        network = Value(observed, expected=expected, p_value=p, p_less=p_low)
    groups: list[Value] = []
    inside_g = np.bincount(labels[u][labels[u] == labels[v]], minlength=k)
    touching = np.bincount(labels[u], minlength=k) + np.bincount(labels[v], minlength=k) - inside_g
    for g in range(k):
        ng = int(sizes[g])
        if ng < 2:
            groups.append(Value.undefined("milieu d'un seul acteur : pas de lien interne possible"))
            continue
        if ng == n:
            groups.append(Value.undefined("un seul milieu : pas de lien externe possible"))
            continue
        if touching[g] == 0:
            groups.append(Value.undefined("aucun lien de ce type pour ce milieu"))
            continue
        observed = _ei(float(touching[g] - inside_g[g]), float(inside_g[g]))
        expected = _expected_ei(float(ng * (n - ng)), float(ng * (ng - 1) / 2))
        p = p_low = None
        if simulated is not None and expected is not None:
            touch = simulated[2][:, g]
            inside = simulated[1][:, g]
            with np.errstate(invalid="ignore", divide="ignore"):
                perm = (touch - 2 * inside) / touch
            perm = perm[touch > 0]
            if perm.size:
                p, p_low = _p_values(observed, expected, perm)
        groups.append(Value(observed, expected=expected, p_value=p, p_less=p_low))
    return EIResult(network, groups)


def actor_ei(adjacency: np.ndarray, labels: np.ndarray) -> list[Value]:
    """E-I index of each actor's ties (in and out for a directed layer)."""
    a = np.asarray(adjacency, dtype=bool).copy()
    np.fill_diagonal(a, False)
    sizes = np.bincount(labels)
    n = labels.size
    same = labels[:, None] == labels[None, :]
    ties = a.astype(np.int64) + a.T.astype(np.int64)  # undirected: 2 per tie, same ratio
    internal = (ties * same).sum(axis=1)
    external = (ties * ~same).sum(axis=1)
    out: list[Value] = []
    for i in range(n):
        ng = int(sizes[labels[i]])
        if ng < 2:
            out.append(Value.undefined("seul acteur de son milieu"))
        elif ng == n:
            out.append(Value.undefined("un seul milieu"))
        elif internal[i] + external[i] == 0:
            out.append(Value.undefined("aucun lien"))
        else:
            expected = _expected_ei(float(n - ng), float(ng - 1))
            out.append(Value(_ei(float(external[i]), float(internal[i])), expected=expected))
    return out


def assortativity(graph: nx.Graph) -> Value:
    """Newman's nominal assortativity coefficient (networkx)."""
    if graph.number_of_edges() == 0:
        return Value.undefined("aucun lien de ce type")
    try:
        with np.errstate(invalid="ignore", divide="ignore"):
            value = nx.attribute_assortativity_coefficient(graph, ATTRIBUTE)
    except (ZeroDivisionError, ValueError):
        value = float("nan")
    if value != value:
        return Value.undefined("tous les liens relient le même milieu (variance nulle)")
    return Value(float(value))


def density(graph: nx.Graph) -> Value:
    if graph.number_of_nodes() < 2:
        return Value.undefined("moins de deux acteurs")
    return Value(float(nx.density(graph)))
