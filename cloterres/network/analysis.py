"""All the measures of every layer: the library function behind ``cloterres reseau``.

Pivots and boundary spanners are defined transparently (the « Méthode » sheet repeats it):

- pivot of a layer: the actor(s) with the highest betweenness, when it is above 0;
- boundary spanner (« passeur de frontières ») of a layer: an actor that (a) has ties to at least
  two milieux other than its own, (b) is in the top 10 % of the layer's betweenness (at or above
  its 90th percentile, and above 0), and (c) brokers across milieux at least as often as expected:
  its Gould-Fernandez roles that involve two milieux or more (itinerant + representative +
  gatekeeper + liaison) reach their expected count, which leaves out the hubs whose brokerage
  stays inside their own milieu.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from cloterres.network.brokerage import (
    BETWEEN_ROLES,
    CROSSING_ROLES,
    ROLES,
    brokerage_counts,
    expected_counts,
)
from cloterres.network.centrality import betweenness
from cloterres.network.layers import ALL_TYPES, Layer
from cloterres.network.measures import (
    EIResult,
    Mixing,
    Value,
    actor_ei,
    assortativity,
    density_ratio,
    ei_index,
    mixing,
    odds_ratio,
    to_graph,
)
from cloterres.network.missing import observed_density, observed_mixing
from cloterres.network.model import Actor
from cloterres.network.qap import QAPResult, qap_correlation, same_group_matrix
from cloterres.network.structural_holes import constraint, effective_size

SPANNER_QUANTILE = 0.9
SPANNER_MIN_OTHER_GROUPS = 2
_BETWEEN = [ROLES.index(r) for r in BETWEEN_ROLES]
_CROSSING = [ROLES.index(r) for r in CROSSING_ROLES]


@dataclass
class ActorResult:
    index: int
    degree: int
    in_degree: int | None
    out_degree: int | None
    betweenness: float
    constraint: float | None
    effective_size: float | None
    ei: Value
    other_groups: int  # milieux other than its own among its contacts
    brokerage: np.ndarray  # counts per role (ROLES order)
    brokerage_expected: np.ndarray | None
    pivot: bool = False
    spanner: bool = False
    answered: bool | None = None  # None: not a survey (no respondents to speak of)

    @property
    def between_brokerage(self) -> int:
        return int(self.brokerage[_BETWEEN].sum())

    @property
    def between_expected(self) -> float | None:
        if self.brokerage_expected is None:
            return None
        return float(self.brokerage_expected[_BETWEEN].sum())

    @property
    def crossing_brokerage(self) -> int:
        return int(self.brokerage[_CROSSING].sum())

    @property
    def crossing_expected(self) -> float | None:
        if self.brokerage_expected is None:
            return None
        return float(self.brokerage_expected[_CROSSING].sum())


@dataclass
class LayerResult:
    layer: Layer
    density: Value
    mixing: Mixing
    density_within: Value
    density_between: Value
    density_ratio: Value
    odds_ratio: Value
    ei: EIResult
    assortativity: Value
    qap: QAPResult
    actors: list[ActorResult]

    @property
    def name(self) -> str:
        return self.layer.name

    @property
    def label(self) -> str:
        """The tie type as a person reads it (« Échange d'information », « Tous les liens »)."""
        return self.layer.label

    @property
    def pivots(self) -> list[int]:
        return [a.index for a in self.actors if a.pivot]

    @property
    def spanners(self) -> list[int]:
        return [a.index for a in self.actors if a.spanner]


@dataclass
class NetworkAnalysis:
    actors: list[Actor]
    attribute: str
    groups: list[str]  # group name by label
    labels: np.ndarray
    layers: list[LayerResult]
    layer_qap: list[tuple[str, str, QAPResult]] = field(default_factory=list)
    permutations: int = 1000
    seed: int = 1
    rule: str = "union"
    directed_types: list[str] = field(default_factory=list)
    missing: bool = True  # non-respondents' ties unknown (True) or absent (False)

    def layer(self, name: str) -> LayerResult:
        return next(r for r in self.layers if r.name == name)

    @property
    def picture_layer(self) -> LayerResult:
        """The layer drawn and summarised first: all ties when there are several types."""
        return next((r for r in self.layers if r.name == ALL_TYPES), self.layers[0])


def group_labels(values: list[str]) -> tuple[list[str], np.ndarray]:
    """Group names (sorted) and each actor's integer label."""
    from cloterres.engine.nlp import fold

    names = sorted(set(values), key=lambda v: (fold(v), v))
    index = {name: i for i, name in enumerate(names)}
    return names, np.array([index[v] for v in values], dtype=np.int64)


def _within_between(mix: Mixing) -> tuple[Value, Value]:
    within = (
        Value(mix.within_ties / mix.within_pairs)
        if mix.within_pairs
        else Value.undefined("aucun milieu n'a deux acteurs")
    )
    between = (
        Value(mix.between_ties / mix.between_pairs)
        if mix.between_pairs
        else Value.undefined("un seul milieu")
    )
    return within, between


def _actors(layer: Layer, labels: np.ndarray) -> list[ActorResult]:
    a = layer.adjacency.copy()
    np.fill_diagonal(a, False)
    n = labels.size
    between = betweenness(layer.adjacency, layer.directed)
    cons = constraint(a)
    eff = effective_size(a)
    eis = actor_ei(a, labels)
    counts = brokerage_counts(a, labels)
    expected = expected_counts(counts, labels)
    contacts = a | a.T
    cited = a if layer.directed or layer.reported is None else layer.reported.copy()
    np.fill_diagonal(cited, False)
    answered = layer.answered
    results: list[ActorResult] = []
    for i in range(n):
        reached = set(labels[contacts[i]].tolist()) - {int(labels[i])}
        silent = answered is not None and not answered[i]
        results.append(
            ActorResult(
                index=i,
                degree=int(contacts[i].sum()),
                in_degree=int(cited[:, i].sum()),
                out_degree=None if silent else int(cited[i, :].sum()),
                betweenness=float(between[i]),
                constraint=None if np.isnan(cons[i]) else float(cons[i]),
                effective_size=None if np.isnan(eff[i]) else float(eff[i]),
                ei=eis[i],
                other_groups=len(reached),
                brokerage=counts[i],
                brokerage_expected=None if expected is None else expected[i],
                answered=None if answered is None else bool(answered[i]),
            )
        )
    values = np.array([r.betweenness for r in results])
    top = float(values.max()) if n else 0.0
    threshold = float(np.quantile(values, SPANNER_QUANTILE)) if n else 0.0
    for r in results:
        r.pivot = top > 0 and r.betweenness >= top - 1e-12
        expected_crossing = r.crossing_expected
        r.spanner = (
            r.other_groups >= SPANNER_MIN_OTHER_GROUPS
            and r.betweenness > 0
            and r.betweenness >= threshold - 1e-12
            and expected_crossing is not None
            and r.crossing_brokerage >= expected_crossing - 1e-9
        )
    return results


def analyse_layer(
    layer: Layer, labels: np.ndarray, k: int, *, permutations: int, seed: int
) -> LayerResult:
    adjacency = layer.adjacency.copy()
    np.fill_diagonal(adjacency, False)
    graph = to_graph(adjacency, layer.directed, labels)
    mix = mixing(graph, labels, k)
    observed = layer.observed
    if observed is None:
        observed = ~np.eye(labels.size, dtype=bool)
    mix = observed_mixing(mix, observed, labels, k)
    within, between = _within_between(mix)
    qap = qap_correlation(adjacency, same_group_matrix(labels), permutations=permutations,
                          seed=seed)  # fmt: skip
    return LayerResult(
        layer=layer,
        density=observed_density(adjacency, observed, layer.directed),
        mixing=mix,
        density_within=within,
        density_between=between,
        density_ratio=density_ratio(mix),
        odds_ratio=odds_ratio(mix),
        ei=ei_index(adjacency, layer.directed, labels, k, permutations=permutations, seed=seed),
        assortativity=assortativity(graph),
        qap=qap,
        actors=_actors(layer, labels),
    )


def analyse(
    actors: list[Actor],
    attribute: str,
    values: list[str],
    layers: list[Layer],
    *,
    permutations: int = 1000,
    seed: int = 1,
    rule: str = "union",
    directed_types: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    missing: bool = True,
) -> NetworkAnalysis:
    groups, labels = group_labels(values)
    results: list[LayerResult] = []
    for step, layer in enumerate(layers, start=1):
        results.append(
            analyse_layer(layer, labels, len(groups), permutations=permutations, seed=seed)
        )
        if progress:
            progress(step)
    pairs: list[tuple[str, str, QAPResult]] = []
    typed = [r for r in results if r.name != ALL_TYPES]
    for first, second in combinations(typed, 2):
        pairs.append(
            (
                first.name,
                second.name,
                qap_correlation(first.layer.adjacency, second.layer.adjacency,
                                permutations=permutations, seed=seed),
            )
        )  # fmt: skip
    return NetworkAnalysis(
        actors=actors,
        attribute=attribute,
        groups=groups,
        labels=labels,
        layers=results,
        layer_qap=pairs,
        permutations=permutations,
        seed=seed,
        rule=rule,
        directed_types=sorted(directed_types or []),
        missing=missing,
    )
