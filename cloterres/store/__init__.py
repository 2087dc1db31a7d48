"""The study store: an embedded database per study that keeps every label ever given.

See :mod:`cloterres.store.study` (opening, recording, queries), :mod:`cloterres.store.schema`
(tables) and :mod:`cloterres.store.migrations` (schema versions).
"""

from __future__ import annotations

from cloterres.store.schema import ENGINE_CODER, HUMAN, MACHINE, SCHEMA_VERSION
from cloterres.store.study import (
    DEFAULT_STUDY,
    HumanLabel,
    LabelState,
    MachineLabel,
    RoundSummary,
    SourceInput,
    Study,
    UnitInput,
    UnitView,
    open_study,
)

__all__ = [
    "DEFAULT_STUDY",
    "ENGINE_CODER",
    "HUMAN",
    "MACHINE",
    "SCHEMA_VERSION",
    "HumanLabel",
    "LabelState",
    "MachineLabel",
    "RoundSummary",
    "SourceInput",
    "Study",
    "UnitInput",
    "UnitView",
    "open_study",
]
