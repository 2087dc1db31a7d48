"""Read a text PDF action plan into blocks (pdfminer for the text, pdfplumber's table finder).

- Ruled tables are found on each page and read cell by cell (a wrapped line inside a cell is
  joined with a space; a bullet starts a new line).
- The rest of the text is grouped into lines, then into paragraphs by vertical gaps, bullets and
  « Libellé : » starts. Lines in a larger font than the body text are headings (level by size);
  a short line entirely in bold is a heading of the lowest level.
- Lines repeated at the top or bottom of most pages (running headers, page numbers) are dropped.

A PDF without a text layer (a scan), protected by a password, or damaged is refused with a
French message saying what to do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from cloterres.errors import InputError
from cloterres.plans.blocks import BOLD_LEVEL, Block, Document
from cloterres.plans.fields import split_label

_BULLET = re.compile(r"^\s*(?:[•·▪◦●■□–-]|\d{1,2}[.)])\s+")
_DIGITS = re.compile(r"\d+")


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    size: float
    bold: bool


def _check_signature(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not head.strip():
        raise InputError(f"{path} : fichier PDF vide ; demandez une nouvelle copie du document")
    if b"%PDF" not in head:
        raise InputError(
            f"{path} : ce n'est pas un fichier PDF (signature %PDF absente) ; vérifiez le fichier "
            f"ou son extension"
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


class _Page:
    """What pdfplumber's table finder needs of a page: chars, edges, bbox (pdfplumber's own page
    objects cost three times more to build than pdfminer's layout, which is read here)."""

    def __init__(self, number: int, width: float, height: float) -> None:
        self.page_number = number
        self.bbox = (0.0, 0.0, width, height)
        self.chars: list[dict] = []
        self.graphics: list[dict] = []
        self.images = 0

    @property
    def edges(self) -> list[dict]:
        from pdfplumber.utils import obj_to_edges

        return [edge for obj in self.graphics for edge in obj_to_edges(obj)]


def _pages(path: Path):  # noqa: ANN202
    """(metadata title, iterator of _Page) read with pdfminer, no layout analysis."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTLine, LTRect
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    _check_signature(path)
    fh = path.open("rb")
    try:
        document = PDFDocument(PDFParser(fh), password="")
        title = ""
        for info in document.info or []:
            value = resolve1(info.get("Title"))
            if isinstance(value, bytes):
                title = decode_text(value).strip()
            elif isinstance(value, str):
                title = value.strip()
        pages = list(PDFPage.create_pages(document))
    except Exception as exc:
        fh.close()
        raise _failure(path, exc) from None
    resources = PDFResourceManager(caching=True)
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)

    def walk(obj, page: _Page, height: float) -> None:  # noqa: ANN001
        for item in obj:
            if isinstance(item, LTChar):
                top = height - item.y1
                page.chars.append(
                    {
                        "object_type": "char", "text": item.get_text(), "fontname": item.fontname,
                        "size": item.size, "x0": item.x0, "x1": item.x1, "top": top,
                        "bottom": height - item.y0, "doctop": top, "width": item.width,
                        "height": item.height, "upright": item.upright, "matrix": item.matrix,
                    }
                )  # fmt: skip
            elif isinstance(item, LTRect | LTLine | LTCurve):
                kind = "rect" if isinstance(item, LTRect) else (
                    "line" if isinstance(item, LTLine) else "curve"
                )  # fmt: skip
                top = height - item.y1
                page.graphics.append(
                    {
                        "object_type": kind, "x0": item.x0, "x1": item.x1, "y0": item.y0,
                        "y1": item.y1, "top": top, "bottom": height - item.y0, "doctop": top,
                        "width": item.width, "height": item.height,
                        "pts": [(x, height - y) for x, y in item.pts],
                    }
                )  # fmt: skip
            elif isinstance(item, LTImage):
                page.images += 1
            elif isinstance(item, LTFigure):
                walk(item, page, height)

    def iterate():  # noqa: ANN202
        try:
            for number, pdf_page in enumerate(pages, start=1):
                interpreter.process_page(pdf_page)
                layout = device.get_result()
                x0, y0, x1, y1 = layout.bbox
                page = _Page(number, x1 - x0, y1 - y0)
                walk(layout, page, y1)
                yield page
        except InputError:
            raise
        except Exception as exc:
            raise _failure(path, exc) from None
        finally:
            fh.close()

    return title, iterate()


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(k in name for k in ("bold", "black", "heavy", "semibold", ",b")) or name.endswith(
        "-b"
    )


def _lines(page, boxes: list[tuple[float, float, float, float]]) -> list[_Line]:  # noqa: ANN001
    """Text lines of a page outside the table boxes, top to bottom."""
    chars = [
        c
        for c in page.chars
        if c.get("text", "").strip() or c.get("text") == " "
        if not any(
            x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1
            and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1
            for x0, top, x1, bottom in boxes
        )
    ]
    return _lines_of(chars)


def _lines_of(chars: list[dict]) -> list[_Line]:
    """Characters grouped into lines, top to bottom; a space where a gap separates two words."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (round(c["top"], 0), c["x0"]))
    rows: list[list[dict]] = []
    for c in chars:
        if rows:
            last = rows[-1]
            ref = last[0]
            if abs(c["top"] - ref["top"]) <= max(1.5, 0.3 * ref["size"]):
                last.append(c)
                continue
        rows.append([c])
    out: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        parts: list[str] = []
        prev = None
        for c in row:
            if (
                prev is not None
                and c["text"] != " "
                and prev["text"] != " "
                and c["x0"] - prev["x1"] > 0.2 * c["size"]
            ):
                parts.append(" ")
            parts.append(c["text"])
            prev = c
        text = re.sub(r"\s+", " ", "".join(parts)).strip()
        if not text:
            continue
        visible = [c for c in row if c["text"].strip()]
        sizes = Counter(round(c["size"], 1) for c in visible)
        bold = sum(1 for c in visible if _is_bold(c.get("fontname", "")))
        out.append(
            _Line(
                text=text,
                top=min(c["top"] for c in row),
                bottom=max(c["bottom"] for c in row),
                size=sizes.most_common(1)[0][0],
                bold=bold >= 0.8 * len(visible),
            )
        )
    return out


