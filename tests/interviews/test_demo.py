"""The demo interviews: every transcript format reads into the turns its authors marked."""

from __future__ import annotations

import json
import re

import pytest

from cloterres.interviews.segmentation import segment
from cloterres.interviews.transcripts import read_transcript
from tests.conftest import DEMO

FOLDER = DEMO / "entretiens"
TRANSCRIPTS = sorted(p for p in FOLDER.glob("E*") if p.suffix in (".txt", ".md", ".docx"))
VARIABLES = {"territoire", "region", "date", "enqueteur", "type_acteur", "role", "milieu"}


def normalise(text: str) -> str:
    text = re.sub(r"\[\d{1,2}:\d{2}(?::\d{2})?\]", " ", text).replace("*", "")
    return " ".join(text.replace("\u2019", "'").split())


@pytest.fixture(scope="module")
def interviews(nlp):
    return {p.name: read_transcript(p) for p in TRANSCRIPTS}


def test_eight_transcripts_in_every_format(interviews):
    assert len(TRANSCRIPTS) >= 8
    assert {p.suffix for p in TRANSCRIPTS} == {".txt", ".md", ".docx"}
    for name, interview in interviews.items():
        assert 1500 <= len(interview.text.split()) <= 4500, name
        assert set(interview.variables) >= VARIABLES, name
        assert not interview.warnings, name
        speakers = {(t.speaker, t.interviewer) for t in interview.turns}
        assert len(speakers) == 2 and {i for _s, i in speakers} == {True, False}, (name, speakers)
        assert [t.interviewer for t in interview.turns[:2]] == [True, False], name


def test_reference_turns_are_found(interviews):
    by_id = {i.id: i for i in interviews.values()}
    lines = (FOLDER / "reference" / "codes-tours.jsonl").read_text(encoding="utf-8").splitlines()
    refs = [json.loads(line) for line in lines]
    assert len(refs) >= 100
    for ref in refs:
        interview = by_id[ref["entretien"]]
        turn = interview.turns[ref["tour"] - 1]
        assert turn.number == ref["tour"] and not turn.interviewer, ref
        said = normalise(interview.text[turn.start : turn.end])
        assert said.startswith(normalise(ref["debut"])[:40]), (ref, said[:60])
    respondent_turns = sum(1 for i in interviews.values() for t in i.turns if not t.interviewer)
    assert respondent_turns == len(refs)


@pytest.mark.parametrize("kind", ["phrase", "tour", "paragraphe", "ligne"])
def test_units_select_their_text_and_lines(interviews, kind):
    for interview in interviews.values():
        units = segment(interview, kind)
        lines = interview.text.split("\n")
        assert units
        for u in units:
            assert interview.text[u.start : u.end] == u.text
            assert u.text.split("\n")[0] in lines[u.line_start - 1]
            assert u.line_end == interview.text[: u.end].count("\n") + 1
