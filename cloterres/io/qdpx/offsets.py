"""Character positions of other tools: how a REFI-QDA project counts the characters of a text.

The standard counts positions in Unicode code points of the source text (Python ``str``
indices). Tools disagree on whether a CRLF line break counts as one or two characters (and NVivo
counts characters outside the BMP as two UTF-16 units). Every reading that keeps all selections
inside the text is scored (the selection name, when it repeats the coded text, then word
boundaries); the raw code-point reading of the standard wins ties.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_CRLF = re.compile("\r\n")
_LONE_LF = re.compile("(?<!\r)\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ELLIPSIS = re.compile(r"(\.\.\.|…)$")
_WHITESPACE = re.compile(r"\s+")


@dataclass
class Span:
    """A selection as written in a project (positions as its tool counts them)."""

    start: int
    end: int
    code: str
    coder: str
    name: str  # the selection's name (often the beginning of the coded text)


def tool_position(widths: Sequence[tuple[int, int]], index: int) -> int:
    """A str index as a tool counts it, ``widths`` being the (index, width) of the characters
    it does not count as one (see :func:`map_spans`)."""
    return index + sum(w - 1 for i, w in widths if i < index)


def _conventions(text: str) -> list[list[tuple[int, int]]]:
    """Ways of counting ``text`` other tools use, as sorted (index, width) of the characters
    that do not count one; the raw code-point count (the standard) comes first."""
    line_breaks: list[list[tuple[int, int]]] = [[]]
    crlf = [(m.start(), 0) for m in _CRLF.finditer(text)]  # CRLF counted as one
    if crlf:
        line_breaks.append(crlf)
    lone_lf = [(m.start(), 2) for m in _LONE_LF.finditer(text)]  # LF counted as CRLF
    if lone_lf:
        line_breaks.append(lone_lf)
    astral = [(m.start(), 2) for m in _ASTRAL.finditer(text)]  # UTF-16 code units
    result = list(line_breaks)
    if astral:
        result += [sorted(widths + astral) for widths in line_breaks]
    return result


def _to_indices(
    length: int, widths: list[tuple[int, int]], targets: Iterable[int]
) -> dict[int, int | None]:
    """Map positions counted with ``widths`` to str indices (None: inside a character or past
    the end). Positions on a zero-width character map to the index before it."""
    result: dict[int, int | None] = {}
    k, index, count = 0, 0, 0  # count = position of str index ``index``
    for target in sorted(set(targets)):
        while True:
            if target < count:
                result[target] = None
                break
            if k == len(widths) or target <= count + (widths[k][0] - index):
                found = index + (target - count)
                result[target] = found if found <= length else None
                break
            special, width = widths[k]
            count += special - index + width
            index = special + 1
            k += 1
    return result


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _name_hits(name: str, text: str, start: int, end: int) -> tuple[int, int, int]:
    """Does the selection name repeat the beginning of the selected text: as is (ellipsis
    dropped), with whitespace runs as one space, with whitespace collapsed and trimmed?"""
    exact = _ELLIPSIS.sub("", name)
    if len(exact.strip()) < 3:
        return 0, 0, 0
    if text.startswith(exact, start) and end - start >= len(exact):
        return 1, 1, 1
    head = text[start : min(end, start + 4 * len(exact) + 64)]
    runs = _WHITESPACE.sub(" ", head).startswith(_WHITESPACE.sub(" ", exact))
    trimmed = _collapse(head).startswith(_collapse(exact))
    return 0, int(runs), int(trimmed)


def _boundary(text: str, i: int) -> bool:
    return i in (0, len(text)) or text[i - 1].isalnum() != text[i].isalnum()


def _splits_crlf(text: str, i: int) -> bool:
    return 0 < i < len(text) and text[i - 1] == "\r" and text[i] == "\n"


def map_spans(
    text: str,
    spans: Sequence[Span],
    *,
    guess: bool = True,
    chosen: list[list[tuple[int, int]]] | None = None,
) -> list[tuple[int, int]] | None:
    """Selections as str indices into ``text``, read with the best fitting convention (only
    the raw code-point reading when ``guess`` is false); None when no reading fits the text.

    Readings are compared on selection names that repeat the text (exactly, then with looser
    whitespace), then on word boundaries (a CRLF split in two counts against); the first
    reading (the standard's) wins ties."""
    if not spans:
        return []
    targets = {s.start for s in spans} | {s.end for s in spans}
    best: tuple[tuple[int, ...], list[tuple[int, int]]] | None = None
    for widths in _conventions(text) if guess else [[]]:
        mapping = _to_indices(len(text), widths, targets)
        mapped: list[tuple[int, int]] = []
        for span in spans:
            start, end = mapping[span.start], mapping[span.end]
            if start is None or end is None:
                break  # this selection falls outside the text or inside a character
            mapped.append((start, end))
        else:
            hits = [0, 0, 0]
            edges = 0
            for (start, end), span in zip(mapped, spans, strict=True):
                for level, hit in enumerate(_name_hits(span.name, text, start, end)):
                    hits[level] += hit
                edges += _boundary(text, start) + _boundary(text, end)
                edges -= 2 * (_splits_crlf(text, start) + _splits_crlf(text, end))
            score = (*hits, edges)
            if best is None or score > best[0]:
                best = (score, mapped)
                if chosen is not None:
                    chosen[:] = [widths]
    return best[1] if best is not None else None
