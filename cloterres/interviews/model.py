"""Records of the interview front end: transcripts, speaker turns, coding units."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from cloterres.engine.coding import CodingResult
from cloterres.io.sources import SourceRef

# Case variables of an interview (interview-grid.md), with their French column headers.
CASE_VARIABLES: dict[str, str] = {
    "territoire": "Territoire / CLS",
    "region": "Région",
    "date": "Date",
    "enqueteur": "Enquêteur",
    "type_acteur": "Type d'acteur",
    "role": "Rôle dans le CLS",
    "milieu": "Milieu",
}
# Header of the units sheets' column that says whether a turn is the interviewer's (oui / non);
# the case variable « Enquêteur » is the interviewer's name. Workbooks written before 2026-12
# headed both « Enquêteur »: readers accept that too.
INTERVIEWER_TURN = "Tour de l'enquêteur"
# Every case variable a transcript's metadata may give, by the name a person reads (the case
# variables of a .qdpx as NVivo or QualCoder show them).
VARIABLE_NAMES: dict[str, str] = {
    **CASE_VARIABLES,
    "structure": "Structure",
    "fonction": "Fonction",
    "duree": "Durée",
    "lieu": "Lieu",
    "repondant": "Répondant",
}


def variable_name(key: str) -> str:
    """The French name of a case variable (``type_acteur`` -> « Type d'acteur »); an unknown
    one in words (``niveau_etude`` -> « Niveau etude »)."""
    if key in VARIABLE_NAMES:
        return VARIABLE_NAMES[key]
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else key


class Turn(BaseModel):
    """A speaker turn: its label and the span of what was said (after the label)."""

    model_config = ConfigDict(frozen=True)

    number: int  # 1-based, every turn counted (interviewer's too)
    speaker: str
    interviewer: bool
    start: int
    end: int


class Interview(BaseModel):
    """A transcript as read: ``text`` is what every offset refers to (and what exports contain)."""

    id: str
    name: str
    text: str
    variables: dict[str, str] = Field(default_factory=dict)
    turns: list[Turn] = Field(default_factory=list)
    source: SourceRef
    warnings: list[str] = Field(default_factory=list)


class Segment(BaseModel):
    """A coding unit: a sentence, a speaker turn, a paragraph or a line of an interview, or a row
    of a spreadsheet of pre-segmented units."""

    model_config = ConfigDict(frozen=True)

    id: str
    interview: str
    speaker: str = ""
    interviewer: bool = False
    turn: int | None = None
    start: int = 0  # offsets into the interview's text
    end: int = 0
    line_start: int | None = None  # 1-based line numbers in the interview's text
    line_end: int | None = None
    text: str
    variables: dict[str, str] = Field(default_factory=dict)
    source: SourceRef


@dataclass(frozen=True)
class CodedUnit:
    segment: Segment
    result: CodingResult | None  # None: not coded (interviewer turn)
    imported: dict[str, list[str]] = field(default_factory=dict)  # coder -> codes from a .qdpx

    def codes(self) -> list[str]:
        if self.result is None:
            return []
        return [f"{dim}.{d.category}" for dim, decs in self.result.labels.items() for d in decs]
