"""Exports of coded interview units: JSONL, CSV, study workbook, REFI-QDA project."""

from __future__ import annotations

import csv
import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cloterres.engine.coding import ORIGIN_IMPLIED
from cloterres.engine.evidence import confidence_display, decision_json, model_reason, to_review
from cloterres.engine.frontend import Ending
from cloterres.engine.grid import Grid, summarize_term
from cloterres.engine.grid_display import expected_reliability, reliability_note
from cloterres.engine.learned.layer import ORIGIN_MODEL, layer_for
from cloterres.engine.run_info import RunInfo
from cloterres.errors import InputError
from cloterres.interviews.model import (
    CASE_VARIABLES,
    INTERVIEWER_TURN,
    CodedUnit,
    Interview,
    variable_name,
)
from cloterres.io.excel import (
    MAX_ROWS,
    READABLE_WIDTH,
    RELIABILITY,
    TableStream,
    discard_write_only,
    page_texts,
    share_width,
    stream_table,
)
from cloterres.io.rows import UnitRow
from cloterres.io.safety import csv_safe

COUNTING_NOTE = (
    "Comptage : unités et entretiens ne comptent que les codes sûrs (confiance d'au moins 0,6) ; "
    "les codes de confiance inférieure à 0,6 (« à vérifier ») en sont exclus et comptés à part, "
    "en unités (colonne « Unités à vérifier »)."
)
SHEET_UNITS = "Unités codées"
SHEET_PRINT = "Impression"


def short_labels(grid: Grid, paths: Sequence[str]) -> dict[str, str]:
    """Each code's label alone (« Instances »), or with its theme's (« Gouvernance › Autre »)
    when another theme has a code of the same label."""
    labels = {p: grid.label_of(*p.split(".", 1)) for p in paths}
    seen = Counter(labels.values())
    return {p: code_label(grid, p) if seen[label] > 1 else label for p, label in labels.items()}


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
                line = f"{head} : déduit de « {code_label(grid, d.note)} »"
            elif d.origin == ORIGIN_MODEL:
                line = f"{head} : {model_reason(d)}"
            else:
                line = f"{head} : " + ", ".join(f"« {e.text} »" for e in d.evidence)
            if d.confidence is not None:
                line += f" [confiance {confidence_display(d.confidence)}]"
            if to_review(d):
                line += " — à vérifier"
            lines.append(line)
    return "\n".join(lines)


def _to_review(unit: CodedUnit) -> list[str]:
    """The unit's codes to check by hand (low confidence)."""
    if unit.result is None:
        return []
    return [
        f"{dim}.{d.category}"
        for dim, decisions in unit.result.labels.items()
        for d in decisions
        if to_review(d)
    ]


def _decisions(unit: CodedUnit) -> dict[str, dict[str, Any]]:
    if unit.result is None:
        return {}
    return {
        f"{dim}.{d.category}": decision_json(d)
        for dim, decisions in unit.result.labels.items()
        for d in decisions
    }


def _lines(unit: CodedUnit) -> str:
    s = unit.segment
    if s.line_start is None:
        return ""
    return f"l. {s.line_start}" if s.line_start == s.line_end else f"l. {s.line_start}-{s.line_end}"


def unit_json(unit: CodedUnit) -> dict[str, Any]:
    """The JSONL object of a coded unit (:class:`~cloterres.io.rows.UnitRow`)."""
    s = unit.segment
    return UnitRow.model_construct(
        id=s.id,
        entretien=s.interview,
        locuteur=s.speaker,
        enqueteur=s.interviewer,
        tour=s.turn,
        debut=s.start,
        fin=s.end,
        ligne_debut=s.line_start,
        ligne_fin=s.line_end,
        texte=s.text,
        variables=dict(s.variables),
        code=unit.result is not None,
        codes=unit.codes(),
        evidence=_evidence(unit),
        decisions=_decisions(unit),
        codes_importes=unit.imported or None,
        source=s.source,
    ).to_json()


