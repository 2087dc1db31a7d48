"""Fill a demo review workbook the way a reviewer would (used by `make demo`).

The first N measures of the « Revue » sheet are marked reviewed and given the hand reference
labels of the demo (`corpora/demo/reference/labels-reference.jsonl`): where the tool's
proposals differ from the reference, the reviewer's marks change them. Standard library and
openpyxl only.

usage: python remplir_revue.py EXPORTED.xlsx FILLED.xlsx [N]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from openpyxl import load_workbook

from cloterres.engine.grid import default_grid_path, load_grid

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "labels-reference.jsonl"


def fill(exported: Path, filled: Path, count: int = 30) -> tuple[int, int]:
    """Fill ``count`` rows; returns (rows reviewed, labels changed from the tool's proposal)."""
    grid = load_grid(default_grid_path())
    reference = {
        row["id"]: row["labels"]
        for row in map(json.loads, REFERENCE.read_text(encoding="utf-8").splitlines())
    }
    workbook = load_workbook(exported)
    sheet = workbook["Revue"]
    # row 1: the dimension (merged cells); row 2: one column per category
    by_label = {d.label: d for d in grid.dimensions}
    columns: dict[tuple[str, str], int] = {}
    dimension = None
    for col in range(1, sheet.max_column + 1):
        dimension = by_label.get(sheet.cell(1, col).value, dimension)
        if dimension is not None:
            for category in dimension.categories:
                if category.label == sheet.cell(2, col).value:
                    columns[(dimension.id, category.id)] = col
    reviewed = next(c for c in range(1, sheet.max_column + 1) if sheet.cell(2, c).value == "Revu")
    rows = changed = 0
    for row in range(3, sheet.max_row + 1):
        unit = sheet.cell(row, 1).value
        if unit not in reference or rows >= count:
            continue
        sheet.cell(row, reviewed).value = "oui"
        for (dim, cat), col in columns.items():
            mark = "x" if cat in reference[unit].get(dim, []) else None
            changed += (sheet.cell(row, col).value not in (None, "")) != (mark is not None)
            sheet.cell(row, col).value = mark
        rows += 1
    workbook.save(filled)
    return rows, changed


if __name__ == "__main__":
    done, changes = fill(Path(sys.argv[1]), Path(sys.argv[2]), *map(int, sys.argv[3:4]))
    print(f"Revue simulée : {done} mesures relues, {changes} case(s) cochée(s) ou décochée(s) par la relectrice")
