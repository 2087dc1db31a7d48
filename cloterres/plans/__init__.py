"""Front end for CLS action plans: reading measures from the files evaluators receive.

Tables (.csv, .tsv, .xlsx, .ods, .xls) have one row per measure; documents (.docx, .pdf, .txt, .md) are read
into blocks and their axes, objectives and fiches actions extracted (``extraction``). Every input
gets a ``DocumentReport`` (the import report).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from cloterres.errors import InputError
from cloterres.io.archive import check_docx
from cloterres.io.files import check_input_files
from cloterres.io.tables import TABLE_SUFFIXES
from cloterres.plans.blocks import Document
from cloterres.plans.measure import Measure
from cloterres.plans.tables import ReadReport, check_table, read_table

if TYPE_CHECKING:  # pragma: no cover
    # the import report writes workbooks (openpyxl): imported when reading, so that a quick
    # command using the front end's small helpers (grille tester) starts without it
    from cloterres.plans.report import DocumentReport

__all__ = ["DOCUMENT_SUFFIXES", "ReadReport", "check_inputs", "read_document", "read_measures"]

DOCUMENT_SUFFIXES = (".docx", ".pdf", ".txt", ".md")
_TABLE_FORMATS = {
    ".csv": "tableau CSV",
    ".tsv": "tableau TSV",
    ".ods": "classeur LibreOffice (.ods)",
    ".xls": "classeur Excel 97-2003 (.xls)",
}


def check_inputs(paths: list[Path]) -> None:
    """Fail early, before any output is written, on inputs that cannot be read at all."""
    check_input_files(
        paths,
        "aucun fichier de mesures donné ; exemple : cloterres categoriser plan.csv --sortie mesures.xlsx",
    )
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in TABLE_SUFFIXES:
            check_table(path)  # a table without a text column: refused now, not after the model
            continue
        if suffix == ".docx":
            check_docx(path)  # an unreadable document: refused now, not after the model
        elif suffix == ".pdf":
            from cloterres.plans.pdf import check_pdf

            check_pdf(path)
        if suffix in DOCUMENT_SUFFIXES:
            continue
        if suffix in (".doc", ".odt", ".rtf"):
            raise InputError(
                f"{path} : format {suffix} non pris en charge ; ouvrez-le dans Word ou "
                f"LibreOffice et enregistrez-le au format .docx (ou exportez-le en PDF)"
            )
        raise InputError(
            f"{path} : extension « {suffix or '(aucune)'} » non reconnue ; donnez un plan .docx, "
            f".pdf, .txt ou .md, ou un tableau .csv, .xlsx, .ods ou .xls (une ligne par mesure)"
        )


def read_document(path: Path, *, workers: int | None = None) -> Document:
    """The blocks of one document (.docx, .pdf, .txt, .md); ``workers`` processes read a long
    PDF (default: one per core; 1 reads in this process)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from cloterres.plans.docx import read_docx

        return read_docx(path)
    if suffix == ".pdf":
        from cloterres.plans.pdf import read_pdf

        return read_pdf(path, workers=workers)
    from cloterres.plans.text import read_text_plan

    return read_text_plan(path)


def _document_measures(
    path: Path, report: ReadReport, prefixes: set[str], workers: int | None
) -> tuple[DocumentReport, list[Measure]]:
    from cloterres.plans.extraction import extract_measures
    from cloterres.plans.report import DocumentReport

    doc = read_document(path, workers=workers)
    doc_report = DocumentReport(
        fichier=str(path),
        format=doc.format,
        pages=doc.pages,
        paragraphes=doc.paragraphs,
        tableaux=doc.tables,
    )
    measures = extract_measures(doc, doc_report, prefixes)
    for measure in measures:
        doc_report.count(measure)
    return doc_report, measures


def read_measures(
    paths: list[Path], report: ReadReport, *, workers: int | None = None
) -> Iterator[Measure]:
    """Stream the measures of every input file, in order; ``report`` collects what was found.
    ``workers``: processes that read a long PDF (default: one per core; 1 reads in this
    process)."""
    from cloterres.plans.report import DocumentReport

    check_inputs(paths)
    prefixes: set[str] = set()
    for path in paths:
        suffix = path.suffix.lower()
        if suffix in DOCUMENT_SUFFIXES:
            doc_report, measures = _document_measures(path, report, prefixes, workers)
            report.documents.append(doc_report)
            yield from measures
            continue
        doc_report = DocumentReport(
            fichier=str(path), format=_TABLE_FORMATS.get(suffix, "classeur Excel")
        )
        report.documents.append(doc_report)
        contracts: list[str] = []
        for measure in read_table(path, report):
            doc_report.count(measure)
            if measure.contrat not in contracts and len(contracts) < 20:
                contracts.append(measure.contrat)
            yield measure
        doc_report.contrat = ", ".join(contracts)
