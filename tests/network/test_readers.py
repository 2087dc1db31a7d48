"""Reading actors, ties, roster surveys and co-mentions; symmetrisation rules."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from cloterres.errors import InputError
from cloterres.network.comention import INTERVIEW_TYPE, MENTION_TYPE, UNIT_TYPE
from cloterres.network.layers import (
    ALL_TYPES,
    ONE_SIDED_ANSWERED,
    ONE_SIDED_SILENT,
    RECIPROCAL,
    build_layers,
    tie_label,
)
from cloterres.network.readers import attribute_values, read_actors, read_ties

ACTORS = (
    "id;nom;milieu;alias\n"
    "A;Club de judo des Prés (fictif);sport;judo club\n"
    "B;Maison de santé de Lorvy (fictive);santé;MSP\n"
    "C;Maison Sport-Santé de Lorvy (fictive);MSS;MSS\n"
    "D;Mairie de Lorvy (fictive);collectivité;\n"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture
def actors(tmp_path):
    return read_actors(write(tmp_path / "acteurs.csv", ACTORS))


def test_actor_table_reads_ids_names_attributes_and_aliases(actors):
    assert [a.id for a in actors] == ["A", "B", "C", "D"]
    assert actors[1].nom == "Maison de santé de Lorvy (fictive)"
    assert actors[0].attributs == {"milieu": "sport"}
    assert actors[2].alias == ("MSS",)
    values, warnings = attribute_values(actors, "Milieu", Path("acteurs.csv"))
    assert values == ["sport", "santé", "MSS", "collectivité"] and not warnings


def test_symmetrisation_union_and_reciprocal_flag_one_sided_ties(tmp_path, actors):
    ties = write(
        tmp_path / "liens.csv",
        "source;cible;type\nA;B;collaboration\nB;A;collaboration\nA;C;collaboration\n"
        "C;D;collaboration\n",
    )
    read = read_ties(ties, actors)
    assert read.kind == "table" and len(read.ties) == 4
    union, _ = build_layers(actors, read.ties, directed_types=set(), rule="union")
    layer = union[0]
    assert layer.n_ties == 3 and not layer.directed
    statuses = {(s.source, s.cible): (s.statut, s.retenu) for s in layer.statuses}
    assert statuses[("A", "B")] == (RECIPROCAL, True)
    # C answered (it reported C-D) but did not name A; D reported nothing
    assert statuses[("A", "C")] == (ONE_SIDED_ANSWERED, True)
    assert statuses[("C", "D")] == (ONE_SIDED_SILENT, True)
    reciprocal, _ = build_layers(actors, read.ties, directed_types=set(), rule="reciproque")
    assert reciprocal[0].n_ties == 1
    assert reciprocal[0].adjacency[0, 1] and reciprocal[0].adjacency[1, 0]
    assert not reciprocal[0].adjacency[0, 2]
    kept = {(s.source, s.cible): s.retenu for s in reciprocal[0].statuses}
    assert kept == {("A", "B"): True, ("A", "C"): False, ("C", "D"): False}


def test_directed_types_keep_arcs_and_several_types_make_an_all_ties_layer(tmp_path, actors):
    ties = write(
        tmp_path / "liens.csv",
        "Source,Cible,Type de lien,Poids\nA,B,Conseil,2\nC,A,conseil,1\nA,D,Échange d'information,3\n",
    )
    read = read_ties(ties, actors)
    layers, _ = build_layers(actors, read.ties, directed_types={"conseil"}, rule="union")
    names = [layer.name for layer in layers]
    assert names == ["conseil", "echange_d_information", ALL_TYPES]
    conseil = layers[0]
    assert conseil.directed and conseil.n_ties == 2
    assert conseil.weights[0, 1] == 2.0 and conseil.weights[1, 0] == 0.0
    assert layers[1].weights[0, 3] == layers[1].weights[3, 0] == 3.0
    everything = layers[2]
    assert everything.weights[0, 1] == 1 and everything.weights[0, 3] == 1
    assert everything.n_ties == 3


def test_ties_found_by_name_or_alias_case_and_accent_insensitive(tmp_path, actors):
    ties = write(
        tmp_path / "liens.csv",
        "source;cible;type\nclub de JUDO des prés (fictif);msp;collaboration\n",
    )
    read = read_ties(ties, actors)
    assert [(t.source, t.cible) for t in read.ties] == [("A", "B")]


def test_cp1252_ties_table(tmp_path, actors):
    ties = write(tmp_path / "liens.csv", "source;cible;type\nA;B;échange\n", encoding="cp1252")
    assert read_ties(ties, actors).ties[0].type == "echange"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("source;cible;type\nA;B;collaboration\nA;Z;collaboration\n",
         r"liens\.csv, ligne 3 : acteur inconnu « Z » \(colonne cible\)"),
        ("source;type\nA;collaboration\n", r"colonne « cible » manquante"),
        ("source;cible;type;poids\nA;B;collaboration;beaucoup\n",
         r"ligne 2 : valeur « beaucoup » illisible"),
    ],
)  # fmt: skip
def test_tie_table_errors_name_file_line_and_fix(tmp_path, actors, text, expected):
    path = write(tmp_path / "liens.csv", text)
    with pytest.raises(InputError, match=expected):
        read_ties(path, actors)


def test_actor_table_errors(tmp_path):
    duplicate = write(tmp_path / "a.csv", "id;nom;milieu\nA;Un;sport\nB;Deux;santé\nA;Trois;MSS\n")
    with pytest.raises(
        InputError, match=r"a\.csv, ligne 4 : identifiant « A » en double \(déjà ligne 2\)"
    ):
        read_actors(duplicate)
    no_id = write(tmp_path / "b.csv", "structure_x;milieu\nUn;sport\n")
    with pytest.raises(InputError, match=r"b\.csv, ligne 1 : colonne « id » manquante"):
        read_actors(no_id)
    actors = read_actors(write(tmp_path / "c.csv", "id;nom;secteur\nA;Un;sport\n"))
    with pytest.raises(InputError, match=r"colonne « milieu » manquante .*--attribut"):
        attribute_values(actors, "milieu", tmp_path / "c.csv")


def test_roster_survey_workbook_wide_form(tmp_path, actors):
    wb = Workbook()
    wb.active.title = "Consignes"
    wb.active["A1"] = "Cochez vos partenaires (questionnaire fictif)."
    ws = wb.create_sheet("Réponses")
    ws.append(["Répondant", "collaboration | MSS", "collaboration | Mairie de Lorvy (fictive)",
               "echange_information | MSS"])  # fmt: skip
    ws.append(["A", "x", None, 3])
    ws.append(["Maison de santé de Lorvy (fictive)", "non", "oui", None])
    conseil = wb.create_sheet("conseil")  # a sheet per type: headers are actors only
    conseil.append(["repondant", "A", "B"])
    conseil.append(["C", 1, 0])
    path = tmp_path / "enquete.xlsx"
    wb.save(path)
    read = read_ties(path, actors)
    assert read.kind == "enquete"
    got = sorted((t.source, t.cible, t.type, t.poids) for t in read.ties)
    assert got == [
        ("A", "C", "collaboration", 1.0),
        ("A", "C", "echange_information", 3.0),
        ("B", "D", "collaboration", 1.0),
        ("C", "A", "conseil", 1.0),
    ]
    assert read.respondents == {"A", "B", "C"}


def test_roster_bad_cell_names_sheet_line_and_column(tmp_path, actors):
    wb = Workbook()
    ws = wb.active
    ws.title = "Réponses"
    ws.append(["Répondant", "collaboration | MSS"])
    ws.append(["A", "peut-être"])
    path = tmp_path / "enquete.xlsx"
    wb.save(path)
    with pytest.raises(
        InputError, match=r"feuille « Réponses », ligne 2, colonne « collaboration \| MSS »"
    ):
        read_ties(path, actors)


def test_co_mentions_from_coded_units(tmp_path):
    actors = read_actors(
        write(
            tmp_path / "acteurs.csv",
            "id;nom;milieu;alias;entretien\n"
            "A;Club de judo des Prés;sport;judo;\n"
            "B;Maison de santé de Lorvy;santé;MSP;E02\n"
            "C;Contrat local de santé;collectivité;CLS;E01\n",
        )
    )
    units = [
        {"id": "E01-1", "entretien": "E01", "texte": "Avec le JUDO et la msp on travaille bien.",
         "enqueteur": False},
        {"id": "E01-2", "entretien": "E01", "texte": "La maison de santé de Lorvy aussi.",
         "enqueteur": False},
        {"id": "E01-3", "entretien": "E01", "texte": "Et le judo, la MSP ?", "enqueteur": True},
        {"id": "E02-1", "entretien": "E02", "texte": "Le CLSM n'est pas le CLS ; le judo non plus.",
         "enqueteur": False},
        {"id": "E02-2", "entretien": "E02", "texte": "Judô des prés, judo-club.",
         "enqueteur": False},
    ]  # fmt: skip
    path = tmp_path / "unites.jsonl"
    path.write_text("".join(json.dumps(u, ensure_ascii=False) + "\n" for u in units), "utf-8")
    read = read_ties(path, actors)
    assert read.kind == "co_mention"
    got = {(t.type, t.source, t.cible): t.poids for t in read.ties}
    assert got == {
        (UNIT_TYPE, "A", "B"): 1.0,  # E01-1 only (the interviewer's E01-3 is left out)
        (UNIT_TYPE, "A", "C"): 1.0,  # E02-1 ("CLSM" is not "CLS")
        (INTERVIEW_TYPE, "A", "B"): 1.0,
        (INTERVIEW_TYPE, "A", "C"): 1.0,
        # the interviewee of E01 (C) names A and B; of E02 (B) names A twice and C once
        (MENTION_TYPE, "C", "A"): 1.0,
        (MENTION_TYPE, "C", "B"): 2.0,
        (MENTION_TYPE, "B", "A"): 2.0,
        (MENTION_TYPE, "B", "C"): 1.0,
    }
    layers, _ = build_layers(actors, read.ties, directed_types={MENTION_TYPE}, rule="reciproque")
    by_name = {layer.name: layer for layer in layers}
    assert by_name[UNIT_TYPE].n_ties == 2  # derived ties survive the reciprocal rule
    assert by_name[MENTION_TYPE].directed
    assert np.count_nonzero(by_name[MENTION_TYPE].weights) == 4


def test_roster_with_one_sheet_per_tie_type_only(tmp_path, actors):
    wb = Workbook()
    ws = wb.active
    ws.title = "collaboration"
    ws.append(["Répondant", "B", "Mairie de Lorvy (fictive)"])
    ws.append(["A", "x", None])
    path = tmp_path / "enquete.xlsx"
    wb.save(path)
    read = read_ties(path, actors)
    assert read.kind == "enquete"
    assert [(t.source, t.cible, t.type) for t in read.ties] == [("A", "B", "collaboration")]


def test_co_mentions_from_coder_csv_skip_interviewer_turns(tmp_path, actors):
    units = tmp_path / "codes.csv"
    units.write_text(
        "id;entretien;locuteur;enqueteur;texte;codes\n"
        "E1-1;E1;Mme X;non;La MSS et le judo club travaillent ensemble.;\n"
        "E1-2;E1;Enquêteur;oui;Et la MSP, la Mairie de Lorvy (fictive) ?;\n"
        "E2-1;E2;M. Y;non;La mairie de lorvy (FICTIVE) finance la MSS.;\n",
        encoding="utf-8-sig",
    )
    read = read_ties(units, actors)
    assert read.kind == "co_mention"
    got = {(t.type, t.source, t.cible): t.poids for t in read.ties}
    assert got == {
        (UNIT_TYPE, "A", "C"): 1.0,
        (UNIT_TYPE, "C", "D"): 1.0,
        (INTERVIEW_TYPE, "A", "C"): 1.0,
        (INTERVIEW_TYPE, "C", "D"): 1.0,
    }


def test_tie_type_labels_as_a_person_reads_them(tmp_path, actors):
    """Layers keep the id (JSONL, GEXF) and carry the French label the workbook shows: the
    type as the input wrote it, else the usual label of a known id, else the id in words."""
    ties = write(
        tmp_path / "liens.csv",
        "source;cible;type\nA;B;Échange d'information\nA;C;collaboration\nB;C;appui_technique\n"
        "C;D;Échange d'information\n",
    )
    read = read_ties(ties, actors)
    layers, _ = build_layers(actors, read.ties, directed_types=set(), rule="union")
    labels = {layer.name: layer.label for layer in layers}
    assert labels == {
        "echange_d_information": "Échange d'information",
        "collaboration": "Collaboration",
        "appui_technique": "Appui technique",
        ALL_TYPES: "Tous les liens",
    }
    assert tie_label("echange_information") == "Échange d'information"
    assert tie_label("co_mention_unite") == "Co-mention (même unité)"
