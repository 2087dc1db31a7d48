"""Label sources of `cloterres accord`: categoriser / coder outputs, hand labels, REFI-QDA
projects coded by two people, and the one-line errors on bad input. All data are fictional."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloterres.agreement.compare import compare
from cloterres.agreement.levels import build_comparison
from cloterres.agreement.readers import detect_kind, map_code_path, read_labels
from cloterres.engine.grid import load_grid
from cloterres.errors import InputError
from cloterres.io.qdpx import QdaCode, QdaCoding, QdaProject, QdaSource, write_qdpx
from tests.conftest import DEMO, ROOT

INTERVIEW_GRID = ROOT / "grids" / "entretiens-cls.yaml"

# A fictional interview (invented people and places).
TRANSCRIPT = (
    "Enquêtrice : Comment fonctionne le comité de pilotage du contrat ?\n"
    "Coordinatrice : Le comité de pilotage se réunit deux fois par an, coprésidé par l'élu et "
    "l'ARS.\n"
    "Enquêtrice : Et les habitants, ils participent ?\n"
    "Coordinatrice : Oui, les habitants du quartier des Tilleuls viennent aux groupes de travail. "
    "Je fais le lien avec les associations.\n"
    "Enquêtrice : Qui tranche quand il faut choisir ?\n"
    "Coordinatrice : C'est le comité technique qui arbitre les dossiers.\n"
)


@pytest.fixture(scope="module")
def interview_grid():
    return load_grid(INTERVIEW_GRID)


@pytest.fixture(scope="module")
def categorised(tmp_path_factory, coder):
    """One demo plan categorised into JSONL and CSV (the model is the session's)."""
    from cloterres.plans.categorize import categorize

    folder = tmp_path_factory.mktemp("categorise")
    plan = DEMO / "cls-pays-des-hautes-combes.csv"
    outputs = {}
    for ext in ("jsonl", "csv"):
        outputs[ext] = folder / f"machine.{ext}"
        categorize([plan], outputs[ext], command="test")
    return outputs


def test_categoriser_jsonl_and_csv_read_into_the_same_labels(categorised, grid):
    objects = [
        json.loads(line) for line in categorised["jsonl"].read_text(encoding="utf-8").splitlines()
    ]
    assert detect_kind(categorised["jsonl"]) == detect_kind(categorised["csv"]) == "mesures"
    from_jsonl = read_labels(categorised["jsonl"], grid, "mesures")
    from_csv = read_labels(categorised["csv"], grid, "mesures", name="machine-csv")
    (a,) = from_jsonl.coders
    (b,) = from_csv.coders
    assert a.coder == "machine" and b.coder == "machine-csv"
    assert list(a.units) == [o["id"] for o in objects] == list(b.units)
    for obj in objects:
        assert a.units[obj["id"]].labels == obj["labels"]
        # the CSV's "public" measure field is text; its "public" label column holds the ids
        assert b.units[obj["id"]].labels == obj["labels"]
        assert a.units[obj["id"]].text.startswith(obj["intitule"])
    assert from_jsonl.locations[objects[2]["id"]] == "ligne 3"


def test_reference_labels_read_with_every_dimension(grid):
    path = DEMO / "reference" / "labels-reference.jsonl"
    (ref,) = read_labels(path, grid, "mesures").coders
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert ref.coder == "labels-reference"
    assert len(ref.units) == 144
    assert ref.units[first["id"]].labels == first["labels"]
    assert ref.units[first["id"]].text is None


@pytest.fixture(scope="module")
def coded_interview(tmp_path_factory, nlp):
    from cloterres.interviews.coding import code_interviews

    folder = tmp_path_factory.mktemp("coder")
    transcript = folder / "E01.txt"
    transcript.write_text("id: E01\n\n" + TRANSCRIPT, encoding="utf-8")
    outputs = {}
    for ext in ("jsonl", "csv"):
        outputs[ext] = folder / f"codes.{ext}"
        code_interviews([transcript], outputs[ext], unit="tour")
    return outputs


def test_coder_outputs_skip_interviewer_turns(coded_interview, interview_grid):
    objects = [
        json.loads(line)
        for line in coded_interview["jsonl"].read_text(encoding="utf-8").splitlines()
    ]
    coded = [o for o in objects if o["code"]]
    assert len(objects) == 6 and len(coded) == 3  # three interviewer turns are not coded
    for ext in ("jsonl", "csv"):
        assert detect_kind(coded_interview[ext]) == "entretiens"
        result = read_labels(coded_interview[ext], interview_grid, "entretiens")
        (labels,) = result.coders
        assert list(labels.units) == [o["id"] for o in coded]
        for obj in coded:
            unit = labels.units[obj["id"]]
            assert set(unit.labels) == {d.id for d in interview_grid.dimensions}
            assert sorted(c for codes in unit.labels.values() for c in codes) == sorted(
                obj["codes"]
            )
            assert unit.text == obj["texte"]
        assert any("3 tour(s) de l'enquêteur" in n for n in result.notes)


def two_person_project(path: Path) -> None:
    """A fictional project: two people coded E01 in another tool, with their own code names."""
    codes = [
        QdaCode("Gouvernance", "Gouvernance"),
        QdaCode(
            "Gouvernance.Pilotage et portage politique",
            "Pilotage et portage politique",
            parent="Gouvernance",
        ),
        QdaCode(
            "Gouvernance.PARTICIPATION des habitants",
            "PARTICIPATION des habitants",
            parent="Gouvernance",
        ),
        QdaCode("roles.interface", "Interface et relais"),
        QdaCode("Decision et arbitrages", "Decision et arbitrages"),
        QdaCode("Divers", "Divers"),
    ]
    coded = [
        ("Le comité de pilotage se réunit", "Gouvernance.Pilotage et portage politique", "Awa Diallo"),
        ("Le comité de pilotage se réunit deux fois par an", "Gouvernance.Pilotage et portage politique", "Jules Martin"),
        ("les habitants du quartier des Tilleuls viennent aux groupes de travail", "Gouvernance.PARTICIPATION des habitants", "Awa Diallo"),
        ("Je fais le lien avec les associations.", "roles.interface", "Awa Diallo"),
        ("Oui, les habitants du quartier des Tilleuls viennent", "Divers", "Jules Martin"),
        ("C'est le comité technique qui arbitre les dossiers.", "Decision et arbitrages", "Jules Martin"),
        ("comité technique", "Gouvernance", "Awa Diallo"),
    ]  # fmt: skip
    codings = []
    for text, code, person in coded:
        start = TRANSCRIPT.index(text)
        codings.append(QdaCoding("E01", start, start + len(text), code, person))
    source = QdaSource("E01", "E01-entretien-fictif", TRANSCRIPT, {"territoire": "CLS fictif"})
    write_qdpx(path, QdaProject("Projet fictif", codes, [source], codings))


def test_qdpx_with_two_people_gives_one_coder_each_on_coder_units(tmp_path, interview_grid):
    path = tmp_path / "double-codage.qdpx"
    two_person_project(path)
    result = read_labels(path, interview_grid, "entretiens", unit="tour")
    awa, jules = result.coders
    assert (awa.coder, jules.coder) == ("Awa Diallo", "Jules Martin")
    # coder's speaker-turn units: E01-0001 (interviewer), E01-0002 ... E01-0006
    assert list(awa.units) == list(jules.units) == ["E01-0002", "E01-0004", "E01-0006"]

    def codes(c, uid):
        return sorted(x for v in c.units[uid].labels.values() for x in v)

    assert codes(awa, "E01-0002") == codes(jules, "E01-0002") == ["gouvernance.pilotage"]
    assert codes(awa, "E01-0004") == ["gouvernance.participation_habitants", "roles.interface"]
    assert codes(jules, "E01-0004") == []  # "Divers" has no equivalent in the grid
    assert codes(awa, "E01-0006") == []  # a theme alone is not a code
    assert codes(jules, "E01-0006") == ["gouvernance.decision"]  # mapped by label alone
    assert any(
        "« Divers » (1 codage)" in n and "« Gouvernance » (1 codage)" in n for n in result.notes
    )
    assert any("3 unité(s) des tours de l'enquêteur" in n for n in result.notes)

    comparison = build_comparison(result.coders, interview_grid)
    pilotage = next(i for i in comparison.items if i.category == "gouvernance.pilotage")
    assert pilotage.ratings.values.tolist() == [[1, 1], [0, 0], [0, 0]]
    assert {(d.unit, d.dimension) for d in comparison.disagreements} == {
        ("E01-0004", "gouvernance"),
        ("E01-0004", "roles"),
        ("E01-0006", "gouvernance"),
    }


def test_code_names_map_to_grid_ids_case_and_accent_insensitively(interview_grid):
    g = interview_grid
    assert map_code_path("gouvernance.pilotage", g) == "gouvernance.pilotage"
    assert map_code_path("GOUVERNANCE.Pilotage et portage politique", g) == "gouvernance.pilotage"
    assert map_code_path("CLS.Rôles.Interface et relais", g) == "roles.interface"
    assert map_code_path("Bénéfices perçus.Bénéfice : financement", g) == "benefices.financement"
    assert map_code_path("Decision et arbitrages", g) == "gouvernance.decision"
    assert map_code_path("financement", g) is None  # a benefit and a cost: ambiguous alone
    assert map_code_path("Gouvernance", g) is None


def write_jsonl(path: Path, objects: list[dict]) -> Path:
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), "utf-8")
    return path


