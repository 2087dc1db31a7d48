"""The coders of a study as :class:`cloterres.engine.labels.CoderLabels` (for ``accord``, scores).

Each human coder's current labels (the latest record per unit and dimension), and the machine's
as coder ``cloterres``. Categories are written as the kind's front end writes its labels
(interview codes as full code ids, ``theme.code``).
"""

from __future__ import annotations

from pathlib import Path

from cloterres.engine.labels import CoderLabels, Kind, UnitLabels
from cloterres.frontends import MEASURES, front_end
from cloterres.store.schema import ENGINE_CODER, HUMAN, MACHINE
from cloterres.store.study import LabelState, Study


def to_coder_labels(coder: str, kind: Kind, states: list[LabelState]) -> CoderLabels:
    units: dict[str, UnitLabels] = {}
    front = front_end(kind)
    for s in states:
        cats = [front.label(s.dimension, c) for c in s.categories]
        units.setdefault(s.unit, UnitLabels()).labels[s.dimension] = list(cats)
    return CoderLabels(coder=coder, kind=kind, units=units)


def study_coder_labels(
    study: Study | str | Path,
    coder: str | None = None,
    kind: Kind = MEASURES.kind,
    *,
    machine: bool = True,
) -> list[CoderLabels]:
    """Latest labels per human coder (only ``coder`` if given), then the machine as
    ``cloterres`` (unless ``machine`` is False). Human coders are sorted by name."""
    own = not isinstance(study, Study)
    store = Study(study, create=False) if not isinstance(study, Study) else study
    try:
        humans = store.current(kind, origin=HUMAN, coder=coder)
        by_coder: dict[str, list[LabelState]] = {}
        for s in humans:
            by_coder.setdefault(s.coder, []).append(s)
        out = [to_coder_labels(name, kind, by_coder[name]) for name in sorted(by_coder)]
        if machine:
            out.append(to_coder_labels(ENGINE_CODER, kind, store.current(kind, origin=MACHINE)))
        return out
    finally:
        if own:
            store.close()
