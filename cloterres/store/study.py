"""Open a study store, record sources, grids, units and labels, and query them.

A study is a SQLite file (``--etude etude.sqlite``) or any SQLAlchemy URL
(``--etude postgresql://serveur/etude``; only SQLite is tested). It is created on first use.

Concurrency (SQLite): WAL journal, a 30 s busy timeout, every write in one short
``BEGIN IMMEDIATE`` transaction (taking the write lock at once, so two writers queue instead of
failing half-way), retried a few times if the database stays locked. Reads use a plain
``BEGIN``, so they never wait for a writer.

Append-only: labels are only ever inserted. The current state of a unit is the latest record
(highest id) per (unit, dimension, coder); the history is every record of the unit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import yaml
from pydantic import BaseModel, Field
from sqlalchemy import (
    Engine,
    Table,
    case,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session

from cloterres import __version__
from cloterres.engine.grid import Grid
from cloterres.errors import InputError
from cloterres.io.display import french_date
from cloterres.store.migrations import MIGRATIONS, content_hash
from cloterres.store.schema import (
    APPEND_ONLY_TRIGGERS,
    APPEND_ONLY_TRIGGERS_POSTGRESQL,
    HUMAN,
    MACHINE,
    SCHEMA_VERSION,
    Base,
    GridRecord,
    LabelRecord,
    Round,
    Source,
    StudyInfo,
    Unit,
    UnitVersion,
    utcnow,
)

if TYPE_CHECKING:  # pragma: no cover
    import sqlite3

    from sqlalchemy.engine import Connection
    from sqlalchemy.pool import ConnectionPoolEntry

T = TypeVar("T")
DEFAULT_STUDY = "etude-cloterres.sqlite"
BUSY_TIMEOUT_MS = 30_000
WRITE_ATTEMPTS = 8
CHUNK = 500
DERIVED_DETAILS = "derives_texte"  # round details: unit -> text-based derived attributes


class SourceInput(BaseModel):
    path: str
    kind: str  # plan | transcript | table | revue
    sha256: str


class UnitInput(BaseModel):
    """A unit as a front end read it: its input id, text and fields."""

    key: str
    text: str
    fields: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None  # path of its SourceInput


class MachineLabel(BaseModel):
    categories: list[str]
    evidence: dict[str, Any] = Field(default_factory=dict)  # category id -> why


class HumanLabel(BaseModel):
    categories: list[str]
    changed: bool | None = None  # differs from the machine's proposal


@dataclass(frozen=True)
class LabelState:
    """A label record as queries return it."""

    id: int
    unit: str
    dimension: str
    categories: list[str]
    origin: str
    coder: str
    round: int
    created_at: dt.datetime
    changed: bool | None
    evidence: dict[str, Any] | None
    engine: str | None
    engine_version: str | None
    grid_sha: str | None


@dataclass(frozen=True)
class RoundSummary:
    number: int
    origin: str
    coder: str
    kind: str
    created_at: dt.datetime
    labels: int
    units: int
    changed: int
    details: dict[str, Any]


@dataclass(frozen=True)
class UnitView:
    key: str
    text: str
    fields: dict[str, Any]
    version: int | None = None  # the unit_versions row shown


class DuplicateRound(InputError):
    """The same review workbook was already imported."""


class StaleUnits(InputError):
    """Units whose text changed after the review workbook was exported."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        shown = ", ".join(keys[:10])
        super().__init__(
            f"le texte de {len(keys)} unité(s) a changé depuis l'export du classeur ({shown}) ; "
            f"rien n'a été enregistré"
        )


def study_url(target: str | Path) -> URL:
    """An SQLAlchemy URL for ``--etude``: a URL as is, anything else a SQLite file path."""
    raw = str(target)
    if "://" in raw:
        try:
            url = make_url(raw)
        except ArgumentError:
            raise InputError(
                f"{raw} : adresse d'étude invalide ; donnez un chemin de fichier ou une URL "
                f"SQLAlchemy (postgresql://utilisateur@serveur/base)"
            ) from None
        if url.drivername in ("postgresql", "postgres"):  # psycopg 3, the driver we install
            url = url.set(drivername="postgresql+psycopg")
        return url
    return URL.create("sqlite", database=str(Path(raw).expanduser().resolve()))


