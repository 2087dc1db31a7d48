"""Generate the fictional demo network of corpora/demo/reseau/ (seeded: same files every run).

Territoire fictif : Communauté de communes des Coteaux de Brenne (fictif). Every name below is
invented. Run from the repository root:

    .venv/bin/python corpora/demo/reseau/generer.py

It writes ``acteurs.csv`` (60 actors), ``liens.csv`` (ties as reported by the actors who answered
the roster survey: three tie types) and ``enquete-roster.xlsx`` (a small roster survey in wide
form). The tie probabilities are planted so that the network shows what the MRSS programme
reported: ties mostly inside each milieu (about 5 times more for information exchange and 10
times more for collaboration), a Maison Sport-Santé acting as the pivot, few ties between the
local authorities and the MSS, and two boundary spanners (an adapted physical activity teacher and
an Asalée nurse).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 2024

# (id, nom, milieu, commune, alias)
ACTORS: list[tuple[str, str, str, str, str]] = [
    ("MSS1", "Maison Sport-Santé des Coteaux", "MSS", "Brenne-le-Haut", "MSS des Coteaux;MSS"),
    ("MSS2", "Antenne Sport-Santé de Vallon", "MSS", "Vallon-sur-Brenne", "antenne sport-santé"),
    ("SP01", "Club de handball de Vallon", "sport", "Vallon-sur-Brenne", ""),
    ("SP02", "Judo club des Coteaux", "sport", "Brenne-le-Haut", ""),
    ("SP03", "Marche nordique de la Brenne", "sport", "Saint-Aubin-des-Prés", ""),
    ("SP04", "Union cycliste de Brenne", "sport", "Brenne-le-Haut", ""),
    ("SP05", "Gymnastique volontaire de Lorcy", "sport", "Lorcy", "GV Lorcy"),
    ("SP06", "Aviron des Deux Rives", "sport", "Vallon-sur-Brenne", ""),
    ("SP07", "Football club de Saint-Aubin", "sport", "Saint-Aubin-des-Prés", "FC Saint-Aubin"),
    ("SP08", "Tennis de table de Lorcy", "sport", "Lorcy", ""),
    ("SP09", "Comité départemental de randonnée (fictif)", "sport", "Brenne-le-Haut", ""),
    ("SP10", "Natation des Coteaux", "sport", "Brenne-le-Haut", ""),
    ("SP11", "Yoga et bien-être de Vallon", "sport", "Vallon-sur-Brenne", ""),
    ("SP12", "Office intercommunal des sports", "sport", "Brenne-le-Haut", "OIS"),
    (
        "SP13",
        "Lucie Marchal, enseignante en APA",
        "sport",
        "Vallon-sur-Brenne",
        "enseignante APA;Lucie Marchal",
    ),
    ("SP14", "Basket loisir de Montbrenne", "sport", "Montbrenne", ""),
    (
        "SA01",
        "Maison de santé pluriprofessionnelle de Vallon",
        "santé",
        "Vallon-sur-Brenne",
        "MSP de Vallon",
    ),
    ("SA02", "Cabinet médical de Lorcy", "santé", "Lorcy", ""),
    ("SA03", "Dr Armand Fessard, médecin généraliste", "santé", "Brenne-le-Haut", "Dr Fessard"),
    (
        "SA04",
        "Dr Nadia Bellouti, médecin généraliste",
        "santé",
        "Saint-Aubin-des-Prés",
        "Dr Bellouti",
    ),
    ("SA05", "Cabinet de kinésithérapie des Coteaux", "santé", "Brenne-le-Haut", ""),
    ("SA06", "CPTS Brenne et Coteaux", "santé", "Brenne-le-Haut", "CPTS"),
    ("SA07", "Centre hospitalier de Montbrenne", "santé", "Montbrenne", "hôpital de Montbrenne"),
    ("SA08", "Service de réadaptation cardiaque de Montbrenne", "santé", "Montbrenne", ""),
    ("SA09", "Pharmacie du Pont", "santé", "Vallon-sur-Brenne", ""),
    (
        "SA10",
        "Claire Dutheil, infirmière Asalée",
        "santé",
        "Lorcy",
        "infirmière Asalée;Claire Dutheil",
    ),
    ("SA11", "Cabinet de diététique de Vallon", "santé", "Vallon-sur-Brenne", ""),
    ("SA12", "Centre de santé mutualiste de Lorcy", "santé", "Lorcy", ""),
    ("SA13", "Réseau diabète Brenne (fictif)", "santé", "Montbrenne", ""),
    ("SA14", "Cabinet infirmier de Saint-Aubin", "santé", "Saint-Aubin-des-Prés", ""),
    ("SO01", "CCAS de Vallon-sur-Brenne", "social", "Vallon-sur-Brenne", "CCAS de Vallon"),
    ("SO02", "Centre social des Coteaux", "social", "Brenne-le-Haut", ""),
    ("SO03", "Association d'insertion Le Relais de Brenne", "social", "Brenne-le-Haut", ""),
    ("SO04", "Résidence autonomie Les Tilleuls", "social", "Lorcy", ""),
    ("SO05", "Épicerie solidaire de Montbrenne", "social", "Montbrenne", ""),
    ("SO06", "Mission locale des Coteaux", "social", "Brenne-le-Haut", ""),
    ("SO07", "Service d'aide à domicile Brenne Services", "social", "Vallon-sur-Brenne", ""),
    (
        "CO01",
        "Communauté de communes des Coteaux de Brenne",
        "collectivité",
        "Brenne-le-Haut",
        "communauté de communes",
    ),
    ("CO02", "Mairie de Vallon-sur-Brenne", "collectivité", "Vallon-sur-Brenne", ""),
    ("CO03", "Mairie de Lorcy", "collectivité", "Lorcy", ""),
    ("CO04", "Mairie de Saint-Aubin-des-Prés", "collectivité", "Saint-Aubin-des-Prés", ""),
    ("CO05", "Mairie de Montbrenne", "collectivité", "Montbrenne", ""),
    (
        "CO06",
        "Coordination du contrat local de santé",
        "collectivité",
        "Brenne-le-Haut",
        "coordinatrice CLS;CLS",
    ),
    ("CO07", "Service des sports intercommunal", "collectivité", "Brenne-le-Haut", ""),
    ("CO08", "Conseil départemental, direction de l'autonomie", "collectivité", "Montbrenne", ""),
    (
        "IN01",
        "ARS, délégation départementale (fictive)",
        "institution",
        "Montbrenne",
        "ARS;délégation départementale",
    ),
    (
        "IN02",
        "Service départemental à la jeunesse, à l'engagement et aux sports",
        "institution",
        "Montbrenne",
        "SDJES;DRAJES",
    ),
    ("IN03", "Caisse primaire d'assurance maladie (fictive)", "institution", "Montbrenne", "CPAM"),
    (
        "IN04",
        "Comité départemental olympique et sportif (fictif)",
        "institution",
        "Montbrenne",
        "CDOS",
    ),
    (
        "IN05",
        "Centre de prévention des caisses de retraite (fictif)",
        "institution",
        "Montbrenne",
        "",
    ),
    ("FI01", "Mutuelle des Coteaux (fictive)", "financeur", "Brenne-le-Haut", ""),
    ("FI02", "Mutuelle Solidarité Brenne (fictive)", "financeur", "Montbrenne", ""),
    ("FI03", "Caisse de retraite complémentaire (fictive)", "financeur", "Montbrenne", ""),
    ("FI04", "Fondation Bouger en Coteaux (fictive)", "financeur", "Brenne-le-Haut", ""),
    ("SP15", "Pétanque vallonnaise", "sport", "Vallon-sur-Brenne", ""),
    ("SA15", "Sage-femme libérale de Lorcy", "santé", "Lorcy", ""),
    ("SO08", "Foyer de jeunes travailleurs de Montbrenne", "social", "Montbrenne", ""),
    ("CO09", "Mairie de Brenne-le-Haut", "collectivité", "Brenne-le-Haut", ""),
    ("SP16", "Association Sport adapté Brenne", "sport", "Brenne-le-Haut", ""),
    ("SA16", "Centre médico-psychologique de Montbrenne", "santé", "Montbrenne", "CMP"),
]

# Pair probabilities of each tie type: nested (a collaboration is also an exchange and an
# acquaintance), within vs between milieux.
WITHIN = {"connaissance": 0.45, "echange_information": 0.26, "collaboration": 0.2}
BETWEEN = {"connaissance": 0.06, "echange_information": 0.014, "collaboration": 0.001}
TYPES = ("connaissance", "echange_information", "collaboration")
PIVOT = "MSS1"
SPANNERS = {"SP13": ("santé", "MSS", "social"), "SA10": ("sport", "MSS", "social")}
NON_RESPONDENTS = {"SP08", "SP15", "SA09", "SA15", "SO05", "CO05", "FI03", "IN05"}


def _pair_probabilities(ids: list[str], milieux: list[str]) -> dict[str, np.ndarray]:
    n = len(ids)
    same = np.array([[milieux[i] == milieux[j] for j in range(n)] for i in range(n)])
    probs = {t: np.where(same, WITHIN[t], BETWEEN[t]) for t in TYPES}
    index = {a: i for i, a in enumerate(ids)}
    pivot = index[PIVOT]
    for t in TYPES:
        boost = {"connaissance": 0.8, "echange_information": 0.5, "collaboration": 0.35}[t]
        for j in range(n):
            if milieux[j] in ("sport", "santé", "social", "institution", "financeur", "MSS"):
                probs[t][pivot, j] = probs[t][j, pivot] = boost
            elif milieux[j] == "collectivité":  # local authorities and the MSS: few ties
                probs[t][pivot, j] = probs[t][j, pivot] = 0.05
        for spanner, reached in SPANNERS.items():
            s = index[spanner]
            for j in range(n):
                if milieux[j] in reached:
                    level = {"connaissance": 0.75, "echange_information": 0.6,
                             "collaboration": 0.45}[t]  # fmt: skip
                    probs[t][s, j] = probs[t][j, s] = level
    return probs


def generate() -> None:
    rng = np.random.default_rng(SEED)
    ids = [a[0] for a in ACTORS]
    milieux = [a[2] for a in ACTORS]
    n = len(ids)
    probs = _pair_probabilities(ids, milieux)
    draw = rng.random((n, n))
    draw = np.triu(draw, 1) + np.triu(draw, 1).T
    rows: list[list[object]] = []
    for t in TYPES:
        for i in range(n):
            for j in range(i + 1, n):
                # nested: the same draw decides every type (probabilities are ordered)
                if draw[i, j] >= probs[t][i, j]:
                    continue
                weight = 1 if t == "connaissance" else int(rng.integers(1, 4))
                reporters = []
                for a, b in ((i, j), (j, i)):
                    if ids[a] not in NON_RESPONDENTS and rng.random() < 0.8:
                        reporters.append((a, b))
                if not reporters:  # at least one side reports, when one of them answered
                    candidates = [(a, b) for a, b in ((i, j), (j, i))
                                  if ids[a] not in NON_RESPONDENTS]  # fmt: skip
                    reporters = candidates[:1]
                for a, b in reporters:
                    w = weight if t == "connaissance" else max(1, weight + int(rng.integers(-1, 2)))
                    rows.append([ids[a], ids[b], t, w])
    rows.sort(key=lambda r: (str(r[0]), TYPES.index(str(r[2])), str(r[1])))
    with (HERE / "acteurs.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "nom", "milieu", "commune", "alias"])
        writer.writerows([list(a) for a in ACTORS])
    with (HERE / "liens.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["source", "cible", "type", "poids"])
        writer.writerows(rows)
    _roster(ids)


def _roster(ids: list[str]) -> None:
    """A small roster survey (wide form): 6 respondents, 8 listed actors, 2 tie types."""
    from openpyxl import Workbook

    names = {a[0]: a[1] for a in ACTORS}
    respondents = ["MSS1", "SP01", "SP13", "SA01", "SA10", "CO06"]
    listed = ["MSS1", "SP01", "SP02", "SP13", "SA01", "SA03", "SA10", "CO06"]
    rng = np.random.default_rng(SEED + 1)
    wb = Workbook()
    info = wb.active
    info.title = "Consignes"
    info["A1"] = "Questionnaire fictif (démonstration cloterres) : pour chaque acteur listé, "
    info["A2"] = (
        "mettez x si vous échangez des informations / collaborez avec lui, ou la fréquence (1 à 3)."
    )
    ws = wb.create_sheet("Réponses")
    headers = ["Répondant"] + [
        f"{t} | {names[a]}" for t in ("echange_information", "collaboration") for a in listed
    ]
    ws.append(headers)
    for r in respondents:
        line: list[object] = [names[r]]
        for t in ("echange_information", "collaboration"):
            for a in listed:
                if a == r:
                    line.append(None)
                    continue
                p = 0.7 if (r == "MSS1" or a == "MSS1") else 0.35
                if t == "collaboration":
                    p /= 2
                if rng.random() < p:
                    line.append("x" if rng.random() < 0.5 else int(rng.integers(1, 4)))
                else:
                    line.append(None)
        ws.append(line)
    wb.save(HERE / "enquete-roster.xlsx")
    del ids


if __name__ == "__main__":
    generate()
