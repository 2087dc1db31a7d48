"""What a front end is: the descriptor of one kind of unit (measures, interview units...) and
the protocol of its output writers.

A front end is a package (``cloterres.plans``, ``cloterres.interviews``) that turns some files
into units the engine codes, and writes the coded units in some formats. It describes itself
with one :class:`FrontEnd` object, registered in :mod:`cloterres.frontends`; the coding run
(:mod:`cloterres.run`), the study store, review, agreement and synthesis ask that object instead
of branching on the kind's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cloterres.engine.grid import Grid, shipped_grid_path
from cloterres.engine.run_info import RunInfo
from cloterres.errors import InputError


@dataclass(frozen=True)
class Ending:
    """What a writer learns when the run ends well: the warnings to show (French lines or
    warnings with their source), how the run was made, what was read from each input."""

    warnings: Sequence[Any]
    run_info: RunInfo
    imports: Sequence[Any] = ()


class Sink(Protocol):
    """Where coded units go, one at a time, in input order.

    ``add`` gets the unit and what the front end's worker task made of it; ``close`` writes
    what is left (the output is complete); ``discard`` releases everything after a failure (the
    output is then removed by the run)."""

    def add(self, unit: Any, payload: Any) -> None: ...
    def close(self, ending: Ending) -> None: ...
    def discard(self) -> None: ...


#: A writer class: ``factory(path, grid)`` opens a sink writing ``path``.
SinkFactory = Callable[[Path, Grid], Sink]


@dataclass(frozen=True)
class Nouns:
    """French nouns of a kind of unit, for messages and outputs."""

    unit: str  # « mesure »
    units: str  # « mesures »
    coded: str  # « mesures catégorisées »


@dataclass(frozen=True)
class FrontEnd:
    """The descriptor of a front end (one kind of unit)."""

    kind: str  # stored in studies and label files: « mesures », « entretiens »
    nouns: Nouns
    grid_file: str  # the default grid, a file of the grids folder
    labels_key: str  # the key of the labels in the JSONL rows (« labels », « codes »)
    qualified_labels: bool  # labels are written « dimension.categorie »
    sinks: Mapping[str, SinkFactory] = field(default_factory=dict)  # writers by extension
    formats_hint: str = ""  # French: which output formats exist, for the error message
    command: str = ""  # the command that codes these units (« categoriser »)
    # Review workbooks: the unit's columns (field, French header, width) and their cells
    # from the unit's stored fields and text.
    review_columns: tuple[tuple[str, str, int], ...] = ()
    review_cells: Callable[[Mapping[str, Any], str], list[object]] | None = None

    def default_grid_path(self) -> Path:
        """The grid shipped for this kind of unit."""
        return shipped_grid_path(self.grid_file)

    def output_suffix(self, output: Path) -> str:
        """The extension of ``output`` if this front end writes it, else InputError."""
        suffix = output.suffix.lower()
        if suffix not in self.sinks:
            raise InputError(
                f"{output} : format de sortie « {suffix or '(aucune extension)'} » inconnu ; "
                f"{self.formats_hint}"
            )
        return suffix

    def category(self, label: str) -> str:
        """The category id of a label as this front end writes it."""
        return label.split(".", 1)[1] if self.qualified_labels and "." in label else label

    def label(self, dimension: str, category: str) -> str:
        """A label as this front end writes it."""
        return f"{dimension}.{category}" if self.qualified_labels else category