def _is_locked(exc: OperationalError) -> bool:
    message = str(exc.orig).lower()
    return "locked" in message or "busy" in message


def database_error(name: str, exc: DBAPIError) -> InputError:
    """A database failure as one French line naming the study (never the driver's text)."""
    message = str(exc.orig).lower()
    if "not a database" in message or "encrypted" in message or "malformed" in message:
        return InputError(
            f"{name} : ce fichier n'est pas une étude cloterres (base SQLite illisible) ; donnez "
            f"un autre fichier avec --etude"
        )
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        return InputError(
            f"{name} : impossible d'écrire l'étude (fichier ou dossier en lecture seule, ou droits "
            f"insuffisants) ; choisissez un dossier où vous pouvez écrire"
        )
    if "disk is full" in message or "no space" in message:
        return InputError(f"{name} : disque plein ; libérez de la place puis relancez")
    if "disk i/o" in message:
        return InputError(f"{name} : erreur d'écriture sur le disque ; vérifiez le support")
    if "locked" in message or "busy" in message:
        return InputError(
            f"{name} : l'étude reste verrouillée par un autre programme ; réessayez dans un moment"
        )
    if isinstance(exc, OperationalError):
        return InputError(
            f"{name} : connexion à l'étude impossible ou interrompue ({type(exc.orig).__name__}) ; "
            f"vérifiez l'adresse, le serveur et les droits"
        )
    return InputError(
        f"{name} : l'étude a refusé l'écriture ({type(exc.orig).__name__}) ; rien n'a été "
        f"enregistré"
    )


# The key of the PostgreSQL advisory lock every write transaction takes (any constant).
WRITE_LOCK = 0x636C6F74


