"""The study workbook of categorised measures (Mesures, Synthèse, Grille, Avertissements, Import,
À propos)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from cloterres.coding import Coder, CodingResult
from cloterres.grid import Grid, summarize_term
from cloterres.io.excel import TITLE_FONT, put, write_table
from cloterres.io.records import (
    CodedMeasure,
    derived_display,
    evidence_display,
    labels_display,
)
from cloterres.io.run_info import RunInfo
from cloterres.plans.report import DocumentReport, write_import_sheet
from cloterres.summary import ALL, CodedRecord, Summary, summarize
from cloterres.units import MEASURE_FIELDS, Measure, Warning_

SHEET_MEASURES = "Mesures"
SHEET_SUMMARY = "Synthèse"
SHEET_GRID = "Grille"
SHEET_WARNINGS = "Avertissements"
SHEET_ABOUT = "À propos"
SHEET_IMPORT = "Import"


def result_task(coder: Coder, measure: Measure) -> tuple[CodingResult, bool]:
    """Code a measure (runs in worker processes); the workbook is built at the end."""
    return result_render(coder, measure, coder.code(measure.fields()))


def result_render(
    coder: Coder, measure: Measure, result: CodingResult
) -> tuple[CodingResult, bool]:
    return result, result.empty


class WorkbookWriter:
    """Collects categorised measures, then writes the workbook on close()."""

    def __init__(self, path: Path, grid: Grid) -> None:
        self._path = path
        self._grid = grid
        self._items: list[CodedMeasure] = []
        self.warnings: list[Warning_] = []
        self.imports: list[DocumentReport] = []
        self.run_info: RunInfo | None = None

    task = staticmethod(result_task)
    render = staticmethod(result_render)

    def add(self, measure: Measure, payload: tuple[CodingResult, bool]) -> None:
        self._items.append(CodedMeasure(measure, payload[0]))

    def close(self) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = SHEET_MEASURES
        self._measures_sheet(ws)
        summary = summarize(
            self._grid,
            (
                CodedRecord(
                    i.measure.contrat, i.result.label_ids(), i.result.derived, i.result.empty
                )
                for i in self._items
            ),
        )
        self._summary_sheet(wb.create_sheet(SHEET_SUMMARY), summary)
        self._grid_sheet(wb.create_sheet(SHEET_GRID))
        self._warnings_sheet(wb.create_sheet(SHEET_WARNINGS))
        write_import_sheet(wb.create_sheet(SHEET_IMPORT), self.imports)
        self._about_sheet(wb.create_sheet(SHEET_ABOUT))
        wb.save(self._path)

    # sheets

    def _measures_sheet(self, ws) -> None:  # noqa: ANN001
        grid = self._grid
        extra_names: list[str] = []
        for item in self._items:
            for name in item.measure.extra:
                if name not in extra_names:
                    extra_names.append(name)
        headers = [
            *MEASURE_FIELDS.values(),
            *extra_names,
            *(d.label for d in grid.dimensions),
            *(x.label for x in grid.derives),
            "Preuves (mots qui ont déclenché chaque catégorie)",
            "Source",
            "Remarque",
        ]
        widths = [12, 18, 28, 45, 60, 22, 28, 22]
        widths += [20] * len(extra_names)
        widths += [30] * len(grid.dimensions) + [16] * len(grid.derives) + [70, 28, 24]
        n_fixed = len(MEASURE_FIELDS) + len(extra_names)
        wrap = {3, 4, 5, 6, 7, 8}
        wrap |= set(range(n_fixed + 1, n_fixed + len(grid.dimensions) + 1))
        wrap.add(n_fixed + len(grid.dimensions) + len(grid.derives) + 1)

        def rows():  # noqa: ANN202
            for item in self._items:
                m, r = item.measure, item.result
                fields = m.fields()
                yield [
                    *(fields[name] for name in MEASURE_FIELDS),
                    *(m.extra.get(name, "") for name in extra_names),
                    *(labels_display(grid, d.id, r) for d in grid.dimensions),
                    *(derived_display(r.derived.get(x.id)) for x in grid.derives),
                    evidence_display(grid, r),
                    m.source.describe(),
                    "Mesure sans texte : non catégorisée" if r.empty else "",
                ]

        write_table(ws, headers, rows(), widths=widths, wrap=wrap, freeze_col=1)

    def _summary_sheet(self, ws, summary: Summary) -> None:  # noqa: ANN001
        grid = self._grid
        columns = summary.columns
        put(ws, 1, 1, "Synthèse par contrat").font = TITLE_FONT
        put(
            ws,
            2,
            1,
            "Nombre de mesures (n) et part des mesures ayant un texte (%), par contrat et pour "
            "l'ensemble. Une mesure peut avoir plusieurs catégories d'une même dimension : les "
            "parts d'une dimension ne totalisent donc pas forcément 100 %.",
        )
        headers = ["Rubrique", "Catégorie / indicateur"]
        for contract in columns:
            name = "Ensemble des contrats" if contract == ALL else contract
            headers += [f"{name} — n", f"{name} — %"]

        def pair(count: int, contract: str) -> list[object]:
            share = summary.share(count, contract)
            return [count, share if share is not None else ""]

        rows: list[list[object]] = []
        rows.append(
            ["Mesures", "Mesures catégorisées (avec un texte)"]
            + [v for c in columns for v in (summary.coded.get(c, 0), "")]
        )
        rows.append(
            ["Mesures", "Mesures sans texte (non catégorisées)"]
            + [v for c in columns for v in (summary.empty.get(c, 0), "")]
        )
        for prow in summary.profile:
            rows.append(
                ["Profil CLoterreS", prow.label]
                + [v for c in columns for v in pair(prow.counts.get(c, 0), c)]
            )
        for dim in grid.dimensions:
            for cat in dim.categories:
                counts = summary.counts[(dim.id, cat.id)]
                rows.append(
                    [dim.label, cat.label] + [v for c in columns for v in pair(counts.get(c, 0), c)]
                )
        percent = {3 + 2 * i + 1 for i in range(len(columns))}
        widths = [28, 48] + [13, 11] * len(columns)
        write_table(
            ws,
            headers,
            rows,
            widths=widths,
            wrap={1, 2},
            percent=percent,
            start_row=4,
            freeze_col=2,
        )
        ws.row_dimensions[4].height = 45

    def _grid_sheet(self, ws) -> None:  # noqa: ANN001
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
        ]
        rows: list[list[object]] = []
        for dim in grid.dimensions:
            for cat in dim.categories:
                rows.append(
                    [
                        dim.id,
                        dim.label,
                        "Oui" if dim.multiple else "Non",
                        "Oui" if dim.min else "Non",
                        dim.defaut or "",
                        cat.id,
                        cat.label,
                        cat.definition.strip(),
                        "; ".join(summarize_term(t) for t in cat.inclure),
                        "; ".join(summarize_term(t) for t in cat.exclure),
                        ", ".join(cat.exclure_si),
                        ", ".join(cat.implique),
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
                ]
            )
        write_table(
            ws,
            headers,
            rows,
            widths=[16, 26, 11, 11, 16, 24, 30, 60, 70, 40, 24, 30],
            wrap={2, 7, 8, 9, 10, 11, 12},
            freeze_col=1,
        )

    def _warnings_sheet(self, ws) -> None:  # noqa: ANN001
        rows = [
            [w.source.fichier, w.source.feuille or "", w.source.ligne or "", w.message]
            for w in self.warnings
        ]
        if not rows:
            rows = [
                ["", "", "", "Aucun avertissement : toutes les lignes lues ont été catégorisées."]
            ]
        write_table(
            ws,
            ["Fichier", "Feuille", "Ligne", "Avertissement"],
            rows,
            widths=[40, 16, 8, 90],
            wrap={4},
        )

    def _about_sheet(self, ws) -> None:  # noqa: ANN001
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
            ["Mesures", len(self._items)],
            ["Mesures sans texte", sum(1 for i in self._items if i.result.empty)],
        ]
        for name, count in info.inputs if info else []:
            rows.append(["Fichier d'entrée", f"{name} ({count} mesures)"])
        rows.append(
            [
                "Méthode",
                "Catégories attribuées automatiquement par les règles de la grille (lemmes français, "
                "expressions, exclusions). La colonne « Preuves » de la feuille « Mesures » montre les "
                "mots qui ont déclenché chaque catégorie ; vérifiez et corrigez avant de publier.",
            ]
        )
        write_table(ws, ["Élément", "Valeur"], rows, widths=[32, 110], wrap={2})


def _derived_definition(der) -> str:  # noqa: ANN001
    if der.type == "partition":
        groups = "; ".join(f"{g} = {', '.join(c)}" for g, c in der.groupes.items())
        return f"Groupe des catégories de « {der.dimension} » ({groups}) ; « mixte » si plusieurs groupes."
    if der.type == "nombre_min":
        return f"Oui si la mesure a au moins {der.min} catégories dans « {der.dimension} »."
    if der.type == "autre_que":
        return f"Oui si la mesure a une catégorie de « {der.dimension} » autre que {', '.join(der.categories)}."
    return "Oui si l'un des termes apparaît dans le texte de la mesure."
