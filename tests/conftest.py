"""Shared fixtures: the spaCy model and the shipped grid are loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEMO = ROOT / "corpora" / "demo"
EVALUATION = ROOT / "tests" / "data" / "evaluation"
GRID_PATH = ROOT / "grids" / "cloterres-mesures.yaml"


@pytest.fixture(scope="session")
def nlp():
    from cloterres.nlp import get_nlp

    return get_nlp()


@pytest.fixture(scope="session")
def grid():
    from cloterres.grid import load_grid

    return load_grid(GRID_PATH)


@pytest.fixture(scope="session")
def coder(grid, nlp):
    from cloterres.coding import Coder

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
