"""A large export killed in the middle (SIGKILL: no cleanup code runs) leaves the previous
complete file, or no file: never a broken one. The temporary file it leaves is hidden, named
after the output and the dead process, and the next run writing that output removes it."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.robustness.hostile import check_output, run_cli
from tests.robustness.readers import MEASURES_GRID

N_MEASURES = 150_000


def big_plan(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "contrat", "intitule", "description"])
        for i in range(n):
            writer.writerow(
                [f"M{i}", f"CLS fictif {i // 100}", f"Ateliers nutrition {i}",
                 f"Repas partagés et dépistage, séance {i} au centre social de Valbrune"]
            )  # fmt: skip
    return path


def temps(output: Path) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.*.tmp"))


@pytest.mark.slow
@pytest.mark.parametrize(("extension", "previous"), [(".jsonl", True), (".xlsx", False)])
def test_killed_export_leaves_the_previous_file_or_none(
    tmp_path: Path, extension: str, previous: bool, nlp
) -> None:
    grid = tmp_path / "grille.yaml"
    grid.write_text(MEASURES_GRID, encoding="utf-8")
    output = tmp_path / f"mesures{extension}"
    small = big_plan(tmp_path / "petit.csv", 3)
    old = b""
    if previous:
        code, _out, err = run_cli("categoriser", small, "--sortie", output, "--grille", grid, "-q")
        assert code == 0, err
        old = output.read_bytes()
    big = big_plan(tmp_path / "grand.csv", N_MEASURES)

    command = [sys.executable, "-m", "cloterres", "categoriser", str(big), "--sortie",
               str(output), "--grille", str(grid), "--ecraser", "--silencieux"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        command, cwd=tmp_path, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        seen_at = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert proc.poll() is None, "the export ended before it could be killed: enlarge it"
            found = temps(output)
            if found:
                seen_at = seen_at or time.monotonic()
                # JSONL and CSV: kill once rows are being written; XLSX: while rows are spooled
                writing = found[0].stat().st_size > 0 if extension != ".xlsx" else True
                if writing and time.monotonic() - seen_at > 0.5:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("no temporary output appeared")
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL

    if previous:
        assert output.read_bytes() == old  # the previous complete file, untouched
        check_output(output)
    else:
        assert not output.exists()
    left = temps(output)
    assert len(left) == 1 and left[0].name.startswith(f".{output.name}.{proc.pid}.")

    code, _out, err = run_cli(
        "categoriser", small, "--sortie", output, "--grille", grid, "--ecraser", "-q"
    )
    assert code == 0, err
    check_output(output)
    assert temps(output) == []  # the dead run's temporary file was removed
