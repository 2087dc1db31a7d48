"""Codebooks in: ``grille importer codebook.qdc|projet.qdpx`` writes a valid grid, and a
``.qdc`` is accepted wherever ``--grille`` is (automatic coding asks for terms)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cloterres.engine.grid import load_grid
from cloterres.io.qdpx import QdaCode, write_qdc

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "qda-real"
TAGUETTE = REAL / "taguette" / "uto_tag-codebook.qdc"


def real(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path} absent : fichiers réels indisponibles sur cette machine")
    return path


def test_taguette_codebook_gives_a_grid_that_grille_valider_accepts(run_cli, tmp_path):
    out = tmp_path / "grille.yaml"
    code, stdout, stderr = run_cli("grille", "importer", real(TAGUETTE), "--sortie", out)
    assert code == 0, stderr
    assert "1 thème(s), 3 code(s)" in stdout
    code, stdout, stderr = run_cli("grille", "valider", out)
    assert code == 0, stderr
    assert "Grille valide" in stdout and "3 catégories" in stdout
    grid = load_grid(out)
    assert [(c.id, c.label) for c in grid.dimensions[0].categories] == [
        ("xsd_element_name", "xsd:element name"),
        ("codebook", "CodeBook"),
        ("variables", "Variables"),
    ]
    # Nothing is overwritten
    code, _stdout, stderr = run_cli("grille", "importer", TAGUETTE, "--sortie", out)
    assert code == 2 and "existe déjà" in stderr


def nested_codebook(tmp_path: Path) -> Path:
    path = tmp_path / "livre.qdc"
    write_qdc(
        path,
        [
            QdaCode("gouv", "Gouvernance", "Comment le CLS est gouverné."),
            QdaCode("gouv.pilotage", "Pilotage", "Qui pilote, qui décide.", "gouv"),
            QdaCode("gouv.pilotage.elus", "Élus", "Le rôle des élus.", "gouv.pilotage"),
            QdaCode("freins", "Freins"),
            QdaCode("freins.temps", "Manque de temps", parent="freins"),
            QdaCode("divers", "Divers", "Tout le reste."),
        ],
    )
    return path


def test_hierarchy_labels_and_descriptions(run_cli, tmp_path):
    out = tmp_path / "grille.yaml"
    assert run_cli("grille", "importer", nested_codebook(tmp_path), "-o", out)[0] == 0
    grid = load_grid(out)
    assert [(d.id, d.label, d.definition) for d in grid.dimensions] == [
        ("gouvernance", "Gouvernance", "Comment le CLS est gouverné."),
        ("freins", "Freins", ""),
        ("codes", "Codes", ""),
    ]
    assert [(c.id, c.label, c.definition) for c in grid.dimensions[0].categories] == [
        ("pilotage", "Pilotage", "Qui pilote, qui décide."),
        ("pilotage_elus", "Pilotage / Élus", "Le rôle des élus."),
    ]
    assert [c.label for c in grid.dimensions[2].categories] == ["Divers"]


def test_a_codebook_as_grille(run_cli, tmp_path):
    codebook = nested_codebook(tmp_path)
    transcript = tmp_path / "E01.txt"
    transcript.write_text("Q : Bonjour ?\nR : Les élus pilotent le CLS.\n", encoding="utf-8")
    code, _stdout, stderr = run_cli(
        "coder", transcript, "--grille", codebook, "--sortie", tmp_path / "c.jsonl"
    )
    assert code == 2 and "n'a pas de règles (termes)" in stderr and "grille importer" in stderr
    assert "Traceback" not in stderr
    paths = []
    for coder, codes in (("a", ["gouvernance.pilotage"]), ("b", ["Gouvernance.Pilotage"])):
        path = tmp_path / f"{coder}.jsonl"
        path.write_text(json.dumps({"id": "E01-0001", "codes": codes}) + "\n", encoding="utf-8")
        paths.append(path)
    out = tmp_path / "accord.jsonl"
    code, _stdout, stderr = run_cli(
        "accord", *paths, "--grille", codebook, "--sortie", out, "--bootstrap", "0"
    )
    assert code == 0, stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    pilotage = next(r for r in rows if r["category"] == "gouvernance.pilotage")
    assert pilotage["percent_agreement"] == 1.0


def test_real_project_codebooks(run_cli, tmp_path):
    project = real(REAL / "maxqda24-paper_themes" / "ICLS_Conf_Themes_just10.qdpx")
    out = tmp_path / "grille.yaml"
    code, stdout, stderr = run_cli("grille", "importer", project, "--sortie", out)
    assert code == 0, stderr
    grid = load_grid(out)
    assert len(grid.dimensions) + sum(len(d.categories) for d in grid.dimensions) == 307
    assert run_cli("grille", "valider", out)[0] == 0
    blank = real(REAL / "ponte-atlas" / "blank-atlas-project.qdpx")
    code, _stdout, stderr = run_cli("grille", "importer", blank, "--sortie", tmp_path / "b.yaml")
    assert code == 2 and "aucun code" in stderr