class Study:
    """One study store. Use :func:`open_study`; close it (or use ``with``) when done."""

    def __init__(self, target: str | Path, *, create: bool = True) -> None:
        self.url = study_url(target)
        self.name = str(target)
        self.sqlite = self.url.get_backend_name() == "sqlite"
        self.postgresql = self.url.get_backend_name() == "postgresql"
        new_file: Path | None = None
        if self.sqlite:
            path = Path(self.url.database or "")
            new_file = None if path.exists() else path
            if not path.exists() and not create:
                raise InputError(
                    f"{target} : étude introuvable ; vérifiez le chemin (--etude) ou créez-la avec "
                    f"cloterres categoriser ... --etude {target}"
                )
            if path.is_dir():
                raise InputError(f"{target} : est un dossier ; donnez un fichier d'étude .sqlite")
            if not path.parent.is_dir():
                raise InputError(f"{path.parent} : dossier introuvable pour l'étude {target}")
        if not self.sqlite:  # never show a password in a message
            self.name = self.url.render_as_string(hide_password=True)
        self.engine = self._engine()
        try:
            self.study_id, self.schema_version = self._prepare()
        except BaseException as exc:
            self.engine.dispose()
            if new_file is not None:  # a study this run began to create (disk full...): removed
                for suffix in ("", "-wal", "-shm", "-journal"):
                    with contextlib.suppress(OSError):
                        Path(f"{new_file}{suffix}").unlink()
            if isinstance(exc, DBAPIError):
                raise database_error(self.name, exc) from None
            raise

    # --- connection ------------------------------------------------------------------------

    def _engine(self) -> Engine:
        if not self.sqlite:
            try:
                return create_engine(self.url)
            except ImportError as exc:
                raise InputError(
                    f"{self.name} : pilote de base de données absent ({exc.name}) ; pour "
                    f"PostgreSQL, installez-le avec pip install 'cloterres[postgresql]'"
                ) from None
        engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
            dbapi_conn.isolation_level = None  # transactions are begun by _on_begin below
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            reading = conn.get_execution_options().get("cloterres_read", False)
            conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

        return engine

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Study:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one write transaction, retried while the database is locked."""
        delay = 0.05
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with Session(self.engine, expire_on_commit=False) as session, session.begin():
                    if self.postgresql:  # one writer at a time, as SQLite's BEGIN IMMEDIATE
                        session.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK}
                        )
                    return work(session)
            except OperationalError as exc:
                if not (self.sqlite and _is_locked(exc)) or attempt == WRITE_ATTEMPTS - 1:
                    raise database_error(self.name, exc) from None
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
            except DBAPIError as exc:
                raise database_error(self.name, exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        bind = self.engine.execution_options(cloterres_read=True)
        try:
            with Session(bind, expire_on_commit=False) as session, session.begin():
                yield session
        except DBAPIError as exc:
            raise database_error(self.name, exc) from None

    # --- creation and migration ------------------------------------------------------------

    def _prepare(self) -> tuple[str, int]:
        with self.engine.connect() as conn:
            if self.sqlite:  # table rebuilds in migrations need this off, outside a transaction
                # an open connection always holds its driver's connection
                cast(Any, conn.connection.driver_connection).execute("PRAGMA foreign_keys = OFF")
            try:
                with conn.begin():
                    tables = set(inspect(conn).get_table_names())
                    if "study_info" not in tables:
                        if tables:
                            raise InputError(
                                f"{self.name} : cette base n'est pas une étude cloterres "
                                f"(tables {', '.join(sorted(tables))}) ; choisissez un autre fichier"
                            )
                        Base.metadata.create_all(conn)
                        triggers = (
                            APPEND_ONLY_TRIGGERS
                            if self.sqlite
                            else APPEND_ONLY_TRIGGERS_POSTGRESQL
                            if self.postgresql
                            else []
                        )
                        for trigger in triggers:
                            conn.exec_driver_sql(trigger)
                        study_id = str(uuid.uuid4())
                        now = utcnow().isoformat(timespec="seconds")
                        conn.execute(
                            cast(Table, StudyInfo.__table__).insert(),
                            [
                                {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                                {"key": "study_id", "value": study_id},
                                {"key": "created_at", "value": now},
                                {"key": "created_by", "value": f"cloterres {__version__}"},
                            ],
                        )
                        return study_id, SCHEMA_VERSION
                    info = dict(conn.execute(select(StudyInfo.key, StudyInfo.value)).all())
                    version = int(info.get("schema_version", "0"))
                    if version > SCHEMA_VERSION:
                        raise InputError(
                            f"{self.name} : étude au format {version}, plus récent que cette version "
                            f"de cloterres ({__version__}, format {SCHEMA_VERSION}) ; mettez "
                            f"cloterres à jour pour l'ouvrir"
                        )
                    if version < 1:
                        raise InputError(f"{self.name} : version de schéma illisible ({version})")
                    for step in range(version, SCHEMA_VERSION):
                        MIGRATIONS[step](conn)
                    if version < SCHEMA_VERSION:
                        if self.sqlite:
                            bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                            if bad:
                                raise RuntimeError(f"migration broke foreign keys: {bad[:5]}")
                        conn.execute(
                            cast(Table, StudyInfo.__table__)
                            .update()
                            .where(StudyInfo.key == "schema_version")
                            .values(value=str(SCHEMA_VERSION))
                        )
                        conn.execute(
                            cast(Table, StudyInfo.__table__).insert(),
                            [
                                {
                                    "key": f"migrated_{version}_to_{SCHEMA_VERSION}",
                                    "value": utcnow().isoformat(timespec="seconds"),
                                }
                            ],
                        )
                    return info.get("study_id", ""), SCHEMA_VERSION
            finally:
                if self.sqlite:
                    cast(Any, conn.connection.driver_connection).execute("PRAGMA foreign_keys = ON")

    # --- recording -------------------------------------------------------------------------

    def record_machine_round(
        self,
        *,
        kind: str,
        grid_text: str,
        grid_sha: str,
        grid: Grid,
        sources: list[SourceInput],
        units: list[UnitInput],
        labels: dict[str, dict[str, MachineLabel]],
        engine: str,
        engine_version: str,
        details: dict[str, Any] | None = None,
    ) -> RoundSummary:
        """Record a machine run as a new round: sources, grid, units (a new version when the text
        changed) and, for each unit and dimension, a label record when it differs from the
        machine's current one (or the grid or the unit's text changed)."""

        def work(session: Session) -> RoundSummary:
            now = utcnow()
            source_ids = {s.path: _source_id(session, s, now) for s in sources}
            grid_row = _grid_row(session, grid, grid_text, grid_sha, now)
            unit_ids = _unit_ids(session, kind, [u.key for u in units], now)
            versions = _latest_versions(session, list(unit_ids.values()))
            new_versions = []
            for u in units:
                uid = unit_ids[u.key]
                digest = content_hash(u.text, u.fields)
                current = versions.get(uid)
                if current is None or current[1] != digest:
                    new_versions.append(
                        {
                            "unit_id": uid,
                            "source_id": source_ids.get(u.source or ""),
                            "sha256": digest,
                            "text": u.text,
                            "fields": u.fields,
                            "created_at": now,
                        }  # fmt: skip
                    )
            if new_versions:
                session.execute(insert(UnitVersion), new_versions)
                versions = _latest_versions(session, list(unit_ids.values()))
            version_of = {u.key: versions[unit_ids[u.key]][0] for u in units}
            current_labels = _latest_labels(session, list(unit_ids.values()), coder=engine)
            round_row = _new_round(
                session,
                origin=MACHINE,
                coder=engine,
                kind=kind,
                grid_id=grid_row.id,
                engine=engine,
                engine_version=engine_version,
                fingerprint=None,
                details=details or {},
                now=now,
            )
            rows: list[dict[str, Any]] = []
            touched: set[str] = set()
            for key, dims in labels.items():
                uid = unit_ids[key]
                for dim, label in dims.items():
                    old = current_labels.get((uid, dim))
                    if (
                        old is not None
                        and old.categories == label.categories
                        and old.grid_id == grid_row.id
                        and old.unit_version_id == version_of[key]
                    ):
                        continue
                    rows.append(
                        {
                            "unit_id": uid,
                            "unit_version_id": version_of[key],
                            "grid_id": grid_row.id,
                            "round_id": round_row.id,
                            "dimension": dim,
                            "categories": list(label.categories),
                            "origin": MACHINE,
                            "coder": engine,
                            "engine": engine,
                            "engine_version": engine_version,
                            "changed": None,
                            "evidence": label.evidence,
                            "created_at": now,
                        }  # fmt: skip
                    )
                    touched.add(key)
            if rows:
                session.execute(insert(LabelRecord), rows)
            return RoundSummary(
                round_row.number, MACHINE, engine, kind, now, len(rows), len(touched), 0,
                dict(details or {}),
            )  # fmt: skip

        return self.write(work)

    def record_human_round(
        self,
        *,
        kind: str,
        coder: str,
        grid_sha: str,
        labels: dict[str, dict[str, HumanLabel]],
        fingerprint: str,
        details: dict[str, Any] | None = None,
        source: SourceInput | None = None,
        seen: dict[str, int] | None = None,
        record_seen: bool = False,
    ) -> RoundSummary:
        """Record a coder's review as a new round (refused if ``fingerprint`` was imported).

        ``seen``: the unit version each label was decided on (from the workbook). A unit whose
        latest version is another one is refused (:class:`StaleUnits`), unless ``record_seen``:
        the labels are then recorded against the version the coder saw."""

        def work(session: Session) -> RoundSummary:
            now = utcnow()
            previous = session.scalars(
                select(Round).where(Round.fingerprint == fingerprint)
            ).first()
            if previous is not None:
                when = french_date(previous.created_at)
                raise DuplicateRound(
                    f"ce classeur a déjà été importé (manche {previous.number}, codeur "
                    f"« {previous.coder} », le {when}) ; rien n'a été enregistré"
                )
            grid_row = session.scalars(
                select(GridRecord).where(GridRecord.sha256 == grid_sha)
            ).first()
            if grid_row is None:
                raise InputError(
                    "la grille de ce classeur n'est pas dans l'étude ; exportez-le de nouveau "
                    "depuis cette étude"
                )
            if source is not None:
                _source_id(session, source, now)
            units = _existing_units(session, kind, list(labels))
            missing = [k for k in labels if k not in units]
            if missing:
                raise InputError(
                    f"unité(s) absente(s) de l'étude : {', '.join(missing[:10])} ; ce classeur "
                    f"a-t-il été exporté d'une autre étude ?"
                )
            versions = _latest_versions(session, list(units.values()))
            if seen:
                stale = [
                    k for k, uid in units.items()
                    if k in seen and versions.get(uid, (None,))[0] != seen[k]
                ]  # fmt: skip
                if stale and not record_seen:
                    raise StaleUnits(stale)
                for key in seen.keys() & units.keys():
                    versions[units[key]] = (seen[key], "")
            round_row = _new_round(
                session, origin=HUMAN, coder=coder, kind=kind, grid_id=grid_row.id, engine=None,
                engine_version=None, fingerprint=fingerprint, details=details or {}, now=now,
            )  # fmt: skip
            rows: list[dict[str, Any]] = []
            for key, dims in labels.items():
                uid = units[key]
                version = versions.get(uid)
                for dim, label in dims.items():
                    rows.append(
                        {
                            "unit_id": uid,
                            "unit_version_id": version[0] if version else None,
                            "grid_id": grid_row.id,
                            "round_id": round_row.id,
                            "dimension": dim,
                            "categories": list(label.categories),
                            "origin": HUMAN,
                            "coder": coder,
                            "engine": None,
                            "engine_version": None,
                            "changed": label.changed,
                            "evidence": None,
                            "created_at": now,
                        }  # fmt: skip
                    )
            if rows:
                session.execute(insert(LabelRecord), rows)
            n = len(rows)
            changed = sum(bool(r["changed"]) for r in rows)
            return RoundSummary(
                round_row.number, HUMAN, coder, kind, now, n, len(labels), changed,
                dict(details or {}),
            )  # fmt: skip

        return self.write(work)

    # --- queries ---------------------------------------------------------------------------

    def info(self) -> dict[str, str]:
        with self.read() as session:
            return dict(session.execute(select(StudyInfo.key, StudyInfo.value)).all())

    def kinds(self) -> list[str]:
        """Kinds of units that have machine labels (mesures, entretiens)."""
        with self.read() as session:
            rows = session.scalars(
                select(Round.kind).where(Round.origin == MACHINE).distinct().order_by(Round.kind)
            ).all()
        return list(rows)

    def last_round_number(self) -> int:
        with self.read() as session:
            return int(session.scalar(select(func.max(Round.number))) or 0)

    def units(self, kind: str, keys: Iterable[str] | None = None) -> list[UnitView]:
        """Units of a kind (latest version of each), in the order they were first seen."""
        with self.read() as session:
            query = select(Unit.id, Unit.key).where(Unit.kind == kind).order_by(Unit.id)
            rows = session.execute(query).all()
            wanted = set(keys) if keys is not None else None
            rows = [r for r in rows if wanted is None or r[1] in wanted]
            versions = _latest_version_rows(session, [r[0] for r in rows])
        out = []
        for uid, key in rows:
            version = versions.get(uid)
            if version is not None:
                out.append(UnitView(key, version.text, dict(version.fields or {}), version.id))
        return out

    def unit_versions(self, kind: str, versions: dict[str, int]) -> dict[str, UnitView]:
        """The given versions (unit key -> version id) of units of a kind, as recorded."""
        out: dict[str, UnitView] = {}
        with self.read() as session:
            units = _existing_units(session, kind, list(versions))
            key_of = {uid: key for key, uid in units.items()}
            for chunk in _chunks([versions[k] for k in units]):
                for row in session.scalars(select(UnitVersion).where(UnitVersion.id.in_(chunk))):
                    key = key_of.get(row.unit_id)
                    if key is not None and versions[key] == row.id:
                        out[key] = UnitView(key, row.text, dict(row.fields or {}), row.id)
        return out

    def current(
        self, kind: str, *, origin: str | None = None, coder: str | None = None
    ) -> list[LabelState]:
        """The current state: the latest record per (unit, dimension, coder)."""
        with self.read() as session:
            latest = (
                select(func.max(LabelRecord.id))
                .join(Unit, Unit.id == LabelRecord.unit_id)
                .where(Unit.kind == kind)
                .group_by(LabelRecord.unit_id, LabelRecord.dimension, LabelRecord.coder)
            )
            if origin is not None:
                latest = latest.where(LabelRecord.origin == origin)
            if coder is not None:
                latest = latest.where(LabelRecord.coder == coder)
            return _states(session, LabelRecord.id.in_(latest.scalar_subquery()))

    def history(self, key: str, kind: str | None = None) -> list[LabelState]:
        """Every label record of a unit, oldest first."""
        with self.read() as session:
            query = select(Unit.id).where(Unit.key == key)
            if kind is not None:
                query = query.where(Unit.kind == kind)
            ids = list(session.scalars(query).all())
            if not ids:
                raise InputError(f"unité « {key} » absente de l'étude")
            return _states(session, LabelRecord.unit_id.in_(ids))

    def rounds(self) -> list[RoundSummary]:
        with self.read() as session:
            rows = session.scalars(select(Round).order_by(Round.number)).all()
            counts = {
                r[0]: (r[1], r[2], r[3])
                for r in session.execute(
                    select(
                        LabelRecord.round_id,
                        func.count(LabelRecord.id),
                        func.count(func.distinct(LabelRecord.unit_id)),
                        func.sum(case((LabelRecord.changed.is_(True), 1), else_=0)),
                    ).group_by(LabelRecord.round_id)
                ).all()
            }
        return [
            RoundSummary(
                r.number,
                r.origin,
                r.coder,
                r.kind,
                r.created_at,
                int(counts.get(r.id, (0, 0, 0))[0]),
                int(counts.get(r.id, (0, 0, 0))[1]),
                int(counts.get(r.id, (0, 0, 0))[2] or 0),
                dict(r.details or {}),
            )  # fmt: skip
            for r in rows
        ]

    def text_derived(self, kind: str) -> dict[str, dict[str, Any]]:
        """Per unit, the text-based derived attributes of the latest machine round that
        recorded them (round details ``derives_texte``; absent from older studies)."""
        out: dict[str, dict[str, Any]] = {}
        with self.read() as session:
            rows = session.scalars(
                select(Round.details)
                .where(Round.kind == kind, Round.origin == MACHINE)
                .order_by(Round.number)
            ).all()
        for details in rows:
            values = (details or {}).get(DERIVED_DETAILS)
            if isinstance(values, dict):
                out.update({str(k): dict(v) for k, v in values.items() if isinstance(v, dict)})
        return out

    def grid(self, sha256: str) -> tuple[Grid, str]:
        """A grid recorded in the study (model and YAML text) by its SHA-256."""
        with self.read() as session:
            row = session.scalars(select(GridRecord).where(GridRecord.sha256 == sha256)).first()
        if row is None:
            raise InputError(f"{self.name} : grille {sha256[:12]}… absente de l'étude")
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return Grid.model_validate(yaml.load(row.yaml_text, Loader=loader)), row.yaml_text

    def machine_grid_sha(self, kind: str) -> str | None:
        """The grid of the latest machine round of this kind."""
        with self.read() as session:
            return session.scalar(
                select(GridRecord.sha256)
                .join(Round, Round.grid_id == GridRecord.id)
                .where(Round.kind == kind, Round.origin == MACHINE)
                .order_by(Round.number.desc())
                .limit(1)
            )


def open_study(target: str | Path, *, create: bool = True) -> Study:
    return Study(target, create=create)


def _local(moment: dt.datetime) -> str:
    return moment.replace(tzinfo=dt.UTC).astimezone().strftime("%d/%m/%Y %H:%M")


def local_time(moment: dt.datetime) -> str:
    """A stored (naive UTC) time as local French date and time."""
    return _local(moment)


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _source_id(session: Session, source: SourceInput, now: dt.datetime) -> int:
    found = session.scalar(
        select(Source.id).where(Source.path == source.path, Source.sha256 == source.sha256)
    )
    if found is not None:
        return found
    row = Source(path=source.path, kind=source.kind, sha256=source.sha256, first_seen=now)
    session.add(row)
    session.flush()
    return row.id


def _grid_row(
    session: Session, grid: Grid, grid_text: str, digest: str, now: dt.datetime
) -> GridRecord:
    row = session.scalars(select(GridRecord).where(GridRecord.sha256 == digest)).first()
    if row is None:
        row = GridRecord(
            grid_id=grid.id, version=grid.version, sha256=digest, yaml_text=grid_text,
            first_seen=now,
        )  # fmt: skip
        session.add(row)
        session.flush()
    return row


def _existing_units(session: Session, kind: str, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(keys):
        for uid, key in session.execute(
            select(Unit.id, Unit.key).where(Unit.kind == kind, Unit.key.in_(chunk))
        ):
            found[key] = uid
    return found


def _unit_ids(session: Session, kind: str, keys: list[str], now: dt.datetime) -> dict[str, int]:
    found = _existing_units(session, kind, keys)
    new = [
        {"kind": kind, "key": k, "first_seen": now} for k in dict.fromkeys(keys) if k not in found
    ]
    if new:
        session.execute(insert(Unit), new)
        found = _existing_units(session, kind, keys)
    return found


def _latest_version_rows(session: Session, unit_ids: list[int]) -> dict[int, UnitVersion]:
    out: dict[int, UnitVersion] = {}
    for chunk in _chunks(unit_ids):
        latest = (
            select(func.max(UnitVersion.id))
            .where(UnitVersion.unit_id.in_(chunk))
            .group_by(UnitVersion.unit_id)
        )
        for row in session.scalars(select(UnitVersion).where(UnitVersion.id.in_(latest))):
            out[row.unit_id] = row
    return out


def _latest_versions(session: Session, unit_ids: list[int]) -> dict[int, tuple[int, str]]:
    return {uid: (v.id, v.sha256) for uid, v in _latest_version_rows(session, unit_ids).items()}


def _latest_labels(
    session: Session, unit_ids: list[int], *, coder: str
) -> dict[tuple[int, str], LabelRecord]:
    out: dict[tuple[int, str], LabelRecord] = {}
    for chunk in _chunks(unit_ids):
        latest = (
            select(func.max(LabelRecord.id))
            .where(LabelRecord.unit_id.in_(chunk), LabelRecord.coder == coder)
            .group_by(LabelRecord.unit_id, LabelRecord.dimension)
        )
        for row in session.scalars(select(LabelRecord).where(LabelRecord.id.in_(latest))):
            out[(row.unit_id, row.dimension)] = row
    return out


def _new_round(session: Session, **values: Any) -> Round:
    now = values.pop("now")
    number = int(session.scalar(select(func.max(Round.number))) or 0) + 1
    row = Round(number=number, created_at=now, **values)
    session.add(row)
    session.flush()  # SQLite: numbers cannot clash under BEGIN IMMEDIATE (unique in any case)
    return row


def _states(session: Session, where: Any) -> list[LabelState]:
    query = (
        select(LabelRecord, Unit.key, Round.number, GridRecord.sha256)
        .join(Unit, Unit.id == LabelRecord.unit_id)
        .join(Round, Round.id == LabelRecord.round_id)
        .outerjoin(GridRecord, GridRecord.id == LabelRecord.grid_id)
        .where(where)
        .order_by(LabelRecord.id)
    )
    return [
        LabelState(
            id=rec.id,
            unit=key,
            dimension=rec.dimension,
            categories=list(rec.categories),
            origin=rec.origin,
            coder=rec.coder,
            round=number,
            created_at=rec.created_at,
            changed=rec.changed,
            evidence=rec.evidence,
            engine=rec.engine,
            engine_version=rec.engine_version,
            grid_sha=sha,
        )  # fmt: skip
        for rec, key, number, sha in session.execute(query).all()
    ]
