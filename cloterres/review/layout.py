"""The identity of a review workbook, kept in its very hidden, protected sheet « cloterres ».

Sheet « cloterres »: cell A1 holds the identity (JSON, :class:`ReviewIdentity`), B1 a checksum
of everything the sheet holds. From row 2, one row per unit in the order of the « Revue »
sheet: A the unit id, B the labels prefilled in the editable columns (JSON), C a per-row
checksum. Columns E and F list the editable columns (index, JSON :class:`EditColumn`).
The importer refuses a workbook whose ids moved, vanished, were duplicated or edited.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Final, Literal

from pydantic import BaseModel, Field

from cloterres.engine.labels import Kind

FORMAT: Final = "cloterres-revue"
SHEET_REVIEW = "Revue"
SHEET_GUIDE = "Consignes"
SHEET_LISTS = "Listes"
SHEET_META = "cloterres"
HEADER_ROW = 2  # row 1: groups (unit, proposal, one per dimension); row 2: column headers
FIRST_ROW = 3
MARK = "x"
REVIEWED = "oui"
MARKS_TRUE = {"x", "oui", "1", "✓", "✔"}
REVIEWED_TRUE = {"oui", "x", "1"}
REVIEWED_FALSE = {"", "non"}


class EditColumn(BaseModel):
    """An editable column: a single-label list (``category`` None) or one category's mark."""

    index: int
    dimension: str
    category: str | None = None
    header: str


class ReviewIdentity(BaseModel):
    format: Literal["cloterres-revue"] = FORMAT
    format_version: int = 1
    study_id: str
    study: str
    coder: str
    kind: Kind
    grid_sha: str
    grid_id: str
    base_round: int
    export_id: str
    created_at: str
    blind: bool
    reviewed_column: int
    id_column: int = 1
    dimensions: dict[str, str]  # dimension id -> French label (in grid order)
    single: dict[str, dict[str, str]] = Field(default_factory=dict)  # dim -> label -> category
    units: int
    # unit id -> the unit version (text and fields) shown in the workbook; checked on import
    versions: dict[str, int] = Field(default_factory=dict)


def fold(text: str) -> str:
    """Lower case without accents, spaces squeezed (to match what a person typed)."""
    text = " ".join(text.lower().replace("œ", "oe").replace("’", "'").split())
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def row_checksum(export_id: str, unit_id: str, prefill: str) -> str:
    return hashlib.sha256(f"{export_id}\x00{unit_id}\x00{prefill}".encode()).hexdigest()[:16]


def sheet_checksum(identity: str, rows: list[list[str]], columns: list[str]) -> str:
    payload = json.dumps([identity, rows, columns], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def canonical(labels: dict[str, list[str]]) -> str:
    return json.dumps({k: sorted(v) for k, v in sorted(labels.items())}, ensure_ascii=False)
