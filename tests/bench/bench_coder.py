"""Benchmark of `cloterres coder` (run by `make bench`, never by the test suite).

Builds 200 transcripts of about 8,000 words each from the respondents' turns of the demo
interviews (shuffled, so that every transcript differs), codes them at sentence level with
`cloterres coder ... --unite phrase --sortie codes.jsonl` in a subprocess, and reports wall time
(model loading included), units per second and peak memory (max RSS of the largest process).
Targets (issue 3): under 2 minutes, under 2 GB.
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

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench-output" / "entretiens"
N = int(os.environ.get("BENCH_TRANSCRIPTS", "200"))
WORDS = int(os.environ.get("BENCH_WORDS", "8000"))


def respondent_turns() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from cloterres.interviews.transcripts import TRANSCRIPT_SUFFIXES, read_transcript

    turns: list[str] = []
    folder = ROOT / "corpora" / "demo" / "entretiens"
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() in TRANSCRIPT_SUFFIXES and path.name != "README.md":
            interview = read_transcript(path)
            turns += [interview.text[t.start : t.end] for t in interview.turns if not t.interviewer]
    return [t.replace("\r\n", "\n") for t in turns if len(t.split()) >= 5]


def build(turns: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    for i in range(N):
        words, lines = (
            0,
            [
                f"---\nid: B{i:03d}\ntype_acteur: {rng.choice(['ARS', 'association', 'collectivité'])}\n---"
            ],
        )
        while words < WORDS:
            lines.append("Enquêteur : Pouvez-vous préciser ?")
            turn = rng.choice(turns)
            lines.append(f"Répondant : {turn}")
            words += len(turn.split()) + 3
        (OUT / f"B{i:03d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    turns = respondent_turns()
    if not turns:
        print("Pas d'entretiens de démonstration dans corpora/demo/entretiens/")
        return 1
    print(f"Construction de {N} transcriptions d'environ {WORDS} mots…", flush=True)
    build(turns)
    out = ROOT / "bench-output" / "entretiens-codes.jsonl"
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "cloterres", "coder", *map(str, sorted(OUT.glob("*.txt"))),
         "--unite", "phrase", "--sortie", str(out), "--ecraser", "--silencieux"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stderr)
        return 1
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with out.open(encoding="utf-8") as fh:
        units = sum(1 for _ in fh)
    report = {
        "transcriptions": N,
        "mots_par_transcription": WORDS,
        "unites": units,
        "secondes": round(elapsed, 1),
        "unites_par_seconde": round(units / elapsed),
        "memoire_max_mo": round(peak_mb),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    ok = elapsed < 120 and peak_mb < 2048
    print(f"Moins de 2 minutes et de 2 Go : {'OK' if ok else 'NON'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
