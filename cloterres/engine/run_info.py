"""How an output was made: what the "À propos" sheets of the workbooks tell."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cloterres import __version__
from cloterres.engine.grid import grid_hash
from cloterres.engine.nlp import model_version
from cloterres.io.display import display_path, french_date


@dataclass
class RunInfo:
    """Display texts: ``date`` in French local time, ``grid_path`` relative to the working
    folder when under it."""

    tool_version: str
    grid_path: str
    grid_hash: str
    model: str
    date: str
    command: str
    inputs: list[tuple[str, int]] = field(default_factory=list)  # (file, units read)
    unit: str = ""
    pseudonymised: bool = False


def run_info(grid_file: Path, command: str, **details: object) -> RunInfo:
    return RunInfo(
        tool_version=__version__,
        grid_path=display_path(grid_file),
        grid_hash=grid_hash(grid_file),
        model=model_version(),
        date=french_date(),
        command=command,
        **details,  # type: ignore[arg-type]
    )
