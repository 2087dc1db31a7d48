"""Small openpyxl helpers shared by every workbook the tool writes: safe cells, styled tables."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.io.safety import looks_like_formula

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
# Cells holding a label to check by hand (low confidence or default): light orange.
REVIEW_FILL = PatternFill("solid", fgColor="FCE4D6")
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
# A header read bottom to top (the narrow columns of a matrix), on two lines at most.
VERTICAL = Alignment(wrap_text=True, vertical="bottom", horizontal="center", textRotation=90)
TOP = Alignment(vertical="top")
PERCENT = "0.0 %"
# Statistics: three decimals (shown with the reader's decimal comma), and p-values under 0.001
# shown « < 0,001 » (the cell keeps the exact number).
DECIMALS = "0.000"
P_VALUE = '[<0.001]"< 0,001";0.000'
# Expected precision and recall of a category: two decimals (« 0,94 »).
RELIABILITY = "0.00"
MAX_CELL = 32_000  # Excel's limit is 32,767 characters
MAX_ROWS = 1_048_575  # data rows under the header of one sheet (Excel: 1,048,576 rows)


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


LINE_HEIGHT = 15.0  # points per line of 11-point text (Calibri, LibreOffice's Carlito)
MAX_ROW_HEIGHT = 409.0  # Excel's limit
WIDE = 100.0  # total column width (characters) above which a sheet prints in landscape
NARROW_PAGE = 72.0  # widest column (characters) a portrait A4 page holds unshrunk
PAGE_WIDE = 700.0  # column width (characters) past which a sheet prints over more pages wide
FONT_PT = 11.0  # the workbooks' body text
# A4 width (points) inside print_setup's margins, landscape and portrait.
PRINTABLE = {True: 842.0 - 2 * 72 * 0.4, False: 595.0 - 2 * 72 * 0.4}
READABLE_PT = 7.0  # smallest printed body text we call readable
# Widest table (sum of column widths, characters) one landscape A4 page prints with its body
# text at READABLE_PT or more, the budget of the printable sheets (« Impression »): about 9
# points with Calibri (Excel) or Carlito; 7 points in a LibreOffice without Carlito, which
# measures column widths with DejaVu Sans (a third wider).
READABLE_WIDTH = 160.0


def text_lines(value: object, width: float) -> int:
    """Lines a wrapped cell of ``width`` (column width in characters) takes to show ``value``:
    each paragraph broken at spaces, a word longer than the line taking the lines it needs."""
    text = "" if value is None else str(value)
    per_line = max(int(width * 1.1) - 1, 1)  # a column width counts digits; text is narrower
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        para_lines = 1
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size <= per_line:
                used += 1 + size
                continue
            if used:
                para_lines += 1
            para_lines += (size - 1) // per_line if size else 0
            used = size % per_line or min(size, per_line)
        lines += para_lines
    return max(lines, 1)


def row_height(
    values: Sequence[object], widths: Sequence[float], wrap: Iterable[int]
) -> float | None:
    """Height (points) a row needs so its wrapped cells show whole (LibreOffice does not compute
    it from the file), or None when one line is enough. ``wrap``: wrapped columns, from 1."""
    lines = 1
    for col in wrap:
        if col <= len(values) and col <= len(widths):
            lines = max(lines, text_lines(values[col - 1], widths[col - 1]))
    if lines == 1:
        return None
    return min(lines * LINE_HEIGHT + 2, MAX_ROW_HEIGHT)


def header_widths(headers: Sequence[str], widths: Sequence[float]) -> list[float]:
    """Column widths widened so each header's longest word fits on one line (a header wraps
    between words, never inside one: no « Environnem/ental »)."""
    out = list(widths)
    for index, header in enumerate(headers):
        if index >= len(out):
            break
        longest = max((len(word) for word in str(header).split()), default=0)
        out[index] = max(out[index], math.ceil(longest * 1.15) + 2)  # bold text is wider
    return out


def column_points(width: float) -> float:
    """Printed width (points, at 100 %) of a column ``width`` characters wide."""
    return width * 5.6 + 3


def printed_size(
    widths: Sequence[float], *, landscape: bool = True, pages_wide: int = 1, font: float = FONT_PT
) -> float:
    """The size (points) ``font``-point text prints at on A4 when columns of these widths are
    fitted to ``pages_wide`` pages wide (print_setup's margins)."""
    width = sum(column_points(w) for w in widths)
    scale = min(1.0, pages_wide * PRINTABLE[landscape] / width) if width else 1.0
    return font * scale


def share_width(
    headers: Sequence[str],
    widths: Sequence[float],
    flexible: Iterable[int],
    budget: float = READABLE_WIDTH,
    minimum: float = 12.0,
) -> list[float]:
    """Column widths summing to ``budget`` (or as little over it as ``minimum`` allows): the
    ``flexible`` columns (from 0) share what the others leave, each header keeping its longest
    word on one line (:func:`header_widths`)."""
    flex = [i for i in flexible if i < len(widths)]
    out = header_widths(headers, widths)
    if not flex:
        return out
    fixed = sum(w for i, w in enumerate(out) if i not in flex)
    needs = header_widths(headers, [minimum] * len(out))  # each header's longest word
    wide: set[int] = set()  # flexible columns held at their header's width
    while True:
        free = [i for i in flex if i not in wide]
        left = budget - fixed - sum(needs[i] for i in wide)
        share = max(minimum, left / len(free)) if free else minimum
        more = {i for i in free if needs[i] > share}
        if not more:
            break
        wide |= more
    for i in flex:
        out[i] = needs[i] if i in wide else share
    return [math.floor(w * 10) / 10 for w in out]  # never rounded over the budget


def print_setup(
    ws: Worksheet | WriteOnlyWorksheet,
    *,
    header_row: int | None,
    widths: Sequence[float],
    landscape: bool | None = None,
    title_cols: int = 0,
    page_wide: float = PAGE_WIDE,
) -> None:
    """Print-ready sheet: A4, landscape when the columns are wide, fitted to one page wide (as
    many pages tall as needed), the header row repeated on every printed page. A sheet wider
    than ``page_wide`` (sum of column widths) is fitted to as few pages wide as keep it under
    that width a page, its first ``title_cols`` columns repeated on each."""
    setup = ws.page_setup  # type: ignore[union-attr]
    if landscape is None:  # LibreOffice never shrinks one column wider than the page
        landscape = sum(widths) > WIDE or max(widths, default=0) > NARROW_PAGE
    setup.orientation = "landscape" if landscape else "portrait"
    setup.paperSize = 9  # A4
    pages_wide = max(1, math.ceil(sum(widths) / page_wide))
    setup.fitToWidth = pages_wide
    if pages_wide > 1 and title_cols:
        ws.print_title_cols = f"A:{get_column_letter(title_cols)}"
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    margins = ws.page_margins  # type: ignore[union-attr]
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.5
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.gridLines = False  # type: ignore[union-attr]


def page_texts(
    ws: Worksheet | WriteOnlyWorksheet, header: str = "", *, numbers: bool = True
) -> None:
    """A line printed at the top of every page of the sheet (``header``) and « Page n / N » at
    the bottom right, in the margins (made taller for them)."""
    margins = ws.page_margins  # type: ignore[union-attr]
    margins.top = margins.bottom = 0.7  # inches; the texts sit 0.3 inch from the edge
    margins.header = margins.footer = 0.3
    # their own size, not shrunk with the sheet (Excel scales them by default)
    ws.HeaderFooter.scaleWithDoc = False
    if header:
        part = ws.oddHeader.center  # type: ignore[union-attr]
        part.text = header.replace("&", "&&")  # « & » starts a header code
        part.size = 9
    if numbers:
        ws.oddFooter.right.text = "Page &P / &N"  # type: ignore[union-attr]
        ws.oddFooter.right.size = 8  # type: ignore[union-attr]


def set_row_height(ws: Worksheet | WriteOnlyWorksheet, row: int, height: float | None) -> None:
    """Store a row's height (also on a write-only sheet, before the row is appended)."""
    if height is None:
        return
    dims = ws.row_dimensions  # type: ignore[union-attr]
    dims[row] = RowDimension(ws, index=row, ht=height, customHeight=True)  # type: ignore[arg-type]


def cell_text(value: str) -> str:
    """Text as a cell can hold it: at most ``MAX_CELL`` characters, no character XML refuses."""
    if len(value) > MAX_CELL:
        value = value[:MAX_CELL] + " […]"
    return _NOT_IN_XML.sub("", value)


def _inert(cell: Cell, value: object, wrap: bool) -> Cell:
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the first character
        if looks_like_formula(value):
            cell.quotePrefix = True  # and shown as text by Excel and LibreOffice
    cell.alignment = WRAP if wrap else TOP
    return cell


def put(ws: Worksheet, row: int, col: int, value: object, *, wrap: bool = False) -> Cell:
    """Write a cell; text is always stored as inert text (never a formula)."""
    if isinstance(value, str):
        value = cell_text(value)
    # any value: openpyxl itself refuses the types it cannot store
    return _inert(ws.cell(row=row, column=col, value=cast(Any, value)), value, wrap)


def stream_cell(ws: WriteOnlyWorksheet, value: object, *, wrap: bool = False) -> Cell:
    """A cell for a write-only worksheet, inert like :func:`put`."""
    if isinstance(value, str):
        value = cell_text(value)
    return _inert(WriteOnlyCell(ws, value=cast(Any, value)), value, wrap)


NOTE_WIDTH = 130.0  # column width (characters) a note line spans at most


def note_row(
    ws: Worksheet | WriteOnlyWorksheet, row: int, text: str, widths: Sequence[float]
) -> None:
    """A note in column A of ``row`` merged over the first columns (up to ``NOTE_WIDTH``
    characters) and given the height its wrapped text needs: text overflowing to the right
    would make LibreOffice print the sheet wider, so smaller. Call before a write-only sheet
    writes the row; the cell itself must be wrapped."""
    span, width = 0, 0.0
    for w in widths:
        if span and width + w > NOTE_WIDTH:
            break
        span, width = span + 1, width + w
    if span > 1:
        ws.merged_cells.add(f"A{row}:{get_column_letter(span)}{row}")  # type: ignore[union-attr]
    lines = text_lines(text, width or 8.43)
    if lines > 1:
        set_row_height(ws, row, min(lines * LINE_HEIGHT + 2, MAX_ROW_HEIGHT))


class TableStream:
    """A styled table appended row by row to a write-only worksheet (bounded memory): optional
    title lines, a header row (styled, frozen, filtered), then the rows."""

    def __init__(
        self,
        ws: WriteOnlyWorksheet,
        headers: Sequence[str],
        *,
        widths: Sequence[float],
        wrap: Iterable[int] = (),
        percent: Iterable[int] = (),
        formats: Mapping[int, str] | None = None,
        freeze_col: int = 1,
        titles: Sequence[str] = (),
        hidden: Iterable[int] = (),
        vertical: Iterable[int] = (),
        page_wide: float = PAGE_WIDE,
    ) -> None:
        """``formats``: a number format per column (1-based) for its numeric cells."""
        self.ws = ws
        self._wrap = set(wrap)
        self._percent = set(percent)
        self._formats = dict(formats or {})
        self._width = max(len(headers), 1)
        self._vertical = set(vertical)
        widths = header_widths(
            [" " if col in self._vertical else h for col, h in enumerate(headers, start=1)],
            widths,
        )
        self._widths = widths
        for col, width in enumerate(widths, start=1):
            # set up like a Worksheet's at run time; missing from types-openpyxl
            ws.column_dimensions[get_column_letter(col)].width = width  # type: ignore[attr-defined]
        hidden = set(hidden)
        hide_columns(ws, hidden)
        # before the first row: a write-only sheet writes its views with its first row
        ws.freeze_panes = f"{get_column_letter(freeze_col + 1)}{len(titles) + 2}"
        print_setup(ws, header_row=len(titles) + 1, widths=_printed(widths, hidden),
                    title_cols=freeze_col, page_wide=page_wide)  # fmt: skip
        for index, title in enumerate(titles):  # the first one is the sheet's title
            if title:
                cell = stream_cell(ws, title, wrap=index > 0)
                if index == 0:
                    cell.font = TITLE_FONT
                else:  # a note: wrapped over the first columns, never overflowing
                    note_row(ws, index + 1, title, widths)
                ws.append([cell])
            else:
                ws.append([])
        self._header_row = len(titles) + 1
        self.rows = self._header_row
        set_row_height(ws, self._header_row, self._header_height(headers))
        header_cells = []
        for col, header in enumerate(headers, start=1):
            cell = stream_cell(ws, header, wrap=True)
            if col in self._vertical:
                cell.alignment = VERTICAL
            cell.fill = HEADER_FILL
            cell.font = HEADER_FONT
            header_cells.append(cell)
        ws.append(header_cells)

    def append(self, row: Sequence[object], highlight: Iterable[int] = ()) -> None:
        """Append a row; ``highlight``: columns (from 1) filled as « à vérifier »."""
        marked = set(highlight)
        cells = []
        for col, value in enumerate(row, start=1):
            cell = stream_cell(self.ws, value, wrap=col in self._wrap)
            if col in self._percent and isinstance(value, float):
                cell.number_format = PERCENT
            elif col in self._formats and isinstance(value, (int, float)):
                cell.number_format = self._formats[col]
            if col in marked:
                cell.fill = REVIEW_FILL
            cells.append(cell)
        self.rows += 1
        height = row_height(row, self._widths, self._wrap) if self._wrap else None
        set_row_height(self.ws, self.rows, height)
        self.ws.append(cells)
        if height is not None:  # written: forget it (bounded memory)
            self.ws.row_dimensions.pop(self.rows, None)  # type: ignore[attr-defined]

    def _header_height(self, headers: Sequence[str]) -> float | None:
        flat = [c for c in range(1, len(headers) + 1) if c not in self._vertical]
        height = row_height(headers, [w * 0.9 for w in self._widths], flat)
        upright = [str(h) for c, h in enumerate(headers, start=1) if c in self._vertical]
        if not upright:
            return height
        return max(height or 0.0, vertical_height(upright))

    def close(self) -> None:
        last_col = get_column_letter(self._width)
        self.ws.auto_filter.ref = (  # type: ignore[attr-defined]  # as column_dimensions
            f"A{self._header_row}:{last_col}{max(self.rows, self._header_row + 1)}"
        )


def vertical_height(headers: Sequence[str], lines: int = 2) -> float:
    """Height (points) of a header row whose texts read bottom to top over at most ``lines``
    lines (a narrow column of a matrix)."""
    per_line = 8
    while per_line < 60 and any(text_lines(h, per_line / 1.1) > lines for h in headers):
        per_line += 1
    return min(per_line * 6.5 + 12, MAX_ROW_HEIGHT)


def _printed(widths: Sequence[float], hidden: set[int]) -> list[float]:
    """The widths that print: a hidden column takes no room on paper."""
    return [0.0 if col in hidden else w for col, w in enumerate(widths, start=1)]


def hide_columns(ws: Worksheet | WriteOnlyWorksheet, columns: Iterable[int]) -> None:
    """Hide columns (from 1): identifiers kept beside the labels a person reads."""
    for col in columns:
        ws.column_dimensions[get_column_letter(col)].hidden = True  # type: ignore[union-attr]


def discard_write_only(wb: Workbook) -> None:
    """Finish and remove the temporary files of a write-only workbook that will not be saved
    (openpyxl would otherwise complain when the half-written sheets are collected)."""
    for ws in getattr(wb, "_sheets", []):
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            ws.close()
        with contextlib.suppress(Exception):
            writer.cleanup()


def stream_table(
    ws: WriteOnlyWorksheet, headers: Sequence[str], rows: Iterable[Sequence[object]], **options: Any
) -> int:
    """:class:`TableStream` in one call; returns the number of the last row written."""
    table = TableStream(ws, headers, **options)
    for row in rows:
        table.append(row)
    table.close()
    return table.rows


def write_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths: Sequence[float],
    wrap: Iterable[int] = (),
    percent: Iterable[int] = (),
    formats: Mapping[int, str] | None = None,
    start_row: int = 1,
    freeze_col: int = 1,
    hidden: Iterable[int] = (),
) -> int:
    """A header row (styled, frozen, filtered) then the rows. Returns the last row written.

    ``formats``: a number format per column (1-based) for its numeric cells (``DECIMALS``,
    ``P_VALUE``...); ``hidden``: columns (1-based) kept for formulas and filters but hidden
    (identifiers beside their labels)."""
    wrap_cols = set(wrap)
    percent_cols = set(percent)
    hidden = set(hidden)
    number_formats = dict(formats or {})
    widths = header_widths(headers, widths)
    for col, header in enumerate(headers, start=1):
        cell = put(ws, start_row, col, header, wrap=True)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    hide_columns(ws, hidden)
    set_row_height(
        ws, start_row, row_height(headers, [w * 0.9 for w in widths], range(1, len(headers) + 1))
    )
    row_index = start_row
    for row in rows:
        row_index += 1
        if wrap_cols:
            set_row_height(ws, row_index, row_height(row, widths, wrap_cols))
        for col, value in enumerate(row, start=1):
            cell = put(ws, row_index, col, value, wrap=col in wrap_cols)
            if col in percent_cols and isinstance(value, float):
                cell.number_format = PERCENT
            elif col in number_formats and isinstance(value, (int, float)):
                cell.number_format = number_formats[col]
    ws.freeze_panes = ws.cell(row=start_row + 1, column=freeze_col + 1).coordinate
    print_setup(ws, header_row=start_row, widths=_printed(widths, hidden), title_cols=freeze_col)
    last_col = get_column_letter(max(len(headers), 1))
    ws.auto_filter.ref = f"A{start_row}:{last_col}{max(row_index, start_row + 1)}"
    return row_index


