"""A categorised measure as the exporters see it, and its French evidence text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloterres.coding import (
    ORIGIN_CONTEXT,
    ORIGIN_DEFAULT,
    ORIGIN_IMPLIED,
    CodingResult,
)
from cloterres.grid import Grid
from cloterres.units import MEASURE_FIELDS, Measure


@dataclass(frozen=True, slots=True)
class CodedMeasure:
    measure: Measure
    result: CodingResult


def field_label(name: str) -> str:
    return MEASURE_FIELDS.get(name, name)


def derived_display(value: str | bool | None) -> str:
    if value is None:
        return ""
    if value is True:
        return "Oui"
    if value is False:
        return "Non"
    return str(value).replace("_", " ").capitalize()


def labels_display(grid: Grid, dim_id: str, result: CodingResult) -> str:
    dim = grid.dimension(dim_id)
    return "; ".join(dim.category(d.category).label for d in result.labels.get(dim_id, []))


def evidence_display(grid: Grid, result: CodingResult) -> str:
    """One line per category: why it was applied, in French."""
    lines: list[str] = []
    for dim in grid.dimensions:
        for decision in result.labels.get(dim.id, []):
            head = f"{dim.label} › {dim.category(decision.category).label}"
            if decision.origin == ORIGIN_IMPLIED:
                src_dim, src_cat = decision.note.split(".", 1)
                lines.append(f"{head} : déduit de « {grid.label_of(src_dim, src_cat)} »")
            elif decision.origin == ORIGIN_DEFAULT:
                lines.append(f"{head} : par défaut (aucun indice dans le texte)")
            else:
                spans = ", ".join(
                    f"« {ev.text} » ({field_label(ev.field).lower()})" for ev in decision.evidence
                )
                suffix = " — d'après l'axe seulement" if decision.origin == ORIGIN_CONTEXT else ""
                lines.append(f"{head} : {spans}{suffix}")
    return "\n".join(lines)


def to_json(item: CodedMeasure, grid_ref: str) -> dict[str, Any]:
    """The JSONL object of a categorised measure (format documented in the README)."""
    m, r = item.measure, item.result
    return {
        "id": m.id,
        "contrat": m.contrat,
        "axe": m.axe,
        "intitule": m.intitule,
        "description": m.description,
        "porteur": m.porteur,
        "partenaires": m.partenaires,
        "public": m.public,
        "autres_colonnes": dict(m.extra),
        "labels": r.label_ids(),
        "evidence": {
            dim: {d.category: [ev.to_dict() for ev in d.evidence] for d in decisions}
            for dim, decisions in r.labels.items()
        },
        "decisions": {
            dim: {
                d.category: {
                    "score": d.score,
                    "origine": d.origin,
                    **({"source": d.note} if d.note else {}),
                }
                for d in decisions
            }
            for dim, decisions in r.labels.items()
        },
        "derives": dict(r.derived),
        "sans_texte": r.empty,
        "source": m.source.model_dump(),
        "grille": grid_ref,
    }
