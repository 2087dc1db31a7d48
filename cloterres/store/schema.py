"""Tables of the study store (schema version 2), as SQLAlchemy 2 typed ORM classes.

- ``study_info``: key/value facts about the study (``schema_version``, ``study_id``...).
- ``sources``: input files (plans, transcripts, review workbooks) with the SHA-256 of their
  content; a changed file is a new row.
- ``grids``: every grid used, by SHA-256, with its YAML text so the study can be re-read later.
- ``units``: one row per unit identity (``kind`` mesures|entretiens + the input's id).
- ``unit_versions``: the unit's text and fields as read; a new row when they change.
- ``rounds``: one row per machine run (``categoriser``/``coder --etude``) or review import.
- ``labels``: one row per (unit, dimension) decision of one coder in one round; ``categories``
  is a JSON list of category ids, ``[]`` meaning "none of them". Append-only: on SQLite, triggers
  refuse any UPDATE or DELETE.

Times are naive UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 2
MACHINE = "machine"
HUMAN = "human"
ENGINE_CODER = "cloterres"  # the machine, as a coder in CoderLabels


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class StudyInfo(Base):
    __tablename__ = "study_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Source(Base):
    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("path", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))  # plan | transcript | table | revue
    sha256: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class GridRecord(Base):
    __tablename__ = "grids"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grid_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    yaml_text: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Unit(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # mesures | entretiens
    key: Mapped[str] = mapped_column(String(500))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class UnitVersion(Base):
    __tablename__ = "unit_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    origin: Mapped[str] = mapped_column(String(16))  # machine | human
    coder: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    engine: Mapped[str | None] = mapped_column(String(100))
    engine_version: Mapped[str | None] = mapped_column(String(100))
    fingerprint: Mapped[str | None] = mapped_column(String(64), unique=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LabelRecord(Base):
    __tablename__ = "labels"
    __table_args__ = (Index("ix_labels_unit_dim", "unit_id", "dimension"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    unit_version_id: Mapped[int | None] = mapped_column(ForeignKey("unit_versions.id"))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    dimension: Mapped[str] = mapped_column(String(200))
    categories: Mapped[list[str]] = mapped_column(JSON)
    origin: Mapped[str] = mapped_column(String(16))
    coder: Mapped[str] = mapped_column(String(200))
    engine: Mapped[str | None] = mapped_column(String(100))
    engine_version: Mapped[str | None] = mapped_column(String(100))
    changed: Mapped[bool | None] = mapped_column()
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


APPEND_ONLY_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS labels_no_update BEFORE UPDATE ON labels
       BEGIN SELECT RAISE(ABORT, 'labels are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS labels_no_delete BEFORE DELETE ON labels
       BEGIN SELECT RAISE(ABORT, 'labels are append-only'); END""",
]

# The same rule on PostgreSQL: one trigger function, one trigger for updates and deletes.
APPEND_ONLY_TRIGGERS_POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION cloterres_labels_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'labels are append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER labels_append_only BEFORE UPDATE OR DELETE ON labels
       FOR EACH ROW EXECUTE FUNCTION cloterres_labels_append_only()""",
]
