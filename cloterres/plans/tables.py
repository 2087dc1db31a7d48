"""Read CLS measures from CSV, XLSX, ODS and XLS tables (one row per measure).

Columns are recognised case- and accent-insensitively under their usual French names; CSV files
may be UTF-8 (with or without BOM) or cp1252/latin-1, separated by ``;``, ``,`` or tabs. Rows are
streamed, so a file of any size is read with bounded memory. LibreOffice (.ods) and old Excel
(.xls) workbooks are read with calamine (``spreadsheet_sheets``), sheet by sheet, with the same
column recognition and the same messages as .xlsx.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cloterres.engine.nlp import fold
from cloterres.errors import InputError
from cloterres.io.archive import ODS_LIMITS, XLSX_LIMITS, check_zip
from cloterres.io.sources import SourceRef, Warning_
from cloterres.io.text import (
    decode_lines,
    detect_encoding,
    looks_binary,
    warn_stray_nuls,
    without_controls,
)
from cloterres.plans.measure import Measure

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from cloterres.plans.report import DocumentReport

csv.field_size_limit(10_000_000)

# Folded header -> standard field. Headers are folded (lower case, no accents, punctuation -> space).
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "identifiant",
        "ident",
        "code",
        "n",
        "no",
        "num",
        "numero",
        "ref",
        "reference",
        "n action",
        "numero action",
        "n fiche",
        "numero fiche",
        "n fiche action",
        "numero de fiche",
        "numero de l action",
        "code action",
        "id mesure",
        "id action",
    ),
    "contrat": (
        "contrat",
        "cls",
        "contrat local de sante",
        "nom du contrat",
        "nom du cls",
        "contrat cls",
    ),
    "axe": (
        "axe",
        "axes",
        "axe strategique",
        "axes strategiques",
        "axe du cls",
        "orientation",
        "orientation strategique",
        "axe prioritaire",
        "priorite",
        "axe thematique",
    ),
    "intitule": (
        "intitule",
        "titre",
        "mesure",
        "action",
        "intitule de l action",
        "intitule action",
        "intitule de la mesure",
        "intitule de la fiche",
        "intitule de la fiche action",
        "libelle",
        "libelle de l action",
        "nom de l action",
        "titre de l action",
        "fiche action",
        "intitule mesure",
        "actions",
        "mesures",
    ),
    "description": (
        "description",
        "descriptif",
        "contenu",
        "description de l action",
        "descriptif de l action",
        "description de la mesure",
        "detail",
        "modalites",
        "contenu de l action",
        "description action",
        "descriptif action",
    ),
    "porteur": (
        "porteur",
        "porteurs",
        "pilote",
        "pilotes",
        "porteur de l action",
        "porteur pilote",
        "pilote porteur",
        "structure porteuse",
        "responsable",
        "pilote de l action",
    ),
    "partenaires": (
        "partenaires",
        "partenaire",
        "partenaires associes",
        "partenaires mobilises",
        "partenariat",
        "partenaires de l action",
    ),
    "public": (
        "public",
        "publics",
        "public cible",
        "publics cibles",
        "population cible",
        "cible",
        "cibles",
        "beneficiaires",
        "public vise",
        "publics vises",
    ),
}
_HEADER_TO_FIELD = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
TEXT_FIELDS = ("intitule", "description")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")
TABLE_SUFFIXES = (".csv", ".tsv", *WORKBOOK_SUFFIXES)
_DELIMITERS = (";", ",", "\t")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_header(header: str) -> str:
    text = fold(str(header).replace("(s)", "s").replace("(S)", "S"))
    return _NON_ALNUM.sub(" ", text).strip()


def map_columns(headers: list[str]) -> dict[int, str]:
    """Column index -> standard field name or the original header for other columns."""
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        raw = str(header or "").strip()
        if not raw:
            continue
        name = _HEADER_TO_FIELD.get(normalize_header(raw))
        if name and name not in used:
            used.add(name)
            mapping[index] = name
        else:
            key = raw
            suffix = 2
            while key in used:
                key = f"{raw} ({suffix})"
                suffix += 1
            used.add(key)
            mapping[index] = key
    return mapping


@dataclass
class FileReport:
    """What was read from one input file."""

    fichier: str
    feuilles: list[str] = field(default_factory=list)
    mesures: int = 0
    sans_texte: int = 0
    colonnes: list[str] = field(default_factory=list)


@dataclass
class ReadReport:
    files: list[FileReport] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    documents: list[DocumentReport] = field(default_factory=list)  # the import report
    omitted: int = 0  # warnings beyond MAX_WARNINGS, counted only (bounded memory)

    MAX_WARNINGS = 10_000

    def warn(self, warning: Warning_) -> None:
        if len(self.warnings) < self.MAX_WARNINGS:
            self.warnings.append(warning)
        else:
            self.omitted += 1


def _cell_text(value: object) -> str:
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


def _rows_to_measures(
    rows: Iterator[tuple[int, list[object]]],
    source_name: str,
    sheet: str | None,
    default_contract: str,
    report: ReadReport,
    file_report: FileReport,
    *,
    require_text_column: bool,
) -> Iterator[Measure]:
    """Turn (line number, cells) rows into measures: header detection, column mapping."""
    mapping: dict[int, str] | None = None
    header_line = 0
    first_headers: list[str] = []
    stem = Path(source_name).stem
    for line, cells in rows:
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        if mapping is None:
            candidate = map_columns(texts)
            if not first_headers:
                first_headers = [t for t in texts if t]
            if any(name in TEXT_FIELDS for name in candidate.values()):
                mapping = candidate
                header_line = line
                file_report.colonnes = [candidate[i] for i in sorted(candidate)]
                continue
            if line - (header_line or 1) >= 30:
                break
            continue
        values: dict[str, str] = {}
        extra: dict[str, str] = {}
        for index, name in mapping.items():
            value = texts[index] if index < len(texts) else ""
            if name in _ALIASES:
                values[name] = value
            elif value:
                extra[name] = value
        ref = SourceRef(fichier=source_name, feuille=sheet, ligne=line)
        measure = Measure(
            id=values.get("id") or f"{stem}-{line}",
            contrat=values.get("contrat") or default_contract,
            axe=values.get("axe", ""),
            intitule=values.get("intitule", ""),
            description=values.get("description", ""),
            porteur=values.get("porteur", ""),
            partenaires=values.get("partenaires", ""),
            public=values.get("public", ""),
            extra=extra,
            source=ref,
        )
        file_report.mesures += 1
        if not measure.has_text:
            file_report.sans_texte += 1
            report.warn(
                Warning_(
                    source=ref,
                    message=f"mesure « {measure.id} » sans intitulé ni description : "
                    "elle est gardée dans la sortie, sans catégorie",
                )
            )
        yield measure
    if mapping is None and require_text_column:
        where = f"{source_name}" + (f", feuille « {sheet} »" if sheet else "")
        found = ", ".join(first_headers[:12]) or "aucune"
        raise InputError(
            f"{where} : aucune colonne d'intitulé ou de description reconnue "
            f"(colonnes trouvées : {found}) ; nommez la colonne du texte des mesures "
            f"« intitule » ou « description »"
        )


# --- CSV -------------------------------------------------------------------------------------


def _detect_delimiter(sample: str) -> str:
    best, best_score = ";", (-1, -1)
    lines = sample.splitlines()[:20]
    for delim in _DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delim))
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            continue
        recognised = sum(1 for name in map_columns(rows[0]).values() if name in _ALIASES)
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) if width > 1 else 0
        score = (recognised, consistent)
        if score > best_score:
            best, best_score = delim, score
    return best


Rows = Iterator[tuple[int, list[object]]]


def csv_rows(path: Path) -> Rows:
    """(line number, cells) of a CSV file: encoding and separator detected, errors in French."""
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
    delimiter = "\t" if path.suffix.lower() == ".tsv" else _detect_delimiter(sample)

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

            def rows(ws: ReadOnlyWorksheet = ws) -> Rows:
                try:
                    # types-openpyxl binds ReadOnlyWorksheet.iter_rows to Worksheet's self type
                    for line, cells in enumerate(ws.iter_rows(values_only=True), start=1):  # type: ignore[misc]
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


def read_csv(path: Path, report: ReadReport) -> Iterator[Measure]:
    rows = csv_rows(path)
    file_report = FileReport(fichier=str(path))
    report.files.append(file_report)
    yield from _rows_to_measures(
        rows, str(path), None, path.stem, report, file_report, require_text_column=True
    )


def read_xlsx(path: Path, report: ReadReport) -> Iterator[Measure]:
    """Measures of a workbook: .xlsx, .xlsm, .ods or .xls."""
    name = str(path)
    sheets = spreadsheet_sheets(path)
    file_report = FileReport(fichier=name)
    report.files.append(file_report)
    found_any = False
    for title, n_sheets, rows in sheets:
        contract = title if n_sheets > 1 else path.stem
        before = file_report.mesures
        yield from _rows_to_measures(
            rows, name, title, contract, report, file_report, require_text_column=False
        )
        if file_report.mesures > before or file_report.colonnes:
            found_any = True
            file_report.feuilles.append(title)
    if not found_any:
        raise InputError(
            f"{name} : aucune feuille n'a de colonne d'intitulé ou de description reconnue ; "
            f"nommez la colonne du texte des mesures « intitule » ou « description »"
        )


def read_table(path: Path, report: ReadReport) -> Iterator[Measure]:
    """Measures of one CSV/XLSX/ODS/XLS file (streamed)."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return read_xlsx(path, report)
    if suffix in (".csv", ".tsv"):
        return read_csv(path, report)
    raise InputError(f"{path} : extension « {suffix} » non prise en charge pour un tableau")
