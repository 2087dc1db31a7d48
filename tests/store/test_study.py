"""The study store: creation, append-only records, current state and history, migration from
schema version 1, refusal of newer or foreign databases."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from cloterres.agreement.study_coders import study_coder_labels
from cloterres.engine.grid import Grid
from cloterres.errors import InputError
from cloterres.store import (
    ENGINE_CODER,
    HUMAN,
    MACHINE,
    SCHEMA_VERSION,
    HumanLabel,
    MachineLabel,
    SourceInput,
    Study,
    UnitInput,
)
from cloterres.store.schema import utcnow

GRID_YAML = """\
id: grille-test
version: "1"
nom: Grille de test (fictive)
champs_texte: [texte]
dimensions:
  - id: champ
    label: Champ
    categories:
      - {id: prevention, label: Prévention, inclure: [dépistage]}
      - {id: soins, label: Soins, inclure: [médecin]}
  - id: niveau
    label: Niveau
    multiple: false
    categories:
      - {id: individuel, label: Individuel, inclure: [atelier]}
      - {id: communautaire, label: Communautaire, inclure: [quartier]}
      - {id: politique, label: Politique, inclure: [arrêté]}
"""


def grid_model() -> Grid:
    import yaml

    return Grid.model_validate(yaml.safe_load(GRID_YAML))


def machine_round(study: Study, texts: dict[str, str], labels: dict[str, dict[str, list[str]]]):
    return study.record_machine_round(
        kind="mesures",
        grid_text=GRID_YAML,
        grid_sha="a" * 64,
        grid=grid_model(),
        sources=[SourceInput(path="plan-fictif.csv", kind="plan", sha256="b" * 64)],
        units=[
            UnitInput(key=k, text=t, fields={"contrat": "CLS fictif"}, source="plan-fictif.csv")
            for k, t in texts.items()
        ],
        labels={
            k: {d: MachineLabel(categories=c, evidence={}) for d, c in dims.items()}
            for k, dims in labels.items()
        },
        engine=ENGINE_CODER,
        engine_version="0.1.0",
    )


@pytest.fixture
def study(study_target):
    """A fresh study, on SQLite and on PostgreSQL (see tests/conftest.py)."""
    with Study(study_target) as s:
        yield s


def sql(study: Study, query: str) -> list[tuple]:
    """Rows of a raw SQL query on the study's own database, whatever its back end."""
    from sqlalchemy import text

    with study.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query))]


def test_created_on_first_use_in_wal_mode(tmp_path):
    path = tmp_path / "etude.sqlite"
    with Study(path) as study:
        assert study.schema_version == SCHEMA_VERSION == 2
        assert len(study.study_id) == 36
        assert study.info()["schema_version"] == "2"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Study(path) as again:  # reopening keeps the identity
        assert again.study_id == study.study_id


def test_missing_study_is_not_created_when_reading(tmp_path):
    with pytest.raises(InputError, match="étude introuvable"):
        Study(tmp_path / "absente.sqlite", create=False)
    assert not (tmp_path / "absente.sqlite").exists()


def test_labels_are_append_only(study):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    machine_round(study, {"M1": "Dépistage"}, {"M1": {"champ": ["prevention"]}})
    for statement in ("UPDATE labels SET dimension = 'x'", "DELETE FROM labels"):
        with pytest.raises(DBAPIError, match="append-only"), study.engine.begin() as conn:
            conn.execute(text(statement))
    assert len(sql(study, "SELECT id FROM labels")) == 1


def test_rerun_adds_only_changes_and_keeps_history(study):
    texts = {"M1": "Dépistage du diabète", "M2": "Médecin au quartier"}
    first = machine_round(
        study,
        texts,
        {
            "M1": {"champ": ["prevention"], "niveau": ["individuel"]},
            "M2": {"champ": ["soins"], "niveau": []},
        },
    )
    assert (first.number, first.labels, first.units) == (1, 4, 2)
    same = machine_round(
        study,
        texts,
        {
            "M1": {"champ": ["prevention"], "niveau": ["individuel"]},
            "M2": {"champ": ["soins"], "niveau": []},
        },
    )
    assert (same.number, same.labels) == (2, 0)
    # the source changed: M2's text is new, and its labels too
    changed = machine_round(
        study,
        {"M1": texts["M1"], "M2": "Médecin et atelier au quartier"},
        {
            "M1": {"champ": ["prevention"], "niveau": ["individuel"]},
            "M2": {"champ": ["soins", "prevention"], "niveau": ["communautaire"]},
        },
    )
    assert (changed.number, changed.labels, changed.units) == (3, 2, 1)
    current = {(s.unit, s.dimension): s for s in study.current("mesures", origin=MACHINE)}
    assert current[("M2", "champ")].categories == ["soins", "prevention"]
    assert current[("M2", "champ")].round == 3
    assert current[("M2", "niveau")].categories == ["communautaire"]
    assert current[("M1", "champ")].round == 1
    history = study.history("M2")
    assert [(s.round, s.dimension, s.categories) for s in history] == [
        (1, "champ", ["soins"]),
        (1, "niveau", []),  # "nothing" is a decision too
        (3, "champ", ["soins", "prevention"]),
        (3, "niveau", ["communautaire"]),
    ]
    assert [u.text for u in study.units("mesures")] == [
        "Dépistage du diabète",
        "Médecin et atelier au quartier",
    ]
    versions = sql(
        study,
        "SELECT u.key, v.text FROM unit_versions v JOIN units u ON u.id = v.unit_id ORDER BY v.id",
    )
    assert versions == [
        ("M1", "Dépistage du diabète"),
        ("M2", "Médecin au quartier"),
        ("M2", "Médecin et atelier au quartier"),
    ]


