"""French sentences that explain the layers and the treatment of non-respondents (« Méthode »)."""

from __future__ import annotations

import numpy as np

from cloterres.network.analysis import NetworkAnalysis
from cloterres.network.layers import ALL_TYPES, Layer
from cloterres.network.missing import observed_pairs


def _sym(layer: Layer) -> np.ndarray:
    a = layer.adjacency.copy()
    np.fill_diagonal(a, False)
    return a | a.T


def same_as_all_ties(analysis: NetworkAnalysis) -> list[str]:
    """The labels of the typed layers whose ties (directions ignored) are exactly those of
    ``tous_liens``."""
    if not any(r.name == ALL_TYPES for r in analysis.layers):
        return []
    everything = _sym(analysis.layer(ALL_TYPES).layer)
    return [
        r.label
        for r in analysis.layers
        if r.name != ALL_TYPES and np.array_equal(_sym(r.layer), everything)
    ]


def layer_sentences(analysis: NetworkAnalysis) -> list[list[object]]:
    """One row (« Couche x », sentence) per layer."""
    rows: list[list[object]] = []
    typed = [r.label for r in analysis.layers if r.name != ALL_TYPES]
    for r in analysis.layers:
        layer = r.layer
        if r.name == ALL_TYPES:
            text = (
                f"Réunion de tous les types de liens ({', '.join(typed)}) : deux acteurs sont "
                f"liés s'ils le sont par au moins un type (non orienté ; poids = nombre de types "
                f"qui les relient). {layer.n_ties} liens."
            )
            same = same_as_all_ties(analysis)
            if len(same) == 1:
                text += (
                    f" Elle est identique à la couche « {same[0]} » : dans ces données, toute "
                    f"paire liée par un autre type l'est aussi par « {same[0]} » (types "
                    f"emboîtés ; par exemple, on ne collabore pas sans se connaître). Elle "
                    f"n'apporte alors rien de plus que cette couche ; elle est gardée pour que "
                    f"les résultats aient la même forme d'une étude à l'autre."
                )
            elif same:
                names = ", ".join(f"« {n} »" for n in same)
                text += (
                    f" Elle est identique aux couches {names}, qui relient exactement les mêmes "
                    f"paires ; elle n'apporte alors rien de plus qu'elles."
                )
        else:
            sense = (
                "orienté (la déclaration « A cite B » est gardée comme un arc A → B)"
                if layer.directed
                else f"non orienté (déclarations des deux côtés réunies, règle {analysis.rule})"
            )
            text = f"Liens de type « {r.label} », {sense} : {layer.n_ties} liens."
        rows.append([f"Couche « {r.label} »", text])
    return rows


def non_respondent_sentence(analysis: NetworkAnalysis, missing: bool) -> str:
    """What was done with the actors who did not answer, with the counts."""
    surveyed = [r.layer for r in analysis.layers if r.layer.answered is not None]
    n = len(analysis.actors)
    if not surveyed:
        return (
            "Sans objet : les liens ne sont pas des déclarations d'acteurs (co-mentions dans les "
            "entretiens) ; toutes les paires d'acteurs sont observées."
        )
    first = surveyed[0]
    assert first.answered is not None
    answered = int(first.answered.sum())
    silent = n - answered
    names = [a.id for a, ok in zip(analysis.actors, first.answered, strict=True) if not ok]
    listed = f" ({', '.join(names[:20])}{'…' if len(names) > 20 else ''})" if names else ""
    counts = " ; ".join(
        f"{r.label} : {observed_pairs(r.layer.observed, r.layer.directed)} paires observées"
        for r in analysis.layers
        if r.layer.observed is not None and r.layer.answered is not None
    )
    head = (
        f"{answered} acteurs sur {n} ont répondu (déclaré au moins un lien ou figurant comme "
        f"répondants du questionnaire) ; {silent} n'ont pas répondu{listed}. "
    )
    if missing:
        return head + (
            "Choix (par défaut, --non-repondants manquants) : les liens que les non-répondants "
            "auraient déclarés sont inconnus, pas absents (données manquantes). Densités, "
            "densités internes / entre milieux, rapports de densités et de cotes sont calculés "
            "sur les paires observées seulement : un arc i → j est observé si i a répondu ; "
            "une paire non orientée l'est, avec la règle union, si au moins un des deux a "
            "répondu, avec la règle réciproque, si les deux ont répondu ; une paire liée est "
            "toujours observée. " + counts + ". Les autres mesures (E-I, assortativité, QAP, "
            "intermédiarité, courtage, contrainte) portent sur les liens observés, les paires "
            "inconnues comptées sans lien ; le degré sortant d'un non-répondant est inconnu."
        )
    return head + (
        "Choix (--non-repondants sans-liens) : les non-répondants sont traités comme des "
        "acteurs sans lien déclaré ; toutes les paires comptent au dénominateur des densités, "
        "ce qui les fait baisser d'autant plus que les non-répondants sont nombreux (et "
        "beaucoup plus avec la règle réciproque)."
    )