def _center(c: dict) -> tuple[float, float]:
    return (c["x0"] + c["x1"]) / 2, (c["top"] + c["bottom"]) / 2


def _table_rows(table, chars: list[dict]) -> tuple[tuple[str, ...], ...]:  # noqa: ANN001
    """The cells of a table found by pdfplumber, their characters assigned by their centre."""
    x0, top, x1, bottom = table.bbox
    inside = [(c, *_center(c)) for c in chars]
    inside = [t for t in inside if x0 - 1 <= t[1] <= x1 + 1 and top - 1 <= t[2] <= bottom + 1]
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        _, rtop, _, rbottom = row.bbox
        in_row = [t for t in inside if rtop <= t[2] <= rbottom]
        cells: list[str] = []
        for cell in row.cells:
            if cell is None:
                cells.append("")
                continue
            cx0, ctop, cx1, cbottom = cell
            text = [c for c, x, y in in_row if cx0 <= x <= cx1 and ctop <= y <= cbottom]
            cells.append(_cell("\n".join(line.text for line in _lines_of(text))))
        rows.append(tuple(cells))
    return tuple(rows)


def _cell(text: str | None) -> str:
    """A table cell: wrapped lines joined by a space, bullets kept on their own line."""
    if not text:
        return ""
    out: list[str] = []
    for line in text.replace("\xa0", " ").split("\n"):
        line = line.strip()
        if not line:
            continue
        if out and not _BULLET.match(line):
            sep = "" if out[-1].endswith("-") and not out[-1].endswith(" -") else " "
            out[-1] = out[-1] + sep + line
        else:
            out.append(line)
    return "\n".join(out)


