"""One coding run: a front end's units, coded with a grid, written to one output.

Every front end codes through :func:`run_coding`: it checks the output format (the front end's
table of writers), the inputs and the grid, opens the writer on a hidden temporary, streams the
units through the engine (in worker processes when asked), commits the output only when it is
complete (or discards it), then records the round in the study and scores the machine against
people's reviews there. What is specific to a kind of unit (reading, pseudonymising, duplicate
checks, extra files) is the front end's :class:`Job`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.frontend import FrontEnd, Sink, SinkFactory
from cloterres.engine.grid import Grid, load_grid, require_rules
from cloterres.engine.nlp import model_version
from cloterres.engine.parallel import code_stream
from cloterres.io.files import Staging, prepare_output, staged
from cloterres.store import MachineLabel, RoundSummary, SourceInput, Study, UnitInput
from cloterres.store.machine import machine_labels, record_run, text_derived
from cloterres.store.reliability import Reliability, add_reliability_sheet, study_reliability


@dataclass
class RunRequest:
    """What the user asked for, whatever the kind of unit."""

    inputs: list[Path]
    output: Path
    grid_path: Path | None = None
    overwrite: bool = False
    progress: Callable[[int], None] | None = None
    command: str = ""
    workers: int | None = None
    study: Study | None = None
    reliability_coder: str | None = None


@dataclass
class RunOutcome:
    """What the run did, for the front end's report."""

    grid: Grid
    grid_file: Path
    units: int = 0
    study_round: RoundSummary | None = None
    reliability: Reliability | None = None
    seconds: float = 0.0


@dataclass
class StudyRecord:
    """The units and labels a run records in the study (the first unit of each key)."""

    units: dict[str, UnitInput] = field(default_factory=dict)
    labels: dict[str, dict[str, MachineLabel]] = field(default_factory=dict)
    derived: dict[str, dict[str, str | bool | None]] = field(default_factory=dict)


class Job(Protocol):
    """What a front end does in one run (one object per run)."""

    def check(self, request: RunRequest, suffix: str) -> None:
        """Check the inputs and options (InputError), before anything is written."""

    def prepare(self, request: RunRequest, grid: Grid, grid_file: Path) -> None:
        """Read what must be read before coding (a first pass), prepare extra outputs."""

    def open_sink(self, factory: SinkFactory, path: Path, grid: Grid) -> Sink:
        """The writer of the output (usually ``factory(path, grid)``)."""

    def units(self, sink: Sink) -> Iterator[Any]:
        """The units to code, in order, read one at a time."""

    def task(self, sink: Sink, keep_result: bool) -> Callable[[Coder, Any], Any]:
        """The worker task (picklable): codes a unit and renders what the sink needs; with
        ``keep_result`` it returns ``(payload, result)``."""

    def accept(self, sink: Sink, unit: Any, out: Any, record: StudyRecord | None) -> int:
        """Give the coded unit to the sink (and to the study record); returns how many units
        it counted for (0 or 1)."""

    def finish(self, sink: Sink, grid_file: Path) -> None:
        """Everything was read: check there was something, close the sink (InputError if the
        output would be empty)."""

    def stage_extras(self, staging: Staging) -> None:
        """Reserve the extra files written beside the output, in the same all-or-nothing
        staging (reserved before the output: they are renamed into place first)."""

    def write_extras(self) -> None:
        """Write the extra files reserved by :meth:`stage_extras` (the output is complete)."""

    def sources(self) -> list[SourceInput]:
        """The inputs as the study records them."""


def store_unit(
    record: StudyRecord, grid: Grid, unit: UnitInput, result: CodingResult, *, derived: bool
) -> bool:
    """Keep a coded unit for the study (False: a unit of that key is already kept)."""
    if unit.key in record.units:
        return False
    record.units[unit.key] = unit
    record.labels[unit.key] = machine_labels(grid, result)
    if derived:
        record.derived[unit.key] = text_derived(grid, result)
    return True


def run_coding(front: FrontEnd, job: Job, request: RunRequest) -> RunOutcome:
    """Run ``job`` (a front end's units) through the engine to ``request.output``.

    Raises InputError (nothing written) on bad input; the output appears only when complete.
    """
    started = time.perf_counter()
    suffix = front.output_suffix(request.output)
    job.check(request, suffix)
    grid_file = request.grid_path or front.default_grid_path()
    grid = load_grid(grid_file)
    require_rules(grid, grid_file)
    prepare_output(request.output, overwrite=request.overwrite, inputs=request.inputs)
    job.prepare(request, grid, Path(grid_file))
    outcome = RunOutcome(grid=grid, grid_file=Path(grid_file))
    record = StudyRecord() if request.study is not None else None
    coder = Coder(grid)
    with staged() as staging:
        job.stage_extras(staging)
        sink = job.open_sink(front.sinks[suffix], staging.path(request.output), grid)
        committed = False
        try:
            task = job.task(sink, record is not None)
            for unit, out in code_stream(coder, job.units(sink), task, workers=request.workers):
                outcome.units += job.accept(sink, unit, out, record)
                if request.progress is not None:
                    request.progress(outcome.units)
            job.finish(sink, Path(grid_file))
            committed = True
        finally:
            if not committed:
                sink.discard()  # release the handle; the temporary file is then removed
        job.write_extras()
    if request.study is not None and record is not None:
        outcome.study_round = record_run(
            request.study, kind=front.kind, grid=grid, grid_path=Path(grid_file),
            sources=job.sources(), units=list(record.units.values()), labels=record.labels,
            command=request.command, model=model_version(),
            derived=record.derived or None,
        )  # fmt: skip
        outcome.reliability = study_reliability(
            request.study, front.kind, grid, record.units, coder=request.reliability_coder
        )
        if outcome.reliability is not None and suffix == ".xlsx":
            add_reliability_sheet(request.output, outcome.reliability)
    outcome.seconds = time.perf_counter() - started
    return outcome
