"""Counts and shares per contract: what the workbook's summary sheet shows.

Shares are computed over the measures that have a text (a measure without intitulé nor
description gets no category and is counted apart), per contract and over all contracts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from cloterres.engine.grid import Grid

ALL = "Ensemble"


@dataclass(frozen=True)
class CodedRecord:
    """The part of a coded measure the summary needs."""

    contrat: str
    labels: dict[str, list[str]]
    derived: dict[str, str | bool | None]
    empty: bool = False
    defaults: int = 0  # labels given by default (no clue in the text)


@dataclass(frozen=True)
class ProfileRow:
    key: str  # e.g. "niveau_synthese=individuel" or "hors_soins"
    label: str  # French
    counts: dict[str, int]


@dataclass
class Summary:
    contracts: list[str]
    coded: dict[str, int] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)
    counts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    profile: list[ProfileRow] = field(default_factory=list)
    defaults: dict[str, int] = field(default_factory=dict)  # default labels per contract

    @property
    def columns(self) -> list[str]:
        return [*self.contracts, ALL]

    def share(self, count: int, contract: str) -> float | None:
        total = self.coded.get(contract, 0)
        return count / total if total else None


def summarize(grid: Grid, records: Iterable[CodedRecord]) -> Summary:
    contracts: dict[str, None] = {}
    coded: dict[str, int] = {}
    empty: dict[str, int] = {}
    counts: dict[tuple[str, str], dict[str, int]] = {
        (d.id, c.id): {} for d in grid.dimensions for c in d.categories
    }
    profile_keys = _profile_keys(grid)
    profile_counts: dict[str, dict[str, int]] = {key: {} for key, _ in profile_keys}

    def bump(table: dict[str, int], contract: str) -> None:
        table[contract] = table.get(contract, 0) + 1
        table[ALL] = table.get(ALL, 0) + 1

    defaults: dict[str, int] = {}
    for rec in records:
        contracts.setdefault(rec.contrat, None)
        if rec.empty:
            bump(empty, rec.contrat)
            continue
        bump(coded, rec.contrat)
        if rec.defaults:
            defaults[rec.contrat] = defaults.get(rec.contrat, 0) + rec.defaults
            defaults[ALL] = defaults.get(ALL, 0) + rec.defaults
        for dim_id, cats in rec.labels.items():
            for cat in set(cats):
                pair = (dim_id, cat)
                if pair in counts:
                    bump(counts[pair], rec.contrat)
        for key, _ in profile_keys:
            if _profile_hit(grid, key, rec):
                bump(profile_counts[key], rec.contrat)

    profile = [ProfileRow(key, label, profile_counts[key]) for key, label in profile_keys]
    return Summary(list(contracts), coded, empty, counts, profile, defaults)


def _profile_keys(grid: Grid) -> list[tuple[str, str]]:
    keys: list[tuple[str, str]] = []
    for der in grid.derives:
        if der.type == "partition":
            for group in der.groupes:
                keys.append((f"{der.id}={group}", f"{der.label} : {group} seulement"))
            keys.append((f"{der.id}=mixte", f"{der.label} : mixte"))
            for group in der.groupes:
                keys.append((f"{der.id}~{group}", f"{der.label} : au moins un niveau {group}"))
        else:
            keys.append((der.id, der.label))
    return keys


def _profile_hit(grid: Grid, key: str, rec: CodedRecord) -> bool:
    if "~" in key:  # at least one label in the group
        der_id, group = key.split("~", 1)
        der = next(d for d in grid.derives if d.id == der_id)
        cats = set(der.groupes[group])
        return any(c in cats for c in rec.labels.get(der.dimension or "", []))
    if "=" in key:
        der_id, value = key.split("=", 1)
        return rec.derived.get(der_id) == value
    return rec.derived.get(key) is True
