"""Summaries of coded interviews: codes by actor type, most cited benefits and costs.

Only coded units count (interviewer turns left uncoded are ignored). For every code: the number
of units that carry it and the number of distinct interviews where it appears. The actor type is
the case variable ``type_acteur`` (« non renseigné » when an interview has none).

Only sure codes count: a code the tool gave with a confidence under 0.6 (« à vérifier »), unless
a person reviewed it, is counted apart (``to_check``: units where it was given so). Each code
carries its expected precision and recall measured on the real test split, when known.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict

from cloterres.engine.grid import Grid
from cloterres.engine.grid_display import expected_reliability
from cloterres.engine.learned.layer import layer_for
from cloterres.synthesis.records import UNKNOWN_VALUE, InterviewUnit

ACTOR_TYPE = "type_acteur"
TERRITORY = "territoire"
BENEFITS_THEME = "benefices"
COSTS_THEME = "couts"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Group(_Model):
    """A group of interviews (an actor type): how many interviews and coded units it has."""

    name: str
    interviews: int
    units: int


class CodeCount(_Model):
    code: str  # theme.code
    theme: str
    theme_label: str
    label: str
    units: int  # sure codes only
    interviews: int
    by_group: dict[str, tuple[int, int]]  # group -> (units, interviews)
    to_check: int = 0  # units where the code was given with a low confidence, not in ``units``
    precision: float | None = None  # expected, measured on the real test split
    recall: float | None = None


class ThemeCount(_Model):
    theme: str
    label: str
    units: int  # units with at least one code of the theme
    interviews: int
    by_group: dict[str, tuple[int, int]]


class InterviewSummary(_Model):
    interviews: int
    units: int  # coded units
    units_with_codes: int
    group_variable: str
    groups: list[Group]
    codes: list[CodeCount]  # every code of the grid, in grid order
    themes: list[ThemeCount]
    territories: list[str]
    to_check: int = 0  # codes of low confidence, counted apart

    def ranked(self, theme: str) -> list[CodeCount]:
        """Codes of a theme cited at least once, most cited first (interviews, then units, sure
        codes), those only given with a low confidence last (most often first)."""
        cited = [c for c in self.codes if c.theme == theme and (c.units or c.to_check)]
        return sorted(cited, key=lambda c: (-c.interviews, -c.units, -c.to_check))

    def benefits(self) -> list[CodeCount]:
        return self.ranked(BENEFITS_THEME)

    def costs(self) -> list[CodeCount]:
        return self.ranked(COSTS_THEME)


def summarize_interviews(
    grid: Grid, units: Iterable[InterviewUnit], *, group_by: str = ACTOR_TYPE
) -> InterviewSummary:
    coded = [u for u in units if u.coded]
    groups: dict[str, dict[str, None]] = {}  # group -> interviews (ordered)
    group_units: dict[str, int] = defaultdict(int)
    interview_group: dict[str, str] = {}
    territories: dict[str, None] = {}
    for u in coded:
        group = u.variables.get(group_by) or UNKNOWN_VALUE
        interview_group.setdefault(u.entretien, group)
        groups.setdefault(group, {})[u.entretien] = None
        group_units[group] += 1
        if u.variables.get(TERRITORY):
            territories.setdefault(u.variables[TERRITORY], None)

    def count(
        match: Callable[..., bool],  # a unit -> whether it counts (lambdas bind extra defaults)
    ) -> tuple[int, int, dict[str, tuple[int, int]]]:
        n_units: dict[str, int] = defaultdict(int)
        seen: dict[str, set[str]] = defaultdict(set)
        for u in coded:
            if match(u):
                group = u.variables.get(group_by) or UNKNOWN_VALUE
                n_units[group] += 1
                seen[group].add(u.entretien)
        by_group = {g: (n_units[g], len(seen[g])) for g in groups}
        interviews = len(set().union(*seen.values())) if seen else 0
        return sum(n_units.values()), interviews, by_group

    def sure(u: InterviewUnit) -> list[str]:
        return [c for c in u.codes if c not in u.to_check] if u.to_check else u.codes

    layer = layer_for(grid.id)
    checked: Counter[str] = Counter(c for u in coded for c in set(u.to_check) if c in u.codes)
    codes: list[CodeCount] = []
    themes: list[ThemeCount] = []
    for dim in grid.dimensions:
        t_units, t_interviews, t_groups = count(
            lambda u, d=dim.id: any(c.split(".", 1)[0] == d for c in sure(u))
        )
        themes.append(ThemeCount(theme=dim.id, label=dim.label, units=t_units,
                                 interviews=t_interviews, by_group=t_groups))  # fmt: skip
        for cat in dim.categories:
            code = f"{dim.id}.{cat.id}"
            n_units, n_interviews, by_group = count(lambda u, c=code: c in sure(u))
            precision, recall = expected_reliability(layer, dim.id, cat.id)
            codes.append(
                CodeCount(code=code, theme=dim.id, theme_label=dim.label, label=cat.label,
                          units=n_units, interviews=n_interviews, by_group=by_group,
                          to_check=checked[code], precision=precision, recall=recall)
            )  # fmt: skip
    return InterviewSummary(
        interviews=len(interview_group),
        units=len(coded),
        units_with_codes=sum(1 for u in coded if u.codes),
        group_variable=group_by,
        groups=[Group(name=g, interviews=len(i), units=group_units[g]) for g, i in groups.items()],
        codes=codes,
        themes=themes,
        territories=list(territories),
        to_check=sum(checked.values()),
    )
