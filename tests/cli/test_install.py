"""The package as users install it: a wheel built from the project ships the grids, and the
``cloterres`` command installed from it validates the default grid and categorises the demo.

The wheel is built without downloading anything (``--no-build-isolation``, with the
setuptools that ``make install`` puts in the test environment) from a copy of the sources, and
installed with ``--no-deps --no-index`` in a fresh virtual environment; the dependencies
(spaCy and its French model, pandas...) come from the test environment through a ``.pth`` file
listing its site-packages folders, placed after the install so pip never sees another
cloterres. The commands run with no PYTHONPATH and their working directory outside the
repository, so they can only import the installed wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.conftest import DEMO, ROOT

SHIPPED_GRIDS = ("cloterres-mesures.yaml", "entretiens-cls.yaml")


def _setuptools_major() -> int:
    try:
        return int(version("setuptools").split(".")[0])
    except Exception:  # not installed, or an unusual version string
        return 0


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _copy_sources(target: Path) -> None:
    """What the build needs, without the repository's build/ or caches (the link
    cloterres/grids -> ../grids is copied as a link, as a checkout has it)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "cloterres", target / "cloterres", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "grids", target / "grids", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)


@pytest.mark.slow
def test_wheel_ships_grids_and_its_command_works_outside_the_repository(tmp_path):
    if _setuptools_major() < 77:
        pytest.skip("setuptools >= 77 absent de l'environnement de test (make install l'installe)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONNOUSERSITE"] = "1"
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()

    source = tmp_path / "source"
    _copy_sources(source)
    wheels = tmp_path / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation",
         "--no-index", "-w", wheels, "-q"],
        cwd=elsewhere, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("cloterres-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for grid in SHIPPED_GRIDS:
        assert f"cloterres/grids/{grid}" in names

    venv = tmp_path / "venv"
    created = _run([sys.executable, "-m", "venv", venv], cwd=elsewhere, env=env)
    assert created.returncode == 0, created.stderr
    scripts = "Scripts" if os.name == "nt" else "bin"
    python = venv / scripts / ("python.exe" if os.name == "nt" else "python")
    installed = _run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel],
        cwd=elsewhere, env=env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    # The dependencies, from the test environment (after the install: pip saw no other
    # cloterres). Folders named in a .pth come after the venv's own site-packages.
    purelib = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=elsewhere, env=env,
    ).stdout.strip()  # fmt: skip
    deps = [p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")]
    (Path(purelib) / "_test_dependencies.pth").write_text(
        "\n".join(dict.fromkeys(deps)) + "\n", encoding="utf-8"
    )

    where = _run(
        [python, "-c", "import cloterres.engine.grid as g; print(g.__file__); print(g.default_grid_path())"],
        cwd=elsewhere, env=env,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    module_file, grid_file = (Path(line) for line in where.stdout.splitlines())
    assert module_file.resolve().is_relative_to(venv.resolve())
    assert grid_file.is_relative_to(venv.resolve())
    assert not module_file.resolve().is_relative_to(ROOT)

    cloterres = venv / scripts / "cloterres"
    valid = _run([cloterres, "grille", "valider"], cwd=elsewhere, env=env)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("Grille valide : ")
    assert "introuvable" not in valid.stderr

    interviews = _run([cloterres, "grille", "valider", grid_file.parent / SHIPPED_GRIDS[1]],
                      cwd=elsewhere, env=env)  # fmt: skip
    assert interviews.returncode == 0, interviews.stderr

    demo = sorted(DEMO.glob("*.csv"))[0]
    done = _run([cloterres, "categoriser", demo, "--sortie", "tmp.jsonl"], cwd=elsewhere, env=env)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in (elsewhere / "tmp.jsonl").read_text("utf-8").splitlines()]
    assert rows
    labelled = [row for row in rows if any(row["labels"].values())]
    assert len(labelled) >= len(rows) // 2
    assert any("soins" in row["labels"].get("champ", []) for row in rows)
