"""The study workbook of categorised measures (Mesures, Synthèse, Grille, Avertissements, Import,
À propos)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cloterres.engine.coding import ORIGIN_DEFAULT, Coder, CodingResult
from cloterres.engine.evidence import to_review
from cloterres.engine.frontend import Ending
from cloterres.engine.grid import Derived, Grid, summarize_term
from cloterres.engine.grid_display import expected_reliability, measured_text, reliability_note
from cloterres.engine.learned.layer import layer_for
from cloterres.engine.run_info import RunInfo
from cloterres.errors import InputError
from cloterres.io.display import display_path
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
from cloterres.io.sources import Warning_
from cloterres.plans.measure import MEASURE_FIELDS, Measure
from cloterres.plans.records import (
    derived_display,
    evidence_display,
    labels_display,
    review_display,
)
from cloterres.plans.report import DocumentReport, write_import_sheet
from cloterres.plans.summary import (
    ALL,
    FLAG_DEFAULT,
    FLAG_REVIEW,
    CodedRecord,
    Summary,
    summarize,
)

SHEET_MEASURES = "Mesures"
SHEET_SUMMARY = "Synthèse"
SHEET_GRID = "Grille"
SHEET_WARNINGS = "Avertissements"
SHEET_ABOUT = "À propos"
SHEET_IMPORT = "Import"
COUNTING_NOTE = (
    "Comptage : n et % ne comptent que les étiquettes sûres (trouvées dans le texte avec une "
    "confiance d'au moins 0,6). Les étiquettes données par défaut (aucun indice dans le texte, "
    "par exemple « Tout public ») et celles de confiance inférieure à 0,6 sont exclues de n et "
    "des parts et comptées à part (colonnes « par défaut » et « à vérifier ») ; un indicateur du "
    "profil qui dépend d'une telle étiquette est compté à part de la même façon."
)
SHEET_PRINT = "Impression"


Row = list[object]


def workbook_task(coder: Coder, measure: Measure) -> tuple[str, bool]:
    """Code a measure and render it for the spool (runs in worker processes)."""
    return workbook_render(coder, measure, coder.code(measure.fields()))


def workbook_render(coder: Coder, measure: Measure, r: CodingResult) -> tuple[str, bool]:
    """Render a coded measure's row of the Mesures sheet and its summary record, as one JSON
    line for the spool."""
    grid = coder.grid
    fields = measure.fields()
    head: Row = [fields[name] for name in MEASURE_FIELDS]
    tail: Row = [
        *(labels_display(grid, d.id, r) for d in grid.dimensions),
        *(derived_display(r.derived.get(x.id)) for x in grid.derives),
        review_display(grid, r),
        evidence_display(grid, r),
        measure.source.describe(),
        "Mesure sans texte : non catégorisée" if r.empty else "",
    ]
    record = [measure.contrat, r.label_ids(), dict(r.derived), r.empty, label_flags(r)]
    flagged = [
        i
        for i, d in enumerate(grid.dimensions)
        if any(to_review(x) for x in r.labels.get(d.id, []))
    ]
    line = json.dumps([head, measure.extra, tail, record, flagged], ensure_ascii=False)
    return line + "\n", r.empty


class WorkbookWriter:
    """Spools categorised measures to an anonymous temporary file (bounded memory), then writes
    the workbook row by row (openpyxl's write-only mode) on close()."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self._path = path
        self._grid = grid
        # Anonymous (already unlinked) file next to the output: never seen, gone on any exit.
        self._spool: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 - closed by close/discard
            "w+", encoding="utf-8", newline="\n", dir=path.parent
        )
        self._extra_names: dict[str, None] = {}
        self._count = 0
        self._empty = 0
        self.warnings: list[Warning_] = []
        self.imports: list[DocumentReport] = []
        self.run_info: RunInfo | None = None

    task = staticmethod(workbook_task)
    render = staticmethod(workbook_render)

    def add(self, measure: Measure, payload: tuple[str, bool]) -> None:
        if self._count >= MAX_ROWS:
            raise InputError(
                f"{self._path} : plus de {MAX_ROWS} mesures, au-delà de la limite d'une feuille "
                f"Excel ; écrivez plutôt un fichier .csv ou .jsonl"
            )
        self._spool.write(payload[0])
        for name in measure.extra:
            self._extra_names.setdefault(name, None)
        self._count += 1
        self._empty += payload[1]

    def _spooled(self) -> Iterator[tuple[Row, dict[str, str], Row, CodedRecord, list[int]]]:
        self._spool.flush()
        self._spool.seek(0)
        for line in self._spool:
            head, extra, tail, (contrat, labels, derived, empty, flags), flagged = json.loads(line)
            record = CodedRecord(contrat, labels, derived, empty, flags=flags)
            yield head, extra, tail, record, flagged

    def discard(self) -> None:
        self._spool.close()

    def close(self, ending: Ending) -> None:
        self.warnings = list(ending.warnings)
        self.imports = list(ending.imports)
        self.run_info = ending.run_info
        wb = Workbook(write_only=True)
        try:
            self._measures_sheet(wb.create_sheet(SHEET_MEASURES))
            self._print_sheet(wb.create_sheet(SHEET_PRINT))
            summary = summarize(self._grid, (item[3] for item in self._spooled()))
            self._summary_sheet(wb.create_sheet(SHEET_SUMMARY), summary)
            self._grid_sheet(wb.create_sheet(SHEET_GRID))
            self._warnings_sheet(wb.create_sheet(SHEET_WARNINGS))
            write_import_sheet(wb.create_sheet(SHEET_IMPORT), self.imports)
            self._about_sheet(wb.create_sheet(SHEET_ABOUT))
            wb.save(self._path)
        except BaseException:
            discard_write_only(wb)
            raise
        finally:
            self._spool.close()

    # sheets

    def _measures_sheet(self, ws: WriteOnlyWorksheet) -> None:
        grid = self._grid
        extra_names = list(self._extra_names)
        headers = [
            *MEASURE_FIELDS.values(),
            *extra_names,
            *(d.label for d in grid.dimensions),
            *(x.label for x in grid.derives),
            "À vérifier (par défaut ou confiance < 0,6)",
            "Preuves (mots qui ont déclenché chaque catégorie)",
            "Source",
            "Remarque",
        ]
        widths = [12, 18, 28, 45, 60, 22, 28, 22]
        widths += [20] * len(extra_names)
        widths += [30] * len(grid.dimensions) + [16] * len(grid.derives) + [34, 70, 28, 24]
        n_fixed = len(MEASURE_FIELDS) + len(extra_names)
        # every text column wraps (a long contract name or source never runs over its
        # neighbours), not the derived attributes (short words)
        wrap = set(range(2, n_fixed + len(grid.dimensions) + 1))
        last = n_fixed + len(grid.dimensions) + len(grid.derives)
        wrap |= {last + 1, last + 2, last + 3, last + 4}
        table = TableStream(ws, headers, widths=widths, wrap=wrap, freeze_col=1)
        page_texts(
            ws,
            f"Toutes les colonnes, en petit : pour lire sur papier, imprimez la feuille "
            f"« {SHEET_PRINT} »",
        )
        for head, extra, tail, _record, flagged in self._spooled():
            table.append(
                [*head, *(extra.get(name, "") for name in extra_names), *tail],
                highlight=[n_fixed + 1 + i for i in flagged],
            )
        table.close()

    def _print_sheet(self, ws: WriteOnlyWorksheet) -> None:
        """The measures as a reader prints them: one landscape A4 page wide with the text at 7
        points or more; the technical columns of the « Mesures » sheet are left out (and named)."""
        grid = self._grid
        n_dims = len(grid.dimensions)
        headers = ["Mesure (contrat)", "Intitulé et description"]
        headers += [d.label for d in grid.dimensions]
        headers.append("À vérifier")
        # the dimensions share what is left of a readable page (a long grid: more pages wide)
        widths = share_width(headers, [12, 40, *([14] * n_dims), 18], flexible=range(2, 2 + n_dims))
        left_out = [
            *(label for name, label in MEASURE_FIELDS.items()
              if name not in ("id", "contrat", "intitule", "description")),
            *self._extra_names,
            *(x.label for x in grid.derives),
            "Preuves",
            "Source",
        ]  # fmt: skip
        titles = [
            "Mesures catégorisées : version à imprimer (A4 paysage)",
            "Colonnes de la feuille « Mesures » non imprimées ici : " + ", ".join(left_out) + ".",
            "",
        ]
        table = TableStream(
            ws,
            headers,
            widths=widths,
            wrap=range(1, len(headers) + 1),
            titles=titles,
            freeze_col=1,
            page_wide=READABLE_WIDTH,
        )
        page_texts(ws, "Mesures catégorisées")
        n_derived = len(grid.derives)
        for head, _extra, tail, _record, flagged in self._spooled():
            fields = dict(zip(MEASURE_FIELDS, head, strict=True))
            measure = "\n".join(str(fields[k]) for k in ("id", "contrat") if fields[k])
            text = "\n".join(str(fields[k]) for k in ("intitule", "description") if fields[k])
            review, remark = tail[n_dims + n_derived], tail[-1]
            row = [measure, text, *tail[:n_dims], "\n".join(str(x) for x in (review, remark) if x)]
            table.append(row, highlight=[3 + i for i in flagged])
        table.close()

    def _summary_sheet(self, ws: WriteOnlyWorksheet, summary: Summary) -> None:
        grid = self._grid
        layer = layer_for(grid.id)
        columns = summary.columns
        titles = [
            "Synthèse par contrat",
            "Nombre de mesures (n) et part des mesures ayant un texte (%), par contrat et pour "
            "l'ensemble. Une mesure peut avoir plusieurs catégories d'une même dimension : les "
            "parts d'une dimension ne totalisent donc pas forcément 100 %.",
            COUNTING_NOTE,
            reliability_note(layer),
            "",
        ]
        headers = ["Rubrique", "Catégorie / indicateur", "Précision attendue", "Rappel attendu"]
        for contract in columns:
            name = "Ensemble des contrats" if contract == ALL else contract
            headers += [f"{name} — n", f"{name} — %", f"{name} — par défaut",
                        f"{name} — à vérifier"]  # fmt: skip

        def cells(count: int, contract: str, default: int, review: int) -> list[object]:
            share = summary.share(count, contract)
            return [count, share if share is not None else "", default, review]

        def plain(values: dict[str, int]) -> list[object]:
            return [v for c in columns for v in (values.get(c, 0), "", "", "")]

        rows: list[list[object]] = []
        rows.append(["Mesures", "Mesures catégorisées (avec un texte)", "", "",
                     *plain(summary.coded)])  # fmt: skip
        rows.append(["Mesures", "Mesures sans texte (non catégorisées)", "", "",
                     *plain(summary.empty)])  # fmt: skip
        rows.append(
            ["Mesures", "Étiquettes données par défaut (aucun indice dans le texte ; à vérifier)",
             "", "", *(v for c in columns for v in ("", "", summary.defaults.get(c, 0), ""))]
        )  # fmt: skip
        rows.append(
            ["Mesures", "Étiquettes de confiance inférieure à 0,6 (à vérifier)", "", "",
             *(v for c in columns for v in ("", "", "", summary.reviews.get(c, 0)))]
        )  # fmt: skip
        for prow in summary.profile:
            rows.append(
                ["Profil CLoterreS", prow.label, "", ""]
                + [
                    v
                    for c in columns
                    for v in cells(
                        prow.counts.get(c, 0),
                        c,
                        prow.apart.get(FLAG_DEFAULT, {}).get(c, 0),
                        prow.apart.get(FLAG_REVIEW, {}).get(c, 0),
                    )
                ]
            )
        for dim in grid.dimensions:
            for cat in dim.categories:
                key = (dim.id, cat.id)
                counts = summary.counts[key]
                precision, recall = expected_reliability(layer, dim.id, cat.id)
                rows.append(
                    [dim.label, cat.label,                      precision if precision is not None else "",
                     recall if recall is not None else ""]
                    + [
                        v
                        for c in columns
                        for v in cells(
                            counts.get(c, 0),
                            c,
                            summary.apart_count(key, FLAG_DEFAULT, c),
                            summary.apart_count(key, FLAG_REVIEW, c),
                        )
                    ]
                )  # fmt: skip
        percent = {5 + 4 * i + 1 for i in range(len(columns))}
        widths = [28, 44, 11, 11] + [10, 9, 10, 10] * len(columns)
        stream_table(
            ws,
            headers,
            rows,
            widths=widths,
            wrap={1, 2},
            percent=percent,
            formats={3: RELIABILITY, 4: RELIABILITY},
            titles=titles,
            freeze_col=2,
        )

    def _grid_sheet(self, ws: WriteOnlyWorksheet) -> None:
        grid = self._grid
        headers = [
            "Dimension",
            "Libellé de la dimension",
            "Plusieurs catégories",
            "Au moins une",
            "Par défaut",
            "Catégorie",
            "Libellé",
            "Définition",
            "Termes qui déclenchent",
            "Termes qui excluent",
            "Exclue si",
            "Ajoute aussi",
            "Fiabilité mesurée (jeu de test réel)",
        ]
        layer = layer_for(grid.id)
        rows: list[list[object]] = []
        for dim in grid.dimensions:
            for cat in dim.categories:
                rows.append(
                    [
                        dim.id,
                        dim.label,
                        "Oui" if dim.multiple else "Non",
                        "Oui" if dim.min else "Non",
                        grid.label_of(dim.id, dim.defaut) if dim.defaut else "",
                        cat.id,
                        cat.label,
                        cat.definition.strip(),
                        "; ".join(summarize_term(t) for t in cat.inclure),
                        "; ".join(summarize_term(t) for t in cat.exclure),
                        ", ".join(_ref_label(grid, r) for r in cat.exclure_si),
                        ", ".join(_ref_label(grid, r) for r in cat.implique),
                        measured_text(layer, dim.id, cat.id),
                    ]
                )
        for der in grid.derives:
            rows.append(
                [
                    "(attribut dérivé)",
                    der.label,
                    "",
                    "",
                    "",
                    der.id,
                    der.label,
                    (der.definition or _derived_definition(der)).strip(),
                    "; ".join(summarize_term(t) for t in der.inclure),
                    "",
                    "",
                    "",
                    "",
                ]
            )
        stream_table(
            ws,
            headers,
            rows,
            widths=[16, 26, 11, 11, 16, 24, 30, 60, 70, 40, 24, 30, 36],
            wrap={2, 5, 7, 8, 9, 10, 11, 12, 13},
            freeze_col=1,
        )

    def _warnings_sheet(self, ws: WriteOnlyWorksheet) -> None:
        rows = [
            [
                display_path(w.source.fichier),
                w.source.feuille or "",
                w.source.ligne or "",
                w.message,
            ]
            for w in self.warnings
        ]
        if not rows:
            rows = [
                ["", "", "", "Aucun avertissement : toutes les lignes lues ont été catégorisées."]
            ]
        stream_table(
            ws,
            ["Fichier", "Feuille", "Ligne", "Avertissement"],
            rows,
            widths=[40, 16, 8, 90],
            wrap={4},
        )

    def _about_sheet(self, ws: WriteOnlyWorksheet) -> None:
        info = self.run_info
        grid = self._grid
        rows: list[list[object]] = [
            ["Outil", f"cloterres {info.tool_version}" if info else "cloterres"],
            ["Date de création", info.date if info else ""],
            ["Commande", info.command if info else ""],
            ["Grille", f"{grid.nom} ({grid.id}, version {grid.version})"],
            ["Fichier de grille", info.grid_path if info else ""],
            ["Empreinte SHA-256 de la grille", info.grid_hash if info else ""],
            ["Modèle linguistique", info.model if info else ""],
            ["Mesures", self._count],
            ["Mesures sans texte", self._empty],
        ]
        for name, count in info.inputs if info else []:
            rows.append(["Fichier d'entrée", f"{display_path(name)} ({count} mesures)"])
        rows.append(
            [
                "Méthode",
                "Catégories attribuées automatiquement par les règles de la grille (lemmes français, "
                "expressions, exclusions). La colonne « Preuves » de la feuille « Mesures » montre les "
                "mots qui ont déclenché chaque catégorie ; vérifiez et corrigez avant de publier.",
            ]
        )
        stream_table(ws, ["Élément", "Valeur"], rows, widths=[32, 110], wrap={1, 2})


