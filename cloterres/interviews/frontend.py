"""The interviews front end as the rest of the tool sees it (see
:mod:`cloterres.engine.frontend`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloterres.engine.frontend import FrontEnd, Nouns
from cloterres.engine.grid import DEFAULT_GRIDS
from cloterres.interviews.outputs import SINKS

# Review workbooks: the unit's columns (field, header, width).
REVIEW_COLUMNS = (
    ("entretien", "Entretien", 14),
    ("locuteur", "Locuteur", 16),
    ("lignes", "Lignes", 9),
    ("texte", "Texte", 70),
)


def review_cells(fields: Mapping[str, Any], text: str) -> list[object]:
    """An interview unit's cells in a review workbook (lines « 12 » or « 12-14 »)."""
    start, end = fields.get("ligne_debut"), fields.get("ligne_fin")
    lines = "" if start is None else (f"{start}" if start == end else f"{start}-{end}")
    return [str(fields.get("entretien", "")), str(fields.get("locuteur", "")), lines, text]


INTERVIEWS = FrontEnd(
    kind="entretiens",
    nouns=Nouns(
        unit="unité d'entretien", units="unités d'entretien", coded="unités d'entretien codées"
    ),
    grid_file=DEFAULT_GRIDS["entretiens"],
    labels_key="codes",
    qualified_labels=True,
    sinks=SINKS,  # a new output format is one writer class and one line in that table
    formats_hint="utilisez .xlsx (classeur), .csv, .jsonl ou .qdpx (projet REFI-QDA)",
    command="coder",
    review_columns=REVIEW_COLUMNS,
    review_cells=review_cells,
)
