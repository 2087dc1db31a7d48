"""Read a text PDF action plan into blocks (pdfminer for the text, pdfplumber's table finder).

- Ruled tables are found on each page and read cell by cell: a line that the cell's width
  wrapped is joined with a space, a line the writer started (its first word would have fitted
  above, or a bullet) is a new line; a word too long for the cell and broken without a hyphen is
  joined back.
- The rest of the text is grouped into lines, in reading order: text set in columns (a preamble
  in two columns, fields side by side) is read column by column, and a form whose rows are
  « label    value » gives « label : value » lines. Lines are then grouped into paragraphs by
  vertical gaps, bullets (Symbol-font ones included) and « Libellé : » starts; inside a
  paragraph, a line the writer started keeps its line break. Lines in a larger font than the
  body text are headings (level by size); a short line entirely in bold is a heading of the
  lowest level.
- Lines repeated at the same height at the top or bottom of most pages (running headers,
  footers, page numbers) are dropped, and counted in the import report.

Speed: characters are recorded as pdfminer draws them (no layout objects), the table finder only
runs on pages with enough ruling lines, and documents of ``PARALLEL_FROM`` pages or more are read
by page ranges in worker processes (fork), the pages merged back in order; the page-by-page
analysis is the same in both paths, so they give the same blocks.

A PDF without a text layer (a scan), protected by a password, or damaged is refused with a
French message saying what to do.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, cast

from cloterres.errors import InputError
from cloterres.plans import pdf_limits
from cloterres.plans.blocks import BOLD_LEVEL, Block, Document
from cloterres.plans.fields import field_of, split_label
from cloterres.plans.pdf_limits import PdfBombError

# Bullets, including the private-use code points Word's Symbol and Wingdings fonts draw them with
# (U+F0B7, U+F0A7, U+F0D8...), which PDF text layers keep as they are.
_BULLET = re.compile(r"^\s*(?:[\uf000-\uf0ff]\s*|(?:[•·▪◦●■□–-]|\d{1,2}[.)])\s+)")
_DIGITS = re.compile(r"\d+")
# Items separated inline in a cell: « A / B », « A ; B » (a line may end or start with one).
_INLINE_SEPARATOR = re.compile(r"(?:^|\s)/(?:\s|$)|;")
# Short words that start a wrapped line (« Communauté » / « de communes »), unlike the end of a
# word broken without a hyphen (« départem » / « ent »).
_SMALL_WORDS = frozenset(
    [
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "d",
        "et",
        "à",
        "au",
        "aux",
        "en",
        "un",
        "une",
        "par",
        "sur",
        "ou",
        "pour",
        "sa",
        "son",
        "ses",
        "a",
        "y",
    ]
)
# The start of a fiche, an axis or an objective is never a running header, even at the same
# place on every page.
_STRUCTURE = re.compile(r"^\s*(?:fiches?|actions?|mesures?|axes?|objectifs?|orientations?)\b", re.I)
# A line that starts with an article goes on from the line above (« Groupe d'entraide » / « Le
# Phare »), as does one that follows a line ending like this (« Centre hospitalier de » /
# « Bellerive »).
_ARTICLE_START = re.compile(r"^(?:le|la|les|l[’']|du|des|de|d[’'])(?:\s|(?<=[’']))", re.I)
# A line that ends like this goes on in the next one (« Centre hospitalier de » / « Bellerive »).
_CONTINUED = re.compile(
    r"(?:\b(?:de|du|des|d'|la|le|les|l'|et|à|au|aux|en|pour|sur|par|avec|un|une)|[-,/’'(&+])$",
    re.I,
)

PARALLEL_FROM = 16  # pages; below this, forking workers costs more than it saves
_MAX_WORKERS = 8

_Rows = tuple[tuple[str, ...], ...]


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    size: float
    bold: bool
    x0: float = 0.0
    x1: float = 0.0
    lead: float = 0.0  # width of the first word (does it fit at the end of the line above?)
    chars: list[_Char] | None = None  # a table cell's line keeps its characters (word spacing)


class _Char:
    """A drawn character, in page coordinates measured from the top (like pdfplumber's)."""

    __slots__ = ("bold", "bottom", "cx", "cy", "size", "text", "top", "x0", "x1")

    def __init__(
        self, text: str, size: float, x0: float, x1: float, top: float, bottom: float, bold: bool
    ) -> None:
        self.text = text
        self.size = size
        self.x0 = x0
        self.x1 = x1
        self.top = top
        self.bottom = bottom
        self.bold = bold
        self.cx = (x0 + x1) / 2
        self.cy = (top + bottom) / 2


@dataclass
class _PageResult:
    """What one page gave: its text lines outside tables, its tables (top, rows), its images."""

    number: int
    lines: list[_Line] = field(default_factory=list)
    tables: list[tuple[float, _Rows]] = field(default_factory=list)
    images: int = 0


def check_pdf(path: Path) -> None:
    """The signature check a PDF passes before it is parsed (cheap: run on every input before
    the language model loads); raises InputError."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head.strip():
        raise InputError(f"{path} : fichier PDF vide ; demandez une nouvelle copie du document")
    if b"%PDF" not in head:
        raise InputError(
            f"{path} : ce n'est pas un fichier PDF (signature %PDF absente) ; vérifiez le fichier "
            f"ou son extension"
        )


def _bomb(path: Path, exc: PdfBombError) -> InputError:
    return InputError(
        f"{path} : PDF refusé : {exc.what} (bombe de décompression ?) ; ouvrez-le dans un "
        f"lecteur PDF et enregistrez-en une copie, ou demandez le document Word"
    )


def _failure(path: Path, exc: Exception) -> InputError:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
    name = type(inner).__name__
    if "Password" in name or "Encrypt" in name or "password" in str(inner).lower():
        return InputError(
            f"{path} : PDF protégé par un mot de passe ; ouvrez-le avec son mot de passe et "
            f"enregistrez une copie sans protection (Fichier > Imprimer > Enregistrer au format "
            f"PDF), puis relancez sur cette copie"
        )
    return InputError(
        f"{path} : PDF illisible ou endommagé ({name}) ; ouvrez-le dans un lecteur PDF et "
        f"enregistrez-en une nouvelle copie, ou demandez le document Word"
    )


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(k in name for k in ("bold", "black", "heavy", "semibold", ",b")) or name.endswith(
        "-b"
    )


class _Page:
    """What pdfplumber's table finder needs of a page: edges and bbox (pdfplumber's own page
    objects cost three times more to build than what is read here)."""

    def __init__(self, number: int, width: float, height: float) -> None:
        self.page_number = number
        self.bbox = (0.0, 0.0, width, height)
        self.chars: list[_Char] = []
        self.graphics: list[dict] = []
        self.images = 0

    @property
    def edges(self) -> list[dict]:
        from pdfplumber.utils import obj_to_edges

        return [edge for obj in self.graphics for edge in obj_to_edges(obj)]


class _GlyphRecording:
    """The parts of the recording device that are not on its hot path (mixed into the pdfminer
    device by :func:`_recorder_class`): each font's boldness, descent and glyphs looked up once,
    and the characters of vertical fonts."""

    chars: list[_Char]
    _height: float
    _fonts: dict[Any, tuple[bool, float, dict[int, tuple[str, float]]]]
    handle_undefined_char: Callable[[Any, int], str]  # pdfminer's

    def _font(self, font: Any) -> tuple[bool, float, dict[int, tuple[str, float]]]:
        """(bold?, descent, glyphs seen) of a font, looked up once."""
        known = self._fonts.get(font)
        if known is None:
            known = self._fonts[font] = (_is_bold(font.fontname), font.get_descent(), {})
        return known

    def _glyph(self, font: Any, cid: int) -> tuple[str, float]:
        """Text and width of a glyph (once per font and glyph: the caller caches them)."""
        from pdfminer.pdffont import PDFUnicodeNotDefined

        try:
            text = font.to_unichr(cid)
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        return text, font.char_width(cid)

    def render_char(
        self,
        matrix: Any,
        font: Any,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: Any,
    ) -> float:
        """A character of a vertical font (pdfminer's own object, then recorded)."""
        from pdfminer.layout import LTChar

        text, width = self._glyph(font, cid)
        item = LTChar(
            matrix, font, fontsize, scaling, rise, text, width, font.char_disp(cid), ncs,
            graphicstate,
        )  # fmt: skip
        height = self._height
        self.chars.append(
            _Char(
                text, item.size, item.x0, item.x1, height - item.y1, height - item.y0,
                self._font(font)[0],
            )
        )  # fmt: skip
        return item.adv


def _recorder_class() -> type:
    """A pdfminer device that records the characters as they are drawn, without building
    pdfminer's layout objects for them (the costliest part of reading a page); lines, rectangles,
    curves, figures and images are laid out as usual.

    For horizontal fonts, ``render_string`` does what pdfminer's ``PDFTextDevice.render_string``,
    ``render_string_horizontal`` and ``LTChar`` do, with the same arithmetic in the same order
    (so the same coordinates to the last bit), each glyph's text and width looked up once per
    font. Vertical fonts go through pdfminer's own code.
    """
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.utils import mult_matrix

    class Recorder(_GlyphRecording, PDFPageAggregator):
        def __init__(self, resources: Any) -> None:
            super().__init__(resources, laparams=None)
            self.chars: list[_Char] = []
            self._height = 0.0
            # per font: name in bold?, descent, {cid: (text, width)}
            self._fonts: dict[Any, tuple[bool, float, dict[int, tuple[str, float]]]] = {}

        def begin_page(self, page: Any, ctm: Any) -> None:
            super().begin_page(page, ctm)
            self.chars = []
            self._height = self.cur_item.y1

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            font = textstate.font
            if font is None or font.is_vertical():
                super().render_string(textstate, seq, ncs, graphicstate)
                return
            a, b, c, d, e, f = mult_matrix(textstate.matrix, self.ctm)
            fontsize = textstate.fontsize
            scaling = textstate.scaling * 0.01
            charspace = textstate.charspace * scaling
            wordspace = 0 if font.is_multibyte() else textstate.wordspace * scaling
            rise = textstate.rise
            dxscale = 0.001 * fontsize * scaling
            bold, descent, glyphs = self._font(font)
            descent = descent * fontsize
            low = descent + rise
            high = descent + rise + fontsize
            height = self._height
            chars = self.chars
            x, y = textstate.linematrix
            needcharspace = False
            for obj in seq:
                if isinstance(obj, int | float):
                    x -= obj * dxscale
                    needcharspace = True
                elif isinstance(obj, bytes):
                    for cid in font.decode(obj):
                        if needcharspace:
                            x += charspace
                        glyph = glyphs.get(cid)
                        if glyph is None:
                            glyph = glyphs[cid] = self._glyph(font, cid)
                        text, width = glyph
                        adv = width * fontsize * scaling
                        # translate_matrix(matrix, (x, y)), then apply_matrix_rect on the
                        # glyph box (0, low, adv, high)
                        te = x * a + y * c + e
                        tf = x * b + y * d + f
                        left1, bottom1 = a * 0 + c * low + te, b * 0 + d * low + tf
                        right1, bottom2 = a * adv + c * low + te, b * adv + d * low + tf
                        right2, top1 = a * adv + c * high + te, b * adv + d * high + tf
                        left2, top2 = a * 0 + c * high + te, b * 0 + d * high + tf
                        x0 = min(left1, left2, right1, right2)
                        y0 = min(bottom1, bottom2, top1, top2)
                        x1 = max(left1, left2, right1, right2)
                        y1 = max(bottom1, bottom2, top1, top2)
                        chars.append(_Char(text, y1 - y0, x0, x1, height - y1, height - y0, bold))
                        x += adv
                        if cid == 32 and wordspace:
                            x += wordspace
                        needcharspace = True
            textstate.linematrix = (x, y)

    return Recorder


class _Reader:
    """An open PDF whose pages are read one by one (pdfminer, no layout analysis)."""

    def __init__(self, path: Path) -> None:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import resolve1
        from pdfminer.utils import decode_text
        from pdfplumber.table import TableSettings

        check_pdf(path)
        self.path = path
        pdf_limits.install()
        pdf_limits.reset()
        self._fh = path.open("rb")
        try:
            document = PDFDocument(PDFParser(self._fh), password="")
            self.title = ""
            for info in document.info or []:
                value = resolve1(info.get("Title"))
                if isinstance(value, bytes):
                    self.title = decode_text(value).strip()
                elif isinstance(value, str):
                    self.title = value.strip()
            self._pages = list(islice(PDFPage.create_pages(document), pdf_limits.MAX_PAGES + 1))
        except PdfBombError as exc:
            self._fh.close()
            raise _bomb(path, exc) from None
        except Exception as exc:
            self._fh.close()
            raise _failure(path, exc) from None
        if len(self._pages) > pdf_limits.MAX_PAGES:
            self._fh.close()
            raise InputError(
                f"{path} : PDF refusé : plus de {pdf_limits.MAX_PAGES} pages ; découpez le "
                f"document ou demandez le plan d'action seul"
            )
        resources = PDFResourceManager(caching=True)
        self._device = _recorder_class()(resources)
        self._interpreter = PDFPageInterpreter(resources, self._device)
        self._settings = TableSettings.resolve(None)

    def __len__(self) -> int:
        return len(self._pages)

    def close(self) -> None:
        self._fh.close()

    def read(self, start: int, stop: int) -> list[_PageResult]:
        """Pages start..stop-1 (from 0), analysed."""
        try:
            return [_analyse(self.page(index), self._settings) for index in range(start, stop)]
        except InputError:
            raise
        except Exception as exc:
            raise _failure(self.path, exc) from None

    def page(self, index: int) -> _Page:
        from pdfminer.layout import LTCurve, LTFigure, LTImage, LTLine, LTRect

        device = self._device
        self._interpreter.process_page(self._pages[index])
        layout = device.get_result()
        x0, y0, x1, y1 = layout.bbox
        height = y1
        page = _Page(index + 1, x1 - x0, y1 - y0)
        page.chars = device.chars
        device.chars = []

        def walk(obj: Any) -> None:
            for item in obj:
                if isinstance(item, LTRect | LTLine | LTCurve):
                    kind = "rect" if isinstance(item, LTRect) else (
                        "line" if isinstance(item, LTLine) else "curve"
                    )  # fmt: skip
                    top = height - item.y1
                    page.graphics.append(
                        {
                            "object_type": kind, "x0": item.x0, "x1": item.x1, "y0": item.y0,
                            "y1": item.y1, "top": top, "bottom": height - item.y0,
                            "doctop": top, "width": item.width, "height": item.height,
                            "pts": [(x, height - y) for x, y in item.pts],
                        }
                    )  # fmt: skip
                elif isinstance(item, LTImage):
                    page.images += 1
                elif isinstance(item, LTFigure):
                    walk(item)

        walk(layout)
        return page


def _analyse(page: _Page, settings: Any) -> _PageResult:
    """A page's tables (read cell by cell) and the text lines outside them."""
    from pdfplumber.table import TableFinder

    result = _PageResult(number=page.page_number, images=page.images)
    in_tables: set[int] = set()  # ids of the characters inside a table with text
    if len(page.graphics) >= 4:
        for table in TableFinder(page, settings).tables:  # type: ignore[arg-type]
            if len(table.cells) == 1:  # a frame around text (a box, a band): read as text
                continue
            inside = _inside(table.bbox, page.chars)
            cells = _table_rows(table, inside)
            if any(any(c for c in row) for row in cells):
                result.tables.append((table.bbox[1], cells))
                in_tables.update(id(c) for c in inside)
    result.lines = _page_lines(
        [c for c in page.chars if (c.text.strip() or c.text == " ") and id(c) not in in_tables]
    )
    return result


def _inside(bbox: tuple[float, float, float, float], chars: list[_Char]) -> list[_Char]:
    """The characters whose centre is in the box (give or take a point)."""
    x0, top, x1, bottom = bbox
    x0, top, x1, bottom = x0 - 1, top - 1, x1 + 1, bottom + 1
    return [c for c in chars if x0 <= c.cx <= x1 and top <= c.cy <= bottom]


def _row_key(c: _Char) -> tuple[float, float]:
    return round(c.top, 0), c.x0


def _x0(c: _Char) -> float:
    return c.x0


def _rows_of(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into rows, top to bottom, each sorted left to right."""
    chars = sorted(chars, key=_row_key)
    rows: list[list[_Char]] = []
    last: list[_Char] = []
    ref_top = tolerance = 0.0
    for c in chars:
        if last and abs(c.top - ref_top) <= tolerance:
            last.append(c)
            continue
        last = [c]
        rows.append(last)
        ref_top, tolerance = c.top, max(1.5, 0.3 * c.size)
    for row in rows:
        row.sort(key=_x0)
    return rows


def _line_of(row: list[_Char], measure: bool) -> _Line | None:
    """One line from its characters (sorted left to right); a space where a gap separates two
    words. ``measure``: keep the characters too (a table cell's word spacing is read from them)."""
    parts: list[str] = []
    prev: _Char | None = None
    for c in row:
        if (
            prev is not None
            and c.text != " "
            and prev.text != " "
            and c.x0 - prev.x1 > 0.2 * c.size
        ):
            parts.append(" ")
        parts.append(c.text)
        prev = c
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    if not text:
        return None
    visible = [c for c in row if c.text.strip()]
    sizes: Counter[float] = Counter()  # rounded, in order of first appearance
    for size, n in Counter(c.size for c in visible).items():
        sizes[round(size, 1)] += n
    bold = sum(1 for c in visible if c.bold)
    x0 = visible[0].x0 if visible else row[0].x0
    lead_end = x0
    for c in row:
        if c.x0 < x0:
            continue
        if lead_end > x0 and (not c.text.strip() or c.x0 - lead_end > 0.15 * c.size):
            break
        lead_end = c.x1
    return _Line(
        text=text,
        top=min(c.top for c in row),
        bottom=max(c.bottom for c in row),
        size=sizes.most_common(1)[0][0],
        bold=bold >= 0.8 * len(visible),
        x0=x0,
        x1=visible[-1].x1 if visible else row[-1].x1,
        lead=lead_end - x0,
        chars=visible if measure else None,
    )


def _spacing(line: _Line) -> float:
    """Mean blank between the words of a cell's line, in font sizes (wide when justified)."""
    visible = line.chars or []
    gaps = [
        b.x0 - a.x1 for a, b in zip(visible, visible[1:], strict=False)
        if b.x0 - a.x1 > 0.15 * b.size
    ]  # fmt: skip
    return sum(gaps) / len(gaps) / max(1.0, visible[0].size) if gaps else 0.0


def _lines_of(chars: list[_Char], *, measure: bool = False) -> list[_Line]:
    """Characters grouped into lines, top to bottom."""
    if not chars:
        return []
    return [line for row in _rows_of(chars) if (line := _line_of(row, measure)) is not None]


def _segments(row: list[_Char]) -> list[list[_Char]]:
    """A row cut where a wide blank separates two columns of text."""
    out: list[list[_Char]] = [[]]
    prev: _Char | None = None
    for c in row:
        if not c.text.strip():
            if out[-1]:
                out[-1].append(c)
            continue
        if prev is not None and c.x0 - prev.x1 > max(12.0, 2.2 * c.size):
            out.append([])
        out[-1].append(c)
        prev = c
    return [seg for seg in out if any(c.text.strip() for c in seg)]


_PAGE_NUMBER = re.compile(r"^\s*(?:p\.?\s*)?\d{1,4}\s*$|^\s*[ivxlc]{1,6}\s*$", re.I)


def _run_end(
    rows: list[tuple[list[_Char], list[list[_Char]]]], i: int
) -> tuple[int, list[list[float]]]:
    """Where a run of rows set in the columns of row ``i`` ends, and the blanks between its
    columns (narrowed to what every row leaves blank)."""
    segs = rows[i][1]
    gaps = [[a[-1].x1, b[0].x0] for a, b in zip(segs, segs[1:], strict=False)]
    end = i + 1
    while end < len(rows):
        narrowed = [gap[:] for gap in gaps]
        segs = _recut(rows[end][1], [gap[1] for gap in gaps])
        for seg in segs:
            x0, x1 = seg[0].x0, seg[-1].x1
            for gap in narrowed:
                if x0 < gap[0] and x1 > gap[1]:  # across a blank: not in columns
                    return end, gaps
                if gap[0] < x1 < gap[1]:
                    gap[0] = x1
                if gap[0] < x0 < gap[1]:
                    gap[1] = x0
        if any(gap[0] >= gap[1] for gap in narrowed):
            return end, gaps
        rows[end] = (rows[end][0], segs)
        gaps = narrowed
        end += 1
    return end, gaps


def _recut(segs: list[list[_Char]], starts: list[float]) -> list[list[_Char]]:
    """Segments cut again where a column starts (``starts``), when a word begins right there
    after a wider blank than a space: two values close to each other in a box of columns."""
    out: list[list[_Char]] = []
    for seg in segs:
        piece = seg
        for start in starts:
            if not (piece[0].x0 < start - 2 < piece[-1].x1):
                continue
            visible = [k for k, c in enumerate(piece) if c.text.strip()]
            for a, b in zip(visible, visible[1:], strict=False):
                c = piece[b]
                if abs(c.x0 - start) <= 2 and c.x0 - piece[a].x1 >= max(5.0, 0.7 * c.size):
                    out.append(piece[: a + 1])
                    piece = piece[b:]
                    break
        out.append(piece)
    return out


def _page_lines(chars: list[_Char]) -> list[_Line]:
    """A page's text lines in reading order. Text set in columns (a preamble in two columns,
    fields side by side: « Porteur : » on the left, « Public : » on the right) is read column
    by column; a form whose rows are « label    value » gives one « label : value » line per
    row; any other row is one line, as before."""
    if not chars:
        return []
    rows = [(row, _segments(row)) for row in _rows_of(chars)]
    out: list[_Line] = []
    i = 0
    while i < len(rows):
        row, segs = rows[i]
        gaps: list[list[float]]
        end, gaps = i + 1, []
        if len(segs) >= 2 and not any(_PAGE_NUMBER.match(_text_of(s)) for s in segs):
            end, gaps = _run_end(rows, i)
            if end > i + 1 and len(rows[i + 1][1]) >= 2 and _run_end(rows, i + 1)[0] > end:
                end, gaps = i + 1, []  # this row only touches the columns that start below
        wide = [segs for _, segs in rows[i:end] if len(segs) >= 2]
        if len(wide) >= 2:
            labels = [
                segs for segs in wide
                if field_of(_text_of(segs[0])) and not split_label(_text_of(segs[-1]))
                and not field_of(_text_of(segs[-1]))
            ]  # fmt: skip
            if len(labels) >= 0.6 * len(wide):  # a form: label on the left, value on the right
                for _, segs in rows[i:end]:
                    out.extend(_form_line(segs))
            else:  # columns: each read top to bottom, left to right
                columns: list[list[_Line]] = [[] for _ in range(len(gaps) + 1)]
                for _, segs in rows[i:end]:
                    for seg in segs:
                        line = _line_of(seg, False)
                        if line is not None:
                            index = sum(1 for gap in gaps if seg[0].x0 >= gap[1])
                            columns[index].append(line)
                for column in columns:
                    out.extend(column)
            i = end
            continue
        line = _line_of(row, False)
        if line is not None:
            out.append(line)
        i += 1
    return out


def _text_of(seg: list[_Char]) -> str:
    return "".join(c.text for c in seg).strip()


def _form_line(segs: list[list[_Char]]) -> list[_Line]:
    lines = [line for seg in segs if (line := _line_of(seg, False)) is not None]
    if len(lines) < 2 or not field_of(lines[0].text):
        return lines
    label = lines[0].text.rstrip(" :：")
    value = " ".join(line.text for line in lines[1:])
    first = lines[0]
    return [
        _Line(
            text=f"{label} : {value}",
            top=first.top,
            bottom=max(ln.bottom for ln in lines),
            size=lines[1].size,
            bold=False,
            x0=lines[1].x0,
            x1=lines[-1].x1,
            lead=lines[1].lead,
        )
    ]  # fmt: skip  (x0 of the value: the lines of a value in several lines start there too)


def _table_rows(table: Any, inside: list[_Char]) -> _Rows:
    """The cells of a table found by pdfplumber, their characters (those ``inside`` the table)
    assigned by their centre."""
    # Sorted by vertical centre (stable), so that each row's characters are one slice; the
    # slice is put back in drawing order, which decides ties when its lines are sorted.
    order = sorted(range(len(inside)), key=lambda i: inside[i].cy)
    centres = [inside[i].cy for i in order]
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        _, rtop, _, rbottom = row.bbox
        span = order[bisect_left(centres, rtop) : bisect_right(centres, rbottom)]
        in_row = [inside[i] for i in sorted(span)]
        cells: list[str] = []
        for cell in row.cells:
            if cell is None:
                cells.append("")
                continue
            cx0, ctop, cx1, cbottom = cell
            text = [c for c in in_row if cx0 <= c.cx <= cx1 and ctop <= c.cy <= cbottom]
            cells.append(_cell_of_lines(_lines_of(text, measure=True), cx0, cx1))
        rows.append(tuple(cells))
    return tuple(rows)


def _cell_of_lines(lines: list[_Line], cx0: float, cx1: float) -> str:
    """A table cell's text from its lines: a line whose first word would have fitted at the end
    of the line above starts a new item (the writer went to the line: « \\n »); otherwise the
    line is the same text wrapped by the cell's width (joined with a space)."""
    out: list[str] = []
    prev: _Line | None = None
    # In a bulleted cell, a line without a bullet goes on with the item above it; in a cell
    # whose items are separated inline (« A / B », « A ; B »), every line break is a wrap.
    bulleted = sum(1 for line in lines if _BULLET.match(line.text)) >= 2
    inline = any(_INLINE_SEPARATOR.search(line.text) for line in lines)
    for line in lines:
        text = line.text.replace("\xa0", " ").strip()
        if not text:
            continue
        bullet = _BULLET.match(text)
        if bullet:
            text = "• " + text[bullet.end() :].strip()  # one bullet sign, whatever the font
        if prev is not None and out and not bullet and text[:1].islower():
            pad = max(1.0, min(12.0, lines[0].x0 - cx0))
            word = _BULLET.sub("", prev.text).strip()
            piece = text.split(" ", 1)[0]
            if (
                (cx1 - pad) - prev.x1 < 0.5 * line.size
                and " " not in word
                and len(piece) <= 3
                and piece.lower() not in _SMALL_WORDS
            ):
                out[-1] += text  # a word too long for the cell, broken without a hyphen
                prev = line
                continue
        if bulleted and out and not bullet and out[-1].startswith("• "):
            sep = "" if out[-1].endswith("-") and not out[-1].endswith(" -") else " "
            out[-1] = out[-1] + sep + text
            prev = line
            continue
        if prev is not None and out and not bullet:
            pad = max(1.0, min(12.0, lines[0].x0 - cx0))
            room = (cx1 - pad) - prev.x1
            fits = line.lead + 0.8 * line.size < room
            wrapped = (
                inline
                or not fits
                and (
                    (room < 0.3 * line.size and _spacing(prev) > 0.4)  # justified to the edge
                    or not text[0].isupper()
                    or _ARTICLE_START.match(text) is not None
                    or _CONTINUED.search(out[-1]) is not None
                    or (" " not in out[-1] and len(out[-1]) >= 6)  # one-word items are rare
                )
            )
            if wrapped:
                sep = "" if out[-1].endswith("-") and not out[-1].endswith(" -") else " "
                out[-1] = out[-1] + sep + text
                prev = line
                continue
        out.append(text)
        prev = line
    return "\n".join(out)


def _right_edges(lines: list[_Line]) -> dict[int, float]:
    """For the lines that start at the same place (a column, a paragraph's margin), the right
    end of the longest: where a full line ends."""
    right: dict[int, float] = {}
    for line in lines:
        key = round(line.x0 / 3)
        right[key] = max(right.get(key, 0.0), line.x1)
    return right


def _broken(prev: _Line, line: _Line, right: dict[int, float]) -> bool:
    """Whether ``line`` starts a new line of its own rather than wrapping the one above (both
    start at the same place): its first word would have fitted at the end of the line above, or
    it starts with a capital after a line that does not call for more (« de », « et », a
    comma...). ``_finish`` puts the spaces back in prose."""
    if abs(prev.x0 - line.x0) > 3 or not line.text[:1].isupper():
        return False
    if _CONTINUED.search(prev.text) is not None or _ARTICLE_START.match(line.text) is not None:
        return False
    edge = right.get(round(prev.x0 / 3), prev.x1)
    return prev.x1 + line.lead + 0.8 * line.size < edge or " " in prev.text.strip()


_PROSE = re.compile(r"[,;.!?]|\s/\s")


def _finish(block: Block) -> Block:
    """A paragraph whose lines were kept apart (names written one per line) unless it reads as
    prose or an inline list (punctuation after its label): then its lines are joined with
    spaces."""
    if block.kind == "heading" or "\n" not in block.text:
        return block
    labelled = split_label(block.text)
    body = labelled[2] if labelled else block.text
    if not _PROSE.search(body):
        return block
    return Block(
        kind=block.kind, text=block.text.replace("\n", " "), level=block.level, page=block.page
    )


def _furniture_key(line: _Line) -> tuple[str, int]:
    return _DIGITS.sub("#", line.text), round(line.top / 6)


def _furniture(pages: list[list[_Line]]) -> set[tuple[str, int]]:
    """Running headers, footers and page numbers: lines among the first or last two of a page
    whose text (digits aside) comes back at the same height on most pages. A line that repeats
    at varying heights (the same last bullet in every fiche) is content, not furniture."""
    if len(pages) < 2:
        return set()
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        keys = {
            _furniture_key(line)
            for line in lines[:2] + lines[-2:]
            if not _STRUCTURE.match(line.text)  # « FICHE ACTION N° 1.1 » atop each page
        }
        counts.update(keys)
    threshold = max(2, -(-len(pages) * 3 // 5))  # on 60 % of the pages at least
    return {key for key, n in counts.items() if n >= threshold}


_worker_reader: _Reader | None = None  # set in each worker process by _open_in_worker


def _open_in_worker(path: Path) -> None:
    global _worker_reader
    _worker_reader = _Reader(path)


def _read_in_worker(start: int, stop: int) -> list[_PageResult]:
    assert _worker_reader is not None
    return _worker_reader.read(start, stop)


def _workers() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, min(available, _MAX_WORKERS))


def _read_pages(reader: _Reader, workers: int | None, parallel_from: int) -> list[_PageResult]:
    """Every page analysed, in order: in worker processes (each opens the file itself and reads
    page ranges) when the document is long enough, in this process otherwise."""
    n = len(reader)
    workers = _workers() if workers is None else max(1, workers)
    workers = min(workers, n)
    # Forking a process that runs other threads (e.g. the coding pool's manager thread, while
    # categoriser codes an earlier file) can deadlock the child: read in this process then.
    threaded = threading.active_count() > 1
    if (
        workers == 1
        or n < parallel_from
        or threaded
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return reader.read(0, n)
    size = max(1, -(-n // (workers * 4)))  # a few ranges per worker, so that none waits long
    starts = list(range(0, n, size))
    stops = [min(n, start + size) for start in starts]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_open_in_worker,
        initargs=(reader.path,),
    ) as executor:
        try:
            ranges = list(executor.map(_read_in_worker, starts, stops))
        except BrokenProcessPool as exc:  # a worker could not open the file, or died
            raise _failure(reader.path, exc) from None
    return [page for pages in ranges for page in pages]


def read_pdf(
    path: Path, *, workers: int | None = None, parallel_from: int = PARALLEL_FROM
) -> Document:
    """The blocks of a text PDF, page by page.

    ``workers`` processes (default: one per core) read documents of ``parallel_from`` pages or
    more; ``workers=1`` reads everything in this process. Both give the same blocks.
    """
    reader = _Reader(path)
    try:
        results = _read_pages(reader, workers, parallel_from)
    except PdfBombError as exc:
        raise _bomb(path, exc) from None
    finally:
        reader.close()
    doc = Document(path=str(path), format="PDF")
    doc.pages = len(results)
    n_images = sum(result.images for result in results)
    empty_pages = [result.number for result in results if not result.lines and not result.tables]
    if len(empty_pages) == len(results):
        if n_images:
            raise InputError(
                f"{path} : ce PDF ne contient pas de texte ({len(results)} page(s), {n_images} "
                f"image(s)) : c'est un document numérisé ; passez-le d'abord dans un logiciel de "
                f"reconnaissance de caractères (OCR, par exemple « ocrmypdf entree.pdf sortie.pdf »"
                f"), puis relancez sur le PDF obtenu"
            )
        raise InputError(
            f"{path} : ce PDF ne contient aucun texte ({len(results)} page(s)) ; demandez le "
            f"document Word ou un PDF exporté depuis un traitement de texte"
        )
    if empty_pages:
        shown = ", ".join(str(p) for p in empty_pages[:10])
        doc.notes.append(
            f"{len(empty_pages)} page(s) sans texte (numérisées ? à passer à l'OCR) : {shown}"
        )
    _blocks(
        doc,
        [result.lines for result in results],
        [result.tables for result in results],
        reader.title,
    )
    return doc


def _heading_sizes(pages: list[list[_Line]]) -> tuple[dict[float, int], str]:
    """The heading level of each font size bigger than the body text's (the most used, by
    characters), and the first page's biggest line when it is a heading (the cover title)."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    heading_sizes = sorted({s for s in sizes if s >= body + 1.5}, reverse=True)
    level_of = {s: i + 1 for i, s in enumerate(heading_sizes)}
    biggest = ""
    if pages and pages[0]:
        top_line = max(pages[0], key=lambda line: line.size)
        biggest = top_line.text if top_line.size >= body + 1.5 else ""
    return level_of, biggest


def _reading_order(
    lines: list[_Line], found: list[tuple[float, _Rows]]
) -> list[tuple[float, int, object]]:
    """A page's lines in reading order (columns read one after the other), each table
    (kind 0) before the first line (kind 1) below its top."""
    items: list[tuple[float, int, object]] = [
        (float(index), 1, line) for index, line in enumerate(lines)
    ]
    for top, rows in found:
        after = next((k for k, line in enumerate(lines) if line.top > top), len(lines))
        items.append((after - 0.5, 0, rows))
    items.sort(key=lambda item: (item[0], item[1]))
    return items


def _cover_title(doc: Document, biggest: str) -> None:
    """The whole cover title, when it runs over several lines (the first page's heading that
    starts with its biggest line)."""
    for block in doc.blocks:
        if block.page == 1 and block.kind == "heading" and block.text.startswith(biggest):
            doc.title = block.text
            break


def _blocks(
    doc: Document,
    pages: list[list[_Line]],
    tables: list[list[tuple[float, _Rows]]],
    meta_title: str,
) -> None:
    furniture = _furniture(pages)
    level_of, biggest = _heading_sizes(pages)
    doc.title = meta_title or biggest
    n_par = n_tab = n_furniture = 0
    for page_number, (lines, found) in enumerate(zip(pages, tables, strict=True), start=1):
        items = _reading_order(lines, found)
        current: Block | None = None
        prev: _Line | None = None
        right = _right_edges(lines)
        for _, kind, obj in items:
            if kind == 0:
                if current is not None:
                    doc.blocks.append(_finish(current))
                    current = None
                n_tab += 1
                doc.blocks.append(
                    Block(kind="table", rows=cast(_Rows, obj), page=page_number, table=n_tab)
                )
                prev = None
                continue
            line = cast(_Line, obj)
            if _furniture_key(line) in furniture:
                n_furniture += 1
                continue
            level = level_of.get(line.size)
            if level is None and line.bold and len(line.text) <= 150 and not split_label(line.text):
                level = BOLD_LEVEL
            gap = line.top - prev.bottom if prev is not None else 1e9
            new_para = gap > 0.6 * line.size or gap < -0.5 * line.size  # or the next column
            if level is not None:
                kind_name = "heading"
                if (
                    current is not None
                    and current.kind == "heading"
                    and current.level == level
                    and not new_para
                ):
                    sep = (
                        ""
                        if current.text.endswith("-") and not current.text.endswith(" -")
                        else " "
                    )
                    current = Block(
                        kind="heading", text=f"{current.text}{sep}{line.text}", level=level,
                        page=current.page,
                    )  # fmt: skip
                    prev = line
                    continue
            else:
                bullet = _BULLET.match(line.text)
                if (
                    current is not None
                    and current.kind in ("paragraph", "item")
                    and not new_para
                    and not bullet
                    and not split_label(line.text)
                ):
                    sep = (
                        ""
                        if current.text.endswith("-") and not current.text.endswith(" -")
                        else " "
                    )
                    if prev is not None and _broken(prev, line, right):
                        sep = "\n"  # the writer went to the line: a list written one per line
                    current = Block(
                        kind=current.kind, text=current.text + sep + line.text,
                        level=current.level, page=current.page,
                    )  # fmt: skip
                    prev = line
                    continue
                kind_name = "item" if bullet else "paragraph"
            if current is not None:
                doc.blocks.append(_finish(current))
            text = line.text
            if kind_name == "item":
                text = _BULLET.sub("", text, count=1)
            else:
                n_par += kind_name == "paragraph"
            current = Block(kind=kind_name, text=text, level=level or 0, page=page_number)  # type: ignore[arg-type]
            prev = line
        if current is not None:
            doc.blocks.append(_finish(current))
    doc.paragraphs, doc.tables = n_par, n_tab
    if biggest and not meta_title:
        _cover_title(doc, biggest)
    if n_furniture:
        doc.notes.append(
            f"{n_furniture} ligne(s) d'en-tête, de pied de page ou de numéro de page répétée(s) "
            f"ignorée(s)"
        )
