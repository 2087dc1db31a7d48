"""Read a plain-text or Markdown action plan (.txt, .md) into blocks.

Markdown headings (``#``, ``##``, underlined titles) are headings; ``-``, ``*``, ``•`` and
``1.`` lines are list items; ``| a | b |`` lines make a table; every other non-empty line is a
paragraph of its own (plans written as text put one field per line).
"""

from __future__ import annotations

import re
from pathlib import Path

from cloterres.errors import InputError
from cloterres.io.text import read_text
from cloterres.plans.blocks import Block, Document

# Every pattern here runs in linear time on any line: no two neighbouring parts can match the
# same characters (possessive quantifiers where they could), and the ATX heading and the table
# rule are parsed without a regex (tests/bench/bench_hostile_lines.py feeds 1 MB lines).
_ATX_OPEN = re.compile(r"\s{0,3}+(#{1,6})(?=\s)")
_SETEXT = re.compile(r"^\s{0,3}+(?:=++|-++)\s*+$")
_ITEM = re.compile(r"^(\s*+)(?:[-*•·▪◦–]|\d{1,2}[.)])\s++(\S.*)$")
_TABLE_ROW = re.compile(r"^\s*+\|.*\|\s*$")
_RULE_CELL = re.compile(r":?-{2,}+:?")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _atx(line: str) -> tuple[int, str] | None:
    """``(level, title)`` of a Markdown ``## Titre ##`` heading line, or None."""
    m = _ATX_OPEN.match(line)
    if not m:
        return None
    title = line[m.end() :].strip()
    if title.endswith("#"):  # the optional closing sequence
        title = title.rstrip("#").rstrip()
    return len(m.group(1)), title


def _is_table_rule(line: str) -> bool:
    """``|---|:--:|`` : the line under a Markdown table header."""
    inner = line.strip()
    inner = inner.removeprefix("|").removesuffix("|")
    cells = inner.split("|")
    return all(_RULE_CELL.fullmatch(cell.strip()) for cell in cells)


def _plain(text: str) -> str:
    return _EMPHASIS.sub(r"\2", text).strip()


def read_text_plan(path: Path) -> Document:
    text = read_text(path)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise InputError(f"{path} : document vide ; il ne contient aucun texte")
    doc = Document(
        path=str(path), format="texte (.md)" if path.suffix.lower() == ".md" else "texte"
    )
    blocks = doc.blocks
    table: list[tuple[str, ...]] = []
    table_line = 0
    n_tables = n_par = 0

    def flush_table() -> None:
        nonlocal table, n_tables
        if table:
            n_tables += 1
            width = max(len(r) for r in table)
            rows = tuple(r + ("",) * (width - len(r)) for r in table)
            blocks.append(Block(kind="table", rows=rows, table=n_tables, line=table_line))
            table = []

    for index, raw in enumerate(lines):
        number = index + 1
        line = raw.rstrip()
        if _TABLE_ROW.match(line):
            if not table:
                table_line = number
            if not _is_table_rule(line):
                cells = line.strip().strip("|").split("|")
                table.append(tuple(_plain(c).replace("<br>", "\n") for c in cells))
            continue
        flush_table()
        if not line.strip():
            continue
        nxt = lines[index + 1] if index + 1 < len(lines) else ""
        atx = _atx(line)
        if atx:
            blocks.append(Block(kind="heading", text=_plain(atx[1]), level=atx[0], line=number))
            continue
        if _SETEXT.match(line):
            continue  # the underline of the previous heading
        if _SETEXT.match(nxt) and nxt.strip() and len(line) <= 200 and not _ITEM.match(line):
            level = 1 if nxt.strip().startswith("=") else 2
            blocks.append(Block(kind="heading", text=_plain(line), level=level, line=number))
            continue
        item = _ITEM.match(line)
        if item:
            depth = len(item.group(1).expandtabs(4)) // 2
            blocks.append(Block(kind="item", text=_plain(item.group(2)), level=depth, line=number))
            continue
        n_par += 1
        blocks.append(Block(kind="paragraph", text=_plain(line), line=number))
    flush_table()
    doc.paragraphs, doc.tables = n_par, n_tables
    return doc
