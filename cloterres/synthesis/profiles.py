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
- Only sure labels count (``count`` and ``share``): the tool's labels given by default or with a
  confidence under 0.6, unless a person reviewed them, are counted apart (``default``,
  ``review``), as are the indicators they make (see :mod:`cloterres.plans.summary`).
- Each category carries its expected precision and recall, measured on the real test split
  (the learned layer's artefact), when there is one.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from cloterres.engine.grid import Grid
from cloterres.engine.grid_display import expected_reliability
from cloterres.engine.learned.layer import LearnedLayer, layer_for
from cloterres.plans.summary import (
    ALL,
    FLAG_DEFAULT,
    FLAG_REVIEW,
    CodedRecord,
    Summary,
    summarize,
)
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
    count: int  # sure labels only
    share: float | None  # None when the contract has no categorised measure
    default: int = 0  # labels given by default, not counted in ``count``
    review: int = 0  # labels of low confidence (« à vérifier »), not counted in ``count``
    precision: float | None = None  # expected, measured on the real test split
    recall: float | None = None


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
    reviews: int = 0  # labels of low confidence: to check by hand
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
            CodedRecord(r.contrat, r.labels, derived_values(grid, r), r.sans_texte, r.flags)
            for r in records
        ),
    )
    themes = themes_dimension if any(d.id == themes_dimension for d in grid.dimensions) else None
    return [
        _profile(grid, summary, contract, themes, layer_for(grid.id))
        for contract in [*summary.contracts, ALL]
        if contract != ALL or summary.contracts
    ]


def _share(
    summary: Summary,
    contract: str,
    key: str,
    label: str,
    count: int,
    apart: dict[str, dict[str, int]] | None = None,
) -> Share:
    apart = apart or {}
    return Share(
        id=key,
        label=label,
        count=count,
        share=summary.share(count, contract),
        default=apart.get(FLAG_DEFAULT, {}).get(contract, 0),
        review=apart.get(FLAG_REVIEW, {}).get(contract, 0),
    )


def _category(
    summary: Summary,
    contract: str,
    dim_id: str,
    cat_id: str,
    label: str,
    layer: LearnedLayer | None,
) -> Share:
    precision, recall = expected_reliability(layer, dim_id, cat_id)
    key = (dim_id, cat_id)
    share = _share(
        summary, contract, cat_id, label, summary.counts[key].get(contract, 0),
        summary.apart.get(key),
    )  # fmt: skip
    return share.model_copy(update={"precision": precision, "recall": recall})


def _profile(
    grid: Grid, summary: Summary, contract: str, themes: str | None, layer: LearnedLayer | None
) -> ContractProfile:
    dimensions = [
        DimensionProfile(
            id=dim.id,
            label=dim.label,
            categories=[
                _category(summary, contract, dim.id, cat.id, cat.label, layer)
                for cat in dim.categories
            ],
        )
        for dim in grid.dimensions
    ]
    rows = {row.key: row for row in summary.profile}

    def row_share(key: str, label: str) -> Share:
        row = rows[key]
        return _share(summary, contract, label, label, row.counts.get(contract, 0), row.apart)

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
                only=[row_share(f"{der.id}={g}", g) for g in der.groupes],
                mixed=row_share(f"{der.id}=mixte", "mixte"),
                at_least=[row_share(f"{der.id}~{g}", g) for g in der.groupes],
            )
        else:
            indicator = row_share(der.id, der.label)
            indicators.append(indicator.model_copy(update={"id": der.id}))
    coded = summary.coded.get(contract, 0)
    empty = summary.empty.get(contract, 0)
    return ContractProfile(
        contrat=ALL_CONTRACTS if contract == ALL else contract,
        measures=coded + empty,
        categorised=coded,
        without_text=empty,
        defaults=summary.defaults.get(contract, 0),
        reviews=summary.reviews.get(contract, 0),
        dimensions=dimensions,
        level=level,
        indicators=indicators,
        themes_dimension=themes,
    )
