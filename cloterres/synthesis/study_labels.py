"""Summary records read from a study store (``synthese --etude``).

The rule for a unit's current labels, per dimension: the latest human record (any coder, or
only the coder asked for), else the machine's latest record. A measure's contract and text come
from the latest version of the unit as ``categoriser --etude`` recorded it; an interview unit's
interview and case variables (type d'acteur, territoire...) from what ``coder --etude``
recorded. Derived attributes are recomputed from these labels by the summary, except those that
need the text (supra-communal), which are the machine's, kept in the round's details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cloterres.engine.grid import Grid
from cloterres.errors import InputError
from cloterres.frontends import MEASURES
from cloterres.plans.summary import decision_flag
from cloterres.store import HUMAN, MACHINE, LabelState, Study
from cloterres.synthesis.records import UNKNOWN_CONTRACT, InterviewUnit, MeasureRecord

RULE = (
    "Étiquettes retenues pour chaque unité et chaque dimension : la plus récente donnée par une "
    "personne lors d'une revue ({who}) ; à défaut, celle de l'outil (dernière catégorisation "
    "automatique). Une étiquette de l'outil donnée par défaut ou de confiance inférieure à 0,6 "
    "compte à part (« par défaut », « à vérifier ») tant qu'une personne ne l'a pas revue ; une "
    "étiquette revue compte comme sûre. Les indicateurs dérivés (niveau, hors soins, multi-objectifs) sont recalculés "
    "à partir de ces étiquettes ; « supra-communal », qui dépend du texte, reste celui de l'outil."
)


@dataclass
class KindCounts:
    units: int = 0
    reviewed: int = 0  # units with at least one dimension labelled by a person


@dataclass
class StudyLabels:
    """What was read from the study, for the summary and its « À propos » sheet."""

    name: str
    coder: str | None
    coders: list[str] = field(default_factory=list)  # human coders whose labels were used
    measures: list[MeasureRecord] = field(default_factory=list)
    units: list[InterviewUnit] = field(default_factory=list)
    counts: dict[str, KindCounts] = field(default_factory=dict)
    grids: dict[str, tuple[Grid, str]] = field(default_factory=dict)  # kind -> (grid, sha256)
    without_text_derived: int = 0  # measures whose text-based attributes were not recorded

    def rule(self) -> str:
        who = f"codeur « {self.coder} » seulement" if self.coder else "tous codeurs confondus"
        return RULE.format(who=who)


def current_labels(
    machine: list[LabelState], humans: list[LabelState]
) -> tuple[dict[str, dict[str, list[str]]], set[str], set[str]]:
    """Per unit and dimension, the latest human categories, else the machine's; the units with
    at least one human label; the coders whose labels were kept."""
    chosen: dict[tuple[str, str], LabelState] = {}
    for s in machine:
        chosen[(s.unit, s.dimension)] = s
    latest_human: dict[tuple[str, str], LabelState] = {}
    for s in humans:
        key = (s.unit, s.dimension)
        if key not in latest_human or s.id > latest_human[key].id:
            latest_human[key] = s
    chosen.update(latest_human)
    out: dict[str, dict[str, list[str]]] = {}
    for (unit, dim), s in chosen.items():
        out.setdefault(unit, {})[dim] = list(s.categories)
    reviewed = {unit for unit, _ in latest_human}
    coders = {s.coder for s in latest_human.values()}
    return out, reviewed, coders


def unsure_labels(machine: list[LabelState], humans: list[LabelState]) -> dict[str, dict[str, str]]:
    """Per unit, the machine's labels still current (no person reviewed their dimension) that
    are not sure: "dim.cat" -> "defaut" (given by default) or "a_verifier" (low confidence),
    from the evidence the machine round recorded."""
    reviewed = {(s.unit, s.dimension) for s in humans}
    out: dict[str, dict[str, str]] = {}
    for s in machine:
        if (s.unit, s.dimension) in reviewed:
            continue
        for cat in s.categories:
            why = (s.evidence or {}).get(cat)
            if not isinstance(why, dict):
                continue
            flag = decision_flag(why)
            if flag is not None:
                out.setdefault(s.unit, {})[f"{s.dimension}.{cat}"] = flag
    return out


def read_study(target: str | Path, coder: str | None = None) -> StudyLabels:
    """The measures and interview units of a study with their current labels."""
    with Study(target, create=False) as study:
        kinds = study.kinds()
        if not kinds:
            raise InputError(
                f"{target} : l'étude ne contient encore aucune unité codée ; lancez d'abord "
                f"cloterres categoriser ou cloterres coder avec --etude {target}"
            )
        if coder is not None:
            known = sorted({s.coder for k in kinds for s in study.current(k, origin=HUMAN)})
            if coder not in known:
                raise InputError(
                    f"{target} : codeur « {coder} » absent de l'étude ; codeurs enregistrés : "
                    f"{', '.join(known) or '(aucun : aucune revue importée)'}"
                )
        result = StudyLabels(name=str(target), coder=coder)
        coders: set[str] = set()
        for kind in kinds:
            machine = study.current(kind, origin=MACHINE)
            humans = study.current(kind, origin=HUMAN, coder=coder)
            labels, reviewed, used = current_labels(machine, humans)
            unsure = unsure_labels(machine, humans)
            coders |= used
            sha = study.machine_grid_sha(kind)
            if sha is not None:
                result.grids[kind] = (study.grid(sha)[0], sha)
            views = [u for u in study.units(kind) if u.key in labels]
            result.counts[kind] = KindCounts(len(views), sum(u.key in reviewed for u in views))
            where = f"{target}, unité"
            if kind == MEASURES.kind:
                derived = study.text_derived(kind)
                for u in views:
                    fields = u.fields
                    has_text = any(
                        str(fields.get(name) or "").strip() for name in ("intitule", "description")
                    )
                    if has_text and u.key not in derived:
                        result.without_text_derived += 1
                    result.measures.append(
                        MeasureRecord(
                            id=u.key,
                            contrat=str(fields.get("contrat") or "").strip() or UNKNOWN_CONTRACT,
                            labels=labels[u.key],
                            derives=derived.get(u.key, {}),
                            sans_texte=not has_text,
                            source=f"{where} {u.key}",
                            flags=unsure.get(u.key, {}),
                        )
                    )
            else:
                for u in views:
                    variables = u.fields.get("variables") or {}
                    result.units.append(
                        InterviewUnit(
                            id=u.key,
                            entretien=str(u.fields.get("entretien") or u.key),
                            variables={
                                str(k): str(v) for k, v in variables.items() if v not in (None, "")
                            },
                            codes=[
                                f"{dim}.{cat}"
                                for dim, cats in labels[u.key].items()
                                for cat in cats
                            ],
                            source=f"{where} {u.key}",
                            to_check=list(unsure.get(u.key, {})),
                        )
                    )
        result.coders = sorted(coders)
    return result
