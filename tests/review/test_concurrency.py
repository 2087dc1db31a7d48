"""Two processes importing review workbooks into the same study at once (SQLite, and
PostgreSQL when the test server runs): no label lost, no corruption, and the same workbook
imported twice at once is recorded once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest
from openpyxl import load_workbook

from cloterres.review.export import export_review
from cloterres.store import ENGINE_CODER, HUMAN, MachineLabel, Study, UnitInput
from tests.conftest import ROOT
from tests.store.test_study import GRID_YAML, grid_model

N_UNITS = 200


def build(path) -> Study:  # noqa: ANN001
    study = Study(path)
    study.record_machine_round(
        kind="mesures", grid_text=GRID_YAML, grid_sha="a" * 64, grid=grid_model(), sources=[],
        units=[UnitInput(key=f"U{i:04d}", text=f"Mesure fictive {i}", fields={"contrat": "CLS fictif"})
               for i in range(N_UNITS)],
        labels={f"U{i:04d}": {"champ": MachineLabel(categories=["soins"]),
                              "niveau": MachineLabel(categories=["individuel"])}
                for i in range(N_UNITS)},
        engine=ENGINE_CODER, engine_version="0.1.0",
    )  # fmt: skip
    return study


def reviewed(study: Study, tmp_path, coder: str, tick_prevention: bool):  # noqa: ANN001, ANN201
    report = export_review(study, tmp_path / f"revue-{coder}.xlsx", coder=coder)
    wb = load_workbook(report.output)
    ws = wb["Revue"]
    for row in range(3, 3 + N_UNITS):
        ws.cell(row=row, column=9).value = "oui"  # Revu
        if tick_prevention:
            ws.cell(row=row, column=10).value = "x"  # Champ › Prévention
    wb.save(report.output)
    return report.output


def _blocker(study: Study):  # noqa: ANN202
    """A connection holding the study's write lock, as another writer would."""
    if study.sqlite:
        blocker = sqlite3.connect(study.url.database, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        return blocker, lambda: (blocker.execute("COMMIT"), blocker.close())
    from sqlalchemy import text

    from cloterres.store.study import WRITE_LOCK

    conn = study.engine.connect()
    transaction = conn.begin()
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
    return conn, lambda: (transaction.commit(), conn.close())


@pytest.mark.slow
def test_concurrent_imports_lose_nothing(tmp_path, study_target):
    from tests.store.test_study import sql

    with build(study_target) as study:
        anne = reviewed(study, tmp_path, "Anne", tick_prevention=True)
        bruno = reviewed(study, tmp_path, "Bruno", tick_prevention=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    study = Study(study_target)
    _conn, release = _blocker(study)  # another writer holds the study: importers must queue
    jobs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cloterres",
                "revue",
                "importer",
                str(path),
                "--codeur",
                coder,
                "--etude",
                study_target,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )  # fmt: skip
        for path, coder in ((anne, "Anne"), (bruno, "Bruno"), (anne, "Anne"))
    ]
    time.sleep(3)  # let them start and wait on the lock (synchronisation, not an assertion)
    release()
    results = [(job.wait(timeout=120), *job.communicate()) for job in jobs]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 0, 2], results
    assert sum("déjà été importé" in err for _, _, err in results) == 1
    if study.sqlite:
        assert sql(study, "PRAGMA integrity_check")[0][0] == "ok"
    counts = dict(
        sql(study, "SELECT coder, COUNT(*) FROM labels WHERE origin = 'human' GROUP BY coder")
    )
    assert counts == {"Anne": 2 * N_UNITS, "Bruno": 2 * N_UNITS}
    numbers = [r[0] for r in sql(study, "SELECT number FROM rounds ORDER BY number")]
    assert numbers == [1, 2, 3]
    current = study.current("mesures", origin=HUMAN)
    anne_champ = {s.categories[0] if s.categories else None for s in current
                  if s.coder == "Anne" and s.dimension == "champ"}  # fmt: skip
    assert len(current) == 4 * N_UNITS
    assert anne_champ == {"prevention"}  # every unit: Prévention and Soins, sorted by grid
    study.close()
