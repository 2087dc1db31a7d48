"""Tables as users give them: CSV/TSV files and workbooks (.xlsx, .xlsm, .ods, .xls), read row
by row as (line number, cells), with their header names folded for matching.

CSV files may be UTF-8 (with or without BOM), UTF-16 with a BOM, cp1252 or latin-1, separated by
``;``, ``,`` or tabs. Workbooks are read sheet by sheet: .xlsx/.xlsm with openpyxl (streamed),
.ods/.xls with calamine. What the columns mean is up to each front end.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from cloterres.errors import InputError
from cloterres.io.archive import ODS_LIMITS, XLSX_LIMITS, check_zip
from cloterres.io.text import (
    decode_lines,
    detect_encoding,
    fold,
    looks_binary,
    warn_stray_nuls,
    without_controls,
)

csv.field_size_limit(10_000_000)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
TABLE_SUFFIXES = (".csv", ".tsv", *WORKBOOK_SUFFIXES)
_DELIMITERS = (";", ",", "\t")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

#: (line number, cells) of a table, lazily.
Rows = Iterator[tuple[int, list[object]]]
#: How many known column names a header row holds (to choose a CSV separator).
HeaderScore = Callable[[list[str]], int]


def normalize_header(header: str) -> str:
    """A column name as matched: folded, ``(s)`` as ``s``, punctuation runs as one space."""
    text = fold(str(header).replace("(s)", "s").replace("(S)", "S"))
    return _NON_ALNUM.sub(" ", text).strip()


def cell_as_text(value: object) -> str:
    """A cell as read from a CSV file or a workbook, as text: booleans in French, whole floats
    without ``.0``, dates in ISO format, other values stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


# --- CSV -------------------------------------------------------------------------------------


def _detect_delimiter(sample: str, header_score: HeaderScore | None) -> str:
    best, best_score = ";", (-1, -1)
    lines = sample.splitlines()[:20]
    for delim in _DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delim))
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            continue
        recognised = header_score(rows[0]) if header_score is not None else 0
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) if width > 1 else 0
        score = (recognised, consistent)
        if score > best_score:
            best, best_score = delim, score
    return best


_SAMPLE_ROWS = 200  # rows of the sample checked for columns collapsed into one


def _check_columns(name: str, sample: str, delimiter: str) -> None:
    """Refuse a CSV whose rows collapse to one column: every data row one field that holds
    separators (whole lines quoted by a faulty export), under a header of several columns or
    one field that holds separators too. Such a file would be read as rows without text."""
    rows: list[list[str]] = []
    try:
        for cells in csv.reader(sample.splitlines()[: _SAMPLE_ROWS * 4], delimiter=delimiter):
            if any(c.strip() for c in cells):
                rows.append(cells)
            if len(rows) > _SAMPLE_ROWS:
                break
    except csv.Error:
        return  # the reader says where, line by line
    if len(rows) < 2:
        return
    header, data = rows[0], rows[1:]
    if any(len(r) > 1 for r in data):
        return
    separators = [d for d in _DELIMITERS if sum(d in r[0] for r in data) * 2 > len(data)]
    if not separators:
        return
    if len(header) < 2 and not any(d in header[0] for d in separators):
        return
    shown = "tabulation" if separators[0] == "\t" else f"« {separators[0]} »"
    raise InputError(
        f"{name} : chaque ligne n'a qu'une colonne (lignes entières entre guillemets, séparateur "
        f"{shown} compris) ; réenregistrez le tableau en CSV sans guillemets autour des lignes "
        f"entières, ou en .xlsx"
    )


def csv_rows(path: Path, *, header_score: HeaderScore | None = None) -> Rows:
    """(line number, cells) of a CSV file: encoding and separator detected, errors in French.

    The separator (``;``, ``,`` or tab; tab for a ``.tsv``) is the one that gives the first row
    the highest ``header_score`` (how many known column names it holds), then the most rows of
    the first row's width. A file whose rows collapse to one column is refused."""
    name = str(path)
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if not head.strip():
        raise InputError(
            f"{name} : fichier vide ; il faut une ligne d'en-tête puis une ligne par élément"
        )
    if head.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{name} : ce fichier est un classeur Excel ou une archive, pas un CSV ; "
            f"donnez-lui l'extension .xlsx"
        )
    if looks_binary(head):
        raise InputError(
            f"{name} : fichier binaire, ce n'est pas un tableau CSV ; exportez le tableau en CSV "
            f"(UTF-8) ou en .xlsx"
        )
    nuls = b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if nuls:  # a few stray NULs in a text: removed, with a warning
        warn_stray_nuls(path)
        head = head.replace(b"\x00", b"")
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="replace")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _detect_delimiter(sample, header_score)
    _check_columns(name, sample, delimiter)

    def rows() -> Rows:
        with path.open("rb") as fh:
            # Line by line, so that a file mixing UTF-8 and cp1252 lines is read whole.
            lines = (
                codecs.iterdecode(fh, "utf-16", errors="replace")
                if encoding == "utf-16"
                else decode_lines((line.replace(b"\x00", b"") for line in fh), encoding)
            )
            reader = csv.reader(lines, delimiter=delimiter)
            try:
                for cells in reader:
                    yield reader.line_num, [without_controls(c) for c in cells]
            except csv.Error as exc:
                raise InputError(
                    f"{name}, ligne {reader.line_num} : CSV illisible ({exc}) ; vérifiez les "
                    f"guillemets de cette ligne"
                ) from None

    return rows()


