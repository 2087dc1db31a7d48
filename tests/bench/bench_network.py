"""Benchmark of `cloterres reseau` (run by `make bench`, never by the test suite).

Builds a fictional network of 500 actors in 7 milieux and 20,000 reported ties of three types
(with homophily), then runs `cloterres reseau ACTEURS LIENS --permutations 1000` in a subprocess
writing the workbook, the JSONL rows and the picture, and reports wall time (start-up, reading,
every measure of the three layers and of « tous_liens », the QAP tests between layers and the
outputs) and peak memory. Target (issue 6): under 30 seconds.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench-output" / "reseau"
ACTORS = int(os.environ.get("BENCH_ACTORS", "500"))
TIES = int(os.environ.get("BENCH_TIES", "20000"))
MILIEUX = ("sport", "santé", "social", "collectivité", "institution", "financeur", "MSS")
TYPES = ("connaissance", "echange_information", "collaboration")


def build() -> tuple[Path, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2026)
    labels = rng.integers(0, len(MILIEUX), ACTORS)
    actors = OUT / "acteurs.csv"
    with actors.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "nom", "milieu"])
        for i in range(ACTORS):
            writer.writerow([f"A{i:04d}", f"Acteur fictif {i}", MILIEUX[labels[i]]])
    seen: set[tuple[int, int, int]] = set()
    rows: list[tuple[str, str, str]] = []
    while len(rows) < TIES:
        a, b = (int(x) for x in rng.integers(0, ACTORS, 2))
        kind = int(rng.integers(0, len(TYPES)))
        if a == b or (a, b, kind) in seen:
            continue
        if labels[a] != labels[b] and rng.random() > 0.3:  # homophily: most cross ties dropped
            continue
        seen.add((a, b, kind))
        rows.append((f"A{a:04d}", f"A{b:04d}", TYPES[kind]))
    ties = OUT / "liens.csv"
    with ties.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["source", "cible", "type"])
        writer.writerows(rows)
    return actors, ties


def main() -> int:
    print(f"Construction d'un réseau fictif de {ACTORS} acteurs et {TIES} liens…", flush=True)
    actors, ties = build()
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cloterres", "reseau", str(actors), str(ties),
         "--sortie", str(OUT / "reseau.xlsx"), "--sortie", str(OUT / "reseau.jsonl"),
         "--permutations", "1000", "--ecraser", "--silencieux"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stderr)
        return 1
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = {
        "acteurs": ACTORS,
        "liens": TIES,
        "permutations": 1000,
        "secondes": round(elapsed, 1),
        "memoire_max_mo": round(peak_mb),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    ok = elapsed < 30
    print(f"Moins de 30 secondes : {'OK' if ok else 'NON'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
