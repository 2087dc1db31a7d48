"""Cut an interview into coding units that keep exact offsets and line numbers."""

from __future__ import annotations

import re
from bisect import bisect_left

from cloterres.engine.nlp import sentence_spans
from cloterres.errors import InputError
from cloterres.interviews.model import Interview, Segment

UNITS = {
    "phrase": "phrase",
    "sentence": "phrase",
    "tour": "tour",
    "turn": "tour",
    "paragraphe": "paragraphe",
    "paragraph": "paragraphe",
    "ligne": "ligne",
    "line": "ligne",
}
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
# Timestamps left out of units: bracketed [00:12:31] (00:12) {00:12}, or bare h:mm:ss (NVivo).
_TIMESTAMP = re.compile(
    r"(?:[\[({]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])}]"
    r"|\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?(?=\s))[ \t]*"
)


def unit_kind(name: str) -> str:
    kind = UNITS.get(name.lower())
    if kind is None:
        raise InputError(
            f"unité de codage « {name} » inconnue ; choisissez phrase, tour, paragraphe ou ligne"
        )
    return kind


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while True:
        ts = _TIMESTAMP.match(text, start, end)
        if ts:
            start = ts.end()
        while start < end and text[start].isspace():
            start += 1
        if not (ts or _TIMESTAMP.match(text, start, end)):
            break
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pieces(text: str, start: int, end: int, kind: str) -> list[tuple[int, int]]:
    if kind == "tour":
        return [(start, end)]
    if kind == "ligne":
        out, pos = [], start
        for m in re.finditer(r"\n", text[start:end]):
            out.append((pos, start + m.start()))
            pos = start + m.end()
        out.append((pos, end))
        return out
    blocks, pos = [], start
    for m in _BLANK_LINE.finditer(text, start, end):
        blocks.append((pos, m.start()))
        pos = m.end()
    blocks.append((pos, end))
    if kind == "paragraphe":
        return blocks
    out = []
    for b_start, b_end in blocks:
        carried: int | None = None
        for s, e in sentence_spans(text[b_start:b_end]):
            s, e = b_start + s, b_start + e
            if carried is not None and carried < s:  # an opening bracket moved to this sentence
                s = carried
            carried = None
            while e > s and text[e - 1] in '[(«"' and e < b_end:
                e -= 1  # "... oui. [Personne 4] ...": the bracket opens the next sentence
                carried = e
            out.append((s, e))
    return out


def segment(interview: Interview, kind: str) -> list[Segment]:
    """Units of every turn (interviewer turns included, flagged), in text order."""
    text = interview.text
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect_left(newlines, offset) + 1

    segments: list[Segment] = []
    for turn in interview.turns:
        for piece_start, piece_end in _pieces(text, turn.start, turn.end, kind):
            start, end = _trim(text, piece_start, piece_end)
            if end <= start:
                continue
            segments.append(
                Segment(
                    id=f"{interview.id}-{len(segments) + 1:04d}",
                    interview=interview.id,
                    speaker=turn.speaker,
                    interviewer=turn.interviewer,
                    turn=turn.number,
                    start=start,
                    end=end,
                    line_start=line_of(start),
                    line_end=line_of(end - 1),
                    text=text[start:end],
                    variables=interview.variables,
                    source=interview.source.model_copy(update={"ligne": line_of(start)}),
                )
            )
    return segments
