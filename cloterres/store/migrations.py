"""Schema versions of the study store and the ordered migrations between them.

The version lives in ``study_info`` (key ``schema_version``). Opening a study upgrades it inside
one transaction (all migrations or none); a study newer than this code is refused.

Why not Alembic: the store is embedded and created by the tool itself, so a short ordered list
of plain functions, run at open under the store's own write lock, is all it needs; it adds no
dependency and no migration environment to ship. Migrations are written for SQLite (every
version-1 study was a SQLite file); a study created on PostgreSQL starts at the current version.

Version 1 (first release):
    study_info(key, value); sources(id, path, kind, sha256, first_seen);
    grids(id, grid_id, version, sha256, yaml_text, first_seen);
    units(id, kind, key, source_id, text, fields, first_seen)  -- text kept on the unit itself;
    labels(id, unit_id, grid_id, round, dimension, categories, origin, coder, engine,
           engine_version, changed, evidence, created_at)      -- ``round`` a bare number.
Version 2 (current):
    ``rounds`` table (who, when, engine, grid, the fingerprint of an imported workbook), and
    labels point to it (``round_id``); the text of a unit moves to ``unit_versions`` so that a
    changed source adds a version instead of overwriting the text; labels point to the version
    they were decided on (``unit_version_id``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from sqlalchemy import Connection, text

from cloterres.store.schema import APPEND_ONLY_TRIGGERS


def content_hash(text_: str, fields: dict[str, object]) -> str:
    """SHA-256 of a unit's text and fields (what decides whether it is a new version)."""
    payload = json.dumps([text_, fields], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _migrate_1_to_2(conn: Connection) -> None:
    run = conn.exec_driver_sql
    run("DROP TRIGGER IF EXISTS labels_no_update")
    run("DROP TRIGGER IF EXISTS labels_no_delete")
    run(
        """CREATE TABLE rounds (
            id INTEGER NOT NULL PRIMARY KEY, number INTEGER NOT NULL, origin VARCHAR(16) NOT NULL,
            coder VARCHAR(200) NOT NULL, kind VARCHAR(16) NOT NULL,
            grid_id INTEGER REFERENCES grids (id), engine VARCHAR(100),
            engine_version VARCHAR(100), fingerprint VARCHAR(64), details JSON NOT NULL,
            created_at DATETIME NOT NULL, UNIQUE (number), UNIQUE (fingerprint))"""
    )
    firsts = conn.execute(
        text(
            """SELECT l."round", l.origin, l.coder, u.kind, l.grid_id, l.engine,
                      l.engine_version, l.created_at
               FROM labels l JOIN units u ON u.id = l.unit_id
               WHERE l.id IN (SELECT MIN(id) FROM labels GROUP BY "round")
               ORDER BY l."round" """
        )
    ).all()
    for row in firsts:
        conn.execute(
            text(
                """INSERT INTO rounds (number, origin, coder, kind, grid_id, engine,
                       engine_version, fingerprint, details, created_at)
                   VALUES (:n, :o, :c, :k, :g, :e, :v, NULL, :d, :t)"""
            ),
            {
                "n": row[0],
                "o": row[1],
                "c": row[2],
                "k": row[3],
                "g": row[4],
                "e": row[5],
                "v": row[6],
                "d": json.dumps({"migre_de_v1": True}),
                "t": row[7],
            },  # fmt: skip
        )
    run(
        """CREATE TABLE unit_versions (
            id INTEGER NOT NULL PRIMARY KEY, unit_id INTEGER NOT NULL REFERENCES units (id),
            source_id INTEGER REFERENCES sources (id), sha256 VARCHAR(64) NOT NULL,
            text TEXT NOT NULL, fields JSON NOT NULL, created_at DATETIME NOT NULL)"""
    )
    run("CREATE INDEX ix_unit_versions_unit_id ON unit_versions (unit_id)")
    for uid, source_id, body, fields, first_seen in conn.exec_driver_sql(
        "SELECT id, source_id, text, fields, first_seen FROM units ORDER BY id"
    ).all():
        parsed = json.loads(fields) if isinstance(fields, str) else (fields or {})
        conn.execute(
            text(
                """INSERT INTO unit_versions (unit_id, source_id, sha256, text, fields, created_at)
                   VALUES (:u, :s, :h, :t, :f, :c)"""
            ),
            {
                "u": uid,
                "s": source_id,
                "h": content_hash(body, parsed),
                "t": body,
                "f": json.dumps(parsed, ensure_ascii=False),
                "c": first_seen,
            },  # fmt: skip
        )
    run(
        """CREATE TABLE units_new (
            id INTEGER NOT NULL PRIMARY KEY, kind VARCHAR(16) NOT NULL, "key" VARCHAR(500) NOT NULL,
            first_seen DATETIME NOT NULL, UNIQUE (kind, "key"))"""
    )
    run(
        'INSERT INTO units_new (id, kind, "key", first_seen) SELECT id, kind, "key", first_seen FROM units'
    )
    run("DROP TABLE units")
    run("ALTER TABLE units_new RENAME TO units")
    run(
        """CREATE TABLE labels_new (
            id INTEGER NOT NULL PRIMARY KEY, unit_id INTEGER NOT NULL REFERENCES units (id),
            unit_version_id INTEGER REFERENCES unit_versions (id),
            grid_id INTEGER REFERENCES grids (id), round_id INTEGER NOT NULL REFERENCES rounds (id),
            dimension VARCHAR(200) NOT NULL, categories JSON NOT NULL, origin VARCHAR(16) NOT NULL,
            coder VARCHAR(200) NOT NULL, engine VARCHAR(100), engine_version VARCHAR(100),
            changed BOOLEAN, evidence JSON, created_at DATETIME NOT NULL)"""
    )
    run(
        """INSERT INTO labels_new (id, unit_id, unit_version_id, grid_id, round_id, dimension,
               categories, origin, coder, engine, engine_version, changed, evidence, created_at)
           SELECT l.id, l.unit_id, (SELECT MIN(v.id) FROM unit_versions v WHERE v.unit_id = l.unit_id),
                  l.grid_id, r.id, l.dimension, l.categories, l.origin, l.coder, l.engine,
                  l.engine_version, l.changed, l.evidence, l.created_at
           FROM labels l JOIN rounds r ON r.number = l."round" ORDER BY l.id"""
    )
    run("DROP TABLE labels")
    run("ALTER TABLE labels_new RENAME TO labels")
    run("CREATE INDEX ix_labels_unit_dim ON labels (unit_id, dimension)")
    run("CREATE INDEX ix_labels_round_id ON labels (round_id)")
    for trigger in APPEND_ONLY_TRIGGERS:
        run(trigger)


# MIGRATIONS[v] upgrades a study from version v to v + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _migrate_1_to_2}
