"""A REFI-QDA project's codings as review rounds (``cloterres revue importer projet.qdpx``).

Each user of the project who coded something becomes one human round: on every unit of the
study (as ``coder --etude`` cut it) of an interview where that user coded at least one passage,
their labels are the grid codes of the selections that count for the unit (the rule of
:func:`cloterres.interviews.coding.map_codings`), an empty list elsewhere. Project codes are
matched to the grid by id or name (:func:`cloterres.engine.code_paths.map_code_path`) or by a
correspondence table (``--correspondance``: their code; grid code ``theme.code``); any other
code is listed and nothing is recorded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from cloterres.engine.grid import Grid
from cloterres.errors import InputError
from cloterres.frontends import INTERVIEWS
from cloterres.interviews.transcripts import transcript_id
from cloterres.io.qdpx.model import QdaCoding
from cloterres.io.qdpx.reader import read_qdpx
from cloterres.plans.tables import csv_rows
from cloterres.review.export import check_coder_name
from cloterres.store import MACHINE, HumanLabel, RoundSummary, SourceInput, Study

KIND = INTERVIEWS.kind


@dataclass
class QdpxImportReport:
    path: Path
    rounds: list[RoundSummary] = field(default_factory=list)
    units: dict[str, int] = field(default_factory=dict)  # coder -> units recorded
    notes: list[str] = field(default_factory=list)


def read_correspondence(path: Path, grid: Grid) -> dict[str, str]:
    """Their code path (or name) -> grid code ``theme.code``, from a two-column CSV."""
    codes = {f"{d.id}.{c.id}" for d in grid.dimensions for c in d.categories}
    out: dict[str, str] = {}
    for line_no, cells in csv_rows(path):
        texts = [str(c).strip() for c in cells]
        if not any(texts):
            continue
        if len(texts) < 2 or not texts[0] or not texts[1]:
            raise InputError(
                f"{path}, ligne {line_no} : deux colonnes attendues (code du projet ; code de la "
                "grille « thème.code »)"
            )
        source, target = texts[0], texts[1]
        if target not in codes:
            if line_no == 1 and not out:  # a header line
                continue
            raise InputError(
                f"{path}, ligne {line_no} : « {target} » n'est pas un code de la grille "
                f"{grid.id} (« thème.code », par exemple {sorted(codes)[0]})"
            )
        out[source] = target
    return out


def import_qdpx_rounds(
    study: Study, path: Path, *, correspondence: Path | None = None
) -> QdpxImportReport:
    from cloterres.engine.code_paths import map_code_path

    grid_sha = study.machine_grid_sha(KIND)
    if grid_sha is None:
        raise InputError(
            f"{study.name} : l'étude n'a pas encore d'entretiens codés ; lancez d'abord cloterres "
            "coder … --etude avec les mêmes transcriptions"
        )
    grid, _text = study.grid(grid_sha)
    project = read_qdpx(path, text_id=transcript_id)
    mapping_file = read_correspondence(correspondence, grid) if correspondence else {}

    def target(code: str) -> str | None:
        if code in mapping_file:
            return mapping_file[code]
        name = code.rsplit(".", 1)[-1]
        if name in mapping_file:
            return mapping_file[name]
        return map_code_path(code, grid)

    used = sorted({c.code for c in project.codings})
    unmapped = [c for c in used if target(c) is None]
    if unmapped:
        listed = " ; ".join(f"« {c} »" for c in unmapped[:15])
        more = f" ; et {len(unmapped) - 15} autre(s)" if len(unmapped) > 15 else ""
        raise InputError(
            f"{path} : {len(unmapped)} code(s) sans équivalent dans la grille {grid.id} : "
            f"{listed}{more} ; rien n'a été importé : donnez leur correspondance avec "
            "--correspondance fichier.csv (code du projet ; code de la grille « thème.code »)"
        )
    units = study.units(KIND)
    by_interview: dict[str, list] = {}
    for unit in units:
        by_interview.setdefault(str(unit.fields.get("entretien", "")), []).append(unit)
    missing = sorted({c.source_id for c in project.codings} - set(by_interview))
    report = QdpxImportReport(path=path)
    if missing:
        report.notes.append(
            f"{len(missing)} source(s) du projet absente(s) de l'étude, non importée(s) : "
            + ", ".join(f"« {m} »" for m in missing[:5])
        )
    machine = {(s.unit, s.dimension): s.categories for s in study.current(KIND, origin=MACHINE)}
    users: dict[str, list[QdaCoding]] = {}
    for coding in project.codings:
        users.setdefault(coding.coder, []).append(coding)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for user, codings in users.items():
        if user.casefold() == "cloterres" or user.casefold().startswith("cloterres ("):
            report.notes.append(
                f"codages de l'utilisateur « {user} » (la machine) ignorés : ils ne sont pas une "
                "revue humaine"
            )
            continue
        coder = check_coder_name(user)
        labels: dict[str, dict[str, HumanLabel]] = {}
        for interview in sorted({c.source_id for c in codings} - set(missing)):
            own = [c for c in codings if c.source_id == interview]
            for unit in by_interview[interview]:
                start, end = int(unit.fields.get("debut", 0)), int(unit.fields.get("fin", 0))
                cats: dict[str, list[str]] = {d.id: [] for d in grid.dimensions}
                for c in own:
                    overlap = min(c.end, end) - max(c.start, start)
                    if overlap <= 0 or end <= start:
                        continue
                    if overlap * 2 >= end - start or overlap * 2 >= c.end - c.start:
                        code = target(c.code)
                        assert code is not None
                        theme, cat = code.split(".", 1)
                        if cat not in cats[theme]:
                            cats[theme].append(cat)
                labels[unit.key] = {}
                for dim, values in cats.items():
                    proposal = machine.get((unit.key, dim))
                    changed = None if proposal is None else sorted(proposal) != sorted(values)
                    labels[unit.key][dim] = HumanLabel(categories=values, changed=changed)
        if not labels:
            continue
        summary = study.record_human_round(
            kind=KIND,
            coder=coder,
            grid_sha=grid_sha,
            labels=labels,
            fingerprint=hashlib.sha256(f"{digest}\x1f{coder}".encode()).hexdigest(),
            details={"projet": str(path), "codages": len(codings)},
            source=SourceInput(path=str(path), kind="projet", sha256=digest),
        )
        report.rounds.append(summary)
        report.units[coder] = len(labels)
    return report
