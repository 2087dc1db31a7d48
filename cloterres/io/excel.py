"""Small openpyxl helpers shared by every workbook the tool writes: safe cells, styled tables."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
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
        self.ws.append(cells)
        self.rows += 1

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
    for col, header in enumerate(headers, start=1):
        cell = put(ws, start_row, col, header, wrap=True)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    row_index = start_row
    for row in rows:
        row_index += 1
        for col, value in enumerate(row, start=1):
            cell = put(ws, row_index, col, value, wrap=col in wrap_cols)
            if col in percent_cols and isinstance(value, float):
                cell.number_format = PERCENT
    ws.freeze_panes = ws.cell(row=start_row + 1, column=freeze_col + 1).coordinate
    last_col = get_column_letter(max(len(headers), 1))
    ws.auto_filter.ref = f"A{start_row}:{last_col}{max(row_index, start_row + 1)}"
    return row_index
