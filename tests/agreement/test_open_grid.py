"""``accord`` on any labels: without a grid, the categories seen in the inputs; with a grid,
labels outside it are one error listing them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.io.test_qdpx_merge import foreign_project

N = None
# Krippendorff (2011), section C: observers A-D x units 1-12, nominal, missing data; α = 0.743.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
GRID = Path(__file__).resolve().parents[2] / "grids"


def plain_labels(tmp_path: Path) -> list[Path]:
    paths = []
    for name, row in zip("ABCD", KRIPPENDORFF_2011, strict=True):
        path = tmp_path / f"{name}.jsonl"
        lines = [
            json.dumps({"id": f"u{u}", "labels": {"valeur": [str(v)]}})
            for u, v in enumerate(row, 1)
            if v is not None
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_krippendorff_worked_example_through_accord_without_a_grid(run_cli, tmp_path: Path):
    out = tmp_path / "accord.jsonl"
    code, _stdout, stderr = run_cli(
        "accord", *plain_labels(tmp_path), "--sortie", out, "--bootstrap", "0"
    )
    assert code == 0, stderr
    assert "les catégories sont celles des fichiers (1 dimension(s), 5 catégorie(s))" in stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    whole = next(r for r in rows if r["category"] is None)
    assert whole["dimension"] == "valeur" and whole["n_units"] == 11
    assert whole["krippendorff_alpha"] == pytest.approx(0.743, abs=5e-4)
    assert whole["krippendorff_alpha"] == pytest.approx(0.7434210526)  # 1 - 10/38.9...
    assert {r["category"] for r in rows} == {None, "c_1", "c_2", "c_3", "c_4", "c_5"}


def test_labels_outside_the_given_grid_are_one_error_listing_them(run_cli, tmp_path: Path):
    a, b, *_ = plain_labels(tmp_path)
    code, _stdout, stderr = run_cli(
        "accord", a, b, "--grille", GRID / "cloterres-mesures.yaml", "--bootstrap", "0"
    )
    assert code == 2
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr
    assert "5 étiquette(s) absente(s) de la grille cloterres-mesures" in stderr
    assert "« valeur : 5 » (" in stderr and "B.jsonl, ligne 10" in stderr


def test_inductive_interview_codes_compare_without_a_grid(run_cli, tmp_path: Path):
    rows = {
        "alice": [["sens.confiance"], ["sens.confiance", "freins.temps"], [], ["freins.temps"]],
        "bruno": [["sens.confiance"], ["freins.temps"], [], ["freins.temps"]],
    }
    paths = []
    for coder, units in rows.items():
        path = tmp_path / f"{coder}.jsonl"
        path.write_text(
            "".join(
                json.dumps({"id": f"E1-{i}", "codes": codes}, ensure_ascii=False) + "\n"
                for i, codes in enumerate(units)
            ),
            encoding="utf-8",
        )
        paths.append(path)
    out = tmp_path / "accord.jsonl"
    code, _stdout, stderr = run_cli("accord", *paths, "--sortie", out, "--bootstrap", "0")
    assert code == 0, stderr
    table = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by = {(r["dimension"], r["category"]): r for r in table}
    assert by[("sens", "sens.confiance")]["percent_agreement"] == 0.75  # unit E1-1
    assert by[("freins", "freins.temps")]["percent_agreement"] == 1.0
    # With the interview grid given, the codes are refused, never compared as « none »
    code, _stdout, stderr = run_cli(
        "accord", *paths, "--grille", GRID / "entretiens-cls.yaml", "--bootstrap", "0"
    )
    assert code == 2 and "« sens.confiance »" in stderr and "« freins.temps »" in stderr


def test_project_codes_outside_the_grid_are_refused_not_counted_as_none(run_cli, tmp_path):
    project = foreign_project(tmp_path)
    code, _stdout, stderr = run_cli(
        "accord", project, "--grille", GRID / "entretiens-cls.yaml", "--unite", "tour",
        "--bootstrap", "0",
    )  # fmt: skip
    assert code == 2 and "« Thème inductif »" in stderr
    out = tmp_path / "accord.jsonl"
    code, _stdout, stderr = run_cli(
        "accord", project, "--unite", "tour", "--bootstrap", "0", "--sortie", out
    )
    assert code == 0, stderr
    assert "hors de la grille entretiens-cls comparées" in stderr and "« Thème inductif »" in stderr
    assert "1 codage(s) sur 3 n'atteignent aucune unité comparée" in " ".join(stderr.split())
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert any(r["category"] == "codes.theme_inductif" for r in rows)
    assert any(r["category"] == "gouvernance.pilotage" for r in rows)
