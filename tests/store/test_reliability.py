"""The machine's precision and recall per category against people's reviews: figures on a small
case computed by hand, and ``categoriser`` / ``coder --etude`` end to end on the demo corpus."""

from __future__ import annotations

import json
import sqlite3

import pytest
from openpyxl import load_workbook

from cloterres.agreement.study_coders import study_coder_labels
from cloterres.engine.grid import grid_hash
from cloterres.review.export import export_review
from cloterres.review.importer import import_review
from cloterres.store import HUMAN, MACHINE, Study
from cloterres.store.reliability import category_scores
from tests.conftest import DEMO, GRID_PATH
from tests.store.test_study import grid_model

DEMO_FILES = sorted(DEMO.glob("*.csv"))
PLANS = DEMO_FILES[:2]  # two demo plans (UTF-8 and cp1252) keep the test short


def test_scores_computed_by_hand():
    machine = {
        "U1": {"champ": ["prevention", "soins"], "niveau": ["individuel"]},
        "U2": {"champ": ["soins"], "niveau": ["communautaire"]},
        "U3": {"champ": [], "niveau": ["politique"]},
    }
    human = {
        "U1": {"champ": ["prevention"], "niveau": ["individuel"]},
        "U2": {"champ": ["prevention", "soins"], "niveau": ["individuel"]},
        "U3": {"champ": ["soins"]},  # niveau not reviewed: « politique » is not scored
    }
    scores = category_scores(grid_model(), machine, human)
    got = [
        (f"{s.dimension}.{s.category}", s.tp, s.fp, s.fn, s.precision, s.recall, s.f1, s.support)
        for s in scores
    ]
    assert got == [
        # worst first: F1 0, then 0.5, then the two at 2/3 (grid order)
        ("niveau.communautaire", 0, 1, 0, 0.0, None, 0.0, 0),
        ("champ.soins", 1, 1, 1, 0.5, 0.5, 0.5, 2),
        ("champ.prevention", 1, 0, 1, 1.0, 0.5, pytest.approx(2 / 3), 2),
        ("niveau.individuel", 1, 0, 1, 1.0, 0.5, pytest.approx(2 / 3), 2),
    ]


def jsonl_labels(path) -> dict[str, dict[str, list[str]]]:  # noqa: ANN001
    lines = path.read_text(encoding="utf-8").splitlines()
    return {o["id"]: o["labels"] for o in map(json.loads, lines)}


def test_categoriser_with_a_study_end_to_end(nlp, run_cli, tmp_path):
    db = tmp_path / "etude.sqlite"
    out = tmp_path / "mesures.jsonl"
    code, stdout, err = run_cli("categoriser", *PLANS, "--sortie", out, "--etude", db)
    assert code == 0, err
    assert "Étude : manche 1 enregistrée" in stdout
    labels = jsonl_labels(out)
    conn = sqlite3.connect(db)
    sources = conn.execute("SELECT path, kind, length(sha256) FROM sources ORDER BY id").fetchall()
    assert sources == [(str(p), "plan", 64) for p in PLANS]
    assert conn.execute("SELECT sha256 FROM grids").fetchall() == [(grid_hash(GRID_PATH),)]
    assert conn.execute(
        "SELECT COUNT(*) FROM unit_versions WHERE source_id IS NULL"
    ).fetchone() == (0,)
    conn.close()
    with Study(db) as study:
        units = study.units("mesures")
        assert [u.key for u in units] == list(labels)
        assert units[0].fields["contrat"] and units[0].text.startswith(units[0].fields["intitule"])
        machine = {}
        for s in study.current("mesures", origin=MACHINE):
            machine.setdefault(s.unit, {})[s.dimension] = s.categories
        assert machine == labels  # every dimension, "nothing" included
        first = next(iter(labels))
        dim = next(d for d, cats in labels[first].items() if cats)
        why = next(s for s in study.history(first) if s.dimension == dim).evidence
        assert set(why) == set(labels[first][dim])

        # a person reviews three measures
        report = export_review(study, tmp_path / "revue.xlsx", coder="Anne Fictive")
        wb = load_workbook(report.output)
        ws = wb["Revue"]
        header = {ws.cell(row=2, column=c).value: c for c in range(1, ws.max_column + 1)}
        ids = [ws.cell(row=r, column=1).value for r in (3, 4, 5)]
        champ = study.grid(grid_hash(GRID_PATH))[0].dimension("champ")
        removed = labels[ids[0]]["champ"][0]
        added = next(c.id for c in champ.categories if c.id not in labels[ids[1]]["champ"])
        ws.cell(row=3, column=header[champ.category(removed).label]).value = None
        ws.cell(row=4, column=header[champ.category(added).label]).value = "x"
        ws.cell(row=5, column=header["Revu"]).value = "oui"
        wb.save(report.output)
        imported = import_review(study, report.output, coder="Anne Fictive")
        assert imported.recorded == 3
        assert len(study.current("mesures", origin=HUMAN)) == 3 * len(labels[ids[0]])

    # the machine runs again: nothing changed, so no new label, and the reliability is reported
    out2 = tmp_path / "mesures.xlsx"
    code, stdout, err = run_cli("categoriser", *PLANS, "--sortie", out2, "--etude", db)
    assert code == 0, err
    assert "manche 3 enregistrée (0 étiquette(s)" in stdout
    assert (
        "Fiabilité de l'outil contre les étiquettes humaines les plus récentes (3 unité(s)"
        in stdout
    )
    human = {ids[0]: dict(labels[ids[0]]), ids[1]: dict(labels[ids[1]]), ids[2]: labels[ids[2]]}
    human[ids[0]]["champ"] = [c for c in labels[ids[0]]["champ"] if c != removed]
    human[ids[1]]["champ"] = [*labels[ids[1]]["champ"], added]
    expected = {}
    for unit, dims in human.items():
        for dim, gold in dims.items():
            for cat in set(gold) | set(labels[unit][dim]):
                tp_fp_fn = expected.setdefault(f"{dim}.{cat}", [0, 0, 0])
                tp_fp_fn[
                    0 if cat in gold and cat in labels[unit][dim] else 1 if cat not in gold else 2
                ] += 1
    ws = load_workbook(out2)["Fiabilité"]
    assert ws["C4"].value == "Identifiant" and ws.column_dimensions["C"].hidden
    assert ws["F5"].number_format == "0.00"  # F1 with two decimals, the cell keeps the value
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert {r[2]: [r[8], r[9], r[10]] for r in rows} == expected
    # the two corrected categories come first (an error each), everything else is perfect
    assert {rows[0][2], rows[1][2]} == {f"champ.{removed}", f"champ.{added}"}
    assert all(r[5] == 1 for r in rows[2:])
    by_id = {r[2]: r for r in rows}
    # the category the person added: missed once; precision « — » unless the machine gives it to
    # another reviewed measure (then that one is right)
    tp, fp, fn = expected[f"champ.{added}"]
    assert fn >= 1 and fp == 0
    assert by_id[f"champ.{added}"][3:7] == (
        tp / (tp + fp) if tp + fp else None, pytest.approx(tp / (tp + fn)),
        pytest.approx(2 * tp / (2 * tp + fp + fn)), tp + fn,
    )  # fmt: skip


