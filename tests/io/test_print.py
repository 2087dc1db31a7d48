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
    READABLE_PT,
    READABLE_WIDTH,
    header_widths,
    printed_size,
    row_height,
    share_width,
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


def test_printed_size_of_fitted_columns():
    # 645 characters of columns (the full Mesures sheet) on one landscape page: about 2 points
    assert printed_size([645]) < 2.5
    assert printed_size([60]) == 11  # narrower than the page: never enlarged
    # the budget of the printable sheets prints at about 9 points with Calibri, so still 7 with
    # LibreOffice's fallback font (column widths measured a third wider)
    assert printed_size([READABLE_WIDTH]) / 1.3 >= READABLE_PT
    assert printed_size([READABLE_WIDTH + 60]) / 1.3 < READABLE_PT
    assert printed_size([300], pages_wide=2) > printed_size([300])
    assert printed_size([100], landscape=False) < printed_size([100])


def test_share_width_fills_the_budget_and_keeps_header_words_whole():
    headers = ["Mesure", "Texte", "Champ", "Niveau du déterminant", "Stratégie d'intervention", "x"]
    widths = share_width(headers, [12, 40, 14, 14, 14, 18], flexible=[2, 3, 4])
    assert widths[:2] == [12, 40] and widths[5] == 18  # the other columns unchanged
    assert READABLE_WIDTH - 0.5 <= sum(widths) <= READABLE_WIDTH
    assert widths[4] >= len("d'intervention") and widths[3] >= len("déterminant")
    assert widths[2] == min(widths[2:5])  # a short header gets what the others leave
    assert share_width(["a", "b"], [10, 10], flexible=[1], budget=100) == [10, 90]
    # too many columns for one page: each keeps the minimum (the sheet prints on more pages)
    many = share_width(["c"] * 20, [10] * 20, flexible=range(20), minimum=12)
    assert many == [12] * 20


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


