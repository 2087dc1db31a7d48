"""``accord`` over review workbooks and over the coders recorded in a study."""

from __future__ import annotations

import json

from cloterres.agreement.compare import compare
from cloterres.review.export import export_review
from cloterres.review.importer import import_review
from cloterres.store import Study
from tests.review.test_review import ANNE, MACHINE_LABELS, edit, make_study
from tests.store.test_study import GRID_YAML

BRUNO = "Bruno Fictif"


def _rows(path):
    return {
        (r["dimension"], r["category"]): r
        for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())
    }


def test_accord_reads_review_workbooks_and_study_coders(tmp_path, run_cli, study_target):
    grid_file = tmp_path / "grille.yaml"
    grid_file.write_text(GRID_YAML, encoding="utf-8")
    with make_study(study_target) as study:
        anne = export_review(study, tmp_path / "revue-anne.xlsx", coder=ANNE).output
        bruno = export_review(study, tmp_path / "revue-bruno.xlsx", coder=BRUNO).output
    # Anne: accepts M1 and M2 (Revu = oui), removes « Soins » from M3 (row 5, column K).
    anne = edit(anne, {"I3": "oui", "I4": "oui", "K5": None})
    # Bruno: accepts every row but gives M2 « Prévention » instead of « Soins ».
    bruno = edit(bruno, {"I3": "oui", "I4": "oui", "I5": "oui", "I6": "oui", "J4": "x", "K4": None})

    # 1. straight from the workbooks: Anne coded M1-M3, Bruno M1-M4
    out = tmp_path / "accord.jsonl"
    report = compare([anne, bruno], out, grid_path=grid_file, n_boot=0)
    assert sorted(report.coders) == [ANNE, BRUNO]
    rows = _rows(out)
    # Champ › Soins: Anne (M1 0, M2 1, M3 0), Bruno (M1 0, M2 0, M3 1) -> 1 agreement of 3
    soins = rows[("champ", "soins")]
    assert soins["n_units"] == 3
    assert abs(soins["percent_agreement"] - 1 / 3) < 1e-9
    # Champ › Prévention: Anne (1, 0, 1), Bruno (1, 1, 1) -> 2 of 3
    assert abs(rows[("champ", "prevention")]["percent_agreement"] - 2 / 3) < 1e-9

    # 2. after importing both, the study holds both coders and the machine
    with Study(study_target) as study:
        for path, coder in ((anne, ANNE), (bruno, BRUNO)):
            import_review(study, path, coder=coder)
    code, stdout, stderr = run_cli(
        "accord", "--etude", study_target, "--grille", grid_file,
        "--bootstrap", "0", "--sortie", tmp_path / "etude.jsonl",
    )  # fmt: skip
    assert code == 0, stderr
    rows = _rows(tmp_path / "etude.jsonl")
    # Niveau is single-label: machine, Anne and Bruno agree on every unit each coded
    niveau = rows[("niveau", None)]
    assert niveau["percent_agreement"] == 1.0
    # Champ › Soins over three coders: units M1-M4 (Anne has no M4)
    machine = {k: "soins" in v["champ"] for k, v in MACHINE_LABELS.items()}
    anne_soins = {"M1": False, "M2": True, "M3": False}
    bruno_soins = {"M1": False, "M2": False, "M3": True, "M4": False}
    # percent agreement: mean over units of the share of agreeing coder pairs
    per_unit = []
    for unit in MACHINE_LABELS:
        values = [machine[unit], bruno_soins[unit]] + (
            [anne_soins[unit]] if unit in anne_soins else []
        )
        p = [values[i] == values[j] for i in range(len(values)) for j in range(i + 1, len(values))]
        per_unit.append(sum(p) / len(p))
    got = rows[("champ", "soins")]["percent_agreement"]
    assert abs(got - sum(per_unit) / len(per_unit)) < 1e-9

    # 3. only two named coders from the study
    code, _out, stderr = run_cli(
        "accord", "--etude", study_target, "--grille", grid_file,
        "--codeur", ANNE, "--codeur", "Personne", "--bootstrap", "0",
    )  # fmt: skip
    assert code == 2 and "Personne" in stderr and ANNE in stderr
