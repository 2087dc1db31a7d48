"""`cloterres coder` end to end on small transcripts, with a grid written for the test."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.conftest import write_grid

GRID = """
id: essai-entretiens
nom: Essai entretiens
champs_texte: [texte]
dimensions:
  - id: couts
    label: Coûts perçus
    categories:
      - id: temps
        label: "Coût : temps et réunions"
        inclure: [réunion, chronophage]
  - id: implication
    label: Implication
    categories:
      - id: entree
        label: Entrée dans le CLS
        inclure: [invité, sollicité]
"""

T1 = (
    "---\nid: T1\nterritoire: CLS de Vaudrenne\ntype_acteur: association\n---\n"
    "Enquêtrice : Comment êtes-vous entrés ? Des réunions ?\n"
    "Coordinatrice : On a été invités par Mme Lefèvre. Trop de réunions, c'est chronophage.\n"
    "Enquêtrice : Et Karim Benali ?\n"
    "Coordinatrice : Benali nous a sollicités. Voilà.\n"
)
T2 = "Entretien : T2\nType d'acteur : ARS\n\nQ : Votre rôle ?\nR : Le docteur Morel et Mme Lefèvre nous ont invités.\n"


@pytest.fixture
def corpus(tmp_path) -> tuple[Path, Path, Path]:
    a, b = tmp_path / "t1.txt", tmp_path / "t2.txt"
    a.write_text(T1, encoding="utf-8")
    b.write_text(T2, encoding="utf-8")
    return a, b, write_grid(tmp_path, GRID)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_units_codes_offsets(run_cli, corpus, tmp_path):
    a, b, grid = corpus
    out = tmp_path / "codes.jsonl"
    code, stdout, stderr = run_cli("coder", a, b, "--sortie", out, "--grille", grid)
    assert code == 0, stderr
    units = read_jsonl(out)
    texts = {"T1": a.read_text(encoding="utf-8"), "T2": b.read_text(encoding="utf-8")}
    coded = [(u["id"], u["locuteur"], u["codes"]) for u in units if u["code"]]
    assert coded == [
        ("T1-0003", "Coordinatrice", ["implication.entree"]),
        ("T1-0004", "Coordinatrice", ["couts.temps"]),
        ("T1-0006", "Coordinatrice", ["implication.entree"]),
        ("T1-0007", "Coordinatrice", []),
        ("T2-0002", "R", ["implication.entree"]),
    ]
    interviewer = [u for u in units if u["enqueteur"]]
    assert interviewer and all(not u["code"] and u["codes"] == [] for u in interviewer)
    for u in units:
        assert texts[u["entretien"]][u["debut"] : u["fin"]] == u["texte"]
        for spans in u["evidence"].values():
            for e in spans:
                assert texts[u["entretien"]][e["debut"] : e["fin"]] == e["texte"]
    assert units[0]["variables"] == {"territoire": "CLS de Vaudrenne", "type_acteur": "association"}
    assert "2 entretien(s), 9 unités (5 hors enquêteur, 4 avec au moins un code)" in stdout


def test_turn_units_and_interviewer_coding(run_cli, corpus, tmp_path):
    a, _b, grid = corpus
    out = tmp_path / "tours.jsonl"
    assert (
        run_cli(
            "coder", a, "-o", out, "--grille", grid, "--unite", "tour", "--coder-enqueteur", "-q"
        )[0]
        == 0
    )
    units = read_jsonl(out)
    assert [(u["tour"], u["codes"]) for u in units] == [
        (1, ["couts.temps"]),
        (2, ["couts.temps", "implication.entree"]),
        (3, []),
        (4, ["implication.entree"]),
    ]


def test_pseudonymisation_in_every_export(run_cli, corpus, tmp_path):
    a, b, grid = corpus
    names = tmp_path / "noms.txt"
    names.write_text("# personnes citées\nKarim Benali\n", encoding="utf-8")
    originals = ["Lefèvre", "Karim", "Benali", "Morel"]
    for ext in ("jsonl", "csv", "xlsx"):
        out = tmp_path / f"p.{ext}"
        table = tmp_path / f"table-{ext}.csv"
        code, stdout, stderr = run_cli(
            "coder", a, b, "-o", out, "--grille", grid, "--pseudonymiser", "--noms", names,
            "--table-correspondance", table,
        )  # fmt: skip
        assert code == 0, stderr
        if ext == "xlsx":
            wb = load_workbook(out)
            content = " ".join(
                str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value
            )
        else:
            content = out.read_text(encoding="utf-8-sig")
        assert "[Personne" in content
        for name in originals:
            assert name not in content, (ext, name)
        rows = list(csv.reader(table.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
        assert rows[0] == ["type", "pseudonyme", "nom", "autres formes remplacées", "occurrences"]
        assert {"Mme Lefèvre", "Karim Benali"} <= {r[2] for r in rows[1:]}
        assert str(table) in stdout
    units = read_jsonl(tmp_path / "p.jsonl")
    lefevre = [u for u in units if "invités" in u["texte"]]
    assert (
        len({u["texte"].split("[Personne ")[1][0] for u in lefevre if "[Personne" in u["texte"]})
        >= 1
    )


def test_workbook_sheets(run_cli, corpus, tmp_path, monkeypatch):
    a, b, grid = corpus
    monkeypatch.chdir(tmp_path)  # paths under the working folder are shown relative to it
    out = tmp_path / "codes.xlsx"
    assert run_cli("coder", a, b, "-o", out, "--grille", grid, "-q")[0] == 0
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "Unités codées", "Impression", "Codes × type d'acteur", "Codes × entretien", "Cooccurrences",
        "Verbatims", "Entretiens", "Grille", "À propos",
    ]  # fmt: skip
    sheet = wb["Codes × type d'acteur"]
    assert sheet["A2"].value.startswith("Comptage : unités et entretiens ne comptent que les codes")
    by_actor = {r[2]: r for r in sheet.iter_rows(min_row=6, values_only=True)}
    header = [c.value for c in sheet[5]]
    entree = by_actor["implication.entree"]
    assert (
        entree[header.index("Unités (total)")] == 3
        and entree[header.index("Entretiens (total)")] == 2
        and entree[header.index("Unités à vérifier (total)")] == 0  # a grid without a model
    )
    assert entree[header.index("association — unités")] == 2
    assert entree[header.index("ARS — entretiens")] == 1
    verbatims = list(wb["Verbatims"].iter_rows(min_row=2, values_only=True))
    assert ("Coûts perçus", "Coût : temps et réunions", "T1", "Coordinatrice", "l. 7",
            "« Trop de réunions, c'est chronophage. »", "(T1, l. 7)") in verbatims  # fmt: skip
    # Co-occurrences: French labels in the headers and first columns, the ids in a hidden
    # last column (the same order for rows and columns).
    sheet = wb["Cooccurrences"]
    header = [c.value for c in sheet[3]]
    assert header[:2] == ["Thème", "Code"] and header[-1] == "Identifiant"
    assert "Coût : temps et réunions" in header and "Entrée dans le CLS" in header
    assert not any("." in str(h) for h in header)  # no « couts.temps »
    ids_col = get_column_letter(len(header))
    assert sheet.column_dimensions[ids_col].hidden
    # the matrix's columns are narrow, their labels read bottom to top in a tall header row
    assert sheet.cell(3, 3).alignment.textRotation == 90 and sheet.column_dimensions["C"].width < 8
    assert sheet.row_dimensions[3].height > 60
    rows = {r[-1]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["couts.temps"][1] == "Coût : temps et réunions"
    assert rows["couts.temps"][0] == "Coûts perçus"
    entree = header.index("Entrée dans le CLS")
    temps = header.index("Coût : temps et réunions")
    assert rows["couts.temps"][temps] == 1 and rows["implication.entree"][entree] == 3
    # the code ids of the count sheets are kept, hidden; the units sheet's stay visible (the
    # column a person corrects, read back by synthese)
    units = wb["Unités codées"]
    ids = [c.value for c in units[1]].index("Identifiants des codes") + 1
    assert not units.column_dimensions[get_column_letter(ids)].hidden
    assert wb["Codes × type d'acteur"].column_dimensions["C"].hidden
    # À propos: a French local date, the grid's path relative to the working folder
    about = dict(wb["À propos"].iter_rows(min_row=2, values_only=True))
    assert re.fullmatch(r"(1er|\d{1,2}) [a-zéû]+ \d{4} à \d\d:\d\d", about["Date de création"])
    assert about["Fichier de grille"] == grid.name


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing", "absent.txt : fichier introuvable"),
        ("empty", "vide.txt : transcription vide"),
        ("bad_docx", "casse.docx : document Word illisible"),
        ("bad_unit", "unité de codage « mot » inconnue"),
        ("bad_ext", "sortie.pdf : format de sortie « .pdf » inconnu"),
    ],
)
def test_bad_input(run_cli, corpus, tmp_path, case, expected):
    a, _b, grid = corpus
    args: list[object] = [a]
    out = tmp_path / "sortie.jsonl"
    extra: list[object] = []
    if case == "missing":
        args = [tmp_path / "absent.txt"]
    elif case == "empty":
        (tmp_path / "vide.txt").write_text("---\nid: V\n---\n", encoding="utf-8")
        args = [a, tmp_path / "vide.txt"]
    elif case == "bad_docx":
        (tmp_path / "casse.docx").write_bytes(b"PK\x03\x04 pas vraiment")
        args = [tmp_path / "casse.docx"]
    elif case == "bad_unit":
        extra = ["--unite", "mot"]
    elif case == "bad_ext":
        out = tmp_path / "sortie.pdf"
    code, _out, stderr = run_cli("coder", *args, "-o", out, "--grille", grid, *extra)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and expected in stderr
    assert not out.exists()


def test_no_speaker_is_a_warning_not_an_error(run_cli, corpus, tmp_path):
    _a, _b, grid = corpus
    plain = tmp_path / "libre.txt"
    plain.write_text("On a été invités. Beaucoup de réunions.\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, _out, stderr = run_cli("coder", plain, "-o", out, "--grille", grid)
    assert code == 0 and "aucun tour de parole reconnu" in stderr
    assert [u["codes"] for u in read_jsonl(out)] == [["implication.entree"], ["couts.temps"]]


def test_qdpx_export_is_valid_and_round_trips(run_cli, corpus, tmp_path, shared_dir):
    import zipfile

    from lxml import etree

    from cloterres.io.qdpx import read_qdpx

    a, b, grid = corpus
    project = tmp_path / "projet.qdpx"
    assert run_cli("coder", a, b, "-o", project, "--grille", grid, "-q")[0] == 0
    schema = etree.XMLSchema(etree.parse(str(shared_dir / "refi-qda" / "Project.xsd")))
    with zipfile.ZipFile(project) as z:
        assert schema.validate(etree.fromstring(z.read("project.qde"))), schema.error_log
    units = tmp_path / "units.jsonl"
    assert run_cli("coder", a, b, "-o", units, "--grille", grid, "-q")[0] == 0
    ours = {u["id"]: u for u in read_jsonl(units)}
    read = read_qdpx(project)
    texts = {s.id: s.text for s in read.sources}
    assert texts == {"T1": a.read_text(encoding="utf-8"), "T2": b.read_text(encoding="utf-8")}
    expected = sorted(
        (u["entretien"], u["debut"], u["fin"], c) for u in ours.values() for c in u["codes"]
    )
    got = sorted((c.source_id, c.start, c.end, c.code) for c in read.codings)
    assert got == expected
    for c in read.codings:  # each selection is exactly a unit's text
        assert any(texts[c.source_id][c.start : c.end] == u["texte"] for u in ours.values())
    # importing our own project gives back the same codings, unit by unit
    again = tmp_path / "again.jsonl"
    assert run_cli("coder", project, "-o", again, "--grille", grid, "-q")[0] == 0
    for u in read_jsonl(again):
        assert u.get("codes_importes", {}).get("cloterres", []) == ours[u["id"]]["codes"]


def test_grid_exported_as_qdc(run_cli, corpus, tmp_path):
    from lxml import etree

    _a, _b, grid = corpus
    out = tmp_path / "grille.qdc"
    code, stdout, _err = run_cli("grille", "exporter", grid, "--sortie", out)
    assert code == 0 and "Livre de codes écrit" in stdout
    root = etree.parse(str(out)).getroot()
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    themes = root.findall("q:Codes/q:Code", ns)
    assert [t.get("name") for t in themes] == ["Coûts perçus", "Implication"]
    assert [c.get("name") for c in themes[0].findall("q:Code", ns)] == ["Coût : temps et réunions"]
    assert (
        run_cli("grille", "exporter", grid, "--sortie", out)[0] == 2
    )  # never overwritten silently


@pytest.mark.parametrize("case", ["not_zip", "xxe"])
def test_corrupt_or_hostile_qdpx(run_cli, corpus, tmp_path, case):
    import zipfile

    _a, _b, grid = corpus
    project = tmp_path / "projet.qdpx"
    if case == "not_zip":
        project.write_bytes(b"ceci n'est pas une archive")
    else:
        secret = tmp_path / "secret.txt"
        secret.write_text("MOT-DE-PASSE", encoding="utf-8")
        xml = (
            f'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY e SYSTEM "file://{secret}">]>'
            '<Project xmlns="urn:QDA-XML:project:1.0" name="&e;"/>'
        )
        with zipfile.ZipFile(project, "w") as z:
            z.writestr("project.qde", xml)
    out = tmp_path / "codes.jsonl"
    code, stdout, stderr = run_cli("coder", project, "-o", out, "--grille", grid)
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and str(project) in stderr
    assert "MOT-DE-PASSE" not in stdout + stderr
    assert not out.exists()
