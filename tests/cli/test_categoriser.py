"""`cloterres categoriser` end to end: JSONL, CSV and workbook outputs, and bad input."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import DEMO, GRID_PATH, ROOT

DEMO_FILES = sorted(DEMO.glob("*.csv"))


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory, coder):
    """The demo corpus categorised once into the three formats (in-process)."""
    from cloterres.plans.categorize import categorize

    folder = tmp_path_factory.mktemp("sorties")
    outputs = {}
    for ext in ("jsonl", "csv", "xlsx"):
        path = folder / f"mesures.{ext}"
        report = categorize(DEMO_FILES, path, command="cloterres categoriser (test)")
        outputs[ext] = (path, report)
    return outputs


def jsonl_objects(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_has_every_measure_with_labels_and_evidence(demo_outputs, grid):
    path, report = demo_outputs["jsonl"]
    objects = jsonl_objects(path)
    assert report.measures == len(objects) >= 120
    rows = [r for f in DEMO_FILES for r in csv_rows(f)]
    assert [o["id"] for o in objects] == [r["id"] for r in rows]
    dims = [d.id for d in grid.dimensions]
    for obj in objects:
        assert list(obj["labels"]) == dims
        assert obj["labels"]["champ"] and obj["labels"]["niveau"] and obj["labels"]["public"]
        for dim, cats in obj["labels"].items():
            assert set(obj["evidence"][dim]) == set(cats)
            for cat in cats:
                origin = obj["decisions"][dim][cat]["origine"]
                spans = obj["evidence"][dim][cat]
                assert origin in ("texte", "implique", "contexte", "defaut", "modele")
                if origin != "modele":  # a learned label shows its weightiest words, if any
                    assert bool(spans) == (origin in ("texte", "contexte"))
                for span in spans:  # offsets point at the very words in the input field
                    assert obj[span["champ"]][span["debut"] : span["fin"]] == span["texte"]
        assert set(obj["derives"]) >= {"niveau_synthese", "multi_objectifs", "hors_soins"}
        assert obj["source"]["fichier"].endswith(".csv") and obj["source"]["ligne"] >= 2


def test_derived_attributes_follow_their_definitions(demo_outputs):
    env = {"interpersonnel", "organisationnel", "communautaire", "politique"}
    for obj in jsonl_objects(demo_outputs["jsonl"][0]):
        niveau = set(obj["labels"]["niveau"])
        expected = (
            "mixte"
            if "individuel" in niveau and niveau & env
            else "individuel"
            if niveau == {"individuel"}
            else "environnemental"
        )
        assert obj["derives"]["niveau_synthese"] == expected
        dets = obj["labels"]["determinants"]
        assert obj["derives"]["multi_objectifs"] == (len(dets) >= 2)
        assert obj["derives"]["hors_soins"] == any(d != "services_sante" for d in dets)


def csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    return list(csv.DictReader(text.splitlines(), delimiter=sep))


def test_csv_output_matches_jsonl(demo_outputs):
    objects = {o["id"]: o for o in jsonl_objects(demo_outputs["jsonl"][0])}
    path = demo_outputs["csv"][0]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert len(rows) == len(objects)
    for row in rows:
        obj = objects[row["id"].lstrip("'")]
        for dim, cats in obj["labels"].items():
            assert row[dim].split("|") if row[dim] else cats == []


def test_workbook_sheets_and_layout(demo_outputs, grid):
    path, report = demo_outputs["xlsx"]
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Mesures",
        "Impression",
        "Synthèse",
        "Grille",
        "Avertissements",
        "Import",
        "À propos",
    ]
    ws = wb["Mesures"]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == [
        "Identifiant",
        "Contrat",
        "Axe",
        "Intitulé",
        "Description",
        "Porteur",
        "Partenaires",
        "Public",
    ]
    for dim in grid.dimensions:
        assert dim.label in headers
    assert "Preuves (mots qui ont déclenché chaque catégorie)" in headers
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{ws.max_row}"
    assert ws.max_row == report.measures + 1
    assert ws.cell(2, 4).alignment.wrap_text
    assert ws.column_dimensions["D"].width >= 40

    # the labels column shows French labels of the JSONL categories
    objects = jsonl_objects(demo_outputs["jsonl"][0])
    col = headers.index(grid.dimension("champ").label) + 1
    for row, obj in enumerate(objects, start=2):
        expected = "; ".join(grid.label_of("champ", c) for c in obj["labels"]["champ"])
        assert ws.cell(row, col).value == expected

    about = {r[0].value: r[1].value for r in wb["À propos"].iter_rows(min_row=2)}
    import hashlib

    assert (
        about["Empreinte SHA-256 de la grille"]
        == hashlib.sha256(GRID_PATH.read_bytes()).hexdigest()
    )
    # shown relative to the working folder when under it (the tests run from the repository)
    assert about["Fichier de grille"] in {"grids/cloterres-mesures.yaml", str(GRID_PATH)}
    if Path.cwd() == GRID_PATH.parents[1]:
        assert about["Fichier de grille"] == "grids/cloterres-mesures.yaml"
    assert re.fullmatch(r"(1er|\d{1,2}) [a-zéû]+ \d{4} à \d\d:\d\d", about["Date de création"])
    assert about["Outil"].startswith("cloterres ")
    assert about["Mesures"] == report.measures
    grid_rows = list(wb["Grille"].iter_rows(min_row=2, values_only=True))
    # the default category by its label, the categories a rule names by theirs
    champ = grid.dimension("champ")
    assert champ.defaut and {r[4] for r in grid_rows if r[0] == "champ"} == {
        grid.label_of("champ", champ.defaut)
    }
    implied = [r[11] for r in grid_rows if r[11]]
    assert implied and all("." not in text and " › " in text for text in implied)
    expected = f"{grid.dimension('champ').label} › {grid.label_of('champ', 'prevention')}"
    assert expected in implied
    assert sum(1 for r in grid_rows if r[0] != "(attribut dérivé)") == sum(
        len(d.categories) for d in grid.dimensions
    )


def label_flags(obj: dict) -> dict[tuple[str, str], str]:
    """The labels of a JSONL measure that are not sure: (dim, cat) -> "defaut" / "a_verifier"."""
    return {
        (dim, cat): "defaut" if why["origine"] == "defaut" else "a_verifier"
        for dim, by_cat in obj["decisions"].items()
        for cat, why in by_cat.items()
        if why["a_verifier"]
    }


def sure_labels(obj: dict) -> dict[str, list[str]]:
    flags = label_flags(obj)
    return {d: [c for c in cats if (d, c) not in flags] for d, cats in obj["labels"].items()}


ENV = {"interpersonnel", "organisationnel", "communautaire", "politique"}
INDICATORS = {  # label suffix or derived id -> (dimension, test on the categories)
    "individuel seulement": ("niveau", lambda x: set(x) == {"individuel"}),
    "environnemental seulement": ("niveau", lambda x: bool(x) and set(x) <= ENV),
    "mixte": ("niveau", lambda x: "individuel" in x and bool(set(x) & ENV)),
    "hors_soins": ("determinants", lambda x: any(d != "services_sante" for d in x)),
    "multi_objectifs": ("determinants", lambda x: len(set(x)) >= 2),
}


def indicator_counts(coded: list[dict], dim: str, test) -> tuple[int, int, int]:  # noqa: ANN001
    """(sure, by default, to check): an indicator is sure when the sure labels alone give it;
    otherwise it counts apart, « par défaut » when a default label of its dimension made it."""
    sure = default = review = 0
    for o in coded:
        if not test(o["labels"][dim]):
            continue
        if test(sure_labels(o)[dim]):
            sure += 1
        elif any(label_flags(o).get((dim, c)) == "defaut" for c in o["labels"][dim]):
            default += 1
        else:
            review += 1
    return sure, default, review


def test_summary_sheet_numbers_are_recomputed_from_the_labels(demo_outputs, grid):
    """Every count and share of the summary sheet, checked against the JSONL labels: only sure
    labels in n and %, defaults and low-confidence labels counted apart; the expected
    reliability of each category is the artefact's."""
    from cloterres.engine.learned.layer import layer_for

    measured = layer_for(grid.id).measured["categories"]
    objects = jsonl_objects(demo_outputs["jsonl"][0])
    per_contract: dict[str, list[dict]] = defaultdict(list)
    for obj in objects:
        per_contract[obj["contrat"]].append(obj)
    per_contract["Ensemble des contrats"] = objects
    ws = load_workbook(demo_outputs["xlsx"][0])["Synthèse"]
    assert ws["A3"].value.startswith("Comptage : n et % ne comptent que les étiquettes sûres")
    assert "jeu de test réel (132 éléments" in ws["A4"].value
    headers = [c.value for c in ws[6]]
    assert headers[:4] == ["Rubrique", "Catégorie / indicateur", "Précision attendue",
                           "Rappel attendu"]  # fmt: skip
    table = {(r[0], r[1]): r for r in ws.iter_rows(min_row=7, values_only=True)}
    checked = 0
    for contract, objs in per_contract.items():
        n_col = headers.index(f"{contract} — n")
        assert headers[n_col + 1 : n_col + 4] == [
            f"{contract} — %", f"{contract} — par défaut", f"{contract} — à vérifier",
        ]  # fmt: skip
        coded = [o for o in objs if not o["sans_texte"]]
        assert table[("Mesures", "Mesures catégorisées (avec un texte)")][n_col] == len(coded)
        flags = Counter(f for o in coded for f in label_flags(o).values())
        default_row = next(v for k, v in table.items() if k[1].startswith("Étiquettes données"))
        assert default_row[n_col + 2] == flags["defaut"]
        review_row = next(v for k, v in table.items() if k[1].startswith("Étiquettes de conf"))
        assert review_row[n_col + 3] == flags["a_verifier"]
        for dim in grid.dimensions:
            counts = Counter(c for o in coded for c in sure_labels(o)[dim.id])
            apart = Counter(
                (c, f) for o in coded for (d, c), f in label_flags(o).items() if d == dim.id
            )
            for cat in dim.categories:
                row = table[(dim.label, cat.label)]
                assert row[n_col] == counts[cat.id]
                assert row[n_col + 1] == pytest.approx(counts[cat.id] / len(coded))
                assert row[n_col + 2] == apart[(cat.id, "defaut")]
                assert row[n_col + 3] == apart[(cat.id, "a_verifier")]
                m = measured[f"{dim.id}.{cat.id}"]
                assert row[2] == (m["precision"] if m["given"] else None)
                assert row[3] == (m["recall"] if m["support"] else None)
                checked += 1
        profile_rows = {k[1]: v for k, v in table.items() if k[0] == "Profil CLoterreS"}
        for key, (dim_id, test) in INDICATORS.items():
            label = (
                grid_label(grid, key)
                if "_" in key
                else next(k for k in profile_rows if k.endswith(key))
            )
            sure, default, review = indicator_counts(coded, dim_id, test)
            assert profile_rows[label][n_col : n_col + 4] == (
                sure, pytest.approx(sure / len(coded)), default, review,
            ), (contract, key)  # fmt: skip
    assert checked > 200
    tout_public = table[("Public cible", "Tout public")]
    total = headers.index("Ensemble des contrats — n")
    assert tout_public[total + 2] == 13  # the demo's 13 « Tout public, par défaut »
    assert ws.cell(7, 6).number_format in ("0.0 %", "General")
    assert ws.cell(20, 3).number_format == "0.00"