def chart_width(ws: Worksheet) -> float:
    """Points from column A to the right edge of the sheet's rightmost chart (0: no chart)."""
    right = 0.0
    for chart in getattr(ws, "_charts", []):
        anchor = chart.anchor
        if not isinstance(anchor, str):
            continue
        col = column_index_from_string("".join(c for c in anchor if c.isalpha()))
        left = sum(_column_points(ws, c) for c in range(1, col))
        right = max(right, left + chart.width * 28.35)
    return right


def _column_points(ws: Worksheet, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return column_points(dim.width if dim is not None and dim.width else 8.43)


def clear_print_titles(ws: Worksheet) -> None:
    """No row repeated on every printed page (a sheet of several tables)."""
    ws._print_rows = None  # type: ignore[attr-defined]  # openpyxl's setter ignores None


def _print_scale(ws: Worksheet, min_width: float = 0.0) -> float:
    """The zoom fit-to-width printing gives a sheet (1 when it already fits); ``min_width``:
    points the printed area spans at least (its charts)."""
    landscape = ws.page_setup.orientation == "landscape"
    pages = int(ws.page_setup.fitToWidth or 1)
    printable = pages * ((842.0 if landscape else 595.0) - 2 * 72 * (ws.page_margins.left or 0.4))
    width = max(sum(_column_points(ws, c) for c in range(1, max(ws.max_column, 1) + 1)), min_width)
    return min(1.0, printable / width) if width else 1.0


def keep_together(ws: Worksheet, blocks: Iterable[tuple[int, int]]) -> list[int]:
    """Manual page breaks so no block of rows (a chart's rows, say) is cut across two printed
    pages, for a sheet set up by :func:`print_setup`. Returns the rows a new page starts at."""
    spans = dict(sorted(blocks))
    if not spans:
        return []
    scale = _print_scale(ws, chart_width(ws))
    landscape = ws.page_setup.orientation == "landscape"
    page = ((595.0 if landscape else 842.0) - 2 * 72 * 0.5 - 30) / scale

    def height(row: int) -> float:
        dim = ws.row_dimensions.get(row)
        return float(dim.height) if dim is not None and dim.height else LINE_HEIGHT

    titles = 0.0
    if ws.print_title_rows:
        first, last = (int(x) for x in ws.print_title_rows.replace("$", "").split(":"))
        titles = sum(height(r) for r in range(first, last + 1))
    starts: list[int] = []
    used = 0.0
    for row in range(1, max(spans.values()) + 1):
        if row in spans and used > titles:
            need = sum(height(r) for r in range(row, spans[row] + 1))
            if used + need > page and titles + need <= page:
                ws.row_breaks.append(Break(id=row - 1))
                starts.append(row)
                used = titles
        if used + height(row) > page:
            used = titles
        used += height(row)
    return starts


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int) -> None:
    """Store the heights rows ``first_row``..``last_row`` of a finished sheet need for their
    wrapped cells (never lowering a height already set)."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row, max_row=last_row):
        lines = 1
        for cell in row:
            if cell.value is None or not cell.alignment.wrap_text:
                continue
            col = cell.column
            if col not in widths:
                dim = ws.column_dimensions.get(get_column_letter(col))
                widths[col] = dim.width if dim is not None and dim.width else 8.43
            lines = max(lines, text_lines(cell.value, widths[col]))
        if lines > 1:
            index = cast(int, row[0].row)
            height = min(lines * LINE_HEIGHT + 2, MAX_ROW_HEIGHT)
            current = ws.row_dimensions[index].height
            if current is None or current < height:
                ws.row_dimensions[index].height = height
