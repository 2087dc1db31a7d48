"""CSV export of categorised measures: French Excel dialect (UTF-8 with BOM, ``;``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.evidence import to_review
from cloterres.engine.frontend import Ending
from cloterres.engine.grid import Grid
from cloterres.io.safety import csv_safe
from cloterres.plans.measure import MEASURE_FIELDS, Measure
from cloterres.plans.records import CodedMeasure, derived_display, evidence_display

SEPARATOR = "|"


def csv_row(grid: Grid, item: CodedMeasure) -> list[object]:
    m, r = item.measure, item.result
    fields = m.fields()
    row: list[object] = [fields[name] for name in MEASURE_FIELDS]
    row.append(" | ".join(f"{k}: {v}" for k, v in m.extra.items()))
    row.extend(SEPARATOR.join(r.ids(d.id)) for d in grid.dimensions)
    row.extend(derived_display(r.derived.get(x.id)) for x in grid.derives)
    row.append(evidence_display(grid, r))
    row.append(m.source.describe())
    row.append(
        SEPARATOR.join(
            f"{dim}.{d.category}" for dim, decs in r.labels.items() for d in decs if to_review(d)
        )
    )
    return [csv_safe(v) for v in row]


def csv_task(coder: Coder, measure: Measure) -> tuple[list[object], bool]:
    """Code a measure and render its CSV row (runs in worker processes)."""
    return csv_render(coder, measure, coder.code(measure.fields()))


def csv_render(coder: Coder, measure: Measure, result: CodingResult) -> tuple[list[object], bool]:
    return csv_row(coder.grid, CodedMeasure(measure, result)), result.empty


class CsvWriter:
    """Columns: measure fields, ``autres_colonnes``, one column per dimension (category ids
    separated by ``|``), derived attributes, ``preuves`` (with each label's confidence),
    ``source``, ``a_verifier`` (labels to check by hand: defaults and low confidence)."""

    task = staticmethod(csv_task)
    render = staticmethod(csv_render)

    def __init__(self, path: Path, grid: Grid) -> None:
        self._fh: IO[str] = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh, delimiter=";")
        header = [
            *MEASURE_FIELDS,
            "autres_colonnes",
            *(d.id for d in grid.dimensions),
            *(x.id for x in grid.derives),
            "preuves",
            "source",
            "a_verifier",
        ]
        self._writer.writerow([csv_safe(h) for h in header])

    def add(self, measure: Measure, payload: tuple[list[object], bool]) -> None:
        self._writer.writerow(payload[0])

    def close(self, ending: Ending) -> None:
        self._fh.close()

    def discard(self) -> None:
        """Release the file after a failure (the temporary file is then removed)."""
        self._fh.close()
