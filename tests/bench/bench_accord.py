"""Benchmark of `cloterres accord` (run by `make bench`, never by the test suite).

1. The statistics alone: 66 items (6 dimensions of 10 categories, plus the dimensions) over
   BENCH_UNITS units (default 2,000) and 2 or 3 coders, 1,000 bootstrap resamples.
2. End to end: two fictional coders of 20,000 interview units (7 themes, 35 codes) written as
   JSONL, compared by `cloterres accord a.jsonl b.jsonl --sortie accord.xlsx` in a subprocess.
Target (issue 4): about 60 categories x 1,000 resamples in a few seconds.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench-output" / "accord"
UNITS = int(os.environ.get("BENCH_UNITS", "2000"))
INTERVIEW_UNITS = int(os.environ.get("BENCH_INTERVIEW_UNITS", "20000"))


def statistics_only() -> None:
    sys.path.insert(0, str(ROOT))
    from cloterres.agreement.stats import Ratings, agreements

    rng = np.random.default_rng(1)
    for coders in (2, 3):
        items = []
        for _dim in range(6):
            truth = rng.integers(0, 11, size=UNITS)
            noisy = np.where(
                rng.random((UNITS, coders)) < 0.8,
                truth[:, None],
                rng.integers(0, 11, (UNITS, coders)),
            )
            noisy[rng.random(noisy.shape) < 0.05] = -1
            items.append(Ratings(noisy, 11))
            for k in range(10):
                items.append(Ratings(np.where(noisy < 0, -1, (noisy == k).astype(int)), 2))
        started = time.perf_counter()
        agreements(items, n_boot=1000, seed=1)
        seconds = time.perf_counter() - started
        print(
            f"statistiques : {len(items)} lignes, {UNITS} unités, {coders} codeurs, 1000 tirages : "
            f"{seconds:.1f} s"
        )


def end_to_end() -> None:
    sys.path.insert(0, str(ROOT))
    from cloterres.engine.grid import load_grid

    grid = load_grid(ROOT / "grids" / "entretiens-cls.yaml")
    codes = [f"{d.id}.{c.id}" for d in grid.dimensions for c in d.categories]
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(4)
    truth = [rng.sample(codes, rng.choice([0, 0, 1, 1, 2, 3])) for _ in range(INTERVIEW_UNITS)]
    for name in ("codeur-a", "codeur-b"):
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for i, given in enumerate(truth):
                own = [c for c in given if rng.random() < 0.85]
                if rng.random() < 0.1:
                    own.append(rng.choice(codes))
                unit = {"id": f"B{i // 200:03d}-{i % 200:04d}", "code": True, "codes": sorted(set(own)),
                        "texte": "Unité fictive de démonstration."}  # fmt: skip
                fh.write(json.dumps(unit, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cloterres", "accord", str(OUT / "codeur-a.jsonl"),
         str(OUT / "codeur-b.jsonl"), "--sortie", str(OUT / "accord.xlsx"), "--ecraser",
         "--silencieux"],
        check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"accord de bout en bout : 2 codeurs, {INTERVIEW_UNITS} unités d'entretien, "
        f"{len(codes)} codes, 1000 tirages, classeur .xlsx : {seconds:.1f} s, "
        f"mémoire max {peak:.0f} Mo"
    )


if __name__ == "__main__":
    statistics_only()
    end_to_end()