def grid_label(grid, derived_id: str) -> str:
    return next(d.label for d in grid.derives if d.id == derived_id)


def test_formula_like_text_is_inert_in_every_export(tmp_path, coder):
    from cloterres.plans.categorize import categorize

    src = tmp_path / "piege.csv"
    src.write_text(
        'id;intitule;description\n=1+1;=HYPERLINK("http://exemple.invalid","clic");+SOMME(A1)\n'
        "2;@cmd;-2+3\n",
        encoding="utf-8",
    )
    xlsx, csv_out = tmp_path / "o.xlsx", tmp_path / "o.csv"
    categorize([src], xlsx)
    categorize([src], csv_out)
    ws = load_workbook(xlsx)["Mesures"]
    for row in ws.iter_rows(min_row=2, max_col=5):
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                assert cell.data_type == "s" and cell.quotePrefix
    assert ws["A2"].value == "=1+1" and ws["D2"].value.startswith("=HYPERLINK(")
    text = csv_out.read_text(encoding="utf-8-sig")
    for line in text.splitlines()[1:]:
        for cell in next(csv.reader([line], delimiter=";")):
            assert cell[:1] not in ("=", "+", "-", "@"), cell


def test_cli_writes_jsonl_and_reports(run_cli, tmp_path):
    out = tmp_path / "res.jsonl"
    code, stdout, stderr = run_cli("categoriser", *DEMO_FILES, "--sortie", out)
    assert code == 0, stderr
    n = len(out.read_text(encoding="utf-8").splitlines())
    assert f"{n} mesures catégorisées (3 fichier(s)" in stdout
    assert f"Résultat écrit dans : {out}" in stdout
    # English aliases work the same
    out2 = tmp_path / "res2.jsonl"
    code, _, _ = run_cli("categorize", DEMO_FILES[0], "--out", out2, "--grid", GRID_PATH, "-q")
    assert code == 0 and out2.exists()


