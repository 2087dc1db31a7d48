"""Read and validate an edited review workbook.

Every problem is collected (never only the first): a moved, deleted, duplicated, added or
edited unit id, an unknown category, two values in a single-label dimension, an invalid mark,
an invalid « Revu » value, a workbook exported for another coder. Each names the sheet, the
row and the column. :class:`ReviewError` carries them all; nothing is returned then.

A row is *recorded* when its editable cells differ from what the export prefilled, or when it
is marked « Revu = oui »; its labels are then the full state of every dimension of the row.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import ValidationError

from cloterres.engine.labels import CoderLabels, UnitLabels
from cloterres.errors import InputError
from cloterres.frontends import front_end
from cloterres.io.archive import XLSX_LIMITS, check_zip
from cloterres.review.layout import (
    FIRST_ROW,
    FORMAT,
    MARKS_TRUE,
    REVIEWED_FALSE,
    REVIEWED_TRUE,
    SHEET_META,
    SHEET_REVIEW,
    EditColumn,
    ReviewIdentity,
    canonical,
    fold,
    row_checksum,
    sheet_checksum,
)

MAX_SHOWN = 50
# A separator starts where a run of spaces starts (the look-behinds): one try per run, so
# splitting a cell full of spaces stays linear.
_SPLIT = re.compile(r"(?<!\s)\s*[;,|\n/+]\s*|(?<!\s)\s+et\s+")


class ReviewError(InputError):
    """A review workbook with problems; ``problems`` lists every one."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        more = len(problems) - 1
        first = f"{path} : {problems[0]}"
        super().__init__(first if not more else f"{first} (et {more} autre(s) problème(s))")

    def lines(self, limit: int = MAX_SHOWN) -> list[str]:
        shown = [f"{self.path} : {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            shown.append(f"… et {len(self.problems) - limit} autre(s) problème(s)")
        return shown


@dataclass(frozen=True)
class ReviewRow:
    unit: str
    row: int
    labels: dict[str, list[str]]  # dimension -> category ids, every dimension
    reviewed: bool
    edited: bool

    @property
    def recorded(self) -> bool:
        return self.edited or self.reviewed


@dataclass(frozen=True)
class ReviewData:
    path: Path
    identity: ReviewIdentity
    rows: list[ReviewRow]

    def recorded(self) -> list[ReviewRow]:
        return [r for r in self.rows if r.recorded]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _where(row: int, col: int, header: str) -> str:
    return f"feuille « {SHEET_REVIEW} », ligne {row}, colonne {get_column_letter(col)} ({header})"


def _open(path: Path):  # noqa: ANN202
    if not path.exists():
        raise InputError(f"{path} : fichier introuvable ; vérifiez le chemin")
    if path.suffix.lower() in (".ods", ".xls"):
        # Its protected cells, drop-down lists and hidden identity sheet only survive as .xlsx.
        raise InputError(
            f"{path} : un classeur de revue se relit au format .xlsx, celui de son export ; "
            f"dans LibreOffice, faites « Enregistrer sous » au format Excel 2007-365 (.xlsx) en "
            f"gardant ce format, puis importez le fichier .xlsx"
        )
    if path.suffix.lower() != ".xlsx":
        raise InputError(f"{path} : un classeur de revue est un fichier .xlsx")
    check_zip(path, XLSX_LIMITS)  # bounded: no ZIP bomb or oversized member is opened
    try:
        return load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(
            f"{path} : classeur Excel illisible ({type(exc).__name__}) ; enregistrez-le au "
            f"format .xlsx"
        ) from None


def _identity(path: Path, wb: Any) -> tuple[ReviewIdentity, list[list[str]], list[EditColumn]]:
    not_review = (
        f"{path} : ce n'est pas un classeur de revue cloterres (feuille cachée « {SHEET_META} » "
        f"absente ou abîmée) ; créez-en un avec cloterres revue exporter"
    )
    if SHEET_META not in wb.sheetnames:
        raise InputError(not_review)
    cells = [list(r) for r in wb[SHEET_META].iter_rows(values_only=True)]
    if not cells or not cells[0] or not isinstance(cells[0][0], str):
        raise InputError(not_review)
    identity_json = cells[0][0]
    stored_sum = _text(cells[0][1]) if len(cells[0]) > 1 else ""
    try:
        raw = json.loads(identity_json)
        if raw.get("format") != FORMAT:
            raise InputError(not_review)
        identity = ReviewIdentity.model_validate(raw)
    except (json.JSONDecodeError, ValidationError, AttributeError):
        raise InputError(not_review) from None
    rows = [
        [_text(r[0]), _text(r[1]), _text(r[2])]
        for r in cells[1 : identity.units + 1]
        if len(r) >= 3
    ]
    column_json = [_text(r[5]) for r in cells if len(r) >= 6 and r[5]]
    try:
        columns = [EditColumn.model_validate_json(c) for c in column_json]
    except ValidationError:
        raise InputError(not_review) from None
    broken = len(rows) != identity.units or stored_sum != sheet_checksum(
        identity_json, rows, column_json
    )
    broken = broken or any(r[2] != row_checksum(identity.export_id, r[0], r[1]) for r in rows)
    if broken:
        raise InputError(
            f"{path} : la feuille cachée « {SHEET_META} » a été modifiée ; ce classeur ne peut "
            f"plus être importé, exportez-en un nouveau"
        )
    return identity, rows, columns


def read_review_identity(path: Path) -> ReviewIdentity:
    """What a review workbook was exported for (study, coder, kind...), from its hidden sheet
    only: the review rows are not read."""
    wb = _open(path)
    try:
        return _identity(path, wb)[0]
    finally:
        wb.close()


def read_review(path: Path, *, coder: str | None = None) -> ReviewData:
    """Read and validate a review workbook; raise :class:`ReviewError` listing every problem."""
    wb = _open(path)
    try:
        identity, meta_rows, columns = _identity(path, wb)
        problems: list[str] = []
        if coder is not None and coder.strip() != identity.coder:
            problems.append(
                f"ce classeur a été exporté pour le codeur « {identity.coder} », pas pour "
                f"« {coder.strip()} » ; importez-le avec --codeur « {identity.coder} » ou "
                f"exportez un classeur au nom de « {coder.strip()} »"
            )
        if SHEET_REVIEW not in wb.sheetnames:
            raise ReviewError(path, [*problems, f"feuille « {SHEET_REVIEW} » absente"])
        sheet = wb[SHEET_REVIEW]
        width = max([identity.reviewed_column, *(c.index for c in columns)])
        found: list[tuple[int, list[Any]]] = []
        for n, values in enumerate(
            sheet.iter_rows(min_row=FIRST_ROW, max_col=width, values_only=True), start=FIRST_ROW
        ):
            found.append((n, list(values) + [None] * (width - len(values))))
        while found and all(_text(v) == "" for v in found[-1][1]):
            found.pop()
    finally:
        wb.close()

    expected = [r[0] for r in meta_rows]
    prefill = {r[0]: json.loads(r[1]) for r in meta_rows}
    ids = [_text(values[identity.id_column - 1]) for _, values in found]
    problems.extend(_id_problems(expected, ids))
    rows: list[ReviewRow] = []
    dims = list(identity.dimensions)
    for i, (row, values) in enumerate(found[: len(expected)]):
        labels: dict[str, list[str]] = {d: [] for d in dims}
        raw = _text(values[identity.reviewed_column - 1])
        reviewed = False
        if fold(raw) in REVIEWED_TRUE:
            reviewed = True
        elif fold(raw) not in REVIEWED_FALSE:
            problems.append(
                f"{_where(row, identity.reviewed_column, 'Revu')} : « {raw} » : mettez « oui » "
                f"quand la ligne est revue, ou laissez vide"
            )
        for column in columns:
            value = _text(values[column.index - 1])
            where = _where(row, column.index, column.header)
            if column.category is not None:
                if not value:
                    continue
                if fold(value) in MARKS_TRUE:
                    labels[column.dimension].append(column.category)
                else:
                    problems.append(
                        f"{where} : « {value} » : mettez « x » pour cocher la catégorie, ou "
                        f"laissez vide"
                    )
                continue
            if not value:
                continue
            problem = _single(identity, column.dimension, value, labels)
            if problem:
                problems.append(f"{where} : « {value} » : {problem}")
        unit = ids[i]  # the id is the key: rows may come in any order
        edited = canonical(labels) != canonical(prefill.get(unit, {}))
        rows.append(ReviewRow(unit, row, labels, reviewed, edited))
    if problems:
        raise ReviewError(path, problems)
    return ReviewData(path, identity, rows)


def _id_problems(expected: list[str], ids: list[str]) -> list[str]:
    """Rows whose unit id was erased, edited, duplicated or added, and units whose row
    disappeared. Rows are matched by id (in any order: coders sort and filter), so one deleted
    row is one problem, not a cascade."""
    problems: list[str] = []
    position = {key: i for i, key in enumerate(expected)}
    seen: set[str] = set()
    in_place: set[str] = set()  # expected ids replaced at their own row (reported there)
    for i, got in enumerate(ids):
        row = FIRST_ROW + i
        where = _where(row, 1, "Identifiant")
        exp = expected[i] if i < len(expected) else None
        if got in position and got not in seen:  # any order: sorted or filtered rows are fine
            seen.add(got)
            continue
        if got in position:
            problems.append(
                f"{where} : identifiant « {got} » en double"
                + (f" (attendu « {exp} »)" if exp and exp not in ids else "")
                + " ; une ligne a été copiée, annulez la copie"
            )
        elif exp is None:
            problems.append(
                f"{where} : ligne ajoutée (« {got} ») ; un classeur de revue ne prend pas de "
                f"nouvelles lignes, supprimez-la"
            )
        elif not got:
            problems.append(f"{where} : identifiant effacé (attendu « {exp} ») ; remettez-le")
        else:
            problems.append(
                f"{where} : identifiant modifié (« {got} » au lieu de « {exp} ») ; remettez-le"
            )
        if exp is not None and exp not in ids:
            in_place.add(exp)
    for key in expected:
        if key not in seen and key not in in_place:
            problems.append(
                f"feuille « {SHEET_REVIEW} » : l'unité « {key} » a disparu du classeur (ligne "
                f"supprimée ?) ; reprenez une copie non modifiée du classeur exporté"
            )
    return problems


def _single(
    identity: ReviewIdentity, dim: str, value: str, labels: dict[str, list[str]]
) -> str | None:
    """Read one single-label cell into ``labels``; return the problem, if any."""
    known = {fold(label): cat for label, cat in identity.single.get(dim, {}).items()}
    known.update({fold(cat): cat for cat in identity.single.get(dim, {}).values()})
    if fold(value) in known:
        labels[dim].append(known[fold(value)])
        return None
    parts = [p for p in _SPLIT.split(value) if p]
    if len(parts) > 1 and any(fold(p) in known for p in parts):
        return "une seule catégorie est permise pour cette dimension ; gardez-en une"
    choices = ", ".join(f"« {label} »" for label in list(identity.single.get(dim, {}))[:12])
    return f"catégorie inconnue ; choisissez dans la liste ({choices})"


def review_coder_labels(data: ReviewData) -> CoderLabels:
    """The labels a coder entered (recorded rows only), in :mod:`cloterres.engine.labels` terms."""
    kind = data.identity.kind
    units: dict[str, UnitLabels] = {}
    for row in data.recorded():
        labels = row.labels
        front = front_end(kind)
        labels = {dim: [front.label(dim, c) for c in cats] for dim, cats in labels.items()}
        units[row.unit] = UnitLabels(labels={d: list(c) for d, c in labels.items()})
    return CoderLabels(coder=data.identity.coder, kind=kind, units=units)


def read_review_labels(path: Path) -> list[CoderLabels]:
    """Labels a coder entered in a review workbook, validated (raises :class:`ReviewError`).

    Only rows the coder changed or marked « Revu = oui » count; the list has one element, the
    workbook's coder.
    """
    return [review_coder_labels(read_review(Path(path)))]
