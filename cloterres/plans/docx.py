"""Read a Word action plan (.docx) into blocks: headings (by style or outline level), paragraphs,
list items (numbered or bulleted), and tables in body order.

Table cells merged horizontally are repeated over the columns they span; a cell merged vertically
repeats the text of the cell above, so a plan table whose « Axe » column is merged still gives
every row its axis.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from cloterres.errors import InputError
from cloterres.io.archive import check_docx
from cloterres.plans.blocks import BOLD_LEVEL, TITLE_LEVEL, Block, Document

if TYPE_CHECKING:  # pragma: no cover
    from docx.document import Document as DocxDocument
    from docx.styles.style import BaseStyle
    from lxml.etree import _Element

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|titre|title|überschrift)\s*(\d)$", re.I)
_TITLE_STYLES = {"title", "titre"}
_TOC_STYLE = re.compile(r"^(?:toc|tdm|table des matières)\s*\d*$", re.I)
_LIST_STYLE = re.compile(r"list|liste|puce|bullet|numérot", re.I)


def _open(path: Path):  # noqa: ANN202
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise InputError("python-docx n'est pas installé : lancez « make install »") from exc
    check_docx(path)
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(
            f"{path} : document Word illisible ({type(exc).__name__}) ; ouvrez-le dans Word ou "
            f"LibreOffice et enregistrez-le à nouveau au format .docx"
        ) from None
    except Exception as exc:  # lxml errors on a damaged document part
        raise InputError(
            f"{path} : document Word endommagé ({type(exc).__name__}) ; ouvrez-le dans Word ou "
            f"LibreOffice et enregistrez-le à nouveau au format .docx"
        ) from None


def _text(element: _Element) -> str:
    """Visible text of a paragraph element: runs, tabs, breaks (not deleted text)."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        tag = node.tag  # deleted text is w:delText, not w:t: it is left out
        if tag == f"{_W}t":
            parts.append(node.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
    return "".join(parts).replace("\xa0", " ").strip()


def _all_bold(element: _Element, styles_bold: set[str]) -> bool:
    runs = [r for r in element.iter(f"{_W}r") if "".join(t.text or "" for t in r.iter(f"{_W}t"))]
    if not runs:
        return False
    for run in runs:
        rpr = run.find(f"{_W}rPr")
        b = rpr.find(f"{_W}b") if rpr is not None else None
        if b is None:
            style = rpr.find(f"{_W}rStyle") if rpr is not None else None
            if style is None or style.get(f"{_W}val") not in styles_bold:
                return False
        elif b.get(f"{_W}val") in ("0", "false", "off"):
            return False
    return True


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        letter = chr(ord("A") + (n - 1) % 26)
        return letter if fmt == "upperLetter" else letter.lower()
    return str(n)


class _Numbering:
    """Word's automatic numbering of headings (« 1.1.1 » shown but not typed): the number a
    reader sees, computed from the document's list definitions."""

    def __init__(self, document: DocxDocument) -> None:
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId -> lvl -> def
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for node in root.iterchildren(f"{_W}abstractNum"):
            levels: dict[int, tuple[int, str, str]] = {}
            for lvl in node.iterchildren(f"{_W}lvl"):
                start = lvl.find(f"{_W}start")
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                levels[_int(lvl.get(f"{_W}ilvl"), 0)] = (
                    _int(start.get(f"{_W}val"), 1) if start is not None else 1,
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId", "")] = abstract.get(ref.get(f"{_W}val", ""), {})

    def label(self, num_id: str, ilvl: int) -> str:
        """The next number of list ``num_id`` at level ``ilvl``, as Word shows it."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        start, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def value(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            level = levels.get(k, (1, "decimal", ""))
            return _format_number(counters.get(k, level[0]), level[1])

        return re.sub(r"%(\d)", value, text).strip()


class _Styles:
    """Style id -> (name, heading level or None, list style) resolved once per document."""

    def __init__(self, document: DocxDocument) -> None:
        self.names: dict[str, str] = {}
        self.levels: dict[str, int] = {}
        self.numbered: dict[str, tuple[str, int]] = {}  # style id -> (numId, ilvl)
        self.bold_char: set[str] = set()
        for style in document.styles:
            sid = style.style_id
            name = (style.name or "").strip()
            self.names[sid] = name
            level = self._level(style)
            if level is not None:
                self.levels[sid] = level
                numbering = self._numbering(style)
                if numbering is not None:
                    self.numbered[sid] = numbering
            font = getattr(style, "font", None)
            if font is not None and style.type == 2 and font.bold:  # character style
                self.bold_char.add(sid)

    @staticmethod
    def _numbering(style: BaseStyle | None) -> tuple[str, int] | None:
        seen = 0
        while style is not None and seen < 10:
            ppr = style.element.find(f"{_W}pPr")
            numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if numpr is not None:
                num = numpr.find(f"{_W}numId")
                lvl = numpr.find(f"{_W}ilvl")
                if num is not None:
                    ilvl = _int(lvl.get(f"{_W}val"), 0) if lvl is not None else 0
                    return num.get(f"{_W}val", ""), ilvl
            style = getattr(style, "base_style", None)
            seen += 1
        return None

    @staticmethod
    def _level(style: BaseStyle | None) -> int | None:
        seen = 0
        while style is not None and seen < 10:
            name = (style.name or "").strip()
            if name.lower() in _TITLE_STYLES:
                return TITLE_LEVEL
            m = _HEADING_STYLE.match(name)
            if m:
                return int(m.group(1))
            ppr = style.element.find(f"{_W}pPr")
            outline = ppr.find(f"{_W}outlineLvl") if ppr is not None else None
            if outline is not None:
                value = int(outline.get(f"{_W}val", "9"))
                return value + 1 if value < 9 else None
            style = getattr(style, "base_style", None)
            seen += 1
        return None


def _paragraph_block(
    p: _Element,
    styles: _Styles,
    number: int,
    numbering: _Numbering | None = None,
) -> Block | None:
    text = _text(p)
    if not text:
        return None
    ppr = p.find(f"{_W}pPr")
    style_id = ""
    outline = None
    numbered = False
    ilvl = 0
    if ppr is not None:
        pstyle = ppr.find(f"{_W}pStyle")
        if pstyle is not None:
            style_id = pstyle.get(f"{_W}val", "")
        lvl = ppr.find(f"{_W}outlineLvl")
        if lvl is not None and int(lvl.get(f"{_W}val", "9")) < 9:
            outline = int(lvl.get(f"{_W}val", "9")) + 1  # present: read just above
        numpr = ppr.find(f"{_W}numPr")
        if numpr is not None:
            numbered = True
            ilvl_element = numpr.find(f"{_W}ilvl")
            ilvl = int(ilvl_element.get(f"{_W}val", "0")) if ilvl_element is not None else 0
    name = styles.names.get(style_id, style_id)
    if _TOC_STYLE.match(name):
        return Block(kind="paragraph", text=text, level=-1, paragraph=number)  # table of contents
    level = outline if outline is not None else styles.levels.get(style_id)
    if level is not None:
        if numbering is not None and level != TITLE_LEVEL:  # « 1.1.1 » shown by Word's numbering
            num = _heading_numbering(ppr, styles.numbered.get(style_id))
            label = numbering.label(*num) if num is not None else ""
            if label and not text.startswith(label):
                text = f"{label} {text}"
        return Block(kind="heading", text=text, level=level, paragraph=number)
    if numbered or _LIST_STYLE.search(name):
        return Block(kind="item", text=text, level=ilvl, paragraph=number)
    if len(text) <= 200 and _all_bold(p, styles.bold_char):
        return Block(kind="heading", text=text, level=BOLD_LEVEL, paragraph=number)
    return Block(kind="paragraph", text=text, paragraph=number)


def _heading_numbering(
    ppr: _Element | None, from_style: tuple[str, int] | None
) -> tuple[str, int] | None:
    """(numId, ilvl) of a heading: its own numbering, else its style's; numId 0 turns it off."""
    numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
    num_id, ilvl = from_style if from_style is not None else ("", 0)
    if numpr is not None:
        num = numpr.find(f"{_W}numId")
        lvl = numpr.find(f"{_W}ilvl")
        if num is not None:
            num_id = num.get(f"{_W}val", "")
        if lvl is not None:
            ilvl = _int(lvl.get(f"{_W}val"), 0)
    if not num_id or num_id == "0":
        return None
    return num_id, ilvl


def _table_rows(tbl: _Element) -> tuple[tuple[str, ...], ...]:
    rows: list[list[str]] = []
    for tr in tbl.iter(f"{_W}tr"):
        if tr.getparent() is None or tr.getparent() is not tbl:
            continue  # rows of a nested table
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            tcpr = tc.find(f"{_W}tcPr")
            span, continued = 1, False
            if tcpr is not None:
                grid = tcpr.find(f"{_W}gridSpan")
                if grid is not None:
                    span = max(1, int(grid.get(f"{_W}val", "1")))
                vmerge = tcpr.find(f"{_W}vMerge")
                if vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue":
                    continued = True
            col = len(cells)
            if continued and rows and col < len(rows[-1]):
                text = rows[-1][col]
            else:
                paragraphs = [_text(p) for p in tc.iterchildren(f"{_W}p")]
                text = "\n".join(t for t in paragraphs if t)
            cells.extend([text] * span)
        rows.append(cells)
    width = max((len(r) for r in rows), default=0)
    return tuple(tuple(r + [""] * (width - len(r))) for r in rows)


def read_docx(path: Path) -> Document:
    """The blocks of a Word document, in body order."""
    document = _open(path)
    try:
        styles = _Styles(document)
        numbering = _Numbering(document)
        body = document.element.body
        doc = Document(path=str(path), format="Word (.docx)")
        doc.title = (document.core_properties.title or "").strip()
        n_par = n_tab = 0
        for child in body.iterchildren():
            if child.tag == f"{_W}p":
                n_par += 1
                block = _paragraph_block(child, styles, n_par, numbering)
                if block is not None:
                    doc.blocks.append(block)
            elif child.tag == f"{_W}tbl":
                n_tab += 1
                rows = _table_rows(child)
                if rows:
                    doc.blocks.append(Block(kind="table", rows=rows, table=n_tab))
            elif child.tag == f"{_W}sdt":  # content control (often a table of contents)
                for p in child.iter(f"{_W}p"):
                    n_par += 1
                    text = _text(p)
                    if text:
                        doc.blocks.append(
                            Block(kind="paragraph", text=text, level=-1, paragraph=n_par)
                        )
    except InputError:
        raise
    except Exception as exc:  # a damaged part discovered while reading
        raise InputError(
            f"{path} : document Word endommagé ({type(exc).__name__}) ; ouvrez-le dans Word ou "
            f"LibreOffice et enregistrez-le à nouveau au format .docx"
        ) from None
    doc.paragraphs, doc.tables = n_par, n_tab
    return doc