def test_changed_source_adds_a_version_and_keeps_the_old_labels(nlp, run_cli, tmp_path):
    plan = tmp_path / "plan-fictif.csv"
    header = "id;contrat;intitule;description\n"
    plan.write_text(
        header + "F1;CLS fictif;Ateliers de prévention des chutes pour les seniors;\n"
        "F2;CLS fictif;Installer une maison de santé;\n",
        encoding="utf-8",
    )
    db = tmp_path / "etude.sqlite"
    assert run_cli("categoriser", plan, "-o", tmp_path / "a.jsonl", "--etude", db)[0] == 0
    before = jsonl_labels(tmp_path / "a.jsonl")
    plan.write_text(
        header + "F1;CLS fictif;Ateliers de prévention des chutes pour les seniors;\n"
        "F2;CLS fictif;Former les agents d'accueil de la mairie à l'accès aux droits;\n",
        encoding="utf-8",
    )
    assert run_cli("categoriser", plan, "-o", tmp_path / "b.jsonl", "--etude", db)[0] == 0
    after = jsonl_labels(tmp_path / "b.jsonl")
    with Study(db) as study:
        history = study.history("F2")
        rounds = sorted({s.round for s in history})
        assert rounds == [1, 2]  # the new text is labelled anew (a new version of F2)
        assert {s.dimension: s.categories for s in history if s.round == 1} == before["F2"]
        assert {s.dimension: s.categories for s in history if s.round == 2} == after["F2"]
        assert {s.round for s in study.history("F1")} == {1}  # unchanged: nothing added
        assert [u.text for u in study.units("mesures")][1].startswith("Former les agents")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM sources").fetchone() == (2,)  # two contents
    assert conn.execute("SELECT COUNT(*) FROM unit_versions").fetchone() == (3,)


def test_coder_with_a_study_records_interview_units(nlp, run_cli, tmp_path):
    table = tmp_path / "unites.csv"
    table.write_text(
        "id;texte;entretien\n"
        "E9-1;Le comité de pilotage du CLS se réunit deux fois par an avec l'ARS.;E9\n"
        "E9-2;On a eu des financements de l'ARS pour le poste de coordinatrice.;E9\n",
        encoding="utf-8",
    )
    db = tmp_path / "etude.sqlite"
    out = tmp_path / "codes.jsonl"
    code, _, err = run_cli("coder", table, "--sortie", out, "--etude", db)
    assert code == 0, err
    codes = {o["id"]: o["codes"] for o in map(json.loads, out.read_text().splitlines())}
    (machine,) = study_coder_labels(db, kind="entretiens")
    assert machine.coder == "cloterres" and sorted(machine.units) == ["E9-1", "E9-2"]
    for unit, labels in machine.units.items():
        flat = sorted(c for cats in labels.labels.values() for c in cats)
        assert flat == sorted(codes[unit])
        assert all(c.startswith(f"{dim}.") for dim, cats in labels.labels.items() for c in cats)
    with Study(db) as study:
        assert study.kinds() == ["entretiens"]
        assert study.units("entretiens")[0].fields["entretien"] == "E9"


def test_codeur_needs_a_study(run_cli, tmp_path):
    code, _, err = run_cli(
        "categoriser", DEMO_FILES[0], "-o", tmp_path / "x.jsonl", "--codeur", "Anne"
    )
    assert code == 2 and "--codeur demande aussi --etude" in err
