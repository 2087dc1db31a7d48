"""Shared fixtures: the spaCy model and the shipped grid are loaded once per test session."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "corpora" / "demo"
EVALUATION = ROOT / "tests" / "data" / "evaluation"
GRID_PATH = ROOT / "grids" / "cloterres-mesures.yaml"


@pytest.fixture(scope="session", autouse=True)
def _model_cache(tmp_path_factory) -> Iterator[None]:
    """The quick commands' model cache (``engine.quicknlp``) of the commands the tests run in
    subprocesses goes to a temporary folder, never to the user's cache folder."""
    before = os.environ.get("CLOTERRES_CACHE")
    os.environ["CLOTERRES_CACHE"] = str(tmp_path_factory.mktemp("cache-modele"))
    yield
    if before is None:
        os.environ.pop("CLOTERRES_CACHE", None)
    else:
        os.environ["CLOTERRES_CACHE"] = before


@pytest.fixture(scope="session")
def nlp():
    from cloterres.engine.nlp import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def grid():
    from cloterres.engine.grid import load_grid

    return load_grid(GRID_PATH)


@pytest.fixture(scope="session")
def coder(grid, nlp):
    from cloterres.engine.coding import Coder

    return Coder(grid)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/ absent : spécification de référence indisponible sur cette machine")
    return SHARED


@pytest.fixture
def run_cli(capsys):
    """Run the CLI in-process (model already loaded); return (exit code, stdout, stderr)."""
    from cloterres.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = 0
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def write_grid(tmp_path: Path, text: str, name: str = "grille.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- study stores: SQLite and PostgreSQL --------------------------------------------------
# The study-store, review and concurrency tests run against both back ends. ``make test``
# (tests/pg/run.sh) starts a throw-away PostgreSQL server on the loopback and exports its URL
# in CLOTERRES_TEST_PG_URL; without it the PostgreSQL variants are skipped, saying why.
BACKENDS = ["sqlite", "postgresql"]
_databases = itertools.count(1)


def postgres_url() -> str:
    url = os.environ.get("CLOTERRES_TEST_PG_URL", "")
    if not url:
        reason = os.environ.get(
            "CLOTERRES_TEST_PG_SKIP",
            "no PostgreSQL server: run the suite with make test (tests/pg/run.sh starts one)",
        )
        pytest.skip(f"PostgreSQL: {reason}")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("PostgreSQL: psycopg is not installed (pip install 'psycopg[binary]')")
    return url


@pytest.fixture(params=BACKENDS)
def study_target(request, tmp_path) -> Iterator[str]:
    """Where a fresh study lives: a SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        yield str(tmp_path / "etude.sqlite")
        return
    url = postgres_url()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"t{os.getpid()}_{next(_databases)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
