"""The profile of each contract's action plan, computed from the measures' labels.

Definitions (from the codebook ``measures-grid.md`` and the grid's ``derives``):

- Shares are taken over the measures *categorised* (those with a text); a measure without
  intitulé nor description has no category and is only counted in ``without_text``.
- Level (CLoterreS): the grid's ``partition`` attribute over ``niveau`` (``niveau_synthese``).
  Category ``individuel`` is the *individual* level; ``interpersonnel``, ``organisationnel``,
  ``communautaire`` and ``politique`` together are the *environmental* level. A measure is
  "individual only", "environmental only" or "mixed"; "at least environmental" = environmental
  only + mixed.
- Non-care determinants (``hors_soins``): at least one determinant other than
  ``services_sante``. Multi-objective (``multi_objectifs``): at least two determinants. Both are
  recomputed from the labels with the grid's definitions, so corrected labels count.
  Supra-communal needs the text: the value written by ``categoriser`` is used.
- Themes covered: categories of ``thematique`` given to at least one measure of the contract.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from cloterres.engine.grid import Grid
from cloterres.plans.summary import ALL, CodedRecord, Summary, summarize
from cloterres.synthesis.records import MeasureRecord

ALL_CONTRACTS = "Ensemble des contrats"
THEMES_DIMENSION = "thematique"
LEVEL_DIMENSION = "niveau"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Share(_Model):
    """A count of measures and its share of the contract's categorised measures."""

    id: str
    label: str
    count: int
    share: float | None  # None when the contract has no categorised measure


class DimensionProfile(_Model):
    id: str
    label: str
    categories: list[Share]

    def covered(self) -> list[Share]:
        return [c for c in self.categories if c.count]

    def not_covered(self) -> list[Share]:
        return [c for c in self.categories if not c.count]


class LevelProfile(_Model):
    """The CLoterreS binary level: groups of a ``partition`` attribute (individuel /
    environnemental), each "only" and "at least", and the mixed measures."""

    id: str  # the derived attribute, e.g. niveau_synthese
    label: str
    dimension: str
    groups: dict[str, list[str]]  # group -> categories of the dimension
    only: list[Share]  # one per group: measures in this group only
    mixed: Share
    at_least: list[Share]  # one per group: measures with at least one category of the group

    def only_of(self, group: str) -> Share | None:
        return next((s for s in self.only if s.id == group), None)

    def at_least_of(self, group: str) -> Share | None:
        return next((s for s in self.at_least if s.id == group), None)


class ContractProfile(_Model):
    contrat: str  # ALL_CONTRACTS for the whole set
    measures: int  # all measures read
    categorised: int  # with a text
    without_text: int
    dimensions: list[DimensionProfile]
    defaults: int = 0  # labels given by default (no clue in the text): to check by hand
    level: LevelProfile | None
    indicators: list[Share]  # other derived attributes: hors_soins, multi_objectifs, ...
    themes_dimension: str | None

    def dimension(self, dim_id: str) -> DimensionProfile | None:
        return next((d for d in self.dimensions if d.id == dim_id), None)

    def indicator(self, ind_id: str) -> Share | None:
        return next((i for i in self.indicators if i.id == ind_id), None)

    def themes_covered(self) -> list[Share]:
        dim = self.dimension(self.themes_dimension) if self.themes_dimension else None
        return dim.covered() if dim else []

    def themes_not_covered(self) -> list[Share]:
        dim = self.dimension(self.themes_dimension) if self.themes_dimension else None
        return dim.not_covered() if dim else []


def derived_values(grid: Grid, record: MeasureRecord) -> dict[str, str | bool | None]:
    """The derived attributes of a measure, from its labels (text-based ones as written)."""
    if record.sans_texte:
        return {x.id: None for x in grid.derives}
    out: dict[str, str | bool | None] = {}
    for der in grid.derives:
        if der.type == "termes":
            out[der.id] = record.derives.get(der.id)
        else:
            out[der.id] = der.from_labels(record.labels.get(der.dimension or "", []))
    return out


def contract_profiles(
    grid: Grid, records: Iterable[MeasureRecord], *, themes_dimension: str = THEMES_DIMENSION
) -> list[ContractProfile]:
    """One profile per contract (in order of first appearance), then the whole set."""
    summary = summarize(
        grid,
        (
            CodedRecord(r.contrat, r.labels, derived_values(grid, r), r.sans_texte, r.defauts)
            for r in records
        ),
    )
    themes = themes_dimension if any(d.id == themes_dimension for d in grid.dimensions) else None
    return [
        _profile(grid, summary, contract, themes)
        for contract in [*summary.contracts, ALL]
        if contract != ALL or summary.contracts
    ]


def _share(summary: Summary, contract: str, key: str, label: str, count: int) -> Share:
    return Share(id=key, label=label, count=count, share=summary.share(count, contract))


def _profile(grid: Grid, summary: Summary, contract: str, themes: str | None) -> ContractProfile:
    dimensions = [
        DimensionProfile(
            id=dim.id,
            label=dim.label,
            categories=[
                _share(
                    summary,
                    contract,
                    cat.id,
                    cat.label,
                    summary.counts[(dim.id, cat.id)].get(contract, 0),
                )  # fmt: skip
                for cat in dim.categories
            ],
        )
        for dim in grid.dimensions
    ]
    rows = {row.key: row.counts.get(contract, 0) for row in summary.profile}
    level: LevelProfile | None = None
    indicators: list[Share] = []
    for der in grid.derives:
        if der.type == "partition":
            if level is not None and der.dimension != LEVEL_DIMENSION:
                continue  # one level profile: the partition over "niveau" if there is one
            level = LevelProfile(
                id=der.id,
                label=der.label,
                dimension=der.dimension or "",
                groups={g: list(c) for g, c in der.groupes.items()},
                only=[_share(summary, contract, g, g, rows[f"{der.id}={g}"]) for g in der.groupes],
                mixed=_share(summary, contract, "mixte", "mixte", rows[f"{der.id}=mixte"]),
                at_least=[
                    _share(summary, contract, g, g, rows[f"{der.id}~{g}"]) for g in der.groupes
                ],
            )
        else:
            indicators.append(_share(summary, contract, der.id, der.label, rows[der.id]))
    coded = summary.coded.get(contract, 0)
    empty = summary.empty.get(contract, 0)
    return ContractProfile(
        contrat=ALL_CONTRACTS if contract == ALL else contract,
        measures=coded + empty,
        categorised=coded,
        without_text=empty,
        defaults=summary.defaults.get(contract, 0),
        dimensions=dimensions,
        level=level,
        indicators=indicators,
        themes_dimension=themes,
    )
