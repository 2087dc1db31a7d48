"""Memory benchmark (run by `make bench`, never by the test suite): inputs stream to the output.

1. `cloterres categoriser` on generated measures (titles and descriptions from the demo corpus,
   made unique) to JSONL: default 200,000 measures; `BENCH_MEMORY_MEASURES=1000000` for the
   full size of the issue (about six minutes on the 2-core reference machine).
2. `cloterres coder` on 1,000 generated transcripts of 8,000 words (`BENCH_MEMORY_TRANSCRIPTS`,
   `BENCH_MEMORY_WORDS`) to JSONL, at sentence level.

Each run is a subprocess. Reported: wall time, peak memory of the largest process (ru_maxrss of
the run, from wait4: the command's own process or one of its workers), and the peak of the sum of the
resident memory of the process and its workers, sampled every 0.2 s, both as RSS (which counts
the model pages the workers share with their parent several times: an upper bound) and as PSS
(shared pages divided among the processes sharing them: the memory the run really takes).
Target: under 2 GB, checked on the largest process and on the PSS sum.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench-output" / "memoire"
MEASURES = int(os.environ.get("BENCH_MEMORY_MEASURES", "200000"))
TRANSCRIPTS = int(os.environ.get("BENCH_MEMORY_TRANSCRIPTS", "1000"))
WORDS = int(os.environ.get("BENCH_MEMORY_WORDS", "8000"))
LIMIT_MB = 2048


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    """Resident memory of ``pid`` and its descendants (Linux /proc), in MB: the sum of their
    RSS (shared pages counted in each process) and of their PSS (shared pages divided among the
    processes that share them: the memory the run really takes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    total, proportional, stack = 0.0, 0.0, [pid]
    while stack:
        current = stack.pop()
        stack += children.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    proportional += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total, proportional


def run(args: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cloterres", *args, "--ecraser", "--silencieux"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    tree_peak = pss_peak = 0.0
    while True:  # wait4: the peak of this run alone (its process and the workers it waited for)
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        rss, pss = _tree_rss_mb(proc.pid)
        tree_peak = max(tree_peak, rss)
        pss_peak = max(pss_peak, pss)
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"échec de la commande : {stderr}")
    return {
        "secondes": round(seconds, 1),
        "memoire_max_processus_mo": round(usage.ru_maxrss / 1024),
        "memoire_max_arbre_mo": round(tree_peak),
        "memoire_max_arbre_pss_mo": round(pss_peak),
    }


def demo_texts() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    from cloterres.plans import ReadReport, read_measures

    paths = sorted((ROOT / "corpora" / "demo").glob("*.csv"))
    return [(m.intitule, m.description) for m in read_measures(paths, ReadReport())]


def build_measures(path: Path) -> None:
    rng = random.Random(1_000_000)
    texts = demo_texts()
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "contrat", "intitule", "description"])
        for i in range(MEASURES):
            title, description = texts[i % len(texts)]
            other = texts[rng.randrange(len(texts))][0]
            writer.writerow([f"M{i:07d}", f"CLS fictif {i // 80}", f"{title} ({i})",
                             f"{description} {other.lower()}"])  # fmt: skip


def build_transcripts(folder: Path) -> list[Path]:
    from tests.bench.bench_coder import respondent_turns

    turns = respondent_turns()
    rng = random.Random(1000)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(TRANSCRIPTS):
        lines, words = (
            [f"---\nid: M{i:04d}\ntype_acteur: {rng.choice(['ARS', 'association'])}\n---"],
            0,
        )
        while words < WORDS:
            turn = rng.choice(turns)
            lines += ["Enquêteur : Pouvez-vous préciser ?", f"Répondant : {turn}"]
            words += len(turn.split()) + 3
        path = folder / f"M{i:04d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {}

    plan = OUT / "mesures.csv"
    print(f"Construction de {MEASURES} mesures…", flush=True)
    build_measures(plan)
    result = run(["categoriser", str(plan), "--sortie", str(OUT / "mesures.jsonl")])
    report["categoriser"] = {"mesures": MEASURES, **result}
    print(json.dumps(report["categoriser"], ensure_ascii=False), flush=True)

    print(f"Construction de {TRANSCRIPTS} transcriptions de {WORDS} mots…", flush=True)
    paths = build_transcripts(OUT / "entretiens")
    result = run(["coder", *map(str, paths), "--unite", "phrase", "--sortie",
                  str(OUT / "entretiens.jsonl")])  # fmt: skip
    with (OUT / "entretiens.jsonl").open(encoding="utf-8") as fh:
        units = sum(1 for _ in fh)
    report["coder"] = {"transcriptions": TRANSCRIPTS, "mots": WORDS, "unites": units, **result}
    print(json.dumps(report["coder"], ensure_ascii=False), flush=True)

    peaks = [
        max(r["memoire_max_processus_mo"], r["memoire_max_arbre_pss_mo"])  # type: ignore[index]
        for r in report.values()
    ]
    ok = max(peaks) < LIMIT_MB
    print(f"Mémoire de pointe sous 2 Go : {'OK' if ok else 'NON'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
