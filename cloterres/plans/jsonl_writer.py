"""JSON Lines export: one object per unit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.frontend import Ending
from cloterres.engine.grid import Grid
from cloterres.plans.measure import Measure
from cloterres.plans.records import CodedMeasure, to_json


def grid_ref(grid: Grid) -> str:
    return f"{grid.id}@{grid.version}"


def jsonl_task(coder: Coder, measure: Measure) -> tuple[str, bool]:
    """Code a measure and render its JSON line (runs in worker processes)."""
    return jsonl_render(coder, measure, coder.code(measure.fields()))


def jsonl_render(coder: Coder, measure: Measure, result: CodingResult) -> tuple[str, bool]:
    line = json.dumps(
        to_json(CodedMeasure(measure, result), grid_ref(coder.grid)), ensure_ascii=False
    )
    return line + "\n", result.empty


class JsonlWriter:
    task = staticmethod(jsonl_task)
    render = staticmethod(jsonl_render)

    def __init__(self, path: Path, grid: Grid) -> None:
        self._fh: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def add(self, measure: Measure, payload: tuple[str, bool]) -> None:
        self._fh.write(payload[0])

    def close(self, ending: Ending) -> None:
        self._fh.close()

    def discard(self) -> None:
        """Release the file after a failure (the temporary file is then removed)."""
        self._fh.close()
