"""`cloterres accord` end to end: the machine's labels of the demo corpus against the hand
reference labels, one category recomputed by hand; the three output formats; undefined cells."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cloterres.agreement.stats import STATS
from tests.conftest import DEMO

REFERENCE = DEMO / "reference" / "labels-reference.jsonl"
KEYS = [
    "dimension",
    "category",
    "n_units",
    *STATS,
    *(f"{s}_ci_{b}" for s in STATS for b in ("low", "high")),
]


@pytest.fixture(scope="module")
def machine(tmp_path_factory, coder) -> Path:
    """`categoriser corpora/demo/*.csv` as JSONL (in-process; the session's model)."""
    from cloterres.plans.categorize import categorize

    path = tmp_path_factory.mktemp("machine") / "machine.jsonl"
    categorize(sorted(DEMO.glob("*.csv")), path, command="cloterres categoriser (test)")
    return path


def labels_of(path: Path) -> dict[str, dict[str, list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {o["id"]: o["labels"] for o in map(json.loads, lines)}


def test_demo_machine_against_reference_with_one_category_by_hand(machine, run_cli, tmp_path):
    out = tmp_path / "accord.jsonl"
    code, stdout, stderr = run_cli("accord", machine, REFERENCE, "--sortie", out)
    assert code == 0, stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(list(r) == KEYS for r in rows)
    dims = ["champ", "niveau", "determinants", "thematique", "public", "strategie"]
    assert [r["dimension"] for r in rows if r["category"] is None] == dims

    # champ / soins by hand: 2 x 2 table of the two coders over the 144 measures
    m, h = labels_of(machine), labels_of(REFERENCE)
    assert set(m) == set(h) and len(m) == 144
    a = sum(1 for u in m if "soins" in m[u]["champ"] and "soins" in h[u]["champ"])
    b = sum(1 for u in m if "soins" in m[u]["champ"] and "soins" not in h[u]["champ"])
    c = sum(1 for u in m if "soins" not in m[u]["champ"] and "soins" in h[u]["champ"])
    n = len(m)
    d = n - a - b - c
    assert a > 10 and b + c > 0
    po = (a + d) / n
    p_machine, p_human = (a + b) / n, (a + c) / n
    cohen = (po - (p_machine * p_human + (1 - p_machine) * (1 - p_human))) / (
        1 - (p_machine * p_human + (1 - p_machine) * (1 - p_human))
    )
    pi = (2 * a + b + c) / (2 * n)  # mean share of "present" over the 2n ratings
    fleiss = (po - (pi**2 + (1 - pi) ** 2)) / (1 - (pi**2 + (1 - pi) ** 2))
    n1, n0 = 2 * a + b + c, 2 * d + b + c  # pairable values (coincidence matrix margins)
    alpha = 1 - (2 * n - 1) * (b + c) / (n1 * n0)
    pe_gwet = 2 * pi * (1 - pi)
    ac1 = (po - pe_gwet) / (1 - pe_gwet)
    (soins,) = [r for r in rows if r["category"] == "soins"]
    assert soins["n_units"] == 144
    assert soins["percent_agreement"] == pytest.approx(po, abs=1e-9)
    assert soins["cohen_kappa"] == pytest.approx(cohen, abs=1e-9)
    assert soins["fleiss_kappa"] == pytest.approx(fleiss, abs=1e-9)
    assert soins["krippendorff_alpha"] == pytest.approx(alpha, abs=1e-9)
    assert soins["gwet_ac1"] == pytest.approx(ac1, abs=1e-9)
    for s in STATS:
        assert soins[f"{s}_ci_low"] <= soins[s] <= soins[f"{s}_ci_high"]

    # the whole "champ" dimension: several categories per unit, so only "same set" agreement
    (champ,) = [r for r in rows if r["dimension"] == "champ" and r["category"] is None]
    same = sum(1 for u in m if set(m[u]["champ"]) == set(h[u]["champ"]))
    assert champ["percent_agreement"] == pytest.approx(same / n, abs=1e-9)
    assert champ["krippendorff_alpha"] is None and champ["cohen_kappa"] is None

    # the terminal summary
    assert "Accord par dimension" in stdout and "Champ d'action du CLS" in stdout
    assert "moins concordantes" in stdout
    assert f"Résultat écrit dans : {out}" in stdout


def test_csv_output_writes_the_disagreements_next_to_it(machine, run_cli, tmp_path):
    out = tmp_path / "accord.csv"
    code, stdout, _err = run_cli(
        "agreement", machine, REFERENCE, "--out", out, "--coder", "machine", "--coder", "humain",
        "--bootstrap", "50", "--quiet",
    )  # fmt: skip
    assert code == 0 and stdout == ""
    with out.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter=";"))
    soins = next(r for r in table if r["category"] == "soins")
    assert soins["categorie_libelle"] == "Soins" or soins["categorie_libelle"]
    assert 0 < float(soins["krippendorff_alpha"]) <= 1
    champ = next(r for r in table if r["dimension"] == "champ" and r["category"] == "")
    assert champ["krippendorff_alpha"] == "" and "ensemble exact" in champ["remarque"]

    disagreements = tmp_path / "accord-desaccords.csv"
    with disagreements.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    m, h = labels_of(machine), labels_of(REFERENCE)
    expected = {(u, dim) for u in m for dim in m[u] if set(m[u][dim]) != set(h[u][dim])}
    assert {(r["unite"], r["dimension"]) for r in rows} == expected
    first = rows[0]
    assert (
        first["machine"] == " | ".join(m[first["unite"]][first["dimension"]])
        or first["machine"] == "(aucune)"
    )
    # nothing is overwritten without --ecraser
    code, _out, err = run_cli("accord", machine, REFERENCE, "-o", out, "-q")
    assert code == 2 and "existe déjà" in err and "--ecraser" in err


GRID = """
id: grille-fictive
nom: Grille fictive pour les tests d'accord
dimensions:
  - id: champ
    label: Champ d'action
    categories:
      - {id: soins, label: Soins}
      - {id: prevention, label: Prévention}
      - {id: promotion, label: Promotion de la santé}
  - id: public
    label: Public
    categories:
      - {id: jeunes, label: Jeunes}
      - {id: seniors, label: Personnes âgées}
"""


def test_three_coders_workbook_leaves_undefined_cells_empty_with_a_note(run_cli, tmp_path):
    grid = tmp_path / "grille.yaml"
    grid.write_text(GRID, encoding="utf-8")
    # champ: one category at most per unit ("aucune" is a value); prevention used by nobody.
    data = {
        "alice": {"M1": ["soins"], "M2": ["promotion"], "M3": [], "M4": ["soins"], "M5": ["soins"]},
        "bruno": {"M1": ["soins"], "M2": ["promotion"], "M3": [], "M4": ["promotion"]},
        "chloe": {"M1": ["soins"], "M2": [], "M3": [], "M4": ["soins"], "M6": ["soins"]},
    }
    paths = []
    for name, units in data.items():
        path = tmp_path / f"{name}.jsonl"
        path.write_text(
            "".join(
                json.dumps({"id": u, "labels": {"champ": c, "public": ["jeunes", "seniors"]}})
                + "\n"
                for u, c in units.items()
            ),
            encoding="utf-8",
        )
        paths.append(path)
    out = tmp_path / "accord.xlsx"
    code, stdout, err = run_cli("accord", *paths, "--grille", grid, "-o", out, "--bootstrap", "100")
    assert code == 0, err
    assert "kappa de Cohen non calculé" in err
    wb = load_workbook(out)
    assert wb.sheetnames == ["Accord", "Désaccords", "Méthode", "À propos"]
    ws = wb["Accord"]
    headers = [c.value for c in ws[4]]
    assert headers[:5] == [
        "Dimension",
        "Catégorie",
        "Identifiant",
        "Unités comparées",
        "Accord observé",
    ]
    col = {h: i for i, h in enumerate(headers)}
    rows = {(r[2]): r for r in ws.iter_rows(min_row=5, values_only=True)}
    champ = rows["champ"]
    assert champ[1] == "(toute la dimension)" and "« aucune »" in champ[col["Remarque"]]
    assert champ[col["Unités comparées"]] == 4  # M5 and M6 have one coder each
    # Nominal values per unit (soins, promotion, aucune) with missing codes: alpha is defined
    assert champ[col["Alpha de Krippendorff"]] is not None
    assert champ[col["Kappa de Cohen"]] is None  # three coders
    prevention = rows["prevention"]
    assert prevention[col["Accord observé"]] == 1.0
    assert prevention[col["Alpha de Krippendorff"]] is None
    assert prevention[col["AC1 de Gwet"]] == 1.0  # chance term 0: AC1 = percent agreement
    assert "appliquée par aucun codeur" in prevention[col["Remarque"]]
    assert prevention[col["Unités où la catégorie est appliquée, par codeur"]] == (
        "alice : 0 ; bruno : 0 ; chloe : 0"
    )
    jeunes = rows["jeunes"]
    assert "toutes les unités" in jeunes[col["Remarque"]]
    assert ws.cell(row=6, column=col["Accord observé"] + 1).number_format == "0.0 %"
    assert ws.cell(row=6, column=col["Alpha de Krippendorff"] + 1).number_format == "0.000"

    dis = list(wb["Désaccords"].iter_rows(values_only=True))
    assert dis[0] == ("Unité", "Dimension", "Texte", "alice", "bruno", "chloe")
    assert (
        "M2",
        "Champ d'action",
        None,
        "Promotion de la santé",
        "Promotion de la santé",
        "(aucune)",
    ) in dis
    assert ("M4", "Champ d'action", None, "Soins", "Promotion de la santé", "Soins") in dis
    assert not any(r[0] in ("M5", "M6") for r in dis[1:])  # one coder only: nothing to compare
    about = {r[0]: r[1] for r in wb["À propos"].iter_rows(values_only=True)}
    assert about["Rééchantillonnages bootstrap"] == 100 and about["Graine"] == 2024
    assert ws.column_dimensions["C"].hidden  # the ids beside their labels, hidden
    assert re.fullmatch(r"(1er|\d{1,2}) [a-zéû]+ \d{4} à \d\d:\d\d", about["Date de création"])
    assert "5 unités, dont 4 codées aussi par un autre codeur" in about["Codeur « alice »"]
    method = " ".join(str(c) for r in wb["Méthode"].iter_rows(values_only=True) for c in r)
    assert "Krippendorff" in method and "bootstrap" in method


def test_bad_input_is_one_line_and_exit_2(run_cli, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "M1", "labels": {"champ": ["soins"]}}\n{"id": "M2"', encoding="utf-8")
    code, _out, err = run_cli("accord", path, REFERENCE, "--bootstrap", "0")
    assert code == 2
    assert err.strip().count("\n") == 0
    assert err.startswith(f"Erreur : {path}, ligne 2 : JSON invalide")
    code, _out, err = run_cli("accord", REFERENCE, REFERENCE, "-o", tmp_path / "x.txt")
    assert code == 2 and "format de sortie « .txt » inconnu" in err
