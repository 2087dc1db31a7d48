"""Reading measures from CSV and XLSX tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from cloterres.errors import InputError
from cloterres.plans import ReadReport, check_inputs, read_measures

HEADER = [
    "ID",
    "Contrat",
    "Axe stratégique",
    "Intitulé de l'action",
    "DESCRIPTIF",
    "Porteur",
    "Partenaires",
    "Public cible",
    "Budget",
]
ROWS = [
    [
        "1.1",
        "CLS Essai",
        "Axe 1 – Accès aux soins",
        "Créer une maison de santé",
        "Projet œuvre",
        "Commune",
        "ARS et CPAM",
        "Tout public",
        "12 000 €",
    ],
    ["", "", "", "", "", "", "", "", ""],
    ["1.2", "CLS Essai", "Axe 1", "Prévention des chutes", "", "CCAS", "", "Séniors", ""],
]


def read_all(*paths: Path) -> tuple[list, ReadReport]:
    report = ReadReport()
    return list(read_measures(list(paths), report)), report


def write_csv(path: Path, sep: str, encoding: str, rows=None) -> Path:
    lines = [sep.join(HEADER)] + [sep.join(r) for r in (rows or ROWS)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize(
    ("sep", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8"), ("\t", "utf-8"), (";", "cp1252")],
)
def test_csv_encodings_and_separators(tmp_path, sep, encoding):
    rows = [[c.replace(",", " ") for c in r] for r in ROWS] if sep == "," else ROWS
    measures, report = read_all(write_csv(tmp_path / "plan.csv", sep, encoding, rows))
    assert [m.id for m in measures] == ["1.1", "1.2"]  # the empty row is skipped
    first = measures[0]
    assert first.intitule == "Créer une maison de santé"
    assert first.description == "Projet œuvre"
    assert first.axe.startswith("Axe 1 – Accès")
    assert first.public == "Tout public"
    assert first.extra == {"Budget": "12 000 €"}
    assert first.source.ligne == 2 and measures[1].source.ligne == 4
    assert report.files[0].mesures == 2
    assert report.warnings == []


def test_headers_are_recognised_without_case_or_accents(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "identifiant;CLS;AXE;TITRE;Description de l’action;PILOTE;partenaire;Publics\n"
        "A;X;ax;Titre;Desc;P;Q;R\n",
        encoding="utf-8",
    )
    (m,), _ = read_all(path)
    assert (
        m.id,
        m.contrat,
        m.axe,
        m.intitule,
        m.description,
        m.porteur,
        m.partenaires,
        m.public,
    ) == ("A", "X", "ax", "Titre", "Desc", "P", "Q", "R")


def test_missing_id_and_contract_are_derived_from_the_file(tmp_path):
    path = tmp_path / "cls-essai.csv"
    path.write_text("mesure\nPremière\nSeconde\n", encoding="utf-8")
    measures, _ = read_all(path)
    assert [(m.id, m.contrat) for m in measures] == [
        ("cls-essai-2", "cls-essai"),
        ("cls-essai-3", "cls-essai"),
    ]


def test_measure_without_text_is_reported_not_dropped(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id;intitule;description;porteur\n1;Titre;;\n2;;;CCAS\n", encoding="utf-8")
    measures, report = read_all(path)
    assert [m.id for m in measures] == ["1", "2"]
    assert not measures[1].has_text
    assert len(report.warnings) == 1
    assert str(report.warnings[0]) == (
        f"{path}, ligne 3 : mesure « 2 » sans intitulé ni description : elle est gardée dans la "
        "sortie, sans catégorie"
    )


def test_xlsx_several_sheets_and_title_rows(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Lisez-moi"
    ws.append(["Ce classeur contient deux plans."])
    for name in ("Val de Serre", "Montclair"):
        sheet = wb.create_sheet(name)
        sheet.append([f"Plan d'action {name}"])  # a title row above the header
        sheet.append([])
        sheet.append(["N°", "Intitulé", "Public"])
        sheet.append([1, f"Action A {name}", "Jeunes"])
        sheet.append([None, None, None])
        sheet.append([2.0, f"Action B {name}", None])
    path = tmp_path / "plans.xlsx"
    wb.save(path)
    measures, report = read_all(path)
    assert [(m.contrat, m.id, m.intitule, m.source.feuille, m.source.ligne) for m in measures] == [
        ("Val de Serre", "1", "Action A Val de Serre", "Val de Serre", 4),
        ("Val de Serre", "2", "Action B Val de Serre", "Val de Serre", 6),
        ("Montclair", "1", "Action A Montclair", "Montclair", 4),
        ("Montclair", "2", "Action B Montclair", "Montclair", 6),
    ]
    assert report.files[0].feuilles == ["Val de Serre", "Montclair"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("vide.csv", b"", "fichier vide"),
        (
            "image.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "fichier binaire, ce n'est pas un tableau CSV",
        ),
        ("classeur.csv", b"PK\x03\x04rest", "est un classeur Excel ou une archive, pas un CSV"),
        (
            "sans-texte.csv",
            b"nom;budget\nA;12\n",
            "aucune colonne d'intitulé ou de description reconnue (colonnes trouvées : nom, budget)",
        ),
        ("faux.xlsx", b"ceci n'est pas un classeur", "n'est pas un classeur Excel (.xlsx) valide"),
        ("vieux.xls", b"\xd0\xcf\x11\xe0", "classeur Excel 97-2003 (.xls) illisible"),
        ("plan.docx", b"x", "document Word illisible"),
        ("plan.doc", b"x", "format .doc non pris en charge"),
        ("plan.odt", b"x", "format .odt non pris en charge ; ouvrez-le dans Word ou LibreOffice"),
        ("plan.pages", b"x", "extension « .pages » non reconnue"),
    ],
)
def test_bad_inputs_get_one_clear_message(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_all(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert expected in message
    assert "\n" not in message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="fichier introuvable"):
        check_inputs([tmp_path / "absent.csv"])
    with pytest.raises(InputError, match="est un dossier"):
        check_inputs([tmp_path])


def test_header_only_gives_no_measure(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id;intitule\n", encoding="utf-8")
    measures, report = read_all(path)
    assert measures == [] and report.files[0].mesures == 0


def test_cp1252_with_typographic_characters(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("id;intitule\n1;L’accès aux soins – œuvre €\n".encode("cp1252"))
    (m,), _ = read_all(path)
    assert m.intitule == "L’accès aux soins – œuvre €"
