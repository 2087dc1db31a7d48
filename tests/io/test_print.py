"""Print-ready workbooks (issue 17): row heights for wrapped text, print setup, and the demo
workbooks converted by LibreOffice on far fewer pages than before."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from cloterres.io.excel import (
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    header_widths,
    row_height,
    stream_table,
    text_lines,
    write_table,
)

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "corpora" / "demo"


def test_text_lines_counts_wrapped_lines():
    assert text_lines("", 20) == 1
    assert text_lines(None, 20) == 1
    assert text_lines("court", 20) == 1
    assert text_lines("mot " * 40, 20) >= 7  # 160 characters in a 20-wide column
    assert text_lines("un\ndeux\ntrois", 50) == 3  # each paragraph on its own line
    assert text_lines("x" * 100, 10) >= 9  # a word longer than the line takes several lines


def test_text_lines_grow_with_text_and_shrink_with_width():
    text = "Mettre à disposition un logement meublé à loyer modéré pour les internes " * 3
    assert text_lines(text, 20) > text_lines(text, 40) > text_lines(text, 120)
    assert text_lines(text * 2, 40) > text_lines(text, 40)


def test_row_height_only_for_wrapped_columns():
    long = "une phrase assez longue pour tenir sur plusieurs lignes " * 4
    assert row_height(["a", "b"], [10, 10], {1, 2}) is None  # one line is enough
    assert row_height([long, "b"], [10, 10], {2}) is None  # the long cell is not wrapped
    height = row_height([long, "b"], [20, 10], {1})
    assert height is not None and height >= 5 * LINE_HEIGHT
    assert row_height(["x " * 20_000], [10], {1}) == MAX_ROW_HEIGHT


def test_header_widths_fit_the_longest_word():
    widths = header_widths(["Niveau environnemental", "n"], [8, 8])
    assert widths[0] >= len("environnemental") and widths[1] == 8


def test_tables_store_print_setup_and_heights(tmp_path):
    long = "une phrase assez longue pour tenir sur plusieurs lignes " * 4
    wb = Workbook(write_only=True)
    stream_table(wb.create_sheet("Flux"), ["Texte", "Autre"], [[long, 1], ["court", 2]],
                 widths=[20, 90], wrap={1}, titles=["Titre"])  # fmt: skip
    wb.save(tmp_path / "flux.xlsx")
    wb2 = Workbook()
    ws = wb2.active
    assert ws is not None
    write_table(ws, ["Texte", "Autre"], [[long, 1]], widths=[20, 10], wrap={1})
    wb2.save(tmp_path / "table.xlsx")

    ws = load_workbook(tmp_path / "flux.xlsx")["Flux"]
    assert ws.print_title_rows == "$2:$2" and ws.freeze_panes == "B3"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.row_dimensions[3].height >= 5 * LINE_HEIGHT and not ws.row_dimensions[4].height
    assert ws.cell(3, 1).value == long  # values unchanged
    ws = load_workbook(tmp_path / "table.xlsx").active
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "portrait"
    assert ws.row_dimensions[2].height >= 5 * LINE_HEIGHT


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _pages(pdf: Path) -> int:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)


def _run(*args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "cloterres", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice absent (make test-tools l'installe)")
def test_demo_workbooks_print_on_few_pages(tmp_path):
    plans = [str(p) for p in sorted(DEMO.glob("*.csv"))]
    measures, jsonl, summary = (tmp_path / n for n in ("mesures.xlsx", "m.jsonl", "synthese.xlsx"))
    _run("categoriser", *plans, "--sortie", str(measures), "--silencieux")
    _run("categoriser", *plans, "--sortie", str(jsonl), "--silencieux")
    _run("synthese", str(jsonl), "--sortie", str(summary), "--silencieux")

    wb = load_workbook(measures)
    for ws in wb.worksheets:  # every table sheet: frozen header, printed header, fitted width
        assert ws.freeze_panes, ws.title
        assert ws.print_title_rows, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert wb["Mesures"].page_setup.orientation == "landscape"
    assert wb["Synthèse"].freeze_panes and wb["Synthèse"].print_title_rows
    wrapped = [h for r, d in wb["Mesures"].row_dimensions.items() if r > 1 and (h := d.height)]
    assert len(wrapped) > 100  # rows holding wrapped text have a height
    comparison = load_workbook(summary).worksheets[0]
    assert comparison.print_title_rows and comparison.page_setup.orientation == "landscape"

    for book in (measures, summary):
        result = subprocess.run(
            [_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profil",
             "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
            capture_output=True, text=True, timeout=300,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    # before print setup: 77 portrait pages for the measures, 135 for the summary of all demo
    # inputs (rows one line tall, charts cut across pages)
    assert _pages(tmp_path / "mesures.pdf") <= 45
    assert _pages(tmp_path / "synthese.pdf") <= 30