def _furniture(pages: list[list[_Line]]) -> set[str]:
    """Running headers and footers: first/last lines repeated (digits aside) on most pages."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        keys = {_DIGITS.sub("#", line.text) for line in lines[:2] + lines[-2:]}
        counts.update(keys)
    threshold = max(2, len(pages) // 2)
    return {key for key, n in counts.items() if n >= threshold}


def read_pdf(path: Path) -> Document:
    """The blocks of a text PDF, page by page."""
    from pdfplumber.table import TableFinder, TableSettings

    settings = TableSettings.resolve(None)
    meta_title, page_iter = _pages(path)
    doc = Document(path=str(path), format="PDF")
    pages: list[list[_Line]] = []
    tables: list[list[tuple[float, tuple[tuple[str, ...], ...]]]] = []
    n_images = 0
    empty_pages: list[int] = []
    try:
        for page in page_iter:
            found: list[tuple[float, tuple[tuple[str, ...], ...]]] = []
            boxes: list[tuple[float, float, float, float]] = []
            if len(page.graphics) >= 4:
                for table in TableFinder(page, settings).tables:  # type: ignore[arg-type]
                    cells = _table_rows(table, page.chars)
                    if any(any(c for c in row) for row in cells):
                        found.append((table.bbox[1], cells))
                        boxes.append(table.bbox)
            lines = _lines(page, boxes)
            n_images += page.images
            if not lines and not found:
                empty_pages.append(page.page_number)
            pages.append(lines)
            tables.append(found)
    except InputError:
        raise
    except Exception as exc:
        raise _failure(path, exc) from None
    doc.pages = len(pages)
    if len(empty_pages) == len(pages):
        if n_images:
            raise InputError(
                f"{path} : ce PDF ne contient pas de texte ({len(pages)} page(s), {n_images} "
                f"image(s)) : c'est un document numérisé ; passez-le d'abord dans un logiciel de "
                f"reconnaissance de caractères (OCR, par exemple « ocrmypdf entree.pdf sortie.pdf »"
                f"), puis relancez sur le PDF obtenu"
            )
        raise InputError(
            f"{path} : ce PDF ne contient aucun texte ({len(pages)} page(s)) ; demandez le "
            f"document Word ou un PDF exporté depuis un traitement de texte"
        )
    if empty_pages:
        shown = ", ".join(str(p) for p in empty_pages[:10])
        doc.notes.append(
            f"{len(empty_pages)} page(s) sans texte (numérisées ? à passer à l'OCR) : {shown}"
        )
    _blocks(doc, pages, tables, meta_title)
    return doc


def _blocks(
    doc: Document,
    pages: list[list[_Line]],
    tables: list[list[tuple[float, tuple[tuple[str, ...], ...]]]],
    meta_title: str,
) -> None:
    furniture = _furniture(pages)
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    heading_sizes = sorted({s for s in sizes if s >= body + 1.5}, reverse=True)
    level_of = {s: i + 1 for i, s in enumerate(heading_sizes)}
    biggest = ""
    if pages and pages[0]:
        top = max(pages[0], key=lambda line: line.size)
        biggest = top.text if top.size >= body + 1.5 else ""
    doc.title = meta_title or biggest
    n_par = n_tab = 0
    for page_number, (lines, found) in enumerate(zip(pages, tables, strict=True), start=1):
        items: list[tuple[float, int, object]] = [(line.top, 1, line) for line in lines]
        items += [(top, 0, rows) for top, rows in found]
        items.sort(key=lambda item: (item[0], item[1]))
        current: Block | None = None
        prev: _Line | None = None
        for _, kind, obj in items:
            if kind == 0:
                if current is not None:
                    doc.blocks.append(current)
                    current = None
                n_tab += 1
                doc.blocks.append(Block(kind="table", rows=obj, page=page_number, table=n_tab))  # type: ignore[arg-type]
                prev = None
                continue
            line: _Line = obj  # type: ignore[assignment]
            if _DIGITS.sub("#", line.text) in furniture:
                continue
            level = level_of.get(line.size)
            if level is None and line.bold and len(line.text) <= 150 and not split_label(line.text):
                level = BOLD_LEVEL
            gap = line.top - prev.bottom if prev is not None else 1e9
            new_para = gap > 0.6 * line.size
            if level is not None:
                kind_name = "heading"
                if (
                    current is not None
                    and current.kind == "heading"
                    and current.level == level
                    and not new_para
                ):
                    current = Block(
                        kind="heading", text=f"{current.text} {line.text}", level=level,
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
                    current = Block(
                        kind=current.kind, text=current.text + sep + line.text,
                        level=current.level, page=current.page,
                    )  # fmt: skip
                    prev = line
                    continue
                kind_name = "item" if bullet else "paragraph"
            if current is not None:
                doc.blocks.append(current)
            text = line.text
            if kind_name == "item":
                text = _BULLET.sub("", text, count=1)
            else:
                n_par += kind_name == "paragraph"
            current = Block(kind=kind_name, text=text, level=level or 0, page=page_number)  # type: ignore[arg-type]
            prev = line
        if current is not None:
            doc.blocks.append(current)
    doc.paragraphs, doc.tables = n_par, n_tab
