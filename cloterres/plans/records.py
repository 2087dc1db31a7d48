"""A categorised measure as the exporters see it, and its French evidence text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloterres.engine.coding import (
    ORIGIN_CONTEXT,
    ORIGIN_DEFAULT,
    ORIGIN_IMPLIED,
    CodingResult,
)
from cloterres.engine.evidence import confidence_display, decision_json, model_reason, to_review
from cloterres.engine.grid import Grid
from cloterres.engine.learned.layer import ORIGIN_MODEL
from cloterres.io.rows import MeasureRow
from cloterres.plans.measure import MEASURE_FIELDS, Measure


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
    """One line per category: why it was applied, in French, with its confidence."""
    lines: list[str] = []
    for dim in grid.dimensions:
        for decision in result.labels.get(dim.id, []):
            head = f"{dim.label} › {dim.category(decision.category).label}"
            if decision.origin == ORIGIN_IMPLIED:
                src_dim, src_cat = decision.note.split(".", 1)
                line = f"{head} : déduit de « {grid.label_of(src_dim, src_cat)} »"
            elif decision.origin == ORIGIN_DEFAULT:
                line = f"{head} : par défaut (aucun indice dans le texte)"
            elif decision.origin == ORIGIN_MODEL:
                line = f"{head} : {model_reason(decision, field_label)}"
            else:
                spans = ", ".join(
                    f"« {ev.text} » ({field_label(ev.field).lower()})" for ev in decision.evidence
                )
                suffix = " — d'après l'axe seulement" if decision.origin == ORIGIN_CONTEXT else ""
                line = f"{head} : {spans}{suffix}"
            if decision.confidence is not None:
                line += f" [confiance {confidence_display(decision.confidence)}]"
            if to_review(decision):
                line += " — à vérifier"
            lines.append(line)
    return "\n".join(lines)


def review_display(grid: Grid, result: CodingResult) -> str:
    """The labels to check by hand: « Dimension › Catégorie (confiance 0,45) », one per line."""
    lines = []
    for dim in grid.dimensions:
        for d in result.labels.get(dim.id, []):
            if to_review(d):
                why = (
                    "par défaut"
                    if d.origin == ORIGIN_DEFAULT
                    else f"confiance {confidence_display(d.confidence)}"
                )
                lines.append(f"{dim.label} › {dim.category(d.category).label} ({why})")
    return "\n".join(lines)


def to_json(item: CodedMeasure, grid_ref: str) -> dict[str, Any]:
    """The JSONL object of a categorised measure (:class:`~cloterres.io.rows.MeasureRow`)."""
    m, r = item.measure, item.result
    return MeasureRow.model_construct(
        id=m.id,
        contrat=m.contrat,
        axe=m.axe,
        intitule=m.intitule,
        description=m.description,
        porteur=m.porteur,
        partenaires=m.partenaires,
        public=m.public,
        autres_colonnes=dict(m.extra),
        labels=r.label_ids(),
        evidence={
            dim: {d.category: [ev.to_dict() for ev in d.evidence] for d in decisions}
            for dim, decisions in r.labels.items()
        },
        decisions={
            dim: {d.category: decision_json(d) for d in decisions}
            for dim, decisions in r.labels.items()
        },
        derives=dict(r.derived),
        sans_texte=r.empty,
        source=m.source,
        grille=grid_ref,
    ).to_json()
