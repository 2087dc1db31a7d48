"""JSON Lines export: one object per unit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from cloterres.grid import Grid
from cloterres.io.records import CodedMeasure, to_json


class JsonlWriter:
    def __init__(self, path: Path, grid: Grid) -> None:
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="\n")
        self._grid_ref = f"{grid.id}@{grid.version}"

    def write(self, item: CodedMeasure) -> None:
        self._fh.write(json.dumps(to_json(item, self._grid_ref), ensure_ascii=False))
        self._fh.write("\n")

    def close(self) -> None:
        self._fh.close()