class UnitSink:
    """Where coded units go, one at a time, in input order. ``begin_interview`` is called for
    each interview before (not necessarily just before) its units; ``close`` writes what remains;
    ``discard`` releases everything after a failure."""

    def begin_interview(self, interview: Interview) -> None:
        return None

    def add(self, unit: CodedUnit, payload: object = None) -> None:
        raise NotImplementedError

    def close(self, ending: Ending) -> None:
        return None

    def discard(self) -> None:
        return None


def _spool(near: Path) -> IO[str]:
    """An anonymous temporary file next to the output: never visible, gone on any exit."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n", dir=near.parent)


class JsonlSink(UnitSink):
    """One JSON object per unit, written as it comes."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self._fh = path.open("w", encoding="utf-8", newline="\n")

    def add(self, unit: CodedUnit, payload: object = None) -> None:
        self._fh.write(json.dumps(unit_json(unit), ensure_ascii=False) + "\n")

    def close(self, ending: Ending) -> None:
        self._fh.close()

    def discard(self) -> None:
        self._fh.close()


class CsvSink(UnitSink):
    """One row per unit. Rows are spooled to a temporary file until the set of attribute
    columns is known, then written."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self._path = path
        self._grid = grid
        self._spool = _spool(path)
        self._extra: dict[str, None] = {}

    def add(self, unit: CodedUnit, payload: object = None) -> None:
        s = unit.segment
        for k in s.variables:
            if k not in CASE_VARIABLES:
                self._extra.setdefault(k, None)
        tail = [
            s.speaker, "oui" if s.interviewer else "non", s.turn or "", s.line_start or "",
            s.line_end or "", s.start, s.end, s.text, "|".join(unit.codes()),
            "; ".join(code_label(self._grid, c) for c in unit.codes()),
            _evidence_text(self._grid, unit), "|".join(_to_review(unit)),
        ]  # fmt: skip
        self._spool.write(json.dumps([s.id, s.interview, s.variables, tail]) + "\n")

    def close(self, ending: Ending) -> None:
        variables = list(CASE_VARIABLES)
        extra = sorted(self._extra)
        self._spool.seek(0)
        try:
            with self._path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, delimiter=";")
                header = ["id", "entretien", *variables, *extra, "locuteur", "enqueteur", "tour",
                          "ligne_debut", "ligne_fin", "debut", "fin", "texte", "codes", "libelles",
                          "preuves", "a_verifier"]  # fmt: skip
                writer.writerow([csv_safe(h) for h in header])  # attribute names come from input
                for line in self._spool:
                    uid, interview, values, tail = json.loads(line)
                    row = [uid, interview, *(values.get(k, "") for k in variables + extra), *tail]
                    writer.writerow([csv_safe(v) for v in row])
        finally:
            self._spool.close()

    def discard(self) -> None:
        self._spool.close()


def all_codes(grid: Grid) -> list[str]:
    return [f"{d.id}.{c.id}" for d in grid.dimensions for c in d.categories]


class Frequencies:
    """Per (code, group) the number of coded units and of distinct interviews, where a group is
    a value of a case variable (or the interview), counted unit by unit. Only sure codes count;
    codes of low confidence (« à vérifier ») are counted apart, per code (``to_check``)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.groups: dict[str, None] = {}
        self.units: Counter[tuple[str, str]] = Counter()
        self.to_check: Counter[str] = Counter()
        self._interviews: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(self, unit: CodedUnit, payload: object = None) -> None:
        if unit.result is None:
            return
        s = unit.segment
        key = self.key
        group = s.interview if key == "entretien" else (s.variables.get(key) or "non renseigné")
        self.groups.setdefault(group, None)
        unsure = set(_to_review(unit))
        for code in unit.codes():
            if code in unsure:
                self.to_check[code] += 1
                continue
            self.units[(code, group)] += 1
            self._interviews[(code, group)].add(s.interview)

    def interviews(self, code: str, group: str) -> int:
        return len(self._interviews.get((code, group), ()))

    def total_interviews(self, code: str) -> int:
        return len(set().union(*(v for (c, _g), v in self._interviews.items() if c == code)))