def test_cli_refuses_to_overwrite_without_ecraser(run_cli, tmp_path):
    out = tmp_path / "res.jsonl"
    out.write_text("précieux", encoding="utf-8")
    code, _, stderr = run_cli("categoriser", DEMO_FILES[0], "--sortie", out)
    assert code == 2
    assert "le fichier existe déjà" in stderr and "--ecraser" in stderr
    assert out.read_text(encoding="utf-8") == "précieux"
    code, _, _ = run_cli("categoriser", DEMO_FILES[0], "--sortie", out, "--ecraser", "-q")
    assert code == 0 and out.read_text(encoding="utf-8").startswith("{")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "absent.csv : fichier introuvable"),
        ("empty", "vide.csv : fichier vide"),
        ("binary", "image.csv : fichier binaire"),
        ("notext", "sans-texte.csv : aucune colonne d'intitulé ou de description reconnue"),
        ("header_only", "entete.csv : aucune mesure trouvée"),
        (
            "bad_grid",
            "grille.yaml, ligne 9, dimensions[0].categories[0].implique[0] : dimension inconnue « inconnue »",
        ),
        ("bad_ext", "sortie.docx : format de sortie « .docx » inconnu"),
    ],
)
def test_bad_input_one_line_exit_2_no_output(run_cli, tmp_path, setup, expected):
    good = tmp_path / "bon.csv"
    good.write_text("id;intitule\n1;Dépistage du cancer\n", encoding="utf-8")
    args: list[object] = [good]
    out = tmp_path / "sortie.xlsx"
    extra: list[object] = []
    if setup == "missing":
        args = [tmp_path / "absent.csv"]
    elif setup == "empty":
        (tmp_path / "vide.csv").write_bytes(b"")
        args = [tmp_path / "vide.csv"]
    elif setup == "binary":
        (tmp_path / "image.csv").write_bytes(b"\x89PNG\x00\x00\x01\x02" * 10)
        args = [tmp_path / "image.csv"]
    elif setup == "notext":
        (tmp_path / "sans-texte.csv").write_text("nom;budget\nA;3\n", encoding="utf-8")
        args = [
            good,
            tmp_path / "sans-texte.csv",
        ]  # fails on the second file, after writing started
    elif setup == "header_only":
        (tmp_path / "entete.csv").write_text("id;intitule\n", encoding="utf-8")
        args = [tmp_path / "entete.csv"]
    elif setup == "bad_grid":
        g = tmp_path / "grille.yaml"
        g.write_text(
            "id: g\nnom: G\ndimensions:\n  - id: champ\n    label: Champ\n    categories:\n"
            "      - id: a\n        label: A\n        implique: [inconnue.x]\n",
            encoding="utf-8",
        )
        extra = ["--grille", g]
    elif setup == "bad_ext":
        out = tmp_path / "sortie.docx"
    code, stdout, stderr = run_cli("categoriser", *args, "--sortie", out, *extra)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Erreur : ") and expected in lines[0]
    assert "Traceback" not in stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_measures_without_text_are_kept_and_reported(run_cli, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("id;intitule;description;porteur\n1;Dépistage;;\n2;;;CCAS\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    code, stdout, stderr = run_cli("categoriser", src, "--sortie", out)
    assert code == 0
    assert "Attention : " in stderr and "mesure « 2 » sans intitulé ni description" in stderr
    objs = jsonl_objects(out)
    assert [o["id"] for o in objs] == ["1", "2"]
    assert objs[1]["sans_texte"] is True and all(v == [] for v in objs[1]["labels"].values())
    assert "1 sans texte" in stdout


@pytest.mark.slow
def test_console_script_and_python_m_entry_points(tmp_path):
    """The installed entry points run in a fresh process and exit 2 on bad input."""
    bin_dir = Path(sys.executable).parent
    for cmd in ([str(bin_dir / "cloterres")], [sys.executable, "-m", "cloterres"]):
        done = subprocess.run([*cmd, "--version"], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0 and done.stdout.startswith("cloterres ")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cloterres",
            "categoriser",
            "absent.csv",
            "--sortie",
            str(tmp_path / "o.xlsx"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "Erreur : absent.csv : fichier introuvable ; vérifiez le chemin"
