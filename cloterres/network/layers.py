"""One layer per tie type on the same actors: adjacency matrices and the symmetrisation rule.

A tie type is directed (the report ``source -> cible`` is kept as an arc) or undirected. For an
undirected type the reports of both sides are combined by the rule:

- ``union``: a tie exists when at least one side reports it;
- ``reciproque``: a tie exists only when both sides report it.

Every pair reported by one side only is flagged, saying whether the other actor answered at all
(it reported some tie of that type, or was a respondent of a roster survey). Derived ties
(co-mentions) are symmetric by construction and always kept. The weight of a kept undirected tie
is the larger of the two reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cloterres.network.missing import combined_observed, observed_dyads
from cloterres.network.model import Actor, ReadWarning, Tie, TieStatus

ALL_TYPES = "tous_liens"
# What a person reads for the usual tie types (ids are ascii snake_case: see readers.type_id).
TIE_LABELS = {
    ALL_TYPES: "Tous les liens",
    "echange_information": "Échange d'information",
    "echange_d_information": "Échange d'information",
    "echange_informations": "Échange d'informations",
    "echange_d_informations": "Échange d'informations",
    "conseil": "Conseil",
    "collaboration": "Collaboration",
    "connaissance": "Connaissance",
    "lien": "Lien",
    "co_mention_unite": "Co-mention (même unité)",
    "co_mention_entretien": "Co-mention (même entretien)",
    "mention": "Mention dans un entretien",
    "financement": "Financement",
    "orientation": "Orientation",
    "partenariat": "Partenariat",
}


def tie_label(type_id: str, written: str = "") -> str:
    """The French label of a tie type: as the input wrote it when it is not the bare id
    (« Échange d'information »), else the usual label of a known id, else the id in words
    (``appui_technique`` -> « Appui technique »)."""
    written = " ".join(written.split())
    if written and written != type_id:
        return written[0].upper() + written[1:]
    if type_id in TIE_LABELS:
        return TIE_LABELS[type_id]
    words = type_id.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else type_id


RULES = ("union", "reciproque")
RECIPROCAL = "réciproque"
ONE_SIDED_ANSWERED = "un seul côté (l'autre acteur a répondu sans citer ce lien)"
ONE_SIDED_SILENT = "un seul côté (l'autre acteur n'a déclaré aucun lien de ce type)"
DIRECTED = "orienté"
DERIVED = "dérivé (co-mention)"


@dataclass
class Layer:
    """The ties of one type between all actors (index = position in the actor list)."""

    name: str  # the tie type id (JSONL, GEXF)
    directed: bool
    weights: np.ndarray  # n x n, 0 = no tie; symmetric when undirected
    statuses: list[TieStatus] = field(default_factory=list)
    # Dyads whose tie is known (n x n bool, diagonal False); None = every dyad observed.
    observed: np.ndarray | None = None
    # Raw reports « row names column » before symmetrisation (n x n bool); None = no reports.
    reported: np.ndarray | None = None
    # Actors who answered (reported ties or were roster respondents); None = not a survey.
    answered: np.ndarray | None = None
    label: str = ""  # what a person reads (« Échange d'information »); default from the id

    def __post_init__(self) -> None:
        if not self.label:
            self.label = tie_label(self.name)

    @property
    def adjacency(self) -> np.ndarray:
        """Presence of ties (bool), what the measures use."""
        return self.weights > 0

    @property
    def n_ties(self) -> int:
        count = int(np.count_nonzero(self.weights))
        return count if self.directed else count // 2

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Arcs (directed) or edges with u < v (undirected) as index arrays."""
        matrix = self.adjacency if self.directed else np.triu(self.adjacency, 1)
        u, v = np.nonzero(matrix)
        return u, v


def build_layers(
    actors: list[Actor],
    ties: list[Tie],
    *,
    directed_types: set[str],
    rule: str,
    respondents: set[str] | None = None,
    missing: bool = True,
) -> tuple[list[Layer], list[ReadWarning]]:
    """One layer per tie type (in order of first appearance), then ``tous_liens`` when there
    are several types: any tie of any type, undirected, weight = number of types.

    Actors who answered are the roster respondents and every actor that reported a tie. With
    ``missing`` (the default) the ties of the others are unknown, not absent: each layer's
    ``observed`` mask keeps only the dyads a respondent could report (see
    ``network.missing.observed_dyads``); without it every dyad counts as observed."""
    if rule not in RULES:
        raise ValueError(f"unknown symmetrisation rule {rule!r}")
    position = {a.id: i for i, a in enumerate(actors)}
    n = len(actors)
    warnings: list[ReadWarning] = []
    types: list[str] = []
    written: dict[str, str] = {}
    reports: dict[str, dict[tuple[str, str], float]] = {}
    derived: dict[str, dict[tuple[str, str], float]] = {}
    for tie in ties:
        if tie.libelle and tie.type not in written:
            written[tie.type] = tie.libelle
        if tie.type not in reports:
            types.append(tie.type)
            reports[tie.type] = {}
            derived[tie.type] = {}
        target = derived if tie.derive else reports
        key = (tie.source, tie.cible)
        if key in target[tie.type] and not tie.derive:
            warnings.append(
                ReadWarning(
                    source=tie.origine,
                    message=f"lien {tie_label(tie.type, tie.libelle)} « {tie.source} » → « {tie.cible} » déclaré deux "
                    f"fois : le plus grand poids est gardé",
                )
            )
        target[tie.type][key] = max(target[tie.type].get(key, 0.0), tie.poids)
    reporters = (respondents or set()) | {t.source for t in ties if not t.derive}
    answered_mask = np.array([a.id in reporters for a in actors], dtype=bool)
    survey = bool(reporters)
    layers: list[Layer] = []
    for tie_type in types:
        directed = tie_type in directed_types
        weights = np.zeros((n, n), dtype=float)
        statuses: list[TieStatus] = []
        answered = {s for s, _ in reports[tie_type]} | (respondents or set())
        for (s, c), w in derived[tie_type].items():
            i, j = position[s], position[c]
            weights[i, j] = max(weights[i, j], w)
            if not directed:
                weights[j, i] = weights[i, j]
            statuses.append(TieStatus(type=tie_type, source=s, cible=c, poids=w, statut=DERIVED,
                                      retenu=True))  # fmt: skip
        done: set[tuple[str, str]] = set()
        for (s, c), w in reports[tie_type].items():
            i, j = position[s], position[c]
            if directed:
                weights[i, j] = max(weights[i, j], w)
                statuses.append(TieStatus(type=tie_type, source=s, cible=c, poids=w,
                                          statut=DIRECTED, retenu=True))  # fmt: skip
                continue
            if (c, s) in done:
                continue
            done.add((s, c))
            back = reports[tie_type].get((c, s))
            if back is not None:
                weight = max(w, back)
                weights[i, j] = weights[j, i] = max(weights[i, j], weight)
                statuses.append(TieStatus(type=tie_type, source=s, cible=c, poids=weight,
                                          statut=RECIPROCAL, retenu=True))  # fmt: skip
                continue
            keep = rule == "union"
            if keep:
                weights[i, j] = weights[j, i] = max(weights[i, j], w)
            status = ONE_SIDED_ANSWERED if c in answered else ONE_SIDED_SILENT
            statuses.append(TieStatus(type=tie_type, source=s, cible=c, poids=w, statut=status,
                                      retenu=keep))  # fmt: skip
        reported = np.zeros((n, n), dtype=bool)
        for s, c in [*reports[tie_type], *derived[tie_type]]:
            reported[position[s], position[c]] = True
        layer = Layer(tie_type, directed, weights, statuses, reported=reported,
                      answered=answered_mask if survey and reports[tie_type] else None,
                      label=tie_label(tie_type, written.get(tie_type, "")))  # fmt: skip
        layer.observed = observed_dyads(
            layer.adjacency, layer.answered, directed=directed, rule=rule, missing=missing
        )
        layers.append(layer)
    if len(layers) > 1:
        count = np.zeros((n, n), dtype=float)
        reported_any = np.zeros((n, n), dtype=bool)
        for layer in layers:
            present = layer.adjacency
            count += present | present.T
            if layer.reported is not None:
                reported_any |= layer.reported
        everything = Layer(ALL_TYPES, False, count, reported=reported_any,
                           answered=answered_mask if survey else None)  # fmt: skip
        everything.observed = combined_observed(
            [(x.observed, x.directed) for x in layers], everything.adjacency
        )
        layers.append(everything)
    return layers, warnings
