"""LibreOffice (.ods) and Excel 97-2003 (.xls) tables, read like .xlsx everywhere a table is read:
measures, interview units, network actors and ties. The files in tests/data/tableurs were made by
LibreOffice itself (``build_tableurs.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloterres.errors import InputError
from cloterres.interviews.units_table import read_units_table
from cloterres.network.readers import read_actors, read_ties
from cloterres.plans import ReadReport, read_measures

DATA = Path(__file__).resolve().parents[1] / "data" / "tableurs"
DEMO_NETWORK = Path(__file__).resolve().parents[2] / "corpora" / "demo" / "reseau"
FORMATS = ["ods", "xls"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_measures_table_same_columns_rows_and_values_as_xlsx(fmt):
    path = DATA / f"mesures.{fmt}"
    report = ReadReport()
    measures = list(read_measures([path], report))
    got = [
        (m.id, m.contrat, m.axe, m.intitule, m.porteur, m.partenaires, m.public) for m in measures
    ]
    assert got == [
        ("1.1", "Plan", "Axe 1 – Accès aux soins", "Ouvrir une maison de santé à Corbière", "Commune de Val-Corbière", "ARS ; CPAM", "Habitants"),
        ("1.2", "Plan", "Axe 1 – Accès aux soins", "Recruter une coordinatrice de parcours", "Maison de santé", "Hôpital de Lisle", "Patients âgés"),
        ("2.1", "Plan", "Axe 2 – Prévention", "Ateliers mémoire pour les aînés", "CCAS", "", "Personnes de plus de 70 ans"),
    ]  # fmt: skip
    # numbers and dates as .xlsx gives them; the sheet's own row numbers (title row, blank row)
    assert measures[0].extra == {"Budget": "12000", "Date de début": "2026-01-15"}
    assert measures[1].extra == {"Budget": "35000.5"}
    assert [m.source.ligne for m in measures] == [4, 5, 7]
    assert measures[0].source.describe() == f"{path}, feuille « Plan », ligne 4"
    # the instructions sheet has no measure column, the hidden draft sheet is not read
    assert report.files[0].feuilles == ["Plan"]
    assert report.documents[0].format.startswith("classeur")


@pytest.mark.parametrize("fmt", FORMATS)
def test_interview_units_table(fmt):
    units = list(read_units_table(DATA / f"unites.{fmt}"))
    assert [(u.id, u.interview, u.speaker) for u in units] == [
        ("U1", "E01", "Élue"),
        ("U2", "E01", "Élue"),
        ("U4", "E02", "Médecin"),
    ]
    assert units[0].text == "On se réunit tous les mois avec la coordinatrice du CLS."
    assert units[2].variables == {"milieu": "soins"} and units[2].source.ligne == 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_network_actors_and_ties_as_from_the_csv(fmt):
    actors = read_actors(DATA / f"acteurs.{fmt}")
    from_csv = read_actors(DEMO_NETWORK / "acteurs.csv")
    assert [(a.id, a.nom, a.alias, a.attributs) for a in actors] == [
        (a.id, a.nom, a.alias, a.attributs) for a in from_csv
    ]
    ties = read_ties(DATA / f"liens.{fmt}", actors)
    ties_csv = read_ties(DEMO_NETWORK / "liens.csv", from_csv)
    assert len(ties.ties) == len(ties_csv.ties) > 50
    assert [(t.source, t.cible, t.type, t.poids) for t in ties.ties] == [
        (t.source, t.cible, t.type, t.poids) for t in ties_csv.ties
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "faux.ods",
            b"ceci n'est pas un classeur",
            "n'est pas un classeur LibreOffice (.ods) valide",
        ),
        ("vieux.xls", b"\xd0\xcf\x11\xe0 abime", "classeur Excel 97-2003 (.xls) illisible"),
        ("vide.ods", b"", "fichier vide"),
    ],
)
def test_damaged_spreadsheets_get_one_french_line(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        list(read_measures([path], ReadReport()))
    message = str(info.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_ods_without_measure_column_names_what_to_do(tmp_path):
    with pytest.raises(InputError, match="aucune feuille n'a de colonne d'intitulé"):
        list(read_measures([DATA / "unites.ods"], ReadReport()))


def test_review_workbook_saved_as_ods_is_refused_with_what_to_do():
    from cloterres.review.reader import read_review

    with pytest.raises(InputError) as info:
        read_review(DATA / "mesures.ods")
    assert "se relit au format .xlsx" in str(info.value)
    assert "Enregistrer sous" in str(info.value)
