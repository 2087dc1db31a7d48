"""``reseau --pseudonymiser`` / ``--table``: no real name in the outputs, and the same
pseudonyms as ``coder`` for the same correspondence table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cloterres.errors import InputError
from cloterres.interviews.coding import code_interviews
from cloterres.network.run import run_network

ACTORS = (
    "id;nom;milieu;alias\n"
    "A;Lucie Marchal;sport;\n"
    "B;Claire Dutheil;santé;\n"
    "C;Club de judo des Prés;sport;judo club\n"
    "D;Maison de santé de Lorvy;santé;MSP\n"
)
TIES = "source;cible;type\nA;B;collaboration\nB;A;collaboration\nA;C;collaboration\nC;D;collaboration\n"


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";"))


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    actors = tmp_path / "acteurs.csv"
    actors.write_text(ACTORS, encoding="utf-8")
    ties = tmp_path / "liens.csv"
    ties.write_text(TIES, encoding="utf-8")
    return actors, ties


def test_no_real_name_in_outputs_and_table_written_apart(tmp_path, files):
    out = tmp_path / "reseau.xlsx"
    report = run_network(files[0], [files[1]], [out, tmp_path / "reseau.gexf"], permutations=0,
                         pseudonymise=True)  # fmt: skip
    table = tmp_path / "reseau-correspondances.csv"
    assert table in report.outputs
    rows = _table(table)
    assert rows[0] == ["type", "pseudonyme", "nom", "autres formes remplacées", "occurrences"]
    assert [r[1:3] for r in rows[1:]] == [
        ["[Acteur 1]", "Lucie Marchal"], ["[Acteur 2]", "Claire Dutheil"],
        ["[Acteur 3]", "Club de judo des Prés"], ["[Acteur 4]", "Maison de santé de Lorvy"],
    ]  # fmt: skip
    wb = load_workbook(out)
    names = [r[2] for r in wb["Acteurs"].iter_rows(min_row=2, values_only=True)]
    assert names[:4] == ["[Acteur 1]", "[Acteur 2]", "[Acteur 3]", "[Acteur 4]"]
    text = " ".join(
        str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    gexf = (tmp_path / "reseau.gexf").read_text(encoding="utf-8")
    for real in ("Marchal", "Dutheil", "judo", "Lorvy"):
        assert real not in text and real not in gexf


def test_same_pseudonyms_as_coder_for_the_same_table(tmp_path, files):
    transcript = tmp_path / "E01.txt"
    transcript.write_text(
        "Enquêteur : Avec qui travaillez-vous ?\n"
        "Coordinatrice : Surtout avec Claire Dutheil, et avec Lucie Marchal pour le sport.\n",
        encoding="utf-8",
    )
    names = tmp_path / "noms.txt"
    names.write_text("Claire Dutheil\nLucie Marchal\n", encoding="utf-8")
    coded = tmp_path / "entretiens.jsonl"
    table = tmp_path / "table.csv"
    code_interviews([transcript], coded, names_file=names, table_path=table, workers=1)
    coder_pseudonyms = {r[2]: r[1] for r in _table(table)[1:]}
    assert set(coder_pseudonyms) >= {"Claire Dutheil", "Lucie Marchal"}
    out = tmp_path / "reseau.xlsx"
    report = run_network(files[0], [files[1]], [out], permutations=0, pseudonymise=True,
                         table=table)  # fmt: skip
    names_shown = {
        r[1]: r[2] for r in load_workbook(out)["Acteurs"].iter_rows(min_row=2, values_only=True)
    }
    assert names_shown["A"] == coder_pseudonyms["Lucie Marchal"]
    assert names_shown["B"] == coder_pseudonyms["Claire Dutheil"]
    assert names_shown["C"] == "[Acteur 1]" and names_shown["D"] == "[Acteur 2]"
    # the table given is an input: never overwritten; the completed one is written beside
    completed = tmp_path / "reseau-correspondances.csv"
    assert completed in report.outputs
    assert _table(table)[1:] == [r for r in _table(completed)[1:] if r[0] != "Acteur"]
    assert [r[1] for r in _table(completed)[1:] if r[0] == "Acteur"] == ["[Acteur 1]", "[Acteur 2]"]


def test_actors_named_by_their_names_get_pseudonymous_ids(tmp_path):
    actors = tmp_path / "acteurs.csv"
    actors.write_text("nom;milieu\nLucie Marchal;sport\nClaire Dutheil;santé\n", encoding="utf-8")
    ties = tmp_path / "liens.csv"
    ties.write_text("source;cible\nLucie Marchal;Claire Dutheil\n", encoding="utf-8")
    out = tmp_path / "reseau.xlsx"
    run_network(actors, [ties], [out], permutations=0, pseudonymise=True)
    wb = load_workbook(out)
    liens = list(wb["Liens"].iter_rows(min_row=2, values_only=True))
    assert liens[0][1:5] == ("[Acteur 1]", "[Acteur 1]", "[Acteur 2]", "[Acteur 2]")


def test_a_table_in_another_format_is_refused(tmp_path, files):
    table = tmp_path / "autre.csv"
    table.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(InputError, match="table de correspondance"):
        run_network(files[0], [files[1]], [tmp_path / "r.xlsx"], permutations=0, table=table)