def _ref_label(grid: Grid, ref: str) -> str:
    """A « dimension.categorie » reference of the grid as a person reads it."""
    dim_id, _, cat_id = ref.partition(".")
    try:
        return f"{grid.dimension(dim_id).label} › {grid.label_of(dim_id, cat_id)}"
    except (KeyError, ValueError, StopIteration):
        return ref


def _derived_definition(der: Derived) -> str:
    if der.type == "partition":
        groups = "; ".join(f"{g} = {', '.join(c)}" for g, c in der.groupes.items())
        return f"Groupe des catégories de « {der.dimension} » ({groups}) ; « mixte » si plusieurs groupes."
    if der.type == "nombre_min":
        return f"Oui si la mesure a au moins {der.min} catégories dans « {der.dimension} »."
    if der.type == "autre_que":
        return f"Oui si la mesure a une catégorie de « {der.dimension} » autre que {', '.join(der.categories)}."
    return "Oui si l'un des termes apparaît dans le texte de la mesure."


def label_flags(r: CodingResult) -> dict[str, str]:
    """The labels of a measure that are not sure: "dim.cat" -> given by default, or to check
    (confidence under the review threshold)."""
    return {
        f"{dim}.{d.category}": FLAG_DEFAULT if d.origin == ORIGIN_DEFAULT else FLAG_REVIEW
        for dim, decs in r.labels.items()
        for d in decs
        if to_review(d)
    }
