"""Exports of coded interview units: JSONL, CSV, study workbook, REFI-QDA project."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from cloterres.coding import ORIGIN_IMPLIED
from cloterres.grid import Grid, summarize_term
from cloterres.interviews.model import CASE_VARIABLES, Interview
from cloterres.io.excel import TITLE_FONT, put, write_table
from cloterres.io.run_info import RunInfo
from cloterres.io.safety import csv_safe

if TYPE_CHECKING:
    from cloterres.code_interviews import CodedUnit


def code_label(grid: Grid, path: str) -> str:
    theme, code = path.split(".", 1)
    return f"{grid.dimension(theme).label} › {grid.label_of(theme, code)}"


def _evidence(unit: CodedUnit) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if unit.result is None:
        return out
    base = unit.segment.start
    for dim, decisions in unit.result.labels.items():
        for d in decisions:
            out[f"{dim}.{d.category}"] = [
                {"debut": base + e.start, "fin": base + e.end, "texte": e.text, "terme": e.term}
                for e in d.evidence
            ]
    return out


def _evidence_text(grid: Grid, unit: CodedUnit) -> str:
    lines = []
    if unit.result is None:
        return ""
    for dim, decisions in unit.result.labels.items():
        for d in decisions:
            head = code_label(grid, f"{dim}.{d.category}")
            if d.origin == ORIGIN_IMPLIED:
                lines.append(f"{head} : déduit de « {code_label(grid, d.note)} »")
            else:
                lines.append(f"{head} : " + ", ".join(f"« {e.text} »" for e in d.evidence))
    return "\n".join(lines)


def _lines(unit: CodedUnit) -> str:
    s = unit.segment
    if s.line_start is None:
        return ""
    return f"l. {s.line_start}" if s.line_start == s.line_end else f"l. {s.line_start}-{s.line_end}"


def unit_json(unit: CodedUnit) -> dict[str, Any]:
    s = unit.segment
    return {
        "id": s.id,
        "entretien": s.interview,
        "locuteur": s.speaker,
        "enqueteur": s.interviewer,
        "tour": s.turn,
        "debut": s.start,
        "fin": s.end,
        "ligne_debut": s.line_start,
        "ligne_fin": s.line_end,
        "texte": s.text,
        "variables": dict(s.variables),
        "code": unit.result is not None,
        "codes": unit.codes(),
        "evidence": _evidence(unit),
        **({"codes_importes": unit.imported} if unit.imported else {}),
        "source": s.source.model_dump(),
    }


def write_jsonl(path: Path, grid: Grid, units: list[CodedUnit]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for unit in units:
            fh.write(json.dumps(unit_json(unit), ensure_ascii=False) + "\n")


def write_csv(path: Path, grid: Grid, units: list[CodedUnit]) -> None:
    variables = list(CASE_VARIABLES)
    extra = sorted({k for u in units for k in u.segment.variables if k not in CASE_VARIABLES})
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(
            ["id", "entretien", *variables, *extra, "locuteur", "enqueteur", "tour", "ligne_debut",
             "ligne_fin", "debut", "fin", "texte", "codes", "libelles", "preuves"]
        )  # fmt: skip
        for u in units:
            s = u.segment
            row = [
                s.id, s.interview, *(s.variables.get(k, "") for k in variables + extra),
                s.speaker, "oui" if s.interviewer else "non", s.turn or "", s.line_start or "",
                s.line_end or "", s.start, s.end, s.text, "|".join(u.codes()),
                "; ".join(code_label(grid, c) for c in u.codes()), _evidence_text(grid, u),
            ]  # fmt: skip
            writer.writerow([csv_safe(v) for v in row])


def all_codes(grid: Grid) -> list[str]:
    return [f"{d.id}.{c.id}" for d in grid.dimensions for c in d.categories]


def frequencies(
    units: list[CodedUnit], key: str
) -> tuple[list[str], dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """Groups (by case variable ``key``, or "entretien"), and per (code, group) the number of
    coded units and of distinct interviews."""
    groups: list[str] = []
    n_units: Counter[tuple[str, str]] = Counter()
    interviews: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u in units:
        if u.result is None:
            continue
        s = u.segment
        group = s.interview if key == "entretien" else (s.variables.get(key) or "non renseigné")
        if group not in groups:
            groups.append(group)
        for code in u.codes():
            n_units[(code, group)] += 1
            interviews[(code, group)].add(s.interview)
    return groups, dict(n_units), {k: len(v) for k, v in interviews.items()}


def cooccurrences(units: list[CodedUnit]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for u in units:
        codes = u.codes()
        for a in codes:
            for b in codes:
                counts[(a, b)] += 1
    return counts


def write_workbook(
    path: Path,
    grid: Grid,
    interviews: list[Interview],
    units: list[CodedUnit],
    warnings: list[str],
    run: RunInfo,
) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Unités codées"
    variables = list(CASE_VARIABLES)
    headers = ["Unité", "Entretien", *(CASE_VARIABLES[v] for v in variables), "Locuteur",
               "Enquêteur", "Lignes", "Texte", "Codes", "Preuves", "Identifiants des codes"]  # fmt: skip
    rows = []
    for u in units:
        s = u.segment
        rows.append([
            s.id, s.interview, *(s.variables.get(v, "") for v in variables), s.speaker,
            "Oui" if s.interviewer else "Non", _lines(u), s.text,
            "\n".join(code_label(grid, c) for c in u.codes()) if u.result is not None else "(non codée)",
            _evidence_text(grid, u), " | ".join(u.codes()),
        ])  # fmt: skip
    n_var = len(variables)
    write_table(
        ws, headers, rows, widths=[14, 12, *([16] * n_var), 18, 10, 10, 70, 40, 50, 30],
        wrap={6 + n_var, 7 + n_var, 8 + n_var}, freeze_col=2,
    )  # fmt: skip

    codes = all_codes(grid)
    for title, key in (
        ("Codes × type d'acteur", "type_acteur"),
        ("Codes × entretien", "entretien"),
    ):
        sheet = wb.create_sheet(title)
        groups, n_units, n_interviews = frequencies(units, key)
        head = ["Thème", "Code", "Identifiant", "Unités (total)", "Entretiens (total)"]
        for g in groups:
            head += (
                [f"{g} — unités", f"{g} — entretiens"] if key != "entretien" else [f"{g} — unités"]
            )
        body = []
        for code in codes:
            theme, name = code.split(".", 1)
            total_units = sum(v for (c, _g), v in n_units.items() if c == code)
            total_interviews = len({u.segment.interview for u in units if code in u.codes()})
            row: list[object] = [grid.dimension(theme).label, grid.label_of(theme, name), code,
                                 total_units, total_interviews]  # fmt: skip
            for g in groups:
                row.append(n_units.get((code, g), 0))
                if key != "entretien":
                    row.append(n_interviews.get((code, g), 0))
            body.append(row)
        write_table(sheet, head, body, widths=[24, 40, 30, 12, 12] + [14] * (len(head) - 5),
                    wrap={1, 2}, freeze_col=3)  # fmt: skip

    sheet = wb.create_sheet("Cooccurrences")
    co = cooccurrences(units)
    used = [c for c in codes if co.get((c, c))]
    put(
        sheet, 1, 1, "Nombre d'unités codées avec les deux codes (diagonale : unités du code)"
    ).font = TITLE_FONT
    write_table(
        sheet,
        ["Code", *used],
        [[c, *(co.get((c, d), 0) for d in used)] for c in used],
        widths=[34] + [8] * len(used),
        start_row=3,
        freeze_col=1,
    )

    sheet = wb.create_sheet("Verbatims")
    order = {c: i for i, c in enumerate(codes)}
    quotes = sorted(
        ((code, u) for u in units for code in u.codes()),
        key=lambda x: (order[x[0]], x[1].segment.interview, x[1].segment.start),
    )
    write_table(
        sheet, ["Thème", "Code", "Entretien", "Locuteur", "Lignes", "Verbatim", "Référence"],
        [[grid.dimension(c.split(".")[0]).label, grid.label_of(*c.split(".", 1)), u.segment.interview,
          u.segment.speaker, _lines(u), f"« {u.segment.text} »",
          f"({u.segment.interview}, {_lines(u)})" if _lines(u) else f"({u.segment.interview})"]
         for c, u in quotes],
        widths=[22, 34, 12, 18, 10, 90, 18], wrap={2, 6}, freeze_col=2,
    )  # fmt: skip

    sheet = wb.create_sheet("Entretiens")
    per_interview = Counter(u.segment.interview for u in units if u.result is not None)
    write_table(
        sheet, ["Entretien", "Fichier", *(CASE_VARIABLES[v] for v in variables), "Tours de parole",
                "Unités codées", "Avertissements"],
        [[i.id, i.source.fichier, *(i.variables.get(v, "") for v in variables), len(i.turns),
          per_interview.get(i.id, 0), "; ".join(i.warnings)] for i in interviews],
        widths=[12, 36, *([16] * n_var), 10, 10, 60], wrap={len(variables) + 5},
    )  # fmt: skip

    sheet = wb.create_sheet("Grille")
    write_table(
        sheet, ["Thème", "Libellé du thème", "Code", "Libellé", "Définition", "Termes qui déclenchent", "Termes qui excluent"],
        [[d.id, d.label, f"{d.id}.{c.id}", c.label, c.definition.strip(),
          "; ".join(summarize_term(t) for t in c.inclure), "; ".join(summarize_term(t) for t in c.exclure)]
         for d in grid.dimensions for c in d.categories],
        widths=[16, 26, 34, 36, 70, 70, 40], wrap={2, 4, 5, 6, 7},
    )  # fmt: skip

    sheet = wb.create_sheet("À propos")
    about = [
        ["Outil", f"cloterres {run.tool_version}"], ["Date de création", run.date],
        ["Commande", run.command], ["Grille", f"{grid.nom} ({grid.id}, version {grid.version})"],
        ["Fichier de grille", run.grid_path], ["Empreinte SHA-256 de la grille", run.grid_hash],
        ["Modèle linguistique", run.model], ["Unité de codage", run.unit],
        ["Pseudonymisation", "Oui (table de correspondance dans un fichier séparé)" if run.pseudonymised else "Non"],
        ["Entretiens", len(interviews)], ["Unités", len(units)],
        ["Unités codées", sum(1 for u in units if u.result is not None)],
        *[["Avertissement", w] for w in warnings],
    ]  # fmt: skip
    write_table(sheet, ["Élément", "Valeur"], about, widths=[32, 110], wrap={2})
    wb.save(path)


def grid_codes(grid: Grid) -> list[Any]:
    """The grid as a REFI-QDA codebook: each theme (dimension) a parent code of its codes."""
    from cloterres.io.qdpx import QdaCode

    codes = []
    for d in grid.dimensions:
        codes.append(QdaCode(path=d.id, name=d.label, description=d.definition.strip()))
        for c in d.categories:
            codes.append(
                QdaCode(
                    path=f"{d.id}.{c.id}",
                    name=c.label,
                    description=c.definition.strip(),
                    parent=d.id,
                )
            )
    return codes


def write_codebook(path: Path, grid: Grid) -> None:
    """A .qdc codebook (REFI-QDA) of the grid."""
    from cloterres.io.qdpx import write_qdc

    write_qdc(path, grid_codes(grid), project_name=f"cloterres — {grid.nom}")


def write_project(
    path: Path, grid: Grid, interviews: list[Interview], units: list[CodedUnit], run: RunInfo
) -> None:
    """A REFI-QDA project: sources, cases with variables, codebook, codings."""
    from cloterres.io.qdpx import QdaCoding, QdaProject, QdaSource, write_qdpx

    codes = grid_codes(grid)
    sources = [
        QdaSource(id=i.id, name=i.name, text=i.text, variables=dict(i.variables))
        for i in interviews
    ]
    known = {i.id for i in interviews}
    # units from a spreadsheet have no transcript: one source per interview, units one per paragraph
    extra: dict[str, list[CodedUnit]] = defaultdict(list)
    for u in units:
        if u.segment.interview not in known:
            extra[u.segment.interview].append(u)
    codings: list[QdaCoding] = []
    for source_id, group in extra.items():
        parts, offset = [], 0
        for u in group:
            parts.append(u.segment.text)
            for code in u.codes():
                codings.append(
                    QdaCoding(
                        source_id=source_id,
                        start=offset,
                        end=offset + len(u.segment.text),
                        code=code,
                    )
                )
            offset += len(u.segment.text) + 2
        sources.append(
            QdaSource(
                id=source_id,
                name=source_id,
                text="\n\n".join(parts),
                variables=dict(group[0].segment.variables),
            )
        )
    for u in units:
        if u.segment.interview in known:
            for code in u.codes():
                codings.append(
                    QdaCoding(
                        source_id=u.segment.interview,
                        start=u.segment.start,
                        end=u.segment.end,
                        code=code,
                    )
                )
    write_qdpx(
        path,
        QdaProject(name=f"cloterres — {grid.nom}", codes=codes, sources=sources, codings=codings),
    )
