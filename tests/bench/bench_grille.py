"""Benchmark of the quick commands (never run by the test suite): `cloterres --help`,
`grille afficher`, `grille valider` (both shipped grids), `grille tester`, each run in a
subprocess as a user types it. Prints, per command, the first run (cold-ish: the system's file
cache may still hold the files) and the mean and best of REPEAT warm runs (default 5); then one
`grille tester` without the model's compact cache (an empty CLOTERRES_CACHE: spaCy's full load,
then the cache written for the next runs). Target (issue 17): under 1 s warm.

Run: ``PYTHONPATH=. python tests/bench/bench_grille.py`` (on a quiet machine: other processes
on the same cores lengthen every wall time).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPEAT = int(os.environ.get("REPEAT", "5"))
TEXT = "Ouvrir un centre de santé municipal à Bellevue"
COMMANDS = {
    "cloterres --help": ["--help"],
    "grille afficher": ["grille", "afficher"],
    "grille valider (mesures)": ["grille", "valider", "grids/cloterres-mesures.yaml"],
    "grille valider (entretiens)": ["grille", "valider", "grids/entretiens-cls.yaml"],
    "grille tester": ["grille", "tester", TEXT],
}


def run_once(args: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cloterres", *args], cwd=ROOT, check=True, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    print(f"{'commande':<30} {'1er':>6} {'moyenne':>8} {'meilleur':>9}  (sur {REPEAT} lancements)")
    for name, args in COMMANDS.items():
        first = run_once(args)
        warm = [run_once(args) for _ in range(REPEAT)]
        mean = statistics.mean(warm)
        verdict = "ok" if mean < 1.0 else "au-dessus de 1 s"
        print(f"{name:<30} {first:5.2f}s {mean:7.2f}s {min(warm):8.2f}s  ({verdict})", flush=True)
    with tempfile.TemporaryDirectory() as empty:
        env = {**os.environ, "CLOTERRES_CACHE": empty}
        seconds = run_once(COMMANDS["grille tester"], env)
        print(
            f"{'grille tester sans cache':<30} {seconds:5.2f}s  (chargement de spaCy, cache écrit)"
        )


if __name__ == "__main__":
    main()
