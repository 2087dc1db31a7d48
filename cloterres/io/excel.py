"""Small openpyxl helpers shared by every workbook the tool writes: safe cells, styled tables."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.io.safety import looks_like_formula

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
# Cells holding a label to check by hand (low confidence or default): light orange.
REVIEW_FILL = PatternFill("solid", fgColor="FCE4D6")
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
PERCENT = "0.0 %"
MAX_CELL = 32_000  # Excel's limit is 32,767 characters
MAX_ROWS = 1_048_575  # data rows under the header of one sheet (Excel: 1,048,576 rows)


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


LINE_HEIGHT = 15.0  # points per line of 11-point text (Calibri, LibreOffice's Carlito)
MAX_ROW_HEIGHT = 409.0  # Excel's limit
WIDE = 100.0  # total column width (characters) above which a sheet prints in landscape


def text_lines(value: object, width: float) -> int:
    """Lines a wrapped cell of ``width`` (column width in characters) takes to show ``value``:
    each paragraph broken at spaces, a word longer than the line taking the lines it needs."""
    text = "" if value is None else str(value)
    per_line = max(int(width * 1.3) - 1, 1)  # a column width counts digits; text is narrower
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


def print_setup(
    ws: Worksheet | WriteOnlyWorksheet,
    *,
    header_row: int | None,
    widths: Sequence[float],
    landscape: bool | None = None,
) -> None:
    """Print-ready sheet: A4, landscape when the columns are wide, fitted to one page wide (as
    many pages tall as needed), the header row repeated on every printed page."""
    setup = ws.page_setup  # type: ignore[union-attr]
    if landscape is None:
        landscape = sum(widths) > WIDE
    setup.orientation = "landscape" if landscape else "portrait"
    setup.paperSize = 9  # A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    margins = ws.page_margins  # type: ignore[union-attr]
    margins.left = margins.right = 0.4
    margins.top = margins.bottom = 0.5
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.gridLines = False  # type: ignore[union-attr]


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
        freeze_col: int = 1,
        titles: Sequence[str] = (),
    ) -> None:
        self.ws = ws
        self._wrap = set(wrap)
        self._percent = set(percent)
        self._width = max(len(headers), 1)
        widths = header_widths(headers, widths)
        self._widths = widths
        for col, width in enumerate(widths, start=1):
            # set up like a Worksheet's at run time; missing from types-openpyxl
            ws.column_dimensions[get_column_letter(col)].width = width  # type: ignore[attr-defined]
        for index, title in enumerate(titles):  # the first one is the sheet's title
            if title:
                cell = stream_cell(ws, title)
                if index == 0:
                    cell.font = TITLE_FONT
                ws.append([cell])
            else:
                ws.append([])
        self._header_row = len(titles) + 1
        self.rows = self._header_row
        ws.freeze_panes = f"{get_column_letter(freeze_col + 1)}{self._header_row + 1}"
        print_setup(ws, header_row=self._header_row, widths=widths)
        set_row_height(ws, self._header_row, self._header_height(headers))
        header_cells = []
        for header in headers:
            cell = stream_cell(ws, header, wrap=True)
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
        return row_height(headers, [w * 0.9 for w in self._widths], range(1, len(headers) + 1))

    def close(self) -> None:
        last_col = get_column_letter(self._width)
        self.ws.auto_filter.ref = (  # type: ignore[attr-defined]  # as column_dimensions
            f"A{self._header_row}:{last_col}{max(self.rows, self._header_row + 1)}"
        )


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
    start_row: int = 1,
    freeze_col: int = 1,
) -> int:
    """A header row (styled, frozen, filtered) then the rows. Returns the last row written."""
    wrap_cols = set(wrap)
    percent_cols = set(percent)
    widths = header_widths(headers, widths)
    for col, header in enumerate(headers, start=1):
        cell = put(ws, start_row, col, header, wrap=True)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
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
    ws.freeze_panes = ws.cell(row=start_row + 1, column=freeze_col + 1).coordinate
    print_setup(ws, header_row=start_row, widths=widths)
    last_col = get_column_letter(max(len(headers), 1))
    ws.auto_filter.ref = f"A{start_row}:{last_col}{max(row_index, start_row + 1)}"
    return row_index
