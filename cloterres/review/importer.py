"""Record an edited review workbook as a new human round (``cloterres revue importer``).

All or nothing: the workbook is validated first (:mod:`cloterres.review.reader`), then every
recorded row becomes, for each dimension, one label record of the coder in a single new round.
``changed`` on a record says whether it differs from the machine's current label for that unit
and dimension. A workbook imported a second time with the same content is refused (its
fingerprint, over the export id, the coder and the recorded labels, is kept on the round).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cloterres.errors import InputError
from cloterres.review.export import check_coder_name
from cloterres.review.layout import SHEET_REVIEW, canonical
from cloterres.review.reader import ReviewError, ReviewRow, read_review
from cloterres.store import MACHINE, HumanLabel, RoundSummary, SourceInput, Study
from cloterres.store.study import UnitView


@dataclass
class ImportReport:
    path: Path
    coder: str
    kind: str
    rows: int
    recorded: int
    edited: int
    reviewed_unchanged: int
    skipped: int
    round: RoundSummary | None  # None when there was nothing to record


def fingerprint(export_id: str, coder: str, rows: list[tuple[str, dict[str, list[str]]]]) -> str:
    payload = json.dumps(
        [export_id, coder, [(unit, canonical(labels)) for unit, labels in rows]],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _shorten(text: str, at: int, width: int = 30) -> str:
    start = max(0, at - width)
    piece = text[start : at + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if at + width < len(text) else "")


def what_changed(seen: UnitView, now: UnitView) -> str:
    """One French phrase saying how a unit's recorded version differs from the one seen."""
    if seen.text != now.text:
        at = next(
            (i for i, (a, b) in enumerate(zip(seen.text, now.text, strict=False)) if a != b),
            min(len(seen.text), len(now.text)),
        )
        return f"texte « {_shorten(seen.text, at)} » devenu « {_shorten(now.text, at)} »"
    fields = sorted(
        k for k in seen.fields.keys() | now.fields.keys() if seen.fields.get(k) != now.fields.get(k)
    )
    return f"champ(s) {', '.join(fields[:5])} modifié(s)" if fields else "nouvelle version"


def stale_rows(study: Study, kind: str, rows: list[ReviewRow], seen: dict[str, int]) -> list[str]:
    """Problems for the rows whose unit has a newer version than the one in the workbook."""
    wanted = {r.unit: seen[r.unit] for r in rows if r.unit in seen}
    latest = {u.key: u for u in study.units(kind, wanted)}
    shown = study.unit_versions(kind, wanted)
    problems = []
    for row in rows:
        now = latest.get(row.unit)
        if row.unit not in wanted or now is None or now.version == wanted[row.unit]:
            continue
        before = shown.get(row.unit)
        change = what_changed(before, now) if before is not None else "nouvelle version"
        problems.append(
            f"feuille « {SHEET_REVIEW} », ligne {row.row} (« {row.unit} ») : l'unité a changé "
            f"depuis l'export ({change}) ; exportez un nouveau classeur, ou ajoutez --version-vue "
            f"pour enregistrer ces étiquettes sur le texte que le codeur a vu"
        )
    return problems


def import_review(
    study: Study, path: Path, *, coder: str, record_seen: bool = False
) -> ImportReport:
    """Validate ``path`` and record its reviewed rows in ``study`` as ``coder``'s new round.

    Every recorded row is checked against the unit version the workbook showed: a unit whose
    text or fields changed since the export is refused (:class:`ReviewError` naming each row and
    what changed), or, with ``record_seen``, recorded against the version the coder saw."""
    coder = check_coder_name(coder)
    data = read_review(path, coder=coder)
    identity = data.identity
    if identity.study_id != study.study_id:
        raise InputError(
            f"{path} : ce classeur a été exporté d'une autre étude (« {identity.study} ») ; "
            f"importez-le avec --etude {identity.study}"
        )
    recorded = data.recorded()
    report = ImportReport(
        path=path,
        coder=coder,
        kind=identity.kind,
        rows=len(data.rows),
        recorded=len(recorded),
        edited=sum(r.edited for r in recorded),
        reviewed_unchanged=sum(not r.edited for r in recorded),
        skipped=len(data.rows) - len(recorded),
        round=None,
    )
    if not recorded:
        return report
    seen = identity.versions
    if seen and not record_seen:
        problems = stale_rows(study, identity.kind, recorded, seen)
        if problems:
            raise ReviewError(path, problems)
    keys = {r.unit for r in recorded}
    machine: dict[tuple[str, str], list[str]] = {
        (s.unit, s.dimension): s.categories
        for s in study.current(identity.kind, origin=MACHINE)
        if s.unit in keys
    }
    labels: dict[str, dict[str, HumanLabel]] = {}
    for row in recorded:
        labels[row.unit] = {}
        for dim, cats in row.labels.items():
            proposal = machine.get((row.unit, dim))
            changed = None if proposal is None else sorted(proposal) != sorted(cats)
            labels[row.unit][dim] = HumanLabel(categories=cats, changed=changed)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    report.round = study.record_human_round(
        kind=identity.kind,
        coder=coder,
        grid_sha=identity.grid_sha,
        labels=labels,
        fingerprint=fingerprint(identity.export_id, coder, [(r.unit, r.labels) for r in recorded]),
        details={
            "classeur": str(path),
            "export": identity.export_id,
            "manche_de_base": identity.base_round,
            "aveugle": identity.blind,
            "lignes_modifiees": report.edited,
            "lignes_revues_sans_changement": report.reviewed_unchanged,
            "version_vue": record_seen,
        },
        source=SourceInput(path=str(path), kind="revue", sha256=digest),
        seen={r.unit: seen[r.unit] for r in recorded if r.unit in seen},
        record_seen=record_seen,
    )
    return report
