"""The internal errors of the second hostile round, each now one French line and exit 2 (or a
repair with a warning), and the remaining CSV headers protected against formula injection."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import DEMO, ROOT
from tests.robustness.hostile import run_cli

MEASURES = ROOT / "tests" / "data" / "synthese" / "mesures.jsonl"
REFERENCE = ROOT / "tests" / "data" / "evaluation" / "labels-reference.jsonl"


def one_french_error(code: int, err: str) -> None:
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines and all(line.startswith(("Erreur", "Attention")) for line in lines), err
    assert "Traceback" not in err and "Erreur interne" not in err


def test_lone_surrogate_in_jsonl(tmp_path: Path) -> None:
    bad = tmp_path / "mesures.jsonl"
    lines = MEASURES.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Action fictive", "Action \\ud800 fictive", 1)
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _out, err = run_cli("synthese", bad, "--sortie", tmp_path / "s.xlsx")
    one_french_error(code, err)
    assert "ligne 2" in err and "UTF-16" in err
    code, _out, err = run_cli("accord", bad, REFERENCE, "--sortie", tmp_path / "a.csv")
    one_french_error(code, err)


def test_bootstrap_is_bounded(tmp_path: Path) -> None:
    code, _out, err = run_cli(
        "accord", REFERENCE, REFERENCE, "--codeur", "a", "--codeur", "b", "--bootstrap",
        "100000000", "--sortie", tmp_path / "a.csv",
    )  # fmt: skip
    one_french_error(code, err)
    assert "--bootstrap" in err and not (tmp_path / "a.csv").exists()


def test_same_file_twice_gets_each_coder_name(tmp_path: Path) -> None:
    code, out, err = run_cli(
        "accord", REFERENCE, REFERENCE, "--codeur", "Alice", "--codeur", "Bruno",
        "--bootstrap", "0",
    )  # fmt: skip
    assert code == 0, err
    assert f"Alice — {REFERENCE}" in out and f"Bruno — {REFERENCE}" in out


def test_disagreement_header_is_protected(tmp_path: Path) -> None:
    other = tmp_path / "autre.jsonl"
    rows = [json.loads(line) for line in REFERENCE.read_text(encoding="utf-8").splitlines()]
    rows[0]["labels"] = {k: [] for k in rows[0]["labels"]}  # one disagreement at least
    other.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    out = tmp_path / "a.csv"
    code, _out, err = run_cli(
        "accord", REFERENCE, other, "--codeur", "=HYPERLINK(1)", "--codeur", "+B",
        "--bootstrap", "0", "--sortie", out, "-q",
    )  # fmt: skip
    assert code == 0, err
    with (tmp_path / "a-desaccords.csv").open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh, delimiter=";"))
    assert header[-2:] == ["'=HYPERLINK(1)", "'+B"]


def test_extracted_csv_headers_are_protected(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "id;contrat;intitule;=Budget();+Calendrier\n1;C;Action de prévention;10;2025\n", "utf-8"
    )
    out = tmp_path / "x.csv"
    code, _out, err = run_cli("extraire", plan, "--sortie", out, "-q")
    assert code == 0, err
    with out.open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh, delimiter=";"))
    assert "'=Budget()" in header and "'+Calendrier" in header
    assert "=Budget()" not in header


def test_a_contract_named_a_propos_does_not_move_the_real_sheet(tmp_path: Path) -> None:
    data = tmp_path / "m.jsonl"
    rows = [json.loads(line) for line in MEASURES.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row["contrat"] = "À propos"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    out = tmp_path / "s.xlsx"
    code, _out, err = run_cli("synthese", data, "--sortie", out, "-q")
    assert code == 0, err
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-1] == "À propos" and "À propos (2)" in wb.sheetnames
    assert wb["À propos"]["A1"].value == "Élément"


def test_stray_nul_bytes_in_a_csv_are_removed_with_a_warning(tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_bytes(
        "id;contrat;intitule\n1;C;Action\x00 de pr\x00évention\n2;C;Sport\x00\n".encode()
    )
    out = tmp_path / "x.csv"
    code, _out, err = run_cli("extraire", plan, "--sortie", out)
    assert code == 0, err
    assert "Attention" in err and "NUL" in err
    assert "Action de prévention" in out.read_text(encoding="utf-8-sig")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    code, _out, err = run_cli("extraire", binary, "--sortie", tmp_path / "y.csv")
    one_french_error(code, err)
    assert "binaire" in err


def test_an_option_given_twice_is_refused(tmp_path: Path) -> None:
    code, _out, err = run_cli(
        "extraire", DEMO / "cls-pays-des-hautes-combes.csv", "--sortie", tmp_path / "a.csv",
        "-o", tmp_path / "b.csv",
    )  # fmt: skip
    one_french_error(code, err)
    assert "--sortie" in err and "plusieurs fois" in err
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "b.csv").exists()


@pytest.mark.slow
def test_a_huge_speaker_turn_at_sentence_units(tmp_path: Path, nlp) -> None:
    """Over spaCy's 1,000,000 characters (its error E088): cut into pieces, coded."""
    sentence = "Le comité de pilotage se réunit avec l'ARS et la mairie. "
    transcript = tmp_path / "long.txt"
    transcript.write_text("E : Bonjour\nR : " + sentence * 18_000 + "\n", encoding="utf-8")
    out = tmp_path / "e.jsonl"
    code, _out, err = run_cli("coder", transcript, "--unite", "phrase", "--sortie", out, "-q")
    assert code == 0, err
    assert sum(1 for _ in out.open(encoding="utf-8")) > 17_000
