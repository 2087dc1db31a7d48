"""The result of an agreement run (what :func:`~cloterres.agreement.compare.compare` returns
and :mod:`~cloterres.agreement.outputs` writes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cloterres import __version__
from cloterres.agreement.levels import Comparison
from cloterres.agreement.stats import Agreement
from cloterres.engine.grid import Grid
from cloterres.engine.labels import Kind


@dataclass
class InputSummary:
    path: str
    coder: str
    units: int
    shared: int  # units also coded by at least one other coder


@dataclass
class Row:
    """One line of the agreement table."""

    dimension: str
    category: str | None
    dimension_label: str
    category_label: str | None
    agreement: Agreement
    note: str = ""
    applied: dict[str, int] = field(default_factory=dict)


@dataclass
class AgreementReport:
    kind: Kind
    grid: Grid
    grid_path: Path
    coders: list[str]
    inputs: list[InputSummary]
    rows: list[Row]
    comparison: Comparison
    notes: list[str]
    n_boot: int
    seed: int
    command: str = ""
    date: str = ""
    unit: str | None = None  # segmentation of .qdpx inputs
    output: Path | None = None
    disagreements_output: Path | None = None
    seconds: float = 0.0
    tool_version: str = __version__