def test_human_rounds_current_state_per_coder(study):
    machine_round(study, {"M1": "x", "M2": "y"}, {"M1": {"champ": ["soins"]}, "M2": {"champ": []}})
    before = utcnow()
    a = study.record_human_round(
        kind="mesures",
        coder="Anne Fictive",
        grid_sha="a" * 64,
        labels={"M1": {"champ": HumanLabel(categories=["prevention"], changed=True)}},
        fingerprint="f1",
    )
    b = study.record_human_round(
        kind="mesures",
        coder="Bruno Fictif",
        grid_sha="a" * 64,
        labels={"M1": {"champ": HumanLabel(categories=["soins"], changed=False)}},
        fingerprint="f2",
    )
    a2 = study.record_human_round(
        kind="mesures",
        coder="Anne Fictive",
        grid_sha="a" * 64,
        labels={"M1": {"champ": HumanLabel(categories=[], changed=True)}},
        fingerprint="f3",
    )
    assert (a.number, b.number, a2.number) == (2, 3, 4)
    assert before <= a.created_at <= a2.created_at <= utcnow()
    current = {(s.coder, s.unit): s.categories for s in study.current("mesures", origin=HUMAN)}
    assert current == {("Anne Fictive", "M1"): [], ("Bruno Fictif", "M1"): ["soins"]}
    # nothing lost: Anne's first decision and the machine's are in the history
    history = [(s.coder, s.categories, s.changed) for s in study.history("M1")]
    assert history == [
        (ENGINE_CODER, ["soins"], None),
        ("Anne Fictive", ["prevention"], True),
        ("Bruno Fictif", ["soins"], False),
        ("Anne Fictive", [], True),
    ]
    with pytest.raises(InputError, match="déjà été importé"):
        study.record_human_round(
            kind="mesures", coder="Anne Fictive", grid_sha="a" * 64,
            labels={"M1": {"champ": HumanLabel(categories=["soins"])}}, fingerprint="f1",
        )  # fmt: skip
    coders = study_coder_labels(study, kind="mesures")
    assert [c.coder for c in coders] == ["Anne Fictive", "Bruno Fictif", ENGINE_CODER]
    assert coders[0].units["M1"].labels == {"champ": []}
    assert coders[2].units["M2"].labels == {"champ": []}
    only = study_coder_labels(study, coder="Bruno Fictif", kind="mesures", machine=False)
    assert [c.coder for c in only] == ["Bruno Fictif"]


def test_interview_labels_become_code_ids(tmp_path):
    with Study(tmp_path / "e.sqlite") as study:
        study.record_machine_round(
            kind="entretiens", grid_text=GRID_YAML, grid_sha="c" * 64, grid=grid_model(),
            sources=[], units=[UnitInput(key="E01-0001", text="Un médecin", fields={})],
            labels={"E01-0001": {"champ": MachineLabel(categories=["soins"])}},
            engine=ENGINE_CODER, engine_version="0.1.0",
        )  # fmt: skip
    (machine,) = study_coder_labels(tmp_path / "e.sqlite", kind="entretiens")
    assert machine.kind == "entretiens"
    assert machine.units["E01-0001"].labels == {"champ": ["champ.soins"]}


# --- schema version 1 and its migration -----------------------------------------------------

V1_DDL = [  # frozen copy of the first schema, as released
    "CREATE TABLE study_info (key VARCHAR(64) NOT NULL PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE sources (id INTEGER NOT NULL PRIMARY KEY, path TEXT NOT NULL,
        kind VARCHAR(32) NOT NULL, sha256 VARCHAR(64) NOT NULL, first_seen DATETIME NOT NULL,
        UNIQUE (path, sha256))""",
    """CREATE TABLE grids (id INTEGER NOT NULL PRIMARY KEY, grid_id VARCHAR(200) NOT NULL,
        version VARCHAR(64) NOT NULL, sha256 VARCHAR(64) NOT NULL, yaml_text TEXT NOT NULL,
        first_seen DATETIME NOT NULL, UNIQUE (sha256))""",
    """CREATE TABLE units (id INTEGER NOT NULL PRIMARY KEY, kind VARCHAR(16) NOT NULL,
        key VARCHAR(500) NOT NULL, source_id INTEGER REFERENCES sources (id), text TEXT NOT NULL,
        fields JSON NOT NULL, first_seen DATETIME NOT NULL, UNIQUE (kind, key))""",
    """CREATE TABLE labels (id INTEGER NOT NULL PRIMARY KEY,
        unit_id INTEGER NOT NULL REFERENCES units (id), grid_id INTEGER REFERENCES grids (id),
        round INTEGER NOT NULL, dimension VARCHAR(200) NOT NULL, categories JSON NOT NULL,
        origin VARCHAR(16) NOT NULL, coder VARCHAR(200) NOT NULL, engine VARCHAR(100),
        engine_version VARCHAR(100), changed BOOLEAN, evidence JSON, created_at DATETIME NOT NULL)""",
    """CREATE TRIGGER labels_no_update BEFORE UPDATE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only'); END""",
    """CREATE TRIGGER labels_no_delete BEFORE DELETE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only'); END""",
]


