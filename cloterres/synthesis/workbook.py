"""The summary workbook: comparison of contracts, one profile sheet per contract, interviews.

Native Excel charts (openpyxl) sit next to the tables they draw, with French titles and axis
labels; they read the table cells, so a corrected cell updates its chart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.io.excel import (
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    PERCENT,
    RELIABILITY,
    TITLE_FONT,
    clear_print_titles,
    hide_columns,
    keep_together,
    print_setup,
    put,
    text_lines,
    write_table,
)
from cloterres.synthesis.interviews import CodeCount, InterviewSummary
from cloterres.synthesis.profiles import ContractProfile, Share

SHEET_COMPARISON = "Comparaison"
SHEET_INTERVIEWS = "Entretiens"
SHEET_CODES = "Codes × type d'acteur"
SHEET_ABOUT = "À propos"
HEAD_FONT = Font(bold=True)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip(" '") or "Contrat"
    base = base if len(base) <= 31 else base[:30].rstrip() + "…"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def _bar_chart(
    title: str,
    categories_title: str,
    values_title: str,
    *,
    horizontal: bool = True,
    stacked: bool = False,
    percent: bool = False,
    rows: int = 0,
) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.x_axis.title = categories_title
    chart.y_axis.title = values_title
    chart.x_axis.delete = False  # openpyxl hides axes by default; LibreOffice and Excel agree here
    chart.y_axis.delete = False
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # first category on top, as in the table
        chart.y_axis.crosses = "max"  # ...and the value axis stays at the bottom
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    if percent:
        chart.y_axis.number_format = "0 %"
        chart.y_axis.scaling.min = 0
    chart.y_axis.majorGridlines = None
    chart.width = 17
    chart.height = max(7.5, 0.55 * rows + 3) if horizontal else 9
    return chart


def _pair(share: Share | None) -> list[object]:
    if share is None:
        return ["", ""]
    return [share.count, share.share if share.share is not None else ""]


def _counted(share: Share | None) -> list[object]:
    """n and % (sure labels), then the labels counted apart: by default, to check."""
    if share is None:
        return ["", "", "", ""]
    return [*_pair(share), share.default, share.review]


def _reliability(share: Share) -> list[object]:
    return [
        share.precision if share.precision is not None else "",
        share.recall if share.recall is not None else "",
    ]


COUNTING_NOTE = (
    "Comptage : n et % ne comptent que les étiquettes sûres (trouvées dans le texte avec une "
    "confiance d'au moins 0,6, ou revues par une personne). Les étiquettes de l'outil données "
    "par défaut (aucun indice dans le texte, par exemple « Tout public ») et celles de confiance "
    "inférieure à 0,6 sont exclues de n et des parts et comptées à part (« par défaut », « à "
    "vérifier ») ; un indicateur qui dépend d'une telle étiquette est compté à part de la même "
    "façon."
)
RELIABILITY_NOTE = (
    "Précision attendue : part des étiquettes données par l'outil qui sont justes ; rappel "
    "attendu : part des étiquettes attendues que l'outil donne. Mesurés sur le jeu de test réel "
    "de la grille (éléments tirés de documents publics, codés deux fois à l'aveugle puis "
    "arbitrés, jamais utilisés pour écrire les règles ni entraîner le modèle) ; vide : non "
    "mesuré."
)


# --- comparison ----------------------------------------------------------------------------


def comparison_columns(profile: ContractProfile) -> list[tuple[str, Share | None]]:
    """(header, share) for each indicator column pair of the comparison sheet."""
    columns: list[tuple[str, Share | None]] = []
    level = profile.level
    if level is not None:
        first, *others = level.only
        columns.append((f"{first.label.capitalize()} seulement", first))
        columns.append(("Mixte", level.mixed))
        for other in others:
            columns.append((f"{other.label.capitalize()} seulement", other))
        for group in level.at_least:
            columns.append((f"Au moins un niveau {group.label}", group))
    for indicator in profile.indicators:
        columns.append((indicator.label, indicator))
    return columns


def _note(ws: Worksheet, row: int, text: str, last_col: int) -> None:
    """A note line over columns A to ``last_col`` (merged), wrapped, its row as tall as the
    text needs: never overflowing to the right (LibreOffice prints overflowing text, and
    shrinks the whole page to fit it)."""
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    put(ws, row, 1, text, wrap=True)
    width = 0.0
    for col in range(1, last_col + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        width += dim.width if dim is not None and dim.width else 8.43
    ws.row_dimensions[row].height = min(text_lines(text, width) * LINE_HEIGHT + 2, MAX_ROW_HEIGHT)


COMPARISON_NOTE = (
    "Une ligne par contrat. n : nombre d'actions ; % : part des actions catégorisées (avec un "
    "texte). Une action peut avoir plusieurs catégories d'une dimension. Le détail des "
    "étiquettes comptées à part, indicateur par indicateur et catégorie par catégorie, est sur "
    "la feuille de chaque contrat."
)


def write_comparison(ws: Worksheet, profiles: list[ContractProfile]) -> None:
    put(ws, 1, 1, "Comparaison des contrats").font = TITLE_FONT
    first = profiles[0]
    indicator_cols = comparison_columns(first)
    headers = ["Contrat", "Actions", "Actions catégorisées", "Actions sans texte",
               "Étiquettes par défaut", "Étiquettes à vérifier"]  # fmt: skip
    fixed = len(headers)
    for name, _ in indicator_cols:
        headers += [f"{name} — n", f"{name} — %"]
    headers += ["Thématiques couvertes", "Thématiques non couvertes"]
    categories = [(dim, c) for dim in first.dimensions for c in dim.categories]
    headers += [f"{dim.label} : {c.label} — %" for dim, c in categories]
    rows: list[list[object]] = []
    for p in profiles:
        row: list[object] = [p.contrat, p.measures, p.categorised, p.without_text, p.defaults,
                             p.reviews]  # fmt: skip
        for _, share in comparison_columns(p):
            row += _pair(share)
        row += [len(p.themes_covered()), "; ".join(s.label for s in p.themes_not_covered())]
        for dim in p.dimensions:
            row += [c.share if c.share is not None else "" for c in dim.categories]
        rows.append(row)
    start = 5
    n_ind = len(indicator_cols)
    percent_cols = {fixed + 2 * i + 2 for i in range(n_ind)}
    first_dim_col = fixed + 2 * n_ind + 3
    percent_cols |= set(range(first_dim_col, len(headers) + 1))
    widths = ([34, 9, 12, 10, 11, 11] + [11] * (2 * n_ind) + [12, 40]
              + [12] * (len(headers) - fixed - 2 - 2 * n_ind))  # fmt: skip
    last = write_table(ws, headers, rows, widths=widths, wrap={1, fixed + 2 * n_ind + 2},
                       percent=percent_cols, start_row=start)  # fmt: skip
    ws.row_dimensions[start].height = max(ws.row_dimensions[start].height or 0, 60)
    note_cols = min(len(headers), 10)
    _note(ws, 2, COMPARISON_NOTE, note_cols)
    _note(ws, 3, COUNTING_NOTE, note_cols)
    # the expected reliability of each category, under its column of shares
    for offset, (name, attr) in enumerate(
        (("Précision attendue", "precision"), ("Rappel attendu", "recall")), start=2
    ):
        put(ws, last + offset, 1, name).font = HEAD_FONT
        for i, (_, cat) in enumerate(categories):
            value = getattr(cat, attr)
            if value is not None:
                put(ws, last + offset, first_dim_col + i, value).number_format = RELIABILITY
    _note(ws, last + 4, RELIABILITY_NOTE, note_cols)
    anchor_row = last + 6
    level = first.level
    if level is not None:
        # stacked bar: the "only" and "mixed" share columns, one bar per contract
        parts = 1 + len(level.only)  # first group, mixed, other groups
        chart = _bar_chart(
            "Niveau visé par les actions : individuel ou environnemental",
            "Contrat", "Part des actions catégorisées",
            stacked=True, percent=True, rows=len(rows),
        )  # fmt: skip
        for i in range(parts):
            col = fixed + 2 * i + 2
            chart.add_data(
                Reference(ws, min_col=col, min_row=start, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=last))
        chart.y_axis.scaling.max = 1
        ws.add_chart(chart, f"A{anchor_row}")
        others = list(range(parts, n_ind))
    else:
        others = list(range(n_ind))
    if others:
        chart = _bar_chart(
            "Profil des contrats : parts d'actions", "Contrat", "Part des actions catégorisées",
            percent=True, rows=len(rows) * len(others) // 2,
        )  # fmt: skip
        for i in others:
            col = fixed + 2 * i + 2
            chart.add_data(
                Reference(ws, min_col=col, min_row=start, max_row=last), titles_from_data=True
            )
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=last))
        ws.add_chart(chart, f"H{anchor_row}")
    _keep_charts_whole(ws)


def _chart_rows(chart: BarChart) -> int:
    return int(chart.height / 0.5) + 1  # a default row is about 0.53 cm


def _keep_charts_whole(ws: Worksheet) -> None:
    """Page breaks so that no chart is cut across two printed pages."""
    blocks: dict[int, int] = {}
    for chart in ws._charts:  # type: ignore[attr-defined]
        first = int("".join(c for c in chart.anchor if c.isdigit()))
        blocks[first] = max(blocks.get(first, first), first + _chart_rows(chart))
    keep_together(ws, blocks.items())


# --- one contract --------------------------------------------------------------------------


def write_profile(ws: Worksheet, profile: ContractProfile) -> None:
    put(ws, 1, 1, f"Profil du plan d'action : {profile.contrat}").font = TITLE_FONT
    rows: list[list[object]] = [
        ["Actions", profile.measures, "", "", ""],
        ["Actions catégorisées (avec un texte)", profile.categorised, "", "", ""],
        ["Actions sans texte (non catégorisées)", profile.without_text, "", "", ""],
        ["Étiquettes données par défaut (aucun indice dans le texte ; à vérifier)", "", "",
         profile.defaults, ""],
        ["Étiquettes de confiance inférieure à 0,6 (à vérifier)", "", "", "", profile.reviews],
    ]  # fmt: skip
    for name, share in comparison_columns(profile):
        rows.append([name, *_counted(share)])
    covered, missing = profile.themes_covered(), profile.themes_not_covered()
    if covered or missing:
        rows.append(["Thématiques couvertes par au moins une action", len(covered), "", "", ""])
        rows.append(["Thématiques non couvertes", len(missing), "", "", ""])
    widths = [44, 7, 8, 9, 9, 10, 9]
    last = write_table(ws, ["Indicateur", "n", "%", "Par défaut", "À vérifier"], rows,
                       widths=widths[:5], wrap={1}, percent={3}, start_row=5,
                       freeze_col=1)  # fmt: skip
    for col, width in ((6, widths[5]), (7, widths[6])):
        ws.column_dimensions[get_column_letter(col)].width = width
    _note(ws, 2, "n : nombre d'actions ; % : part des actions catégorisées (avec un texte).", 7)
    _note(ws, 3, COUNTING_NOTE, 7)
    row = last + 1
    if covered or missing:
        for text in (
            "Thématiques couvertes : " + ("; ".join(s.label for s in covered) or "aucune"),
            "Thématiques non couvertes : " + ("; ".join(s.label for s in missing) or "aucune"),
        ):
            _note(ws, row, text, 7)
            row += 1
    _note(ws, row, RELIABILITY_NOTE, 7)
    row += 3
    heads = ("Catégorie", "n", "%", "Par défaut", "À vérifier", "Précision attendue",
             "Rappel attendu")  # fmt: skip
    for dim in profile.dimensions:
        put(ws, row, 1, dim.label).font = TITLE_FONT
        header = row + 1
        for col, text in enumerate(heads, start=1):
            cell = put(ws, header, col, text, wrap=True)
            cell.font = HEAD_FONT
        ws.row_dimensions[header].height = 2 * LINE_HEIGHT + 2
        for i, cat in enumerate(dim.categories, start=1):
            values = [cat.label, *_counted(cat), *_reliability(cat)]
            for col, value in enumerate(values, start=1):
                cell = put(ws, header + i, col, value, wrap=col == 1)
                if col == 3:
                    cell.number_format = PERCENT
                elif col in (6, 7):
                    cell.number_format = RELIABILITY
            lines = text_lines(cat.label, widths[0])
            if lines > 1:
                ws.row_dimensions[header + i].height = lines * LINE_HEIGHT + 2
        end = header + len(dim.categories)
        chart = _bar_chart(dim.label, "Catégorie", "Nombre d'actions", rows=len(dim.categories))
        chart.width = 14
        chart.add_data(Reference(ws, min_col=2, min_row=header, max_row=end), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=end))
        chart.legend = None
        ws.add_chart(chart, f"I{row}")
        row = max(end, row + _chart_rows(chart)) + 2
    ws.freeze_panes = None
    print_setup(ws, header_row=None, widths=widths, landscape=True)  # the charts on the right
    clear_print_titles(ws)  # several tables: no header repeated on every page
    _keep_charts_whole(ws)


# --- interviews ----------------------------------------------------------------------------


INTERVIEW_COUNTING_NOTE = (
    "Comptage : unités et entretiens ne comptent que les codes sûrs (confiance d'au moins 0,6, "
    "ou revus par une personne) ; les codes de confiance inférieure à 0,6 en sont exclus et "
    "comptés à part (colonne « à vérifier », en unités)."
)
RANKED_HEADS = ("Rang", "Code", "Entretiens", "Unités", "Unités à vérifier",
                "Précision attendue", "Rappel attendu", "Identifiant")  # fmt: skip
RANKED_WIDTHS = [6, 44, 11, 9, 11, 11, 10, 30, 3]


def _ranked_table(ws: Worksheet, row: int, title: str, ranked: list[CodeCount]) -> int:
    """A ranked table of codes (benefits or costs) with its bar chart; returns the next row."""
    put(ws, row, 1, title).font = TITLE_FONT
    header = row + 1
    for col, text in enumerate(RANKED_HEADS, start=1):
        put(ws, header, col, text, wrap=True).font = HEAD_FONT
    ws.row_dimensions[header].height = 2 * LINE_HEIGHT + 2
    if not ranked:
        put(ws, header + 1, 1, "Aucun passage codé.")
        return header + 3
    for i, code in enumerate(ranked, start=1):
        values = (i, code.label, code.interviews, code.units, code.to_check,
                  *_code_reliability(code), code.code)  # fmt: skip
        for col, value in enumerate(values, start=1):
            cell = put(ws, header + i, col, value, wrap=col == 2)
            if col in (6, 7):
                cell.number_format = RELIABILITY
        lines = text_lines(code.label, RANKED_WIDTHS[1])
        if lines > 1:
            ws.row_dimensions[header + i].height = lines * LINE_HEIGHT + 2
    end = header + len(ranked)
    chart = _bar_chart(title, "Code", "Nombre d'entretiens", rows=len(ranked))
    chart.add_data(Reference(ws, min_col=3, min_row=header, max_row=end), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=header + 1, max_row=end))
    chart.legend = None
    ws.add_chart(chart, f"J{row}")
    return max(end, row + int(chart.height / 0.5) + 1) + 2


def _code_reliability(code: CodeCount) -> list[object]:
    return [
        code.precision if code.precision is not None else "",
        code.recall if code.recall is not None else "",
    ]


def write_interviews(ws: Worksheet, summary: InterviewSummary) -> None:
    put(
        ws, 1, 1, "Entretiens codés : bénéfices, coûts et thèmes par type d'acteur"
    ).font = TITLE_FONT
    for col, width in enumerate(RANKED_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    _note(
        ws, 2,
        f"{summary.interviews} entretien(s), {summary.units} unité(s) codée(s) (hors "
        f"enquêteur), dont {summary.units_with_codes} avec au moins un code. Entretiens : nombre "
        f"d'entretiens où le code apparaît au moins une fois ; unités : nombre d'unités codées.",
        8,
    )  # fmt: skip
    _note(ws, 3, f"{INTERVIEW_COUNTING_NOTE} Codes à vérifier : {summary.to_check}.", 8)
    _note(ws, 4, RELIABILITY_NOTE, 8)
    hide_columns(ws, [8])  # the code ids (« Identifiant »), beside their labels
    row = 6
    row = _ranked_table(ws, row, "Bénéfices les plus cités", summary.benefits())
    row = _ranked_table(ws, row, "Coûts les plus cités", summary.costs())
    # themes x actor type: units per theme, one series per actor type
    put(ws, row, 1, "Thèmes par type d'acteur (unités codées)").font = TITLE_FONT
    header = row + 1
    groups = summary.groups
    heads = ["", "Thème", *(f"{g.name} ({g.interviews} entr.)" for g in groups)]
    for col, text in enumerate(heads, start=1):
        if text:
            put(ws, header, col, text, wrap=True).font = HEAD_FONT
    ws.row_dimensions[header].height = 3 * LINE_HEIGHT + 2
    for i, theme in enumerate(summary.themes, start=1):
        put(ws, header + i, 2, theme.label)
        for j, group in enumerate(groups, start=3):
            put(ws, header + i, j, theme.by_group.get(group.name, (0, 0))[0])
    end = header + len(summary.themes)
    if groups:
        chart = _bar_chart(
            "Unités codées par thème et type d'acteur", "Thème", "Nombre d'unités codées",
            rows=len(summary.themes) + len(groups),
        )  # fmt: skip
        chart.add_data(
            Reference(ws, min_col=3, max_col=2 + len(groups), min_row=header, max_row=end),
            titles_from_data=True,
        )
        chart.set_categories(Reference(ws, min_col=2, min_row=header + 1, max_row=end))
        ws.add_chart(chart, f"A{end + 2}")
    printed = [0 if col == 8 else w for col, w in enumerate(RANKED_WIDTHS, start=1)]
    print_setup(ws, header_row=None, widths=printed, landscape=True)
    _keep_charts_whole(ws)


def write_codes_by_group(ws: Worksheet, summary: InterviewSummary) -> None:
    groups = [g.name for g in summary.groups]
    headers = ["Thème", "Code", "Identifiant", "Unités (total)", "Entretiens (total)",
               "Unités à vérifier (total)", "Précision attendue", "Rappel attendu"]  # fmt: skip
    for g in groups:
        headers += [f"{g} — unités", f"{g} — entretiens"]
    rows: list[Sequence[object]] = []
    for code in summary.codes:
        row: list[object] = [code.theme_label, code.label, code.code, code.units, code.interviews,
                             code.to_check, *_code_reliability(code)]  # fmt: skip
        for g in groups:
            row += list(code.by_group.get(g, (0, 0)))
        rows.append(row)
    put(ws, 1, 1, "Codes par type d'acteur : unités codées et entretiens").font = TITLE_FONT
    write_table(ws, headers, rows, widths=[24, 40, 30, 11, 11, 11, 11, 10] + [13] * (2 * len(groups)),
                wrap={1, 2}, formats={7: RELIABILITY, 8: RELIABILITY}, start_row=4,
                freeze_col=3, hidden={3})  # fmt: skip
    ws.row_dimensions[4].height = max(ws.row_dimensions[4].height or 0, 45)
    _note(ws, 2, INTERVIEW_COUNTING_NOTE + " " + RELIABILITY_NOTE, 8)


# --- the workbook --------------------------------------------------------------------------


def write_workbook(
    path: Path,
    profiles: list[ContractProfile],
    interviews: InterviewSummary | None,
    about: list[tuple[str, object]],
) -> list[str]:
    """Write the workbook; return its sheet names in order."""
    wb = Workbook()
    # The tool's own sheets keep their names: a contract called « À propos » or « Comparaison »
    # gets « À propos (2) », never the other way round.
    taken: set[str] = {SHEET_COMPARISON, SHEET_INTERVIEWS, SHEET_CODES, SHEET_ABOUT}
    ws: Worksheet | None  # the first sheet while it is not taken
    ws = cast(Worksheet, wb.active)  # a new workbook holds one worksheet
    if profiles:
        ws.title = SHEET_COMPARISON
        write_comparison(ws, profiles)
        for profile in profiles:
            write_profile(wb.create_sheet(sheet_name(profile.contrat, taken)), profile)
        ws = None
    if interviews is not None:
        sheet = ws if ws is not None else wb.create_sheet()
        sheet.title = SHEET_INTERVIEWS
        write_interviews(sheet, interviews)
        write_codes_by_group(wb.create_sheet(SHEET_CODES), interviews)
    sheet = wb.create_sheet(SHEET_ABOUT)
    write_table(sheet, ["Élément", "Valeur"], [list(x) for x in about], widths=[34, 110],
                wrap={1, 2})  # fmt: skip
    wb.save(path)
    return wb.sheetnames
