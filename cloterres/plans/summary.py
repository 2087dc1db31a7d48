"""Counts and shares per contract: what the workbook's summary sheet shows.

Shares are computed over the measures that have a text (a measure without intitulé nor
description gets no category and is counted apart), per contract and over all contracts.

Only sure labels count in the shares: a label given by default (no clue in the text) or with a
confidence under the review threshold (« à vérifier ») is counted apart, in ``apart``, never in
``counts``. A label a person reviewed is sure. An indicator derived from labels (level,
non-care determinants...) is sure for a measure when the sure labels alone give it; otherwise
it is counted apart, as « par défaut » when a default label of its dimension made it, else as
« à vérifier ».
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloterres.engine.grid import Grid

ALL = "Ensemble"
FLAG_DEFAULT = "defaut"  # a label given by default (no clue in the text)
FLAG_REVIEW = "a_verifier"  # a label whose confidence is under the review threshold
FLAGS = (FLAG_DEFAULT, FLAG_REVIEW)


def decision_flag(why: Mapping[str, Any]) -> str | None:
    """The flag of one recorded decision (a JSONL ``decisions`` entry or the study's evidence:
    ``origine``, ``a_verifier``): given by default, to check, or None for a sure label."""
    if why.get("origine") == "defaut":
        return FLAG_DEFAULT
    if why.get("a_verifier"):
        return FLAG_REVIEW
    return None


@dataclass(frozen=True)
class CodedRecord:
    """The part of a coded measure the summary needs."""

    contrat: str
    labels: dict[str, list[str]]
    derived: dict[str, str | bool | None]
    empty: bool = False
    # "dim.cat" -> FLAG_DEFAULT or FLAG_REVIEW for the labels that are not sure
    flags: dict[str, str] = field(default_factory=dict)

    @property
    def defaults(self) -> int:
        """Labels given by default (no clue in the text)."""
        return sum(f == FLAG_DEFAULT for f in self.flags.values())

    @property
    def reviews(self) -> int:
        """Labels of low confidence (« à vérifier »), defaults aside."""
        return sum(f == FLAG_REVIEW for f in self.flags.values())

    def sure_labels(self) -> dict[str, list[str]]:
        return {
            dim: [c for c in cats if f"{dim}.{c}" not in self.flags]
            for dim, cats in self.labels.items()
        }


@dataclass(frozen=True)
class ProfileRow:
    key: str  # e.g. "niveau_synthese=individuel" or "hors_soins"
    label: str  # French
    counts: dict[str, int]  # sure
    apart: dict[str, dict[str, int]] = field(default_factory=dict)  # flag -> contract -> n


@dataclass
class Summary:
    contracts: list[str]
    coded: dict[str, int] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)
    counts: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # sure labels
    profile: list[ProfileRow] = field(default_factory=list)
    defaults: dict[str, int] = field(default_factory=dict)  # default labels per contract
    reviews: dict[str, int] = field(default_factory=dict)  # low-confidence labels per contract
    # (dim, cat) -> flag -> contract -> labels not counted in ``counts``
    apart: dict[tuple[str, str], dict[str, dict[str, int]]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [*self.contracts, ALL]

    def share(self, count: int, contract: str) -> float | None:
        total = self.coded.get(contract, 0)
        return count / total if total else None

    def apart_count(self, key: tuple[str, str], flag: str, contract: str) -> int:
        return self.apart.get(key, {}).get(flag, {}).get(contract, 0)


def summarize(grid: Grid, records: Iterable[CodedRecord]) -> Summary:
    contracts: dict[str, None] = {}
    coded: dict[str, int] = {}
    empty: dict[str, int] = {}
    counts: dict[tuple[str, str], dict[str, int]] = {
        (d.id, c.id): {} for d in grid.dimensions for c in d.categories
    }
    apart: dict[tuple[str, str], dict[str, dict[str, int]]] = {
        key: {flag: {} for flag in FLAGS} for key in counts
    }
    profile_keys = _profile_keys(grid)
    profile_counts: dict[str, dict[str, int]] = {key: {} for key, _ in profile_keys}
    profile_apart: dict[str, dict[str, dict[str, int]]] = {
        key: {flag: {} for flag in FLAGS} for key, _ in profile_keys
    }

    def bump(table: dict[str, int], contract: str) -> None:
        table[contract] = table.get(contract, 0) + 1
        table[ALL] = table.get(ALL, 0) + 1

    defaults: dict[str, int] = {}
    reviews: dict[str, int] = {}
    for rec in records:
        contracts.setdefault(rec.contrat, None)
        if rec.empty:
            bump(empty, rec.contrat)
            continue
        bump(coded, rec.contrat)
        for table, n in ((defaults, rec.defaults), (reviews, rec.reviews)):
            if n:
                table[rec.contrat] = table.get(rec.contrat, 0) + n
                table[ALL] = table.get(ALL, 0) + n
        for dim_id, cats in rec.labels.items():
            for cat in dict.fromkeys(cats):
                pair = (dim_id, cat)
                if pair not in counts:
                    continue
                flag = rec.flags.get(f"{dim_id}.{cat}")
                bump(counts[pair] if flag is None else apart[pair][flag], rec.contrat)
        sure = _sure_record(grid, rec) if rec.flags else rec
        for key, _ in profile_keys:
            if not _profile_hit(grid, key, rec):
                continue
            if sure is rec or _profile_hit(grid, key, sure):
                bump(profile_counts[key], rec.contrat)
            else:
                bump(profile_apart[key][_flag_of(grid, key, rec)], rec.contrat)

    profile = [
        ProfileRow(key, label, profile_counts[key], profile_apart[key])
        for key, label in profile_keys
    ]
    return Summary(list(contracts), coded, empty, counts, profile, defaults, reviews, apart)


def _sure_record(grid: Grid, rec: CodedRecord) -> CodedRecord:
    """The record with its sure labels only, and the derived attributes they give (those that
    need the text are kept as they are)."""
    labels = rec.sure_labels()
    derived = dict(rec.derived)
    for der in grid.derives:
        if der.type != "termes":
            derived[der.id] = der.from_labels(labels.get(der.dimension or "", []))
    return CodedRecord(rec.contrat, labels, derived, rec.empty)


def _flag_of(grid: Grid, key: str, rec: CodedRecord) -> str:
    """Why an indicator a measure has is not sure: a default label of its dimension, else a
    label to check."""
    der_id = key.split("~", 1)[0].split("=", 1)[0]
    der = next((d for d in grid.derives if d.id == der_id), None)
    dim = der.dimension if der is not None else None
    for cat in rec.labels.get(dim or "", []):
        if rec.flags.get(f"{dim}.{cat}") == FLAG_DEFAULT:
            return FLAG_DEFAULT
    return FLAG_REVIEW


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
