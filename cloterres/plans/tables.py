"""Read CLS measures from CSV, XLSX, ODS and XLS tables (one row per measure).

Columns are recognised case- and accent-insensitively under their usual French names; CSV files
may be UTF-8 (with or without BOM) or cp1252/latin-1, separated by ``;``, ``,`` or tabs. Rows are
streamed, so a file of any size is read with bounded memory. LibreOffice (.ods) and old Excel
(.xls) workbooks are read with calamine (``spreadsheet_sheets``), sheet by sheet, with the same
column recognition and the same messages as .xlsx.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cloterres.errors import InputError
from cloterres.io import tables as io_tables
from cloterres.io.sources import SourceRef, Warning_
from cloterres.io.tables import (
    WORKBOOK_SUFFIXES,
    Rows,
    cell_as_text,
    normalize_header,
    spreadsheet_sheets,
)
from cloterres.plans.measure import Measure

if TYPE_CHECKING:
    from cloterres.plans.report import DocumentReport

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
        texts = [cell_as_text(c) for c in cells]
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


def _measure_header_score(headers: list[str]) -> int:
    """How many standard measure fields a header row names (to choose a CSV separator)."""
    return sum(1 for name in map_columns(headers).values() if name in _ALIASES)


def csv_rows(path: Path) -> Rows:
    """(line number, cells) of a CSV file, the separator chosen by the measure columns it
    names (see :func:`cloterres.io.tables.csv_rows`)."""
    return io_tables.csv_rows(path, header_score=_measure_header_score)


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


def check_table(path: Path) -> None:
    """Read a table only as far as its first measure, so that a file without a text column is
    refused at once (before the language model is loaded); raises InputError."""
    measures = read_table(path, ReadReport())
    try:
        next(iter(measures), None)
    finally:
        close = getattr(measures, "close", None)
        if close is not None:
            close()  # a workbook read lazily is closed here


def read_table(path: Path, report: ReadReport) -> Iterator[Measure]:
    """Measures of one CSV/XLSX/ODS/XLS file (streamed)."""
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return read_xlsx(path, report)
    if suffix in (".csv", ".tsv"):
        return read_csv(path, report)
    raise InputError(f"{path} : extension « {suffix} » non prise en charge pour un tableau")
