"""Tables of the network front end (actors, ties, roster surveys, coded units) as read: every
non-empty sheet of a CSV/XLSX/ODS/XLS file, its first non-empty row as the header."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cloterres.errors import InputError
from cloterres.io.sources import SourceRef
from cloterres.io.tables import (
    WORKBOOK_SUFFIXES,
    Rows,
    cell_as_text,
    normalize_header,
    spreadsheet_sheets,
)
from cloterres.plans.tables import csv_rows  # the separator is chosen as for measure tables

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", *WORKBOOK_SUFFIXES)


@dataclass
class Sheet:
    """A table as read: its header row and its data rows (line number, cell texts)."""

    fichier: str
    feuille: str | None
    header_line: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]

    def where(self, line: int | None = None) -> str:
        return SourceRef(fichier=self.fichier, feuille=self.feuille, ligne=line).describe()

    def ref(self, line: int) -> SourceRef:
        return SourceRef(fichier=self.fichier, feuille=self.feuille, ligne=line)


def read_sheets(path: Path) -> list[Sheet]:
    """Every non-empty sheet of a CSV/XLSX/ODS/XLS table; the first non-empty row is the header."""
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(
            f"{path} : format non reconnu ({suffix or 'sans extension'}) ; donnez un tableau "
            f".csv, .xlsx, .ods ou .xls"
        )
    if not path.exists():
        raise InputError(f"{path} : fichier introuvable ; vérifiez le chemin")
    sources: Iterator[tuple[str | None, Rows]]
    if suffix in WORKBOOK_SUFFIXES:
        sources = ((title, rows) for title, _n, rows in spreadsheet_sheets(path))
    else:
        sources = iter([(None, csv_rows(path))])
    sheets: list[Sheet] = []
    for title, rows in sources:  # each sheet read before the next (the workbook closes after)
        header: tuple[int, list[str]] | None = None
        data: list[tuple[int, list[str]]] = []
        for line, cells in rows:
            texts = [cell_as_text(c) for c in cells]
            if not any(texts):
                continue
            if header is None:
                header = (line, texts)
            else:
                data.append((line, texts))
        if header is not None:
            sheets.append(Sheet(str(path), title, header[0], header[1], data))
    if not sheets:
        raise InputError(f"{path} : tableau vide ; il faut une ligne d'en-tête puis des lignes")
    return sheets


def cell(texts: list[str], index: int | None) -> str:
    """The text of column ``index`` of a row, stripped ("" when absent)."""
    if index is None or index >= len(texts):
        return ""
    return texts[index].strip()


def iter_unit_rows(path: Path) -> Iterator[tuple[SourceRef, dict[str, str]]]:
    """Rows of a CSV/XLSX table as {folded header: value} (for co-mention units)."""
    for sheet in read_sheets(path):
        headers = [normalize_header(h) for h in sheet.headers]
        for line, texts in sheet.rows:
            yield sheet.ref(line), {h: cell(texts, i) for i, h in enumerate(headers) if h}
