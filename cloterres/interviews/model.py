"""Records of the interview front end: transcripts, speaker turns, coding units."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from cloterres.units import SourceRef

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