def build_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    for statement in V1_DDL:
        conn.execute(statement)
    t0, t1 = "2024-03-01 09:00:00.000000", "2024-03-05 14:30:00.000000"
    conn.executemany(
        "INSERT INTO study_info VALUES (?, ?)",
        [("schema_version", "1"), ("study_id", "etude-v1-fictive"), ("created_at", t0)],
    )
    conn.execute("INSERT INTO sources VALUES (1, 'plan-fictif.csv', 'plan', 'abc', ?)", (t0,))
    conn.execute(
        "INSERT INTO grids VALUES (1, 'grille-test', '1', ?, ?, ?)", ("a" * 64, GRID_YAML, t0)
    )
    conn.executemany(
        "INSERT INTO units VALUES (?, 'mesures', ?, 1, ?, ?, ?)",
        [
            (1, "M1", "Dépistage au quartier", json.dumps({"contrat": "CLS fictif"}), t0),
            (2, "M2", "Médecin", json.dumps({"contrat": "CLS fictif"}), t0),
        ],
    )
    rows = [
        (1, 1, 1, "champ", '["prevention"]', "machine", "cloterres", "cloterres", "0.0.9", None, t0),
        (2, 1, 1, "niveau", '["communautaire"]', "machine", "cloterres", "cloterres", "0.0.9", None, t0),
        (3, 2, 1, "champ", '["soins"]', "machine", "cloterres", "cloterres", "0.0.9", None, t0),
        (4, 1, 2, "champ", '["prevention", "soins"]', "human", "Anne Fictive", None, None, 1, t1),
    ]  # fmt: skip
    conn.executemany(
        """INSERT INTO labels (id, unit_id, grid_id, round, dimension, categories, origin, coder,
           engine, engine_version, changed, evidence, created_at)
           VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)""",
        rows,
    )
    conn.commit()
    conn.close()


def schema_of(path: Path) -> dict[str, object]:
    engine = create_engine(f"sqlite:///{path}")
    insp = inspect(engine)
    out: dict[str, object] = {}
    for table in sorted(insp.get_table_names()):
        out[table] = (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)),
            sorted((i["name"], tuple(i["column_names"])) for i in insp.get_indexes(table)),
            sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            sorted(
                (f["referred_table"], tuple(f["constrained_columns"]))
                for f in insp.get_foreign_keys(table)
            ),
        )
    engine.dispose()
    conn = sqlite3.connect(path)
    out["triggers"] = sorted(
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    )
    conn.close()
    return out


def test_migration_from_version_1(tmp_path):
    old = tmp_path / "v1.sqlite"
    build_v1(old)
    with Study(old) as study:
        assert study.schema_version == 2
        assert study.study_id == "etude-v1-fictive"
        info = study.info()
        assert info["schema_version"] == "2" and "migrated_1_to_2" in info
        rounds = study.rounds()
        assert [(r.number, r.origin, r.coder, r.labels) for r in rounds] == [
            (1, "machine", "cloterres", 3),
            (2, "human", "Anne Fictive", 1),
        ]
        assert rounds[1].created_at == dt.datetime(2024, 3, 5, 14, 30)
        assert [(u.key, u.text, u.fields) for u in study.units("mesures")] == [
            ("M1", "Dépistage au quartier", {"contrat": "CLS fictif"}),
            ("M2", "Médecin", {"contrat": "CLS fictif"}),
        ]
        history = [(s.round, s.coder, s.dimension, s.categories) for s in study.history("M1")]
        assert history == [
            (1, "cloterres", "champ", ["prevention"]),
            (1, "cloterres", "niveau", ["communautaire"]),
            (2, "Anne Fictive", "champ", ["prevention", "soins"]),
        ]
        # the migrated study works like a new one
        new = machine_round(study, {"M1": "Dépistage au quartier"}, {"M1": {"champ": ["soins"]}})
        assert new.number == 3
    fresh = tmp_path / "neuve.sqlite"
    Study(fresh).close()
    assert schema_of(old) == schema_of(fresh)
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM labels")


def test_newer_study_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    Study(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE study_info SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="format 99, plus récent que cette version"):
        Study(path)


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "autre.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE clients (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(InputError, match="n'est pas une étude cloterres"):
        Study(path)