SMALL_GRID = """
id: petite-grille
nom: Petite grille fictive
dimensions:
  - id: champ
    label: Champ
    categories:
      - {id: soins, label: Soins}
      - {id: prevention, label: Prévention}
"""


@pytest.fixture
def small_grid(tmp_path) -> Path:
    path = tmp_path / "petite-grille.yaml"
    path.write_text(SMALL_GRID, encoding="utf-8")
    return path


def test_unknown_category_is_one_error_naming_file_and_line(tmp_path, small_grid):
    good = write_jsonl(tmp_path / "a.jsonl", [{"id": "M1", "labels": {"champ": ["soins"]}}])
    bad = write_jsonl(
        tmp_path / "b.jsonl",
        [
            {"id": "M1", "labels": {"champ": ["soins"]}},
            {"id": "M2", "labels": {"champ": ["sport"]}},
        ],
    )
    with pytest.raises(InputError) as exc:
        compare([good, bad], grid_path=small_grid, n_boot=0)
    message = str(exc.value)
    assert message.startswith("1 étiquette(s) absente(s) de la grille")
    assert f"« champ : sport » ({bad}, ligne 2)" in message
    assert "champ" in message and "--grille" in message and "\n" not in message


def test_refusals_are_clear(tmp_path, small_grid):
    measures = write_jsonl(tmp_path / "m.jsonl", [{"id": "M1", "labels": {"champ": ["soins"]}}])
    other = write_jsonl(tmp_path / "n.jsonl", [{"id": "X9", "labels": {"champ": ["soins"]}}])
    interviews = write_jsonl(tmp_path / "i.jsonl", [{"id": "E01-0001", "codes": []}])
    with pytest.raises(InputError, match="mesures .* entretiens"):
        compare([measures, interviews], grid_path=small_grid, n_boot=0)
    with pytest.raises(InputError, match="aucune unité en commun .*« M1 ».*« X9 »"):
        compare([measures, other], grid_path=small_grid, n_boot=0)
    with pytest.raises(InputError, match="revue\\.xlsx"):
        workbook = tmp_path / "revue.xlsx"
        workbook.write_bytes(b"PK")
        compare([measures, workbook], grid_path=small_grid, n_boot=0)
    with pytest.raises(InputError, match="2 nom\\(s\\) donné\\(s\\) avec --codeur pour 1"):
        compare([measures], names=["a", "b"], grid_path=small_grid, n_boot=0)
    with pytest.raises(InputError, match="au moins deux codeurs"):
        compare([measures], grid_path=small_grid, n_boot=0)
    copy = tmp_path / "sub"
    copy.mkdir()
    same_name = write_jsonl(copy / "m.jsonl", [{"id": "M1", "labels": {"champ": ["soins"]}}])
    with pytest.raises(InputError, match="même nom .* --codeur"):
        compare([measures, same_name], grid_path=small_grid, n_boot=0)
    dup = write_jsonl(
        tmp_path / "d.jsonl",
        [{"id": "M1", "labels": {"champ": []}}, {"id": "M1", "labels": {"champ": []}}],
    )
    with pytest.raises(
        InputError, match="ligne 2 : identifiant « M1 » en double \\(déjà ligne 1\\)"
    ):
        compare([measures, dup], grid_path=small_grid, n_boot=0)
    with pytest.raises(InputError, match="dimension inconnue « domaine »"):
        compare(
            [
                measures,
                write_jsonl(tmp_path / "e.jsonl", [{"id": "M1", "labels": {"domaine": []}}]),
            ],
            n_boot=0,
        )
    with pytest.raises(InputError, match="etude.sqlite : étude introuvable"):
        compare([measures, other], study=tmp_path / "etude.sqlite", grid_path=small_grid, n_boot=0)


def test_machine_coder_output_against_two_people_in_a_project(coded_interview, tmp_path, run_cli):
    project = tmp_path / "double-codage.qdpx"
    two_person_project(project)
    out = tmp_path / "accord.jsonl"
    code, stdout, err = run_cli(
        "accord", coded_interview["jsonl"], project, "--unite", "tour", "--codeur", "machine",
        "-o", out, "--bootstrap", "0",
    )  # fmt: skip
    assert code == 0, err
    assert "machine — " in stdout and "Awa Diallo — " in stdout and "Jules Martin — " in stdout
    assert "3 unités, dont 3 codées aussi par un autre codeur" in stdout
    assert "hors de la grille entretiens-cls comparées" in err and "« Divers »" in err
    assert "kappa de Cohen non calculé" in err
    rows = {
        (r["dimension"], r["category"]): r
        for r in map(json.loads, out.read_text("utf-8").splitlines())
    }
    pilotage = rows[("gouvernance", "gouvernance.pilotage")]
    assert pilotage["n_units"] == 3 and pilotage["cohen_kappa"] is None
