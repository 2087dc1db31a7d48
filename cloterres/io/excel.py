"""Small openpyxl helpers shared by every workbook the tool writes: safe cells, styled tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cloterres.io.safety import looks_like_formula

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
PERCENT = "0.0 %"
MAX_CELL = 32_000  # Excel's limit is 32,767 characters


def put(ws: Worksheet, row: int, col: int, value: object, *, wrap: bool = False) -> Cell:
    """Write a cell; text is always stored as inert text (never a formula)."""
    if isinstance(value, str):
        if len(value) > MAX_CELL:
            value = value[:MAX_CELL] + " […]"
        value = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    cell.alignment = WRAP if wrap else TOP
    return cell


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