def _body_size(page) -> float:
    """The size most characters of a PDF page are printed at (points)."""
    sizes = sorted(round(c["size"], 1) for c in page.chars)
    return sizes[len(sizes) // 2] if sizes else 0.0


def _printed_pages(pdf: Path, header: str) -> list[float]:
    """The body text size of each page of ``pdf`` whose text holds ``header``."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return [_body_size(p) for p in doc.pages if header in (p.extract_text() or "")]


@pytest.mark.slow
@pytest.mark.skipif(_soffice() is None, reason="LibreOffice absent (make test-tools l'installe)")
def test_demo_workbooks_print_on_few_pages(tmp_path):
    plans = [str(p) for p in sorted(DEMO.glob("*.csv"))]
    measures, jsonl, summary = (tmp_path / n for n in ("mesures.xlsx", "m.jsonl", "synthese.xlsx"))
    units = tmp_path / "entretiens.xlsx"
    _run("categoriser", *plans, "--sortie", str(measures), "--silencieux")
    _run("categoriser", *plans, "--sortie", str(jsonl), "--silencieux")
    _run("synthese", str(jsonl), "--sortie", str(summary), "--silencieux")
    interviews = [str(p) for p in sorted((DEMO / "entretiens").glob("E*"))]
    _run("coder", *interviews, "--sortie", str(units), "--silencieux")

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

    for book in (measures, summary, units):
        result = subprocess.run(
            [_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profil",
             "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
            capture_output=True, text=True, timeout=300,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    # before print setup: 77 portrait pages for the measures, 135 for the summary of all demo
    # inputs (rows one line tall, charts cut across pages); the measures' printable sheet adds
    # about 25 pages; 58 pages with 1,416 labels, 63 with 1,482 once the layer learned from 692
    # real measures (December 2026): the budget follows the labels
    assert _pages(tmp_path / "mesures.pdf") <= 66
    assert _pages(tmp_path / "synthese.pdf") <= 30
    # the printable sheets: every page at 7 points or more (LibreOffice's fallback font here;
    # larger with Calibri or Carlito), the full sheets at about 2 points
    printed = _printed_pages(tmp_path / "mesures.pdf", "Intitulé et description")
    # (28 pages with 1,416 labels, 33 with 1,482: the label columns wrap on more lines)
    assert 15 <= len(printed) <= 36 and min(printed) >= READABLE_PT, printed
    full = _printed_pages(tmp_path / "mesures.pdf", "Toutes les colonnes, en petit")
    assert full and max(full) < 3
    units_pages = _printed_pages(tmp_path / "entretiens.pdf", "Locuteur Lignes Texte Codes")
    assert 20 <= len(units_pages) <= 45 and min(units_pages) >= READABLE_PT, units_pages


def _fill(cell) -> bool:
    return cell.fill is not None and cell.fill.fill_type == "solid"


def _widths(ws) -> list[float]:
    from openpyxl.utils import get_column_letter

    return [ws.column_dimensions[get_column_letter(c)].width for c in range(1, ws.max_column + 1)]


def _header_row(ws, first: str) -> int:
    return next(r for r in range(1, 10) if ws.cell(r, 1).value == first)


def test_measures_workbook_prints_a_readable_sheet_and_keeps_every_column(tmp_path, coder):
    from cloterres.plans.categorize import categorize

    out = tmp_path / "mesures.xlsx"
    categorize([DEMO / "cls-communaute-communes-val-de-serre.csv"], out, command="test", workers=1)
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["Mesures", "Impression", "Synthèse"]
    full, printed = wb["Mesures"], wb["Impression"]
    dims = [d.label for d in coder.grid.dimensions]

    # the screen sheet keeps every column (technical ones included) and says where to print
    full_headers = [c.value for c in full[1]]
    for kept in ("Axe", "Porteur", "Source", "Preuves (mots qui ont déclenché chaque catégorie)"):
        assert kept in full_headers
    assert sum(_widths(full)) > 600 and printed_size(_widths(full)) < 3
    assert "« Impression »" in full.oddHeader.center.text
    assert full.HeaderFooter.scaleWithDoc is False  # readable on the 2-point pages

    head = _header_row(printed, "Mesure (contrat)")
    headers = [c.value for c in printed[head]]
    assert headers == ["Mesure (contrat)", "Intitulé et description", *dims, "À vérifier"]
    widths = _widths(printed)
    assert sum(widths) <= READABLE_WIDTH and printed_size(widths) >= 8.5  # Calibri
    setup = printed.page_setup
    assert setup.orientation == "landscape" and setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert printed.print_title_rows == f"${head}:${head}" and printed.freeze_panes == f"B{head + 1}"
    note = " ".join(str(printed.cell(r, 1).value or "") for r in range(2, head))
    assert note.startswith("Colonnes de la feuille « Mesures » non imprimées ici : Axe, Porteur")
    for left_out in ("Partenaires", "Preuves", "Source", "Multi-objectifs"):
        assert left_out in note

    # the same measures, the same labels and the same cells to check as the full sheet
    col = {h: i for i, h in enumerate(full_headers)}
    rows = list(full.iter_rows(min_row=2))
    assert printed.max_row - head == len(rows) > 40
    flagged = 0
    for full_row, printed_row in zip(rows, printed.iter_rows(min_row=head + 1), strict=True):
        value = {h: full_row[i].value for h, i in col.items()}
        assert printed_row[0].value == f"{value['Identifiant']}\n{value['Contrat']}"
        parts = [value["Intitulé"], value["Description"]]
        assert printed_row[1].value == "\n".join(p for p in parts if p)
        for k, dim in enumerate(dims):
            assert printed_row[2 + k].value == value[dim]
            assert _fill(printed_row[2 + k]) == _fill(full_row[col[dim]])
            flagged += _fill(printed_row[2 + k])
        assert printed_row[-1].value == value["À vérifier (par défaut ou confiance < 0,6)"]
        assert all(c.alignment.wrap_text for c in printed_row)
    assert flagged > 0


def test_units_workbook_prints_a_readable_sheet(tmp_path, run_cli, coder):
    out = tmp_path / "entretiens.xlsx"
    code, _out, err = run_cli(
        "coder", DEMO / "entretiens" / "E01-coordinatrice.txt", "-o", out, "-q"
    )
    assert code == 0, err
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["Unités codées", "Impression"]
    full, printed = wb["Unités codées"], wb["Impression"]
    assert "« Impression »" in full.oddHeader.center.text
    head = _header_row(printed, "Unité")
    assert [c.value for c in printed[head]] == [
        "Unité", "Entretien", "Locuteur", "Lignes", "Texte", "Codes"
    ]  # fmt: skip
    widths = _widths(printed)
    assert sum(widths) <= READABLE_WIDTH and printed_size(widths) >= 8.5
    assert printed.page_setup.orientation == "landscape" and printed.page_setup.fitToWidth == 1
    assert printed.print_title_rows == f"${head}:${head}"
    note = " ".join(str(printed.cell(r, 1).value or "") for r in range(2, head))
    for left_out in ("Territoire / CLS", "Type d'acteur", "Preuves", "Identifiants des codes"):
        assert left_out in note

    full_headers = [c.value for c in full[1]]
    text, codes = full_headers.index("Texte"), full_headers.index("Codes")
    rows = list(full.iter_rows(min_row=2))
    assert printed.max_row - head == len(rows) > 50
    checked = 0
    for full_row, printed_row in zip(rows, printed.iter_rows(min_row=head + 1), strict=True):
        assert printed_row[0].value == full_row[0].value
        assert printed_row[4].value == full_row[text].value
        assert printed_row[5].value == full_row[codes].value
        assert _fill(printed_row[5]) == _fill(full_row[codes])
        checked += _fill(printed_row[5])
    assert checked > 0
