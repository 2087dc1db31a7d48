"""Network statistics against values computed by hand (and against networkx where it has them)."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from cloterres.network.analysis import analyse_layer
from cloterres.network.brokerage import brokerage_counts, expected_counts
from cloterres.network.layers import Layer
from cloterres.network.measures import (
    actor_ei,
    assortativity,
    density_ratio,
    ei_index,
    mixing,
    odds_ratio,
    to_graph,
)
from cloterres.network.structural_holes import constraint, effective_size


def undirected(n: int, edges: list[tuple[int, int]]) -> np.ndarray:
    a = np.zeros((n, n), dtype=bool)
    for u, v in edges:
        a[u, v] = a[v, u] = True
    return a


# E-I index (Krackhardt & Stern 1988, "Informal networks and organizational crises", Social
# Psychology Quarterly 51(2): E-I = (EL - IL) / (EL + IL); expected value from the numbers of
# possible external and internal ties given the group sizes). Worked by hand on a two-group
# example: group A = {0, 1, 2} (a triangle), group B = {3, 4} (one tie), one tie 2-3 between.
EI_EDGES = [(0, 1), (1, 2), (0, 2), (3, 4), (2, 3)]
EI_LABELS = np.array([0, 0, 0, 1, 1])


def test_ei_index_network_group_and_actor_levels_equal_hand_values():
    a = undirected(5, EI_EDGES)
    result = ei_index(a, False, EI_LABELS, 2, permutations=0)
    # network: E = 1, I = 4 -> (1 - 4) / 5; possible: I* = 3 + 1 = 4, E* = 3 * 2 = 6 -> 2 / 10
    assert result.network.value == pytest.approx(-0.6)
    assert result.network.expected == pytest.approx(0.2)
    # group A: I = 3, E = 1 -> -0.5; possible I* = 3, E* = 6 -> 3 / 9
    assert result.groups[0].value == pytest.approx(-0.5)
    assert result.groups[0].expected == pytest.approx(1 / 3)
    # group B: I = 1, E = 1 -> 0; possible I* = 1, E* = 6 -> 5 / 7
    assert result.groups[1].value == pytest.approx(0.0)
    assert result.groups[1].expected == pytest.approx(5 / 7)
    actors = actor_ei(a, EI_LABELS)
    # actor 2: two internal ties (0, 1), one external (3) -> -1/3; expected ((5-3) - 2) / 4 = 0
    assert actors[2].value == pytest.approx(-1 / 3)
    assert actors[2].expected == pytest.approx(0.0)
    assert actors[0].value == pytest.approx(-1.0)
    assert actors[4].value == pytest.approx(-1.0)  # its only tie is to 3, same group


def test_ei_permutation_p_value_matches_exact_enumeration():
    """With 3 + 2 actors there are only 10 distinct labellings: the permutation p-value must
    approach the exact share of labellings at least as far from the expected value."""
    a = undirected(5, EI_EDGES)
    expected = 0.2
    observed = -0.6
    far = 0
    labellings = list(combinations(range(5), 3))
    for group_a in labellings:
        labels = np.array([0 if i in group_a else 1 for i in range(5)])
        value = ei_index(a, False, labels, 2, permutations=0).network.value
        far += abs(value - expected) >= abs(observed - expected) - 1e-12
    exact = far / len(labellings)
    result = ei_index(a, False, EI_LABELS, 2, permutations=20_000, seed=3)
    assert result.network.p_value == pytest.approx(exact, abs=0.01)


def test_ei_undefined_for_single_actor_group_and_empty_layer():
    a = undirected(4, [(0, 1), (1, 2), (2, 3)])
    labels = np.array([0, 0, 0, 1])  # group 1 has one actor
    result = ei_index(a, False, labels, 2, permutations=10)
    assert result.groups[1].value is None
    assert "un seul acteur" in result.groups[1].reason
    assert actor_ei(a, labels)[3].value is None
    empty = ei_index(np.zeros((4, 4), dtype=bool), False, labels, 2, permutations=10)
    assert empty.network.value is None and "aucun lien" in empty.network.reason


def test_density_ratio_and_odds_ratio_equal_hand_values():
    # A = {0,1,2,3}: 6 pairs; B = {4,5,6}: 3 pairs -> 9 within pairs, 12 between pairs.
    # Within ties 0-1, 1-2, 2-3, 4-5 (4); between ties 3-4, 0-6 (2).
    a = undirected(7, [(0, 1), (1, 2), (2, 3), (4, 5), (3, 4), (0, 6)])
    labels = np.array([0, 0, 0, 0, 1, 1, 1])
    mix = mixing(to_graph(a, False, labels), labels, 2)
    assert mix.ties.tolist() == [[3, 2], [2, 1]]
    assert mix.pairs.tolist() == [[6, 12], [12, 3]]
    assert (mix.within_ties, mix.within_pairs, mix.between_ties, mix.between_pairs) == (4, 9, 2, 12)
    assert density_ratio(mix).value == pytest.approx((4 / 9) / (2 / 12))  # 2.667
    assert odds_ratio(mix).value == pytest.approx((4 / 5) / (2 / 10))  # 4.0


def test_mixing_matrix_directed_counts_arcs_by_sender_group():
    a = np.zeros((4, 4), dtype=bool)
    a[0, 1] = a[0, 2] = a[2, 3] = a[3, 2] = True
    labels = np.array([0, 0, 1, 1])
    mix = mixing(to_graph(a, True, labels), labels, 2)
    assert mix.ties.tolist() == [[1, 1], [0, 2]]
    assert mix.pairs.tolist() == [[2, 4], [4, 2]]


def test_ratios_undefined_not_zero():
    labels = np.array([0, 0, 1, 1])
    no_between = undirected(4, [(0, 1), (2, 3)])
    mix = mixing(to_graph(no_between, False, labels), labels, 2)
    assert (
        density_ratio(mix).value is None and "aucun lien entre milieux" in density_ratio(mix).reason
    )
    assert odds_ratio(mix).value is None
    singletons = np.array([0, 1, 2, 3])
    mix = mixing(to_graph(undirected(4, [(0, 1)]), False, singletons), singletons, 4)
    assert density_ratio(mix).value is None and "deux acteurs" in density_ratio(mix).reason
    empty = np.zeros((4, 4), dtype=bool)
    mix = mixing(to_graph(empty, False, labels), labels, 2)
    assert density_ratio(mix).value is None
    assert assortativity(to_graph(empty, False, labels)).value is None


def test_assortativity_equals_networkx_and_perfect_homophily_is_one():
    a = undirected(4, [(0, 1), (2, 3)])
    labels = np.array([0, 0, 1, 1])
    assert assortativity(to_graph(a, False, labels)).value == pytest.approx(1.0)
    b = undirected(4, [(0, 2), (1, 3), (0, 1)])
    graph = to_graph(b, False, labels)
    assert assortativity(graph).value == pytest.approx(
        nx.attribute_assortativity_coefficient(graph, "groupe")
    )


# Gould & Fernandez (1989) brokerage on a 5-node directed graph, counted by hand.
# Groups: 0, 1, 2 in A; 3 in B; 4 in C. Arcs: 0->1, 1->2, 2->3, 3->4, 4->0, 1->3, 3->0.
# Open two-paths a -> b -> c (no a -> c):
#   b = 0: 4->0->1 (C, A, A) gatekeeper; 3->0->1 (B, A, A) gatekeeper
#   b = 1: 0->1->2 (A, A, A) coordinator; 0->1->3 (A, A, B) representative
#   b = 2: 1->2->3 is closed by 1->3: none
#   b = 3: 2->3->4 and 1->3->4 (A, B, C) liaison x2; 2->3->0 and 1->3->0 (A, B, A) itinerant x2
#   b = 4: 3->4->0 is closed by 3->0: none
ARCS = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (1, 3), (3, 0)]
GF_LABELS = np.array([0, 0, 0, 1, 2])


def _directed(n: int, arcs: list[tuple[int, int]]) -> np.ndarray:
    a = np.zeros((n, n), dtype=bool)
    for u, v in arcs:
        a[u, v] = True
    return a


def test_gould_fernandez_counts_on_five_node_directed_graph():
    counts = brokerage_counts(_directed(5, ARCS), GF_LABELS)
    # columns: coordinator, itinerant, representative, gatekeeper, liaison
    assert counts.tolist() == [
        [0, 0, 0, 2, 0],
        [1, 0, 1, 0, 0],
        [0, 0, 0, 0, 0],
        [0, 2, 0, 0, 2],
        [0, 0, 0, 0, 0],
    ]


def test_gould_fernandez_expected_values_by_hand():
    counts = brokerage_counts(_directed(5, ARCS), GF_LABELS)
    expected = expected_counts(counts, GF_LABELS)
    assert expected is not None
    # broker 1 (group of 3, N = 5): a and c drawn from the 4 others (2 of A, 2 outside):
    # P(coord) = 2*1/12, P(itin) = 0 (other groups of one actor), P(rep) = P(gate) = 2*2/12,
    # P(liaison) = (1*1 + 1*1)/12; total 2 brokered pairs
    assert expected[1] == pytest.approx([2 / 12 * 2, 0, 4 / 12 * 2, 4 / 12 * 2, 2 / 12 * 2])
    # broker 3 (alone in B): P(itin) = 3*2/12, P(liaison) = (3*1 + 1*3)/12; total 4
    assert expected[3] == pytest.approx([0, 2, 0, 0, 2])
    assert expected.sum(axis=1) == pytest.approx(counts.sum(axis=1))


def test_closed_triad_constraint_is_1_125():
    """Burt (1992): an actor tied to two contacts who are tied to each other has
    c = 2 * (1/2 + 1/2 * 1/2)^2 = 1.125."""
    triad = undirected(3, [(0, 1), (1, 2), (0, 2)])
    assert constraint(triad) == pytest.approx([1.125, 1.125, 1.125])
    star = undirected(4, [(0, 1), (0, 2), (0, 3)])
    assert constraint(star)[0] == pytest.approx(1 / 3)
    assert effective_size(star)[0] == pytest.approx(3.0)
    assert effective_size(triad)[0] == pytest.approx(2 - 2 * 1 / 2)  # Borgatti: n - 2t/n


def test_isolated_actor_has_no_constraint_or_effective_size():
    a = undirected(3, [(0, 1)])
    assert np.isnan(constraint(a)[2]) and np.isnan(effective_size(a)[2])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_structural_holes_equal_networkx(seed):
    graph = nx.gnp_random_graph(25, 0.2, seed=seed)
    for u, v in graph.edges:
        graph[u][v]["weight"] = 1 + (u * v) % 3
    nodes = list(range(25))
    binary = nx.to_numpy_array(graph, nodelist=nodes, weight=None)
    weighted = nx.to_numpy_array(graph, nodelist=nodes, weight="weight")
    c_nx = nx.constraint(graph)
    c_w = nx.constraint(graph, weight="weight")
    e_nx = nx.effective_size(graph, nodes=nodes)
    for i, c, cw, e in zip(nodes, constraint(binary), constraint(weighted),
                           effective_size(binary), strict=True):  # fmt: skip
        if graph.degree(i) == 0:
            assert np.isnan(c) and np.isnan(c_nx[i])
            continue
        assert c == pytest.approx(c_nx[i])
        assert cw == pytest.approx(c_w[i])
        assert e == pytest.approx(e_nx[i])
    directed = nx.gnp_random_graph(25, 0.2, seed=seed, directed=True)
    arcs = nx.to_numpy_array(directed, nodelist=nodes, weight=None)
    c_d = nx.constraint(directed)
    e_d = nx.effective_size(directed, nodes=nodes)  # the per-node definition
    for i in nodes:
        if directed.out_degree(i) == 0:  # networkx gives NaN there; we measure them
            continue
        assert constraint(arcs)[i] == pytest.approx(c_d[i])
        assert effective_size(arcs)[i] == pytest.approx(e_d[i])


def test_layer_analysis_flags_the_bridge_as_pivot_and_spanner():
    # two cliques of 4 (groups 0 and 1) and a third group of 3; actor 11 (group 2) bridges all
    edges = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    edges += [(i, j) for i in range(4, 8) for j in range(i + 1, 8)]
    edges += [(8, 9), (9, 10), (8, 10)]
    edges += [(11, 0), (11, 4), (11, 8), (11, 1)]
    labels = np.array([0] * 4 + [1] * 4 + [2] * 4)
    a = undirected(12, edges)
    result = analyse_layer(Layer("x", False, a.astype(float)), labels, 3, permutations=50, seed=1)
    assert result.pivots == [11]
    assert 11 in result.spanners
    assert result.actors[11].other_groups == 2
    assert result.actors[11].betweenness == pytest.approx(nx.betweenness_centrality(
        nx.from_numpy_array(a.astype(int)))[11])  # fmt: skip


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", [1, 2])
def test_vectorised_betweenness_equals_networkx(directed, seed):
    from cloterres.network.centrality import betweenness

    graph = nx.gnp_random_graph(40, 0.08, seed=seed, directed=directed)
    graph.add_node(40)  # an isolated actor
    a = nx.to_numpy_array(graph, nodelist=range(41)) > 0
    reference = nx.betweenness_centrality(graph, normalized=True)
    assert betweenness(a, directed) == pytest.approx([reference[i] for i in range(41)], abs=1e-12)
