"""A long PDF plan read in worker processes (page ranges merged in page order) gives exactly the
blocks and measures of the same file read page by page in one process; a failure inside a worker
comes back as the usual one-line French error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cloterres.errors import InputError
from cloterres.plans import pdf
from cloterres.plans.extraction import extract_measures
from cloterres.plans.report import DocumentReport

ROWS = 60  # about ten rows a page: six pages


def _plan_table(path: Path) -> None:
    """A fictitious plan table over several pages, header repeated, an axis row every 25."""
    from fpdf import FPDF

    pdf_file = FPDF(orientation="L")
    pdf_file.core_fonts_encoding = "windows-1252"
    pdf_file.set_title("CLS fictif de Montvernay 2025-2029")
    pdf_file.add_page()
    pdf_file.set_font("Helvetica", size=10)
    with pdf_file.table(col_widths=(14, 90, 60, 60), line_height=5, text_align="LEFT") as table:
        row = table.row()
        for header in ("N°", "Intitulé de l'action", "Porteur", "Partenaires"):
            row.cell(header)
        for i in range(ROWS):
            if i % 25 == 0:
                table.row().cell(f"Axe {i // 25 + 1} – Axe fictif numéro {i // 25 + 1}", colspan=4)
            row = table.row()
            row.cell(f"{i // 25 + 1}.{i % 25 + 1}")
            row.cell(
                f"Action fictive {i} : accompagner les habitants du quartier {i % 7} vers la "
                f"prévention, avec une permanence hebdomadaire et des ateliers collectifs"
            )
            row.cell(f"Association fictive {i % 5}")
            row.cell(f"Mairie fictive {i % 3}, CCAS fictif {i % 4}")
    pdf_file.output(str(path))


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdfparallele") / "plan-tableau-fictif.pdf"
    _plan_table(path)
    return path


def _measures(doc):  # noqa: ANN001, ANN202
    report = DocumentReport(fichier=doc.path, format=doc.format)
    return [m.model_dump() for m in extract_measures(doc, report, set())]


def test_parallel_reading_gives_the_same_measures(plan: Path) -> None:
    simple = pdf.read_pdf(plan, workers=1)
    parallel = pdf.read_pdf(plan, workers=2, parallel_from=2)
    assert simple.pages == parallel.pages == 6
    assert parallel.blocks == simple.blocks
    assert (parallel.title, parallel.tables, parallel.paragraphs, parallel.notes) == (
        simple.title, simple.tables, simple.paragraphs, simple.notes,
    )  # fmt: skip
    measures = _measures(parallel)
    assert measures == _measures(simple)
    assert len(measures) == ROWS
    first, last = measures[0], measures[-1]
    assert first["axe"] == "Axe 1 – Axe fictif numéro 1"
    assert first["intitule"].startswith("Action fictive 0 : accompagner les habitants du quartier")
    assert first["porteur"] == "Association fictive 0"
    assert last["axe"] == "Axe 3 – Axe fictif numéro 3"
    assert last["intitule"].startswith("Action fictive 59 : ")
    assert last["source"]["page"] == 6
    pages = [m["source"]["page"] for m in measures]
    assert pages == sorted(pages) and pages[0] == 1


def test_pages_are_read_in_worker_processes_and_merged_in_order(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyse = pdf._analyse

    def tagged(page, settings):  # noqa: ANN001, ANN202
        result = analyse(page, settings)
        result.pid = os.getpid()  # type: ignore[attr-defined]
        return result

    monkeypatch.setattr(pdf, "_analyse", tagged)
    reader = pdf._Reader(plan)
    try:
        simple = reader.read(0, len(reader))
        parallel = pdf._read_pages(reader, workers=2, parallel_from=2)
    finally:
        reader.close()
    assert [r.number for r in parallel] == list(range(1, 7))
    assert {r.pid for r in simple} == {os.getpid()}  # type: ignore[attr-defined]
    assert os.getpid() not in {r.pid for r in parallel}  # type: ignore[attr-defined]
    for one, other in zip(simple, parallel, strict=True):
        assert (one.lines, one.tables, one.images) == (other.lines, other.tables, other.images)
    # below the threshold, or with one worker, everything stays in this process
    reader = pdf._Reader(plan)
    try:
        short = pdf._read_pages(reader, workers=2, parallel_from=8)
    finally:
        reader.close()
    assert {r.pid for r in short} == {os.getpid()}  # type: ignore[attr-defined]


def test_a_failure_in_a_worker_is_a_french_input_error(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyse = pdf._analyse

    def failing(page, settings):  # noqa: ANN001, ANN202
        if page.page_number == 5:
            raise ValueError("flux de contenu endommagé")
        return analyse(page, settings)

    monkeypatch.setattr(pdf, "_analyse", failing)
    with pytest.raises(InputError) as caught:
        pdf.read_pdf(plan, workers=2, parallel_from=2)
    assert str(caught.value).startswith(
        f"{plan} : PDF illisible ou endommagé (ValueError) ; ouvrez-le dans un lecteur PDF"
    )
