"""Co-mention networks from coded interviews: actors named in the same unit or interview.

Input: the units written by ``cloterres coder`` (``.jsonl``, or ``.csv`` / ``.xlsx`` with
``id``, ``entretien``, ``texte``). An actor is named when its ``nom`` or one of its ``alias``
occurs as whole words, whatever the case and accents. Interviewer turns are left out.

Tie types produced (undirected, weight = count):

- ``co_mention_unite``: two actors named in the same unit (weight = number of such units);
- ``co_mention_entretien``: two actors named in the same interview (weight = number of
  interviews);
- ``mention`` (directed): when the actor table maps an interview to the actor who gave it (column
  ``entretien``), that interviewee -> each actor named in the interview (weight = number of
  units naming it).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from cloterres.engine.nlp import clean, fold
from cloterres.errors import InputError
from cloterres.io.jsonl_read import iter_json_objects
from cloterres.io.rows import RowFieldError, UnitRow
from cloterres.io.sources import SourceRef
from cloterres.network.model import Actor, Tie, TieRead
from cloterres.network.tables import iter_unit_rows

UNIT_TYPE = "co_mention_unite"
INTERVIEW_TYPE = "co_mention_entretien"
MENTION_TYPE = "mention"
_TRUE = {"true", "oui", "1", "vrai", "yes"}


class Unit(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    entretien: str
    texte: str
    source: SourceRef


_CODER_JSONL = "donnez la sortie .jsonl de « cloterres coder »"


def read_units(path: Path) -> list[Unit]:
    """Units of coded interviews (interviewer turns skipped)."""
    if path.suffix.lower() == ".jsonl":
        return _jsonl_units(path)
    units: list[Unit] = []
    for ref, row in iter_unit_rows(path):
        text = row.get("texte") or row.get("text") or ""
        if not text or fold(row.get("enqueteur", "")) in _TRUE:
            continue
        units.append(
            Unit(
                id=row.get("id") or f"{path.stem}-{ref.ligne}",
                entretien=row.get("entretien") or path.stem,
                texte=text,
                source=ref,
            )
        )
    return units


def _jsonl_units(path: Path) -> list[Unit]:
    """Units of a ``coder`` JSONL output, read through its row model."""
    units: list[Unit] = []
    for line_no, obj in iter_json_objects(path, _CODER_JSONL):
        try:
            row = UnitRow.read(
                obj, ("texte", "enqueteur", "id", "entretien"), lenient=("id", "entretien")
            )
        except RowFieldError:
            row = None
        if row is None or row.texte is None:
            raise InputError(
                f"{path}, ligne {line_no} : objet sans champ « texte » ; {_CODER_JSONL}"
            )
        if row.enqueteur:
            continue
        ref = SourceRef(fichier=str(path), ligne=line_no)
        units.append(
            Unit(
                id=row.id or f"{path.stem}-{line_no}",
                entretien=row.entretien or path.stem,
                texte=row.texte,
                source=ref,
            )
        )
    return units


def _fold_text(text: str) -> str:
    return fold(clean(text))


class NameMatcher:
    """Whole-word, case- and accent-insensitive search of actor names (longest name first)."""

    def __init__(self, actors: list[Actor]) -> None:
        self._by_name: dict[str, str] = {}
        for actor in actors:
            for name in (actor.nom, *actor.alias):
                key = " ".join(_fold_text(name).split())
                if key and key not in self._by_name:
                    self._by_name[key] = actor.id
        names = sorted(self._by_name, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<![0-9a-z])("
                + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
                + r")(?![0-9a-z])"
            )
            if names
            else None
        )

    def find(self, text: str) -> set[str]:
        if self._pattern is None:
            return set()
        found: set[str] = set()
        for match in self._pattern.finditer(_fold_text(text)):
            key = " ".join(match.group(1).split())
            found.add(self._by_name[key])
        return found


def co_mention_ties(units: list[Unit], actors: list[Actor]) -> TieRead:
    matcher = NameMatcher(actors)
    interviewee = {a.entretien: a.id for a in actors if a.entretien}
    by_unit: Counter[tuple[str, str]] = Counter()
    by_interview: dict[str, set[str]] = {}
    mentions: Counter[tuple[str, str]] = Counter()
    first_ref: dict[str, SourceRef] = {}
    for unit in units:
        named = matcher.find(unit.texte)
        first_ref.setdefault(unit.entretien, unit.source)
        by_interview.setdefault(unit.entretien, set()).update(named)
        for a, b in combinations(sorted(named), 2):
            by_unit[(a, b)] += 1
        speaker = interviewee.get(unit.entretien)
        if speaker:
            for actor in named - {speaker}:
                mentions[(speaker, actor)] += 1
    by_pair: Counter[tuple[str, str]] = Counter()
    for named in by_interview.values():
        for a, b in combinations(sorted(named), 2):
            by_pair[(a, b)] += 1
    origin = SourceRef(fichier=next(iter(first_ref.values())).fichier) if first_ref else None
    result = TieRead(kind="co_mention")
    if origin is None:
        return result
    for tie_type, counts in ((UNIT_TYPE, by_unit), (INTERVIEW_TYPE, by_pair)):
        for (a, b), count in sorted(counts.items()):
            result.ties.append(
                Tie(source=a, cible=b, type=tie_type, poids=float(count), derive=True,
                    origine=origin)
            )  # fmt: skip
    for (a, b), count in sorted(mentions.items()):
        result.ties.append(
            Tie(source=a, cible=b, type=MENTION_TYPE, poids=float(count), derive=True,
                origine=origin)
        )  # fmt: skip
    return result
