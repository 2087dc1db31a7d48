"""Record a machine run (``categoriser`` / ``coder`` with ``--etude``) in a study."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from cloterres import __version__
from cloterres.engine.coding import CodingResult
from cloterres.engine.evidence import to_review
from cloterres.engine.grid import Grid, grid_hash
from cloterres.engine.learned.layer import ORIGIN_MODEL, layer_for
from cloterres.store.schema import ENGINE_CODER
from cloterres.store.study import (
    DERIVED_DETAILS,
    MachineLabel,
    RoundSummary,
    SourceInput,
    Study,
    UnitInput,
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def machine_labels(grid: Grid, result: CodingResult) -> dict[str, MachineLabel]:
    """Every dimension of the grid (an empty list when nothing applies), with the evidence."""
    out: dict[str, MachineLabel] = {}
    for dim in grid.dimensions:
        evidence: dict[str, Any] = {}
        for d in result.labels.get(dim.id, []):
            why: dict[str, Any] = {
                "origine": d.origin,
                "score": d.score,
                "preuves": [
                    {"champ": e.field, "debut": e.start, "fin": e.end, "texte": e.text}
                    for e in d.evidence
                ],
            }
            if d.note and d.origin == ORIGIN_MODEL:
                why["reference"] = d.note
            elif d.note:
                why["source"] = _label_of(grid, d.note)
            if d.confidence is not None:
                why["confiance"] = d.confidence
            why["a_verifier"] = to_review(d)
            evidence[d.category] = why
        out[dim.id] = MachineLabel(categories=result.ids(dim.id), evidence=evidence)
    return out


def text_derived(grid: Grid, result: CodingResult) -> dict[str, str | bool | None]:
    """The derived attributes that need the text (type ``termes``, e.g. supra_communal): the
    summaries recompute the others from the current labels, but not these."""
    return {d.id: result.derived.get(d.id) for d in grid.derives if d.type == "termes"}


def _label_of(grid: Grid, ref: str) -> str:
    try:
        dim, cat = ref.split(".", 1)
        return grid.label_of(dim, cat)
    except (KeyError, ValueError):
        return ref


def record_run(
    study: Study,
    *,
    kind: str,
    grid: Grid,
    grid_path: Path,
    sources: list[SourceInput],
    units: list[UnitInput],
    labels: dict[str, dict[str, MachineLabel]],
    command: str,
    model: str,
    derived: dict[str, dict[str, str | bool | None]] | None = None,
) -> RoundSummary:
    """``derived``: per unit, the text-based derived attributes (:func:`text_derived`), kept in
    the round's details under ``derives_texte`` (they are not labels, nobody reviews them)."""
    raw = grid_path.read_bytes()
    details: dict[str, Any] = {"commande": command, "modele": model, "grille": str(grid_path)}
    layer = layer_for(grid.id)
    if layer is not None:  # which trained layer gave (and calibrated) the labels
        details["couche_apprise"] = layer.fingerprint
    if derived:
        details[DERIVED_DETAILS] = derived
    return study.record_machine_round(
        kind=kind,
        grid_text=raw.decode("utf-8-sig"),
        grid_sha=grid_hash(grid_path),
        grid=grid,
        sources=sources,
        units=units,
        labels=labels,
        engine=ENGINE_CODER,
        engine_version=__version__,
        details=details,
    )
