"""A document as the extractor sees it: a sequence of blocks with where each came from.

Every reader (Word, PDF, text) turns its file into a ``Document``; ``extraction`` turns the blocks
into axes, objectives and measures, whatever the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "table"]

# Heading levels: 0 is the document title, 1.. are Heading 1.., BOLD_LEVEL a bold line without
# heading style (deeper than any real heading).
TITLE_LEVEL = 0
BOLD_LEVEL = 9


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    text: str = ""
    level: int = 0  # heading level; nesting level of a list item
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells, row by row (merged cells repeated)
    page: int | None = None  # PDF page (from 1)
    paragraph: int | None = None  # Word body paragraph (from 1)
    line: int | None = None  # text file line (from 1)
    table: int | None = None  # table number in the document (from 1)
    first_row: int = 1  # number of the table's first row (a table continued from a page)


@dataclass
class Document:
    """What a reader found in one file."""

    path: str
    format: str  # French, for the import report: « Word (.docx) », « PDF », « texte »
    blocks: list[Block] = field(default_factory=list)
    title: str = ""  # from the file's metadata or title style, if any
    pages: int | None = None
    paragraphs: int = 0
    tables: int = 0
    notes: list[str] = field(default_factory=list)  # remarks for the import report