# --- workbooks -------------------------------------------------------------------------------


def xlsx_sheets(path: Path) -> Iterator[tuple[str, int, Rows]]:
    """(sheet title, number of sheets, rows) of every visible sheet of a workbook."""
    from openpyxl import load_workbook

    name = str(path)
    if path.stat().st_size == 0:
        raise InputError(
            f"{name} : fichier vide ; enregistrez le classeur depuis Excel ou LibreOffice"
        )
    if not zipfile.is_zipfile(path):
        raise InputError(
            f"{name} : ce n'est pas un classeur Excel (.xlsx) valide ; ouvrez-le dans Excel ou "
            f"LibreOffice et enregistrez-le au format .xlsx"
        )
    check_zip(path, XLSX_LIMITS)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl fails in many ways on damaged or hostile workbooks
        raise InputError(
            f"{name} : classeur Excel illisible ({type(exc).__name__}) ; ouvrez-le dans Excel ou "
            f"LibreOffice et enregistrez-le à nouveau au format .xlsx"
        ) from None
    try:
        sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"] or list(
            workbook.worksheets
        )
        for ws in sheets:

            def rows(ws=ws) -> Rows:  # noqa: ANN001
                try:
                    for line, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                        yield line, list(cells)
                except InputError:
                    raise
                except Exception as exc:  # damaged sheet XML, bad cell types, bad zip member
                    raise InputError(
                        f"{name}, feuille « {ws.title} » : contenu illisible ({type(exc).__name__}) ; "
                        f"réenregistrez le classeur au format .xlsx"
                    ) from None

            yield ws.title, len(sheets), rows()
    finally:
        workbook.close()


_CALAMINE_FORMATS = {".ods": "classeur LibreOffice (.ods)", ".xls": "classeur Excel 97-2003 (.xls)"}


def calamine_sheets(path: Path) -> Iterator[tuple[str, int, Rows]]:
    """(sheet title, number of sheets, rows) of every visible sheet of an .ods or .xls workbook,
    read with calamine; row numbers are the spreadsheet's own."""
    try:
        import python_calamine
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise InputError("python-calamine n'est pas installé : lancez « make install »") from exc

    name = str(path)
    kind = _CALAMINE_FORMATS.get(path.suffix.lower(), "classeur")
    redo = "ouvrez-le dans LibreOffice ou Excel et enregistrez-le à nouveau (.ods ou .xlsx)"
    if path.stat().st_size == 0:
        raise InputError(
            f"{name} : fichier vide ; enregistrez le classeur depuis Excel ou LibreOffice"
        )
    if path.suffix.lower() == ".ods":
        if not zipfile.is_zipfile(path):
            raise InputError(f"{name} : ce n'est pas un {kind} valide ; {redo}")
        check_zip(path, ODS_LIMITS)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(name)
    except python_calamine.PasswordError:
        raise InputError(
            f"{name} : classeur protégé par un mot de passe ; enregistrez-en une copie sans mot de "
            f"passe, puis relancez sur cette copie"
        ) from None
    except Exception as exc:  # calamine's errors on damaged or foreign files
        raise InputError(f"{name} : {kind} illisible ({type(exc).__name__}) ; {redo}") from None
    try:
        metadata = workbook.sheets_metadata
        worksheets = [
            m for m in metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        ] or list(metadata)
        visible = [m for m in worksheets if m.visible == python_calamine.SheetVisibleEnum.Visible]
        sheets = [m.name for m in (visible or worksheets)]
        for title in sheets:

            def rows(title: str = title) -> Rows:
                try:
                    sheet = workbook.get_sheet_by_name(title)
                    first = sheet.start[0] if sheet.start else 0
                    for index, cells in enumerate(sheet.iter_rows()):
                        yield first + index + 1, list(cells)
                except InputError:
                    raise
                except Exception as exc:
                    raise InputError(
                        f"{name}, feuille « {title} » : contenu illisible ({type(exc).__name__}) ; "
                        f"{redo}"
                    ) from None

            yield title, len(sheets), rows()
    finally:
        workbook.close()


def spreadsheet_sheets(path: Path) -> Iterator[tuple[str, int, Rows]]:
    """The sheets of any workbook the tool reads: .xlsx/.xlsm (openpyxl), .ods/.xls (calamine)."""
    if path.suffix.lower() in (".ods", ".xls"):
        return calamine_sheets(path)
    return xlsx_sheets(path)
