"""How a label was decided, for people: review flag, confidence, the learned layer's reason,
the ``decisions`` entries of JSONL outputs (shared by every front end)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloterres.engine.coding import ORIGIN_DEFAULT, Decision
from cloterres.engine.learned.layer import ORIGIN_MODEL, REVIEW_THRESHOLD


def to_review(decision: Decision) -> bool:
    """A label to check by hand: a default, or a confidence under the review threshold."""
    if decision.origin == ORIGIN_DEFAULT:
        return True
    return decision.confidence is not None and decision.confidence < REVIEW_THRESHOLD


def confidence_display(value: float | None) -> str:
    """« 0,82 » (French decimal comma), or nothing when there is no confidence."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def model_reason(decision: Decision, field_label: Callable[[str], str] | None = None) -> str:
    """French text of a label the learned layer added: its weightiest words (with the field
    they were found in, named by ``field_label``), its nearest labelled reference item."""
    words = ", ".join(
        f"« {ev.text} »" + (f" ({field_label(ev.field).lower()})" if field_label else "")
        for ev in decision.evidence
    )
    text = "modèle appris" + (f", mots les plus influents : {words}" if words else "")
    if decision.note:
        text += f" ; exemple de référence le plus proche : {decision.note}"
    return text


def decision_json(d: Decision) -> dict[str, Any]:
    """How one label was decided (the ``decisions`` entries of the JSONL outputs)."""
    out: dict[str, Any] = {"score": d.score, "origine": d.origin}
    if d.note and d.origin == ORIGIN_MODEL:
        out["reference"] = d.note
    elif d.note:
        out["source"] = d.note
    if d.confidence is not None:
        out["confiance"] = d.confidence
    out["a_verifier"] = to_review(d)
    return out
