"""QAP and homophily on simulated networks: a planted effect is found, no effect is not."""

from __future__ import annotations

import numpy as np
import pytest

from cloterres.network.measures import density_ratio, ei_index, mixing, odds_ratio, to_graph
from cloterres.network.qap import qap_correlation, same_group_matrix


def simulate(n: int, groups: int, p_within: float, p_between: float, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % groups
    same = labels[:, None] == labels[None, :]
    upper = np.triu(rng.random((n, n)) < np.where(same, p_within, p_between), 1)
    return upper | upper.T, labels


def test_planted_tenfold_homophily_gives_ratio_near_ten_and_small_qap_p():
    adjacency, labels = simulate(300, 3, 0.10, 0.01, seed=11)
    mix = mixing(to_graph(adjacency, False, labels), labels, 3)
    ratio = density_ratio(mix).value
    assert ratio is not None and 8.0 < ratio < 12.5
    # the odds ratio is a little larger than the density ratio when densities are not tiny
    assert odds_ratio(mix).value > ratio
    qap = qap_correlation(adjacency, same_group_matrix(labels), permutations=1000, seed=1)
    assert qap.permutations == 1000 and qap.seed == 1
    assert qap.correlation > 0.1
    assert qap.p_value < 0.01 and qap.p_greater < 0.01
    ei = ei_index(adjacency, False, labels, 3, permutations=1000, seed=1).network
    assert ei.value < ei.expected and ei.p_value < 0.01


def test_no_planted_effect_qap_p_above_005_in_90_percent_of_50_simulations():
    passed = 0
    for seed in range(50):
        adjacency, labels = simulate(60, 3, 0.1, 0.1, seed=1000 + seed)
        qap = qap_correlation(adjacency, same_group_matrix(labels), permutations=999, seed=seed)
        passed += qap.p_value > 0.05
    assert passed >= 45


def test_qap_is_reproducible_with_a_seed_and_counts_permutations():
    adjacency, labels = simulate(40, 2, 0.2, 0.1, seed=5)
    x = same_group_matrix(labels)
    first = qap_correlation(adjacency, x, permutations=300, seed=7)
    again = qap_correlation(adjacency, x, permutations=300, seed=7)
    assert first == again
    other = qap_correlation(adjacency, x, permutations=300, seed=8)
    assert other.correlation == first.correlation
    assert other.permutations == 300


def test_qap_correlation_equals_pearson_on_off_diagonal_cells():
    rng = np.random.default_rng(3)
    y = rng.random((12, 12)) < 0.3
    x = rng.random((12, 12))
    mask = ~np.eye(12, dtype=bool)
    pearson = np.corrcoef(y[mask].astype(float), x[mask])[0, 1]
    assert qap_correlation(y, x, permutations=0).correlation == pytest.approx(pearson)


def test_qap_between_two_layers():
    adjacency, _ = simulate(50, 2, 0.15, 0.15, seed=2)
    rng = np.random.default_rng(4)
    thinned = adjacency & np.triu(rng.random((50, 50)) < 0.6, 1)
    thinned = thinned | thinned.T  # a sub-layer (collaborations among exchanges)
    related = qap_correlation(thinned, adjacency, permutations=500, seed=1)
    assert related.correlation > 0.5 and related.p_value < 0.01
    unrelated, _ = simulate(50, 2, 0.15, 0.15, seed=99)
    independent = qap_correlation(unrelated, adjacency, permutations=500, seed=1)
    assert abs(independent.correlation) < 0.15


def test_qap_undefined_when_a_matrix_is_constant():
    labels = np.zeros(10, dtype=int)
    adjacency, _ = simulate(10, 1, 0.3, 0.3, seed=1)
    one_group = qap_correlation(adjacency, same_group_matrix(labels), permutations=10)
    assert one_group.correlation is None and one_group.p_value is None
    assert "constante" in one_group.reason
    empty = qap_correlation(np.zeros((10, 10)), same_group_matrix(np.arange(10) % 2))
    assert empty.correlation is None and "aucun lien" in empty.reason
