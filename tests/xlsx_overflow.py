"""Cells whose text would run over their neighbours: not wrapped and longer than their column
(or their merged range) is wide. Titles (13-point) are left aside: they sit alone on their
row; hidden columns (ids kept for programs) too."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

SLACK = 1.2  # a column width counts digits; text is narrower


def _width(ws, col: int) -> float:  # noqa: ANN001
    dim = ws.column_dimensions.get(get_column_letter(col))
    return dim.width if dim is not None and dim.width else 8.43


def overflowing(path: Path) -> list[tuple[str, str, str]]:
    """(sheet, cell, start of the text) of every cell that overflows."""
    wb = load_workbook(path)
    out: list[tuple[str, str, str]] = []
    for ws in wb.worksheets:
        hidden = {
            c
            for dim in ws.column_dimensions.values()
            if dim.hidden and dim.min
            for c in range(dim.min, (dim.max or dim.min) + 1)
        }
        merged = {
            (r.min_row, r.min_col): sum(_width(ws, c) for c in range(r.min_col, r.max_col + 1))
            for r in ws.merged_cells.ranges
        }
        for row in ws.iter_rows():
            for cell in row:
                if (
                    not isinstance(cell.value, str)
                    or (cell.font.sz or 11) >= 13
                    or cell.column in hidden
                ):
                    continue
                width = merged.get((cell.row, cell.column)) or _width(ws, cell.column)
                if len(cell.value) > width * SLACK and not cell.alignment.wrap_text:
                    out.append((ws.title, cell.coordinate, cell.value[:40]))
    return out
