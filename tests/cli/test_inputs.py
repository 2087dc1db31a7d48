"""Inputs as users give them: a folder becomes the files it holds of the types the command
reads (what was skipped said in one line), and a CSV whose rows collapse to one column is
refused with exit code 2."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO

MONTCLAIR = DEMO / "cls-ville-de-montclair.csv"


def _collapsed_csv(path: Path, *, quote_header: bool) -> Path:
    """The Montclair plan as a faulty export writes it: every line one quoted field."""
    with MONTCLAIR.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, quoting=csv.QUOTE_ALL)
        if not quote_header:
            fh.write(",".join(rows[0]) + "\r\n")
        for row in rows if quote_header else rows[1:]:
            writer.writerow([",".join(row)])
    return path


@pytest.mark.parametrize("quote_header", [False, True])
def test_csv_collapsed_to_one_column_is_refused(tmp_path, run_cli, quote_header):
    source = _collapsed_csv(tmp_path / "plan.csv", quote_header=quote_header)
    output = tmp_path / "mesures.jsonl"
    code, out, err = run_cli("categoriser", source, "--sortie", output)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Erreur : {source} : chaque ligne n'a qu'une colonne")
    assert "séparateur « , »" in lines[0] and "réenregistrez" in lines[0]
    assert not output.exists()


def test_one_column_table_of_texts_is_still_read(tmp_path, run_cli):
    """A real one-column table (no separator collapsed into its header) is not refused."""
    source = tmp_path / "plan.csv"
    source.write_text(
        "intitule\nOuvrir un centre de santé, avec des médecins salariés\n"
        "Former les élus, les agents et les bénévoles\n",
        encoding="utf-8",
    )
    code, _out, err = run_cli("categoriser", source, "--sortie", tmp_path / "m.jsonl", "-q")
    assert code == 0, err


def test_folder_is_expanded_to_the_tables_and_plans_it_holds(tmp_path, run_cli):
    folder = tmp_path / "plans"
    (folder / "archives").mkdir(parents=True)
    shutil.copy(MONTCLAIR, folder / "b-montclair.csv")
    shutil.copy(DEMO / "cls-pays-des-hautes-combes.csv", folder / "a-combes.csv")
    (folder / "README.md").write_text("# Lisez-moi\n\nPas un plan.\n", encoding="utf-8")
    (folder / "script.py").write_text("print(1)\n", encoding="utf-8")
    (folder / ".~lock.a-combes.csv#").write_text("verrou", encoding="utf-8")
    output = tmp_path / "mesures.jsonl"
    code, out, err = run_cli("categoriser", folder, "--sortie", output)
    assert code == 0, err
    remarks = [line for line in err.splitlines() if line.startswith("Remarque")]
    assert remarks == [
        f"Remarque : {folder} : ignoré(s), pas un plan ou tableau de mesures : "
        f"archives/, README.md, script.py"
    ]
    lines = output.read_text("utf-8").splitlines()
    files = [Path(json.loads(line)["source"]["fichier"]).name for line in lines]
    assert list(dict.fromkeys(files)) == ["a-combes.csv", "b-montclair.csv"]  # sorted
    assert "2 fichier(s)" in out


def test_folder_without_inputs_is_refused(tmp_path, run_cli):
    folder = tmp_path / "vide"
    folder.mkdir()
    (folder / "README.md").write_text("# rien\n", encoding="utf-8")
    code, _out, err = run_cli("synthese", folder, "--sortie", tmp_path / "s.xlsx")
    assert code == 2
    assert err.strip() == (
        f"Erreur : {folder} : le dossier ne contient aucun résultat de categoriser ou coder "
        f"(.jsonl, .csv, .xlsx) ; donnez un autre dossier ou les fichiers eux-mêmes"
    )


def test_network_folder_skips_the_actors_table(tmp_path, run_cli):
    folder = DEMO / "reseau"
    code, _out, err = run_cli(
        "reseau", folder / "acteurs.csv", folder, "--sortie", tmp_path / "r.jsonl",
        "--permutations", "20",
    )  # fmt: skip
    assert code == 0, err
    assert (
        f"Remarque : {folder} : ignoré(s), pas un fichier de liens : acteurs.csv, generer.py, "
        f"README.md" in err.splitlines()
    )
