"""Formula-looking text (=, +, -, @, tab, CR, full-width signs) in every field of every input
comes out inert in every Excel and CSV export: kept as text, never a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.robustness.hostile import FORMULAS, check_csv_inert, check_xlsx_inert, run_cli
from tests.robustness.readers import INTERVIEWS_GRID, MEASURES_GRID


def measures_csv(path: Path) -> Path:
    header = ["id", "contrat", "axe", "intitule", "description", "porteur", "=Budget()"]
    rows = [[f"F{i}", f, f, f"{f} ateliers nutrition", f, f, f] for i, f in enumerate(FORMULAS, 1)]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("extension", [".xlsx", ".csv"])
def test_measures_exports(extension: str, tmp_path: Path, nlp) -> None:
    grid = tmp_path / "grille.yaml"
    grid.write_text(MEASURES_GRID, encoding="utf-8")
    output = tmp_path / f"mesures{extension}"
    code, _out, err = run_cli(
        "categoriser", measures_csv(tmp_path / "=plan.csv"), "--sortie", output,
        "--grille", grid, "--silencieux",
    )  # fmt: skip
    assert code == 0, err
    if extension == ".csv":
        rows = check_csv_inert(output.read_bytes())
        assert rows[1][:3] == ["F1", "'=1+1", "'=1+1"]  # a quote makes it text, kept whole
        return
    check_xlsx_inert(output)
    ws = load_workbook(output)["Mesures"]
    headers = [c.value for c in ws[1]]
    assert "=Budget()" in headers and ws.cell(1, headers.index("=Budget()") + 1).quotePrefix
    values = [ws.cell(row, 1).value for row in range(2, ws.max_row + 1)]
    assert values == [f"F{i}" for i in range(1, len(FORMULAS) + 1)]
    contracts = [ws.cell(row, 2).value for row in range(2, ws.max_row + 1)]
    assert contracts[0] == "=1+1" and ws.cell(2, 2).quotePrefix
    assert contracts[1].startswith("=HYPERLINK(")


TRANSCRIPT = """---
id: "=1+1"
territoire: "=HYPERLINK(\\"http://exemple.invalid\\")"
structure: "@SUM(1)"
---
Enquêtrice : +Comment êtes-vous entrés ?
-Coordinatrice : -On a été invités par Mme =Lestrade. Trop de réunions.
Enquêtrice : @Et ensuite ?
-Coordinatrice : =1+1 nous a sollicités.
"""


@pytest.mark.parametrize("extension", [".xlsx", ".csv"])
def test_interview_exports_and_correspondence_table(extension: str, tmp_path: Path, nlp) -> None:
    grid = tmp_path / "grille.yaml"
    grid.write_text(INTERVIEWS_GRID, encoding="utf-8")
    transcript = tmp_path / "-entretien.txt"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    units = tmp_path / "unites.csv"
    units.write_text(
        "id;texte;entretien;=attribut\n=U1;=On a été invités.;@E9;+valeur\n", encoding="utf-8"
    )
    names = tmp_path / "noms.txt"
    names.write_text("=Lestrade\n@Marchal\n", encoding="utf-8")
    output = tmp_path / f"codes{extension}"
    code, _out, err = run_cli(
        "coder", transcript, units, "--sortie", output, "--grille", grid, "--noms", names,
        "--silencieux",
    )  # fmt: skip
    assert code == 0, err
    table = tmp_path / "codes-correspondances.csv"
    check_csv_inert(table.read_bytes())
    if extension == ".csv":
        rows = check_csv_inert(output.read_bytes())
        assert "'=attribut" in rows[0]
        assert rows[1][0].startswith("'=1+1-")  # the interview id, inert
        return
    check_xlsx_inert(output)
    wb = load_workbook(output)
    ws = wb["Unités codées"]
    ids = [ws.cell(row, 2).value for row in range(2, ws.max_row + 1)]
    assert ids[0] == "=1+1" and ws.cell(2, 2).quotePrefix
    assert "@E9" in ids


def test_codebook_and_project_are_xml_not_formulas(tmp_path: Path, nlp) -> None:
    """The .qdc and .qdpx are XML: formula-looking text is only escaped text there."""
    grid = tmp_path / "grille.yaml"
    grid.write_text(INTERVIEWS_GRID.replace("Coûts perçus", "=Coûts perçus"), encoding="utf-8")
    output = tmp_path / "grille.qdc"
    code, _out, err = run_cli("grille", "exporter", grid, "--sortie", output)
    assert code == 0, err
    assert 'name="=Coûts perçus"' in output.read_text(encoding="utf-8")
