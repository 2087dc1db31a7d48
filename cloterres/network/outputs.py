"""Writers of the network results: Excel workbook, JSONL rows, GEXF and GraphML graphs.

Every writer takes the final path and writes through a temporary file (``atomic_path``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import networkx as nx
import numpy as np
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.io.display import display_path
from cloterres.io.excel import DECIMALS, P_VALUE, TITLE_FONT, put, write_table
from cloterres.io.files import atomic_path
from cloterres.io.tables import normalize_header
from cloterres.network.analysis import (
    SPANNER_MIN_OTHER_GROUPS,
    SPANNER_QUANTILE,
    ActorResult,
    LayerResult,
    NetworkAnalysis,
)
from cloterres.network.brokerage import ROLE_LABELS, ROLES
from cloterres.network.describe import layer_sentences, non_respondent_sentence
from cloterres.network.layers import ALL_TYPES
from cloterres.network.measures import Value
from cloterres.network.model import TieStatus
from cloterres.network.qap import QAPResult

SHEET_METHOD = "Méthode"
UNDEFINED = "non défini"
UNKNOWN_OUT = "inconnu (n'a pas répondu)"
NETWORK = "ensemble"

# Measure ids (JSONL ``mesure``) and their French labels (Excel).
MEASURES: dict[str, str] = {
    "acteurs": "Nombre d'acteurs",
    "liens": "Nombre de liens",
    "densite": "Densité",
    "densite_interne": "Densité des liens internes aux milieux",
    "densite_entre_milieux": "Densité des liens entre milieux",
    "rapport_densites": "Rapport des densités interne / entre milieux (« x fois plus de liens »)",
    "rapport_cotes": "Rapport de cotes d'un lien interne vs entre milieux (odds ratio)",
    "indice_ei": "Indice E-I de Krackhardt et Stern",
    "assortativite": "Assortativité nominale (Newman)",
    "qap_meme_milieu": "QAP : corrélation entre les liens et « même milieu »",
    "qap_couches": "QAP : corrélation entre deux types de liens",
    "melange_liens": "Liens entre milieux (matrice de mélange)",
    "melange_densite": "Densité entre milieux (densité de bloc)",
    "degre": "Degré (nombre de contacts)",
    "degre_entrant": "Degré entrant (cité par n acteurs)",
    "degre_sortant": "Degré sortant (a cité n acteurs)",
    "intermediarite": "Intermédiarité (betweenness, normalisée)",
    "contrainte": "Contrainte de Burt",
    "taille_effective": "Taille effective de Burt",
    "milieux_atteints": "Nombre d'autres milieux parmi les contacts",
    **{f"courtage_{r}": f"Courtage : {ROLE_LABELS[r].lower()}" for r in ROLES},
    "pivot": "Pivot (intermédiarité la plus élevée)",
    "passeur_frontieres": "Passeur de frontières",
}


@dataclass
class ResultRow:
    """One result: what the JSONL holds, one object per row."""

    type_lien: str
    mesure: str
    groupe: str
    valeur: float | None
    p_value: float | None = None
    niveau: str = "reseau"  # reseau, milieu, paire, acteur
    attendu: float | None = None
    p_unilateral: float | None = None
    permutations: int | None = None
    remarque: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type_lien": self.type_lien,
            "mesure": self.mesure,
            "groupe": self.groupe,
            "valeur": _clean(self.valeur),
            "p_value": _clean(self.p_value),
            "niveau": self.niveau,
            "libelle": MEASURES.get(self.mesure, self.mesure),
        }
        if self.attendu is not None:
            data["attendu"] = _clean(self.attendu)
        if self.p_unilateral is not None:
            data["p_unilateral"] = _clean(self.p_unilateral)
        if self.permutations is not None:
            data["permutations"] = self.permutations
        if self.remarque:
            data["remarque"] = self.remarque
        data.update(self.extra)
        return data


def _clean(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _value_row(layer: str, measure: str, group: str, value: Value, level: str,
               permutations: int | None = None) -> ResultRow:  # fmt: skip
    return ResultRow(
        type_lien=layer,
        mesure=measure,
        groupe=group,
        valeur=value.value,
        p_value=value.p_value,
        niveau=level,
        attendu=value.expected,
        p_unilateral=value.p_less,
        permutations=permutations if value.p_value is not None else None,
        remarque=f"non défini : {value.reason}" if value.value is None else "",
    )


def _qap_row(layer: str, measure: str, group: str, qap: QAPResult) -> ResultRow:
    return ResultRow(
        type_lien=layer,
        mesure=measure,
        groupe=group,
        valeur=qap.correlation,
        p_value=qap.p_value,
        p_unilateral=qap.p_greater,
        permutations=qap.permutations,
        remarque=f"non défini : {qap.reason}" if qap.correlation is None else "",
        extra={"graine": qap.seed},
    )


def network_rows(analysis: NetworkAnalysis, result: LayerResult) -> list[ResultRow]:
    """Network- and group-level rows of one layer (the « Homophilie » sheet)."""
    name = result.name
    perms = analysis.permutations
    rows = [
        ResultRow(name, "acteurs", NETWORK, float(len(analysis.actors))),
        ResultRow(name, "liens", NETWORK, float(result.layer.n_ties)),
        _value_row(name, "densite", NETWORK, result.density, "reseau"),
        _value_row(name, "densite_interne", NETWORK, result.density_within, "reseau"),
        _value_row(name, "densite_entre_milieux", NETWORK, result.density_between, "reseau"),
        _value_row(name, "rapport_densites", NETWORK, result.density_ratio, "reseau"),
        _value_row(name, "rapport_cotes", NETWORK, result.odds_ratio, "reseau"),
        _value_row(name, "indice_ei", NETWORK, result.ei.network, "reseau", perms),
        _value_row(name, "assortativite", NETWORK, result.assortativity, "reseau"),
        _qap_row(name, "qap_meme_milieu", NETWORK, result.qap),
    ]
    for g, value in enumerate(result.ei.groups):
        rows.append(_value_row(name, "indice_ei", analysis.groups[g], value, "milieu", perms))
    return rows


def mixing_rows(analysis: NetworkAnalysis, result: LayerResult) -> list[ResultRow]:
    rows: list[ResultRow] = []
    mix = result.mixing
    dens = mix.block_density()
    arrow = " → " if mix.directed else " – "
    k = len(analysis.groups)
    for g in range(k):
        for h in range(k):
            if not mix.directed and h < g:
                continue
            pair = f"{analysis.groups[g]}{arrow}{analysis.groups[h]}"
            extra = {"paires_possibles": int(mix.pairs[g, h])}
            rows.append(ResultRow(result.name, "melange_liens", pair, float(mix.ties[g, h]),
                                  niveau="paire", extra=extra))  # fmt: skip
            density = None if np.isnan(dens[g, h]) else float(dens[g, h])
            reason = "" if density is not None else "non défini : aucune paire possible"
            rows.append(ResultRow(result.name, "melange_densite", pair, density, niveau="paire",
                                  remarque=reason, extra=extra))  # fmt: skip
    return rows


def _actor_rows(analysis: NetworkAnalysis, result: LayerResult, a: ActorResult) -> list[ResultRow]:
    actor = analysis.actors[a.index]
    name = result.name
    extra = {"nom": actor.nom, analysis.attribute: analysis.groups[analysis.labels[a.index]]}

    def row(measure: str, value: float | None, **kw: Any) -> ResultRow:
        return ResultRow(name, measure, actor.id, value, niveau="acteur", extra=dict(extra), **kw)

    rows = [row("degre", float(a.degree))]
    if a.in_degree is not None:
        rows.append(row("degre_entrant", float(a.in_degree)))
    rows.append(
        row("degre_sortant", None if a.out_degree is None else float(a.out_degree),
            remarque="" if a.out_degree is not None else UNKNOWN_OUT)
    )  # fmt: skip
    rows.append(row("intermediarite", a.betweenness))
    for measure, value in (("contrainte", a.constraint), ("taille_effective", a.effective_size)):
        rows.append(
            row(measure, value, remarque="" if value is not None else "non défini : aucun lien")
        )
    ei = a.ei
    rows.append(row("indice_ei", ei.value, attendu=ei.expected,
                    remarque=f"non défini : {ei.reason}" if ei.value is None else ""))  # fmt: skip
    rows.append(row("milieux_atteints", float(a.other_groups)))
    for r, role in enumerate(ROLES):
        expected = None if a.brokerage_expected is None else float(a.brokerage_expected[r])
        rows.append(row(f"courtage_{role}", float(a.brokerage[r]), attendu=expected))
    rows.append(row("pivot", 1.0 if a.pivot else 0.0))
    rows.append(row("passeur_frontieres", 1.0 if a.spanner else 0.0))
    return rows


def all_rows(analysis: NetworkAnalysis) -> list[ResultRow]:
    rows: list[ResultRow] = []
    for result in analysis.layers:
        rows.extend(network_rows(analysis, result))
        rows.extend(mixing_rows(analysis, result))
    for first, second, qap in analysis.layer_qap:
        rows.append(_qap_row(f"{first} × {second}", "qap_couches", NETWORK, qap))
    for result in analysis.layers:
        for a in result.actors:
            rows.extend(_actor_rows(analysis, result, a))
    return rows


def write_jsonl(path: Path, analysis: NetworkAnalysis) -> None:
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for row in all_rows(analysis):
            fh.write(json.dumps(row.to_json(), ensure_ascii=False) + "\n")


# --- graphs --------------------------------------------------------------------------------------


def _attr_name(name: str, taken: set[str]) -> str:
    """A graph attribute key that collides with no reserved or already used key."""
    key = name
    while key in taken:
        key = f"attr_{key}"
    taken.add(key)
    return key


def union_graph(analysis: NetworkAnalysis) -> nx.Graph:
    """All actors; one edge per linked pair with one attribute per tie type (its weight, 0 when
    absent) and ``weight`` = number of tie types. Undirected unless every tie type is directed."""
    typed = [r for r in analysis.layers if r.name != ALL_TYPES]
    directed = all(r.layer.directed for r in typed)
    graph: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    picture = analysis.picture_layer
    taken = {"id", "label", "weight", "passeur_frontieres", "pivot", "intermediarite", "degre"}
    group_key = _attr_name(analysis.attribute, taken)
    wanted = normalize_header(analysis.attribute)
    attribute_keys = {
        h: _attr_name(h, taken)
        for h in analysis.actors[0].attributs
        if normalize_header(h) != wanted
    }
    for i, actor in enumerate(analysis.actors):
        stats = picture.actors[i]
        data: dict[str, Any] = {
            "label": actor.nom,
            group_key: analysis.groups[analysis.labels[i]],
            "passeur_frontieres": stats.spanner,
            "pivot": stats.pivot,
            "intermediarite": round(stats.betweenness, 6),
            "degre": stats.degree,
        }
        for header, key in attribute_keys.items():
            data[key] = actor.attributs.get(header, "")
        graph.add_node(actor.id, **data)
    edge_taken = {"id", "label", "weight"}
    type_keys = {r.name: _attr_name(r.name, edge_taken) for r in typed}
    ids = [a.id for a in analysis.actors]
    n = len(ids)
    total = np.zeros((n, n))
    for r in typed:
        present = r.layer.adjacency
        total += present if directed else (present | present.T)
    rows, cols = np.nonzero(total if directed else np.triu(total, 1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        data = {"weight": float(total[i, j])}
        for r in typed:
            w = r.layer.weights
            value = w[i, j] if directed else max(w[i, j], w[j, i])
            data[type_keys[r.name]] = float(value)
        graph.add_edge(ids[i], ids[j], **data)
    return graph


def write_gexf(path: Path, analysis: NetworkAnalysis) -> None:
    graph = union_graph(analysis)
    with atomic_path(path) as tmp:
        nx.write_gexf(graph, tmp, encoding="utf-8", prettyprint=True)


def write_graphml(path: Path, analysis: NetworkAnalysis) -> None:
    graph = union_graph(analysis)
    with atomic_path(path) as tmp:
        nx.write_graphml(graph, tmp, encoding="utf-8", prettyprint=True)


# --- workbook ------------------------------------------------------------------------------------


def _cell(value: Value | float | None, reason: str = "") -> object:
    if isinstance(value, Value):
        if value.value is None:
            return f"{UNDEFINED} ({value.reason})" if value.reason else UNDEFINED
        return round(value.value, 6)
    if value is None:
        return f"{UNDEFINED} ({reason})" if reason else UNDEFINED
    return round(float(value), 6)


def _opt(value: float | None) -> object:
    return "" if value is None else round(float(value), 6)


def _names(analysis: NetworkAnalysis, indices: list[int]) -> str:
    return "; ".join(analysis.actors[i].nom for i in indices)


@dataclass
class RunDetails:
    """What the « À propos » sheet tells."""

    tool_version: str
    date: str
    command: str
    inputs: list[tuple[str, str]]  # (file, what was read)
    warnings: list[str] = field(default_factory=list)


def write_xlsx(
    path: Path, analysis: NetworkAnalysis, ties: list[TieStatus], details: RunDetails
) -> None:
    wb = Workbook()
    ws = cast(Worksheet, wb.active)  # a new workbook holds one worksheet
    ws.title = "Synthèse"
    _summary_sheet(ws, analysis)
    _densities_sheet(wb.create_sheet("Densités"), analysis)
    _mixing_sheet(wb.create_sheet("Mélange"), analysis)
    _homophily_sheet(wb.create_sheet("Homophilie"), analysis)
    _actors_sheet(wb.create_sheet("Acteurs"), analysis)
    _brokerage_sheet(wb.create_sheet("Courtage"), analysis)
    _ties_sheet(wb.create_sheet("Liens"), analysis, ties)
    _method_sheet(wb.create_sheet(SHEET_METHOD), analysis)
    if details.warnings:
        write_table(wb.create_sheet("Avertissements"), ["Avertissement"],
                    [[w] for w in details.warnings], widths=[140], wrap={1})  # fmt: skip
    _about_sheet(wb.create_sheet("À propos"), analysis, details)
    with atomic_path(path) as tmp:
        wb.save(tmp)


def _tie_labels(analysis: NetworkAnalysis) -> dict[str, str]:
    """Tie type id -> what a person reads (« echange_information » -> « Échange d'information »)."""
    return {r.name: r.label for r in analysis.layers}


def _summary_sheet(ws: Worksheet, analysis: NetworkAnalysis) -> None:
    headers = [
        "Type de lien", "Orienté", "Acteurs", "Liens", "Densité", "Densité interne aux milieux",
        "Densité entre milieux", "Rapport des densités interne / entre (« x fois plus »)",
        "Rapport de cotes interne / entre", "Indice E-I", "E-I attendu (hasard)",
        "p (E-I, permutations)", "Assortativité", "QAP r (même milieu)", "QAP p",
        "Permutations", "Pivot(s)", "Passeurs de frontières",
    ]  # fmt: skip
    rows = []
    for r in analysis.layers:
        rows.append([
            r.label, "Oui" if r.layer.directed else "Non", len(analysis.actors), r.layer.n_ties,
            _cell(r.density), _cell(r.density_within), _cell(r.density_between),
            _cell(r.density_ratio), _cell(r.odds_ratio), _cell(r.ei.network),
            _opt(r.ei.network.expected), _opt(r.ei.network.p_value), _cell(r.assortativity),
            _cell(r.qap.correlation, r.qap.reason), _opt(r.qap.p_value), r.qap.permutations,
            _names(analysis, r.pivots), _names(analysis, r.spanners),
        ])  # fmt: skip
    formats = {col: DECIMALS for col in (5, 6, 7, 8, 9, 10, 11, 13, 14)}
    formats.update({12: P_VALUE, 15: P_VALUE})
    last = write_table(ws, headers, rows, widths=[22, 9, 9, 8, 10, 12, 12, 18, 16, 10, 12, 12,
                                                  13, 12, 10, 12, 30, 45], wrap={17, 18},
                       formats=formats)  # fmt: skip
    # Explanations live in one place, the « Méthode » sheet: the summary only points to it.
    notes = [
        f"Lecture : ce que réunit chaque type de lien (couche) et le sens de chaque mesure "
        f"(rapport des densités ou de cotes, indice E-I, p-values par permutations) sont "
        f"expliqués une seule fois, dans la feuille « {SHEET_METHOD} ».",
    ]
    for offset, note in enumerate(notes, start=2):
        put(ws, last + offset, 1, note)


def _densities_sheet(ws: Worksheet, analysis: NetworkAnalysis) -> None:
    headers = ["Type de lien", f"{analysis.attribute} (départ)", f"{analysis.attribute} (arrivée)",
               "Liens", "Paires possibles", "Densité"]  # fmt: skip
    rows = []
    for r in analysis.layers:
        mix = r.mixing
        dens = mix.block_density()
        k = len(analysis.groups)
        for g in range(k):
            for h in range(k):
                if not mix.directed and h < g:
                    continue
                rows.append([
                    r.label, analysis.groups[g], analysis.groups[h], int(mix.ties[g, h]),
                    int(mix.pairs[g, h]),
                    UNDEFINED + " (aucune paire possible)" if np.isnan(dens[g, h])
                    else round(float(dens[g, h]), 6),
                ])  # fmt: skip
    write_table(ws, headers, rows, widths=[22, 24, 24, 8, 14, 12], formats={6: DECIMALS})


def _mixing_sheet(ws: Worksheet, analysis: NetworkAnalysis) -> None:
    row = 1
    groups = analysis.groups
    for r in analysis.layers:
        sense = (
            "lignes = milieu de l'émetteur, colonnes = milieu du destinataire"
            if (r.mixing.directed)
            else "liens non orientés, chaque lien compté une fois"
        )
        put(ws, row, 1, f"{r.label} — nombre de liens ({sense})").font = TITLE_FONT
        row += 1
        put(ws, row, 1, analysis.attribute)
        for h, name in enumerate(groups, start=2):
            put(ws, row, h, name)
        for g, name in enumerate(groups):
            row += 1
            put(ws, row, 1, name)
            for h in range(len(groups)):
                if not r.mixing.directed and h < g:
                    continue
                put(ws, row, h + 2, int(r.mixing.ties[g, h]))
        row += 2
    ws.column_dimensions["A"].width = 28


def _homophily_sheet(ws: Worksheet, analysis: NetworkAnalysis) -> None:
    headers = ["Type de lien", "Niveau", "Mesure", "Groupe", "Valeur", "Attendu (hasard)",
               "p (bilatéral)", "p (unilatéral)", "Permutations", "Remarque"]  # fmt: skip
    level = {"reseau": "réseau", "milieu": "milieu", "paire": "paire", "acteur": "acteur"}
    rows = []
    label = _tie_labels(analysis)
    for r in analysis.layers:
        for x in network_rows(analysis, r):
            rows.append([
                label.get(x.type_lien, x.type_lien), level[x.niveau], MEASURES[x.mesure], x.groupe,
                UNDEFINED if x.valeur is None else round(x.valeur, 6), _opt(x.attendu),
                _opt(x.p_value), _opt(x.p_unilateral), x.permutations or "", x.remarque,
            ])  # fmt: skip
    for first, second, qap in analysis.layer_qap:
        x = _qap_row(f"{label[first]} × {label[second]}", "qap_couches", NETWORK, qap)
        rows.append([
            x.type_lien, "réseau", MEASURES[x.mesure], x.groupe,
            UNDEFINED if x.valeur is None else round(x.valeur, 6), "", _opt(x.p_value),
            _opt(x.p_unilateral), x.permutations or "", x.remarque,
        ])  # fmt: skip
    write_table(ws, headers, rows, widths=[30, 9, 50, 22, 12, 14, 12, 12, 12, 50],
                wrap={3, 10}, formats={5: DECIMALS, 6: DECIMALS, 7: P_VALUE, 8: P_VALUE})  # fmt: skip


def _actors_sheet(ws: Worksheet, analysis: NetworkAnalysis) -> None:
    headers = [
        "Type de lien", "Identifiant", "Nom", analysis.attribute, "A répondu",
        "Degré (liens retenus)", "Degré entrant (cité par)", "Degré sortant (a cité)",
        "Intermédiarité", "Contrainte", "Taille effective", "Indice E-I",
        "E-I attendu", "Autres milieux atteints", "Courtage entre milieux (hors coordinateur)",
        "Courtage entre milieux attendu", "Pivot", "Passeur de frontières",
    ]  # fmt: skip
    rows = []
    for r in analysis.layers:
        for a in r.actors:
            actor = analysis.actors[a.index]
            rows.append([
                r.label, actor.id, actor.nom, analysis.groups[analysis.labels[a.index]],
                "sans objet" if a.answered is None else "Oui" if a.answered else "Non", a.degree,
                "" if a.in_degree is None else a.in_degree,
                UNKNOWN_OUT if a.out_degree is None else a.out_degree, round(a.betweenness, 6),
                _cell(a.constraint, "aucun lien"), _cell(a.effective_size, "aucun lien"),
                _cell(a.ei), _opt(a.ei.expected), a.other_groups, a.crossing_brokerage,
                _opt(a.crossing_expected), "Oui" if a.pivot else "Non",
                "Oui" if a.spanner else "Non",
            ])  # fmt: skip
    write_table(ws, headers, rows, widths=[20, 14, 34, 18, 9, 10, 11, 11, 13, 12, 12, 12, 12,
                                           12, 13, 13, 8, 12], freeze_col=3,
                formats={col: DECIMALS for col in (9, 10, 11, 12, 13, 16)})  # fmt: skip


def _brokerage_sheet(ws: Worksheet, analysis: NetworkAnalysis) -> None:
    headers = ["Type de lien", "Identifiant", "Nom", analysis.attribute, "Total"]
    for role in ROLES:
        label = ROLE_LABELS[role]
        headers += [label, f"{label} attendu", f"{label} rapport"]
    rows = []
    for r in analysis.layers:
        for a in r.actors:
            actor = analysis.actors[a.index]
            line: list[object] = [r.label, actor.id, actor.nom,
                                  analysis.groups[analysis.labels[a.index]], int(a.brokerage.sum())]  # fmt: skip
            for k in range(len(ROLES)):
                observed = int(a.brokerage[k])
                expected = None if a.brokerage_expected is None else float(a.brokerage_expected[k])
                ratio = round(observed / expected, 4) if expected else UNDEFINED + " (attendu nul)"
                line += [observed, _opt(expected), ratio]
            rows.append(line)
    write_table(ws, headers, rows, widths=[20, 14, 34, 18, 8] + [12] * (3 * len(ROLES)),
                freeze_col=3, formats={6 + 3 * k + d: DECIMALS for k in range(len(ROLES))
                                       for d in (1, 2)})  # fmt: skip


def _ties_sheet(ws: Worksheet, analysis: NetworkAnalysis, ties: list[TieStatus]) -> None:
    names = {a.id: a.nom for a in analysis.actors}
    label = _tie_labels(analysis)
    headers = ["Type de lien", "Source (déclarant)", "Nom source", "Cible", "Nom cible", "Poids",
               "Statut", "Retenu"]  # fmt: skip
    rows = [
        [label.get(t.type, t.type), t.source, names.get(t.source, ""), t.cible, names.get(t.cible, ""), t.poids,
         t.statut, "Oui" if t.retenu else "Non"]
        for t in ties
    ]  # fmt: skip
    write_table(ws, headers, rows, widths=[22, 16, 30, 16, 30, 8, 52, 8], wrap={7})


def _method_sheet(ws: Worksheet, analysis: NetworkAnalysis) -> None:
    rule = (
        "union : un lien non orienté existe dès qu'un des deux acteurs le déclare"
        if analysis.rule == "union"
        else "réciproque : un lien non orienté n'existe que si les deux acteurs le déclarent"
    )
    label = _tie_labels(analysis)
    directed = ", ".join(label.get(t, t) for t in analysis.directed_types) or "aucun"
    q = int(SPANNER_QUANTILE * 100)
    rows: list[list[object]] = [
        ["Couches", "Chaque type de lien est une couche sur les mêmes acteurs (une ligne « Couche » "
         "par type ci-dessous). Les mesures portent sur la présence des liens ; le poids est "
         "gardé dans les exports."],
        *layer_sentences(analysis),
        ["Non-répondants", non_respondent_sentence(analysis, analysis.missing)],
        ["Types orientés", f"{directed} ; les autres types sont non orientés." if
         analysis.directed_types else "aucun : tous les types sont non orientés."],
        ["Symétrisation", f"Règle : {rule}. Les liens déclarés par un seul côté sont signalés "
         "dans la feuille « Liens » (en précisant si l'autre acteur a répondu)."],
        ["Densité", "Liens / paires observées (toutes les paires, n(n-1)/2 non orienté et n(n-1) "
         "orienté, quand tous les acteurs ont répondu ; voir « Non-répondants »)."],
        ["Degrés", "Degré : nombre de contacts retenus dans la couche. Degré entrant : nombre "
         "d'acteurs qui ont cité l'acteur ; degré sortant : nombre d'acteurs qu'il a cités "
         "(déclarations brutes, avant symétrisation ; inconnu pour un non-répondant)."],
        ["Mélange", "Nombre de liens entre chaque paire de milieux (networkx "
         "attribute_mixing_matrix, chaque lien compté une fois) et densité de bloc."],
        ["Rapport des densités", "Densité des liens à l'intérieur des milieux divisée par la "
         "densité des liens entre milieux : « les acteurs ont x fois plus de liens dans leur "
         "milieu ». Non défini si aucun lien entre milieux."],
        ["Rapport de cotes", "(liens internes / paires internes sans lien) / (liens entre "
         "milieux / paires entre milieux sans lien). Proche du rapport des densités quand les "
         "densités sont faibles, plus grand sinon. Les deux peuvent être cités comme « x fois "
         "plus » : dites lequel."],
        ["Indice E-I", "Krackhardt et Stern (1988) : (E - I) / (E + I), E liens externes, I "
         "liens internes, de -1 (tous les liens dans le milieu) à +1 (tous entre milieux) ; au "
         "niveau du réseau, de chaque milieu (liens touchant le milieu) et "
         "de chaque acteur. Valeur attendue si les liens ignoraient les milieux, d'après la "
         "taille des milieux : (E* - I*) / (E* + I*), E* et I* paires externes et internes "
         "possibles. p-value : permutation des milieux entre acteurs (tailles conservées), "
         "bilatérale autour de la valeur attendue ; p unilatérale = part des permutations au "
         "moins aussi homophiles. Non défini pour un milieu d'un seul acteur."],
        ["Assortativité", "Coefficient d'assortativité nominale de Newman (networkx)."],
        ["QAP", f"Corrélation de Pearson entre la matrice des liens et la matrice « même "
         f"milieu » (ou un autre type de lien), sur les cellules hors diagonale ; p-value par "
         f"permutation conjointe des lignes et colonnes de la matrice des liens (Krackhardt "
         f"1987-1988), {analysis.permutations} permutations, graine {analysis.seed} ; p "
         f"bilatérale = part des |r| permutés ≥ |r| observé, (compte + 1) / (permutations + 1)."],
        ["Courtage", "Gould et Fernandez (1989) : l'acteur b est courtier quand a → b → c sans "
         "lien a → c. Coordinateur : a, b, c du même milieu ; itinérant (consultant) : a et c "
         "d'un milieu, b d'un autre ; représentant : a et b d'un milieu, c d'un autre ; gardien "
         "(gatekeeper) : b et c d'un milieu, a d'un autre ; agent de liaison : trois milieux. "
         "Attendu : total de l'acteur × probabilité du rôle si les milieux des autres acteurs "
         "étaient tirés au hasard (tailles conservées). Une couche non orientée est lue comme "
         "des liens dans les deux sens."],
        ["Intermédiarité", "Betweenness de Freeman normalisée, comme networkx (calcul matriciel, "
         "mêmes valeurs, vérifiées par les tests)."],
        ["Contrainte, taille effective", "Burt (1992), définitions de networkx, liens dans les "
         "deux sens réunis ; une triade fermée donne une contrainte de 1,125. Non définies pour "
         "un acteur sans lien."],
        ["Pivot", "Acteur(s) d'intermédiarité la plus élevée de la couche (si elle est > 0)."],
        ["Passeur de frontières", f"Acteur qui (a) a des contacts dans au moins "
         f"{SPANNER_MIN_OTHER_GROUPS} milieux autres que le sien, (b) a une intermédiarité > 0 "
         f"parmi les {100 - q} % les plus élevées de la couche (≥ {q}e centile) et (c) assure "
         f"au moins autant de courtage entre milieux qu'attendu : ses rôles de Gould et Fernandez qui "
         f"touchent au moins deux milieux (itinérant + représentant + gardien + liaison, "
         f"c'est-à-dire tout sauf coordinateur) atteignent leur valeur attendue. Le critère (c) "
         f"écarte les acteurs centraux dont le courtage reste dans leur propre milieu."],
        ["Non défini", "Une mesure qui n'a pas de sens (milieu d'un seul acteur, couche sans "
         "lien, aucun lien entre milieux...) est écrite « non défini » avec la raison, jamais 0."],
    ]  # fmt: skip
    write_table(ws, ["Élément", "Règle"], rows, widths=[28, 140], wrap={2})


def _about_sheet(ws: Worksheet, analysis: NetworkAnalysis, details: RunDetails) -> None:
    rows: list[list[object]] = [
        ["Outil", f"cloterres {details.tool_version}"],
        ["Date de création", details.date],
        ["Commande", details.command],
        ["Attribut de groupe", analysis.attribute],
        ["Groupes", "; ".join(analysis.groups)],
        ["Acteurs", len(analysis.actors)],
        ["Symétrisation", analysis.rule],
        [
            "Types orientés",
            ", ".join(_tie_labels(analysis).get(t, t) for t in analysis.directed_types) or "aucun",
        ],
        ["Permutations", analysis.permutations],
        ["Graine", analysis.seed],
    ]
    for name, what in details.inputs:
        rows.append(["Fichier d'entrée", f"{display_path(name)} ({what})"])
    rows.append(["Avertissements", len(details.warnings)])
    write_table(ws, ["Élément", "Valeur"], rows, widths=[28, 110], wrap={2})
