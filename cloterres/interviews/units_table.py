"""Pre-segmented units from a CSV/XLSX/ODS/XLS spreadsheet: one unit per row (``id``, ``texte``)."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

from cloterres.errors import InputError
from cloterres.interviews.model import Segment
from cloterres.io.sources import SourceRef
from cloterres.io.tables import (
    WORKBOOK_SUFFIXES,
    cell_as_text,
    csv_rows,
    normalize_header,
    spreadsheet_sheets,
)

_FIELDS = {
    "id": ("id", "identifiant", "code", "ref", "n", "numero", "id unite", "unite"),
    "texte": ("texte", "text", "verbatim", "enonce", "extrait", "citation", "contenu", "segment"),
    "entretien": ("entretien", "interview", "source", "document", "id entretien"),
    "locuteur": ("locuteur", "speaker", "intervenant", "personne"),
}
_HEADER = {alias: name for name, aliases in _FIELDS.items() for alias in aliases}


def _units_header_score(headers: list[str]) -> int:
    """How many unit-table columns a header row names (to choose a CSV separator)."""
    return len({_HEADER[h] for h in map(normalize_header, headers) if h in _HEADER})


def check_units_table(path: Path) -> None:
    """Read a units table only as far as its first unit, so that a file without a text column is
    refused at once (before the language model is loaded); raises InputError."""
    units = read_units_table(path)
    try:
        next(units, None)
    finally:
        units.close()  # a workbook read lazily is closed here


def read_units_table(path: Path) -> Generator[Segment, None, None]:
    """Every non-empty row with a text; other columns become the unit's attributes."""
    suffix = path.suffix.lower()
    # Lazily: a workbook's sheets are read while it is open (it closes after the last one).
    sheets: Iterator[tuple[str | None, Iterator[tuple[int, list[object]]]]]
    if suffix in WORKBOOK_SUFFIXES:
        sheets = ((title, rows) for title, _n, rows in spreadsheet_sheets(path))
    else:
        sheets = iter([(None, csv_rows(path, header_score=_units_header_score))])
    found = False
    headers: list[str] = []
    for sheet, rows in sheets:
        mapping: dict[int, str] | None = None
        for line, cells in rows:
            texts = [cell_as_text(c) for c in cells]
            if not any(texts):
                continue
            if mapping is None:
                candidate = {
                    i: _HEADER.get(normalize_header(t), t) for i, t in enumerate(texts) if t
                }
                headers = headers or [t for t in texts if t]
                if "texte" in candidate.values():
                    mapping = candidate
                    found = True
                continue
            values = {name: (texts[i] if i < len(texts) else "") for i, name in mapping.items()}
            text = values.pop("texte", "")
            if not text.strip():
                continue
            uid = values.pop("id", "") or f"{path.stem}-{line}"
            interview = values.pop("entretien", "") or path.stem
            speaker = values.pop("locuteur", "")
            yield Segment(
                id=uid,
                interview=interview,
                speaker=speaker,
                start=0,
                end=len(text),
                text=text,
                variables={k: v for k, v in values.items() if v},
                source=SourceRef(fichier=str(path), feuille=sheet, ligne=line),
            )
    if not found:
        raise InputError(
            f"{path} : aucune colonne de texte reconnue (colonnes trouvées : "
            f"{', '.join(headers[:12]) or 'aucune'}) ; nommez la colonne des unités « texte »"
        )
