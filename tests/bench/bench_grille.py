"""Benchmark of the quick commands (never run by the test suite): `cloterres --help`,
`grille afficher`, `grille valider`, `grille tester`, each run REPEAT times (default 3) in a
subprocess on a warm disk; prints the best wall time of each. Target (issue 17): under 1 s.

Run: ``PYTHONPATH=. python tests/bench/bench_grille.py``
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPEAT = int(os.environ.get("REPEAT", "3"))
COMMANDS = {
    "cloterres --help": ["--help"],
    "grille afficher": ["grille", "afficher"],
    "grille valider": ["grille", "valider"],
    "grille tester": ["grille", "tester", "Ouvrir un centre de santé municipal à Bellevue"],
}


def best_time(args: list[str]) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cloterres", *args], cwd=ROOT, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    for name, args in COMMANDS.items():
        seconds = best_time(args)
        verdict = "ok" if seconds < 1.0 else "au-dessus de 1 s"
        print(f"{name:<20} {seconds:5.2f} s  ({verdict})")


if __name__ == "__main__":
    main()
