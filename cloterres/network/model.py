"""Records of the network front end: actors, reported ties, and how a tie was kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from cloterres.io.sources import SourceRef


class Actor(BaseModel):
    """One actor (a club, a health professional, a service...) with its attributes."""

    model_config = ConfigDict(frozen=True)

    id: str
    nom: str
    attributs: dict[str, str] = Field(default_factory=dict)  # original header -> value
    alias: tuple[str, ...] = ()  # other names, for co-mentions in interviews
    entretien: str = ""  # id of the interview this actor gave, if any
    source: SourceRef


class Tie(BaseModel):
    """A tie as read: reported by ``source`` about ``cible`` (roster, table) or derived
    (co-mentions, already symmetric)."""

    model_config = ConfigDict(frozen=True)

    source: str  # actor id
    cible: str  # actor id
    type: str  # tie type id (ascii snake_case)
    libelle: str = ""  # the tie type as written in the input (« Échange d'information »)
    poids: float = 1.0
    derive: bool = False  # derived tie (co-mention): not a report, never symmetrised away
    origine: SourceRef


class TieStatus(BaseModel):
    """What became of a tie of a layer after symmetrisation (one row of the « Liens » sheet)."""

    model_config = ConfigDict(frozen=True)

    type: str
    source: str
    cible: str
    poids: float
    statut: str  # French: réciproque, un seul côté..., orienté, dérivé
    retenu: bool


class ReadWarning(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: SourceRef
    message: str

    def describe(self) -> str:
        return f"{self.source.describe()} : {self.message}"


@dataclass
class TieRead:
    ties: list[Tie] = field(default_factory=list)
    respondents: set[str] = field(default_factory=set)  # survey respondents (any type)
    warnings: list[ReadWarning] = field(default_factory=list)
    kind: str = ""  # table, enquete, co_mention
