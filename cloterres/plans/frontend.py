"""The measures front end as the rest of the tool sees it (see :mod:`cloterres.engine.frontend`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloterres.engine.frontend import FrontEnd, Nouns
from cloterres.engine.grid import DEFAULT_GRIDS
from cloterres.plans.csv_export import CsvWriter
from cloterres.plans.jsonl_writer import JsonlWriter
from cloterres.plans.workbook import WorkbookWriter

# Review workbooks: the measure's columns (field, header, width).
REVIEW_COLUMNS = (
    ("contrat", "Contrat", 18),
    ("axe", "Axe", 22),
    ("intitule", "Intitulé", 36),
    ("description", "Description", 55),
    ("public", "Public", 20),
)


def review_cells(fields: Mapping[str, Any], text: str) -> list[object]:
    """A measure's cells in a review workbook."""
    return [str(fields.get(name, "") or "") for name, _, _ in REVIEW_COLUMNS]


MEASURES = FrontEnd(
    kind="mesures",
    nouns=Nouns(unit="mesure", units="mesures", coded="mesures catégorisées"),
    grid_file=DEFAULT_GRIDS["mesures"],
    labels_key="labels",
    qualified_labels=False,
    # A new output format is one writer class and one line here.
    sinks={".xlsx": WorkbookWriter, ".csv": CsvWriter, ".jsonl": JsonlWriter},
    formats_hint="utilisez .xlsx (classeur), .csv ou .jsonl",
    command="categoriser",
    review_columns=REVIEW_COLUMNS,
    review_cells=review_cells,
)