class WorkbookSink(UnitSink):
    """The study workbook, written row by row in openpyxl's write-only mode: the units sheet as
    units come, the quotes spooled per code, the counts kept as counters, the other sheets on
    close. Memory does not grow with the number of units (beyond the counters)."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self._path = path
        self._grid = grid
        self._wb = Workbook(write_only=True)
        self._variables = list(CASE_VARIABLES)
        n_var = len(self._variables)
        self._units_table = TableStream(
            self._wb.create_sheet(SHEET_UNITS),
            ["Unité", "Entretien", *(CASE_VARIABLES[v] for v in self._variables), "Locuteur",
             INTERVIEWER_TURN, "Lignes", "Texte", "Codes", "Preuves", "Identifiants des codes"],
            widths=[14, 12, *([16] * n_var), 18, 10, 10, 70, 40, 50, 30],
            wrap={*range(3, 3 + n_var), 6 + n_var, 7 + n_var, 8 + n_var, 9 + n_var},
            freeze_col=2,
        )  # fmt: skip
        # « Identifiants des codes » stays visible: it is the column a person corrects by hand
        # and ``synthese`` reads back (the « Codes » column shows the labels).
        page_texts(
            self._units_table.ws,
            f"Toutes les colonnes, en petit : pour lire sur papier, imprimez la feuille "
            f"« {SHEET_PRINT} »",
        )
        self._print_table = self._print_sheet(self._wb.create_sheet(SHEET_PRINT))
        self._codes = all_codes(grid)
        self._by_actor = Frequencies("type_acteur")
        self._by_interview = Frequencies("entretien")
        self._cooccurrences: Counter[tuple[str, str]] = Counter()
        self._quotes: dict[str, IO[str]] = {}
        self._interviews: list[list[object]] = []
        self._coded_per_interview: Counter[str] = Counter()
        self._n_units = 0
        self._n_coded = 0

    def _print_sheet(self, ws: WriteOnlyWorksheet) -> TableStream:
        """The units as a reader prints them: one landscape A4 page wide with the text at 7
        points or more; the columns left out are named on the sheet."""
        headers = ["Unité", "Entretien", "Locuteur", "Lignes", "Texte", "Codes"]
        widths = share_width(headers, [11, 13, 14, 8, 60, 40], flexible=[4])
        left_out = (
            ", ".join(CASE_VARIABLES[v] for v in self._variables)
            + f" (voir la feuille « Entretiens »), {INTERVIEWER_TURN} (oui / non), Preuves, "
            "Identifiants des codes"
        )
        titles = [
            "Unités codées : version à imprimer (A4 paysage)",
            f"Colonnes de la feuille « {SHEET_UNITS} » non imprimées ici : {left_out}.",
            "",
        ]
        table = TableStream(ws, headers, widths=widths, wrap={3, 5, 6}, titles=titles,
                            freeze_col=1, page_wide=READABLE_WIDTH)  # fmt: skip
        page_texts(ws, "Unités codées")
        return table

    def begin_interview(self, interview: Interview) -> None:
        self._interviews.append(
            [interview.id, interview.source.fichier,
             *(interview.variables.get(v, "") for v in self._variables), len(interview.turns),
             "; ".join(interview.warnings)]
        )  # fmt: skip

    def add(self, unit: CodedUnit, payload: object = None) -> None:
        if self._n_units >= MAX_ROWS:
            raise InputError(
                f"{self._path} : plus de {MAX_ROWS} unités, au-delà de la limite d'une feuille "
                f"Excel ; choisissez une unité plus longue (--unite tour) ou écrivez un .csv ou "
                f"un .jsonl"
            )
        grid, s, codes = self._grid, unit.segment, unit.codes()
        check = set(_to_review(unit))
        shown = [code_label(grid, c) + (" (à vérifier)" if c in check else "") for c in codes]
        self._units_table.append(
            [s.id, s.interview, *(s.variables.get(v, "") for v in self._variables), s.speaker,
             "Oui" if s.interviewer else "Non", _lines(unit), s.text,
             "\n".join(shown) if unit.result is not None else "(non codée)",
             _evidence_text(grid, unit), " | ".join(codes)],
            highlight=[7 + len(self._variables)] if check else (),
        )  # fmt: skip
        self._print_table.append(
            [s.id, s.interview, s.speaker, _lines(unit), s.text,
             "\n".join(shown) if unit.result is not None else "(non codée)"],
            highlight=[6] if check else (),
        )  # fmt: skip
        self._n_units += 1
        if unit.result is not None:
            self._n_coded += 1
            self._coded_per_interview[s.interview] += 1
        self._by_actor.add(unit)
        self._by_interview.add(unit)
        for a in codes:
            for b in codes:
                self._cooccurrences[(a, b)] += 1
        for code in codes:
            spool = self._quotes.get(code)
            if spool is None:
                spool = self._quotes[code] = _spool(self._path)
            lines = _lines(unit)
            spool.write(json.dumps([s.interview, s.speaker, lines, s.text]) + "\n")

    def close(self, ending: Ending) -> None:
        try:
            self._write(list(ending.warnings), ending.run_info)
        except BaseException:
            discard_write_only(self._wb)
            raise
        finally:
            self._close_spools()

    def discard(self) -> None:
        discard_write_only(self._wb)
        self._close_spools()

    def _close_spools(self) -> None:
        for spool in self._quotes.values():
            spool.close()
        self._quotes = {}

    def _write(self, warnings: list[str], run: RunInfo) -> None:
        grid, wb, codes = self._grid, self._wb, self._codes
        layer = layer_for(grid.id)
        self._units_table.close()
        self._print_table.close()
        for title, freq in (
            ("Codes × type d'acteur", self._by_actor),
            ("Codes × entretien", self._by_interview),
        ):
            per_interview = freq.key == "entretien"
            head = ["Thème", "Code", "Identifiant", "Unités (total)", "Entretiens (total)",
                    "Unités à vérifier (total)", "Précision attendue", "Rappel attendu"]  # fmt: skip
            for g in freq.groups:
                head += (
                    [f"{g} — unités"] if per_interview else [f"{g} — unités", f"{g} — entretiens"]
                )
            body = []
            for code in codes:
                theme, name = code.split(".", 1)
                total_units = sum(freq.units.get((code, g), 0) for g in freq.groups)
                precision, recall = expected_reliability(layer, theme, name)
                row: list[object] = [grid.dimension(theme).label, grid.label_of(theme, name), code,
                                     total_units, self._by_interview.total_interviews(code),
                                     freq.to_check[code], "" if precision is None else precision,
                                     "" if recall is None else recall]  # fmt: skip
                for g in freq.groups:
                    row.append(freq.units.get((code, g), 0))
                    if not per_interview:
                        row.append(freq.interviews(code, g))
                body.append(row)
            stream_table(wb.create_sheet(title), head, body,
                         widths=[24, 40, 30, 12, 12, 12, 11, 10] + [14] * (len(head) - 8),
                         wrap={1, 2}, formats={7: RELIABILITY, 8: RELIABILITY},
                         titles=[title, COUNTING_NOTE, reliability_note(layer), ""],
                         freeze_col=3, hidden={3})  # fmt: skip

        co = self._cooccurrences
        used = [c for c in codes if co.get((c, c))]
        names = short_labels(grid, used)
        # Labels in the headers and the first columns; the code ids in a hidden last column
        # (same order for the rows and the columns).
        stream_table(
            wb.create_sheet("Cooccurrences"),
            ["Thème", "Code", *(names[c] for c in used), "Identifiant"],
            [[grid.dimension(c.split(".", 1)[0]).label, names[c],
              *(co.get((c, d), 0) for d in used), c] for c in used],
            widths=[22, 40, *([6] * len(used)), 30],
            titles=["Nombre d'unités codées avec les deux codes (diagonale : unités du code)", ""],
            wrap={1, 2}, freeze_col=2, hidden={len(used) + 3},
            vertical=range(3, len(used) + 3),
        )  # fmt: skip

        quotes = TableStream(
            wb.create_sheet("Verbatims"),
            ["Thème", "Code", "Entretien", "Locuteur", "Lignes", "Verbatim", "Référence"],
            widths=[22, 34, 12, 18, 10, 90, 18], wrap={2, 6}, freeze_col=2,
        )  # fmt: skip
        for code in codes:
            spool = self._quotes.get(code)
            if spool is None:
                continue
            theme, name = code.split(".", 1)
            spool.seek(0)
            for line in spool:
                interview, speaker, lines, text = json.loads(line)
                quotes.append(
                    [grid.dimension(theme).label, grid.label_of(theme, name), interview, speaker,
                     lines, f"« {text} »",
                     f"({interview}, {lines})" if lines else f"({interview})"]
                )  # fmt: skip
        quotes.close()

        variables = self._variables
        n_var = len(variables)
        stream_table(
            wb.create_sheet("Entretiens"),
            ["Entretien", "Fichier", *(CASE_VARIABLES[v] for v in variables), "Tours de parole",
             "Unités codées", "Avertissements"],
            [[*row[:-1], self._coded_per_interview.get(str(row[0]), 0), row[-1]]
             for row in self._interviews],
            widths=[12, 36, *([16] * n_var), 10, 10, 60], wrap={2, *range(3, 3 + n_var), n_var + 5},
        )  # fmt: skip

        stream_table(
            wb.create_sheet("Grille"),
            ["Thème", "Libellé du thème", "Code", "Libellé", "Définition", "Termes qui déclenchent", "Termes qui excluent"],
            [[d.id, d.label, f"{d.id}.{c.id}", c.label, c.definition.strip(),
              "; ".join(summarize_term(t) for t in c.inclure), "; ".join(summarize_term(t) for t in c.exclure)]
             for d in grid.dimensions for c in d.categories],
            widths=[16, 26, 34, 36, 70, 70, 40], wrap={2, 4, 5, 6, 7},
        )  # fmt: skip

        about: list[Sequence[object]] = [
            ["Outil", f"cloterres {run.tool_version}"], ["Date de création", run.date],
            ["Commande", run.command], ["Grille", f"{grid.nom} ({grid.id}, version {grid.version})"],
            ["Fichier de grille", run.grid_path], ["Empreinte SHA-256 de la grille", run.grid_hash],
            ["Modèle linguistique", run.model], ["Unité de codage", run.unit],
            ["Pseudonymisation", "Oui (table de correspondance dans un fichier séparé)" if run.pseudonymised else "Non"],
            ["Entretiens", len(self._interviews)], ["Unités", self._n_units],
            ["Unités codées", self._n_coded],
            *[["Avertissement", w] for w in warnings],
        ]  # fmt: skip
        stream_table(wb.create_sheet("À propos"), ["Élément", "Valeur"], about,
                     widths=[32, 110], wrap={1, 2})  # fmt: skip
        wb.save(self._path)


def grid_codes(grid: Grid) -> list[Any]:
    """The grid as a REFI-QDA codebook: each theme (dimension) a parent code of its codes."""
    from cloterres.io.qdpx import QdaCode

    codes = []
    for d in grid.dimensions:
        codes.append(QdaCode(path=d.id, name=d.label, description=d.definition.strip()))
        for c in d.categories:
            parts = [c.definition.strip()] if c.definition.strip() else []
            # Human coders rely on examples and counter-examples: they travel in the description.
            if c.exemples:
                parts.append("Exemples :\n" + "\n".join(f"- {e.strip()}" for e in c.exemples))
            if c.contre_exemples:
                parts.append(
                    "Contre-exemples :\n" + "\n".join(f"- {e.strip()}" for e in c.contre_exemples)
                )
            codes.append(
                QdaCode(
                    path=f"{d.id}.{c.id}",
                    name=c.label,
                    description="\n\n".join(parts),
                    parent=d.id,
                )
            )
    return codes


def write_codebook(path: Path, grid: Grid) -> None:
    """A .qdc codebook (REFI-QDA) of the grid."""
    from cloterres.io.qdpx import write_qdc

    write_qdc(path, grid_codes(grid), project_name=f"cloterres — {grid.nom}")


def _named(variables: dict[str, str]) -> dict[str, str]:
    """Case variables under the names NVivo users read (« Type d'acteur », « Enquêteur »); the
    readers accept these and the ids (``type_acteur``) alike."""
    return {variable_name(k): v for k, v in variables.items()}


class ProjectSink(UnitSink):
    """A REFI-QDA project: sources, cases with variables, codebook, codings.

    Not streamed: the project XML is built whole on close, so the transcripts' text and one small
    record per coding are kept in memory (about the size of the corpus, plus some 200 bytes per
    coding)."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self._path = path
        self._grid = grid
        self._sources: list[Any] = []
        self._known: set[str] = set()
        self._extra: dict[str, list[tuple[str, list[str], dict[str, str]]]] = defaultdict(list)
        self._codings: list[tuple[str, int, int, str]] = []

    def begin_interview(self, interview: Interview) -> None:
        from cloterres.io.qdpx import ID_SEPARATOR, QdaSource

        self._known.add(interview.id)
        # The source name carries the interview id: tools that drop cases keep it.
        name = interview.name
        if name != interview.id and not name.startswith(f"{interview.id}{ID_SEPARATOR}"):
            name = f"{interview.id}{ID_SEPARATOR}{name}"
        self._sources.append(
            QdaSource(id=interview.id, name=name, text=interview.text,
                      variables=_named(interview.variables))
        )  # fmt: skip

    def add(self, unit: CodedUnit, payload: object = None) -> None:
        s = unit.segment
        if s.interview in self._known:
            for code in unit.codes():
                self._codings.append((s.interview, s.start, s.end, code))
        else:  # a unit from a spreadsheet: no transcript, one paragraph per unit
            self._extra[s.interview].append((s.text, unit.codes(), dict(s.variables)))

    def close(self, ending: Ending) -> None:
        from cloterres.io.qdpx import QdaCoding, QdaProject, QdaSource, write_qdpx

        codings = [QdaCoding(source_id=i, start=a, end=b, code=c) for i, a, b, c in self._codings]
        self._codings = []
        sources = list(self._sources)
        for source_id, group in self._extra.items():
            parts, offset = [], 0
            for text, codes, _variables in group:
                parts.append(text)
                for code in codes:
                    codings.append(
                        QdaCoding(source_id=source_id, start=offset, end=offset + len(text),
                                  code=code)
                    )  # fmt: skip
                offset += len(text) + 2
            sources.append(
                QdaSource(id=source_id, name=source_id, text="\n\n".join(parts),
                          variables=_named(group[0][2]))
            )  # fmt: skip
        grid = self._grid
        write_qdpx(
            self._path,
            QdaProject(name=f"cloterres — {grid.nom}", codes=grid_codes(grid), sources=sources,
                       codings=codings),
        )  # fmt: skip


class MergeSink(ProjectSink):
    """The input project, kept whole, plus the machine's codings (``coder projet.qdpx --sortie
    projet-code.qdpx``): see :mod:`cloterres.io.qdpx.merge`."""

    def __init__(self, path: Path, grid: Grid, project: Path, notes: list[str]) -> None:
        super().__init__(path, grid)
        self._project = project
        self._notes = notes

    def close(self, ending: Ending) -> None:
        from cloterres.engine.code_paths import map_code_path
        from cloterres.interviews.transcripts import transcript_id
        from cloterres.io.qdpx import QdaCoding, load_qdpx
        from cloterres.io.qdpx.merge import merge_qdpx

        loaded = load_qdpx(self._project, text_id=transcript_id)
        codings = [QdaCoding(source_id=i, start=a, end=b, code=c) for i, a, b, c in self._codings]
        self._codings = []
        grid = self._grid
        merged = merge_qdpx(
            loaded, self._path, grid_codes(grid), codings,
            match=lambda path: map_code_path(path, grid),
        )  # fmt: skip
        users = sorted({c.coder for c in loaded.project.codings})
        self._notes.append(
            f"projet {self._project.name} recopié en entier ({len(loaded.project.sources)} "
            f"source(s) lue(s), {merged.kept_codings} codage(s) de {len(users)} utilisateur(s) "
            f"gardé(s)) ; {merged.codings} codage(s) de la machine ajouté(s) sous l'utilisateur "
            f"« {merged.user} » ; {len(merged.matched)} code(s) de la grille reconnu(s) dans le "
            f"projet, {len(merged.created)} ajouté(s) sous le code « cloterres »"
        )


SINKS: dict[str, type[UnitSink]] = {
    ".jsonl": JsonlSink,
    ".csv": CsvSink,
    ".xlsx": WorkbookSink,
    ".qdpx": ProjectSink,
}
