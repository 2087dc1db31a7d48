"""Benchmark of `cloterres categoriser` (run by `make bench`, never by the test suite).

1. Builds a CSV of 100,000 measures from the demo corpus, every title and description made unique
   (so that no per-text cache flatters the figure).
2. Runs `cloterres categoriser big.csv --sortie big.jsonl` in a subprocess: wall time, model loading
   included, and peak memory (max RSS of the largest process; the worker processes share the model
   copy-on-write). The same again on the titles only (the shape of the external evaluation set).
3. Measures, in this process, the throughput of spaCy's tokenizer alone on the same texts: the
   ceiling for any spaCy-based approach.
4. Checks accuracy on the demo corpus (micro-F1 per dimension against the reference labels).

Targets (issue 2): end to end >= 10 % of the tokenizer ceiling (with descriptions and titles only),
peak memory < 1 GB (issue 17; 1.5 GB before).
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench-output"
N = int(os.environ.get("BENCH_MEASURES", "100000"))
COLUMNS = ["id", "contrat", "axe", "intitule", "description", "porteur", "partenaires", "public"]
PLACES = [
    "Aubrac",
    "Bellevue",
    "Chantemerle",
    "Doucy",
    "Escoublac",
    "Fontvieille",
    "Gravelines",
    "Hautecombe",
    "Issoire",
    "Jarnac",
    "Kerlouan",
    "Lauzerte",
    "Mirande",
    "Nontron",
    "Orthez",
    "Pontarlier",
    "Quimperlé",
    "Riom",
    "Sarlat",
    "Tulle",
    "Uzès",
    "Vitré",
    "Wissant",
    "Yssingeaux",
]


def demo_rows() -> list[dict[str, str]]:
    sys.path.insert(0, str(ROOT))
    from cloterres.plans import ReadReport, read_measures

    paths = sorted((ROOT / "corpora" / "demo").glob("*.csv"))
    return [{k: getattr(m, k) for k in COLUMNS} for m in read_measures(paths, ReadReport())]


def build_corpus(path: Path, rows: list[dict[str, str]]) -> list[list[str]]:
    rng = random.Random(20261123)
    texts: list[list[str]] = []
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(COLUMNS)
        for i in range(N):
            base = rows[i % len(rows)]
            other = rows[rng.randrange(len(rows))]
            place = rng.choice(PLACES)
            row = dict(base)
            row["id"] = f"B{i:06d}"
            row["contrat"] = f"CLS {place} {i // 60}"
            row["intitule"] = f"{base['intitule']} à {place} ({i})"
            row["description"] = (
                f"{other['description']} Territoire de {place}, action {i}."
                if other["description"]
                else ""
            )
            writer.writerow([row[c] for c in COLUMNS])
            texts.append([row["intitule"], row["description"], row["public"], row["axe"]])
    return texts


def tokenizer_ceiling(texts: list[list[str]]) -> float:
    sys.path.insert(0, str(ROOT))
    from cloterres.engine.nlp import get_nlp

    tokenizer = get_nlp().tokenizer
    flat = [t for fields in texts for t in fields if t]
    started = time.perf_counter()
    for _doc in tokenizer.pipe(flat, batch_size=1000):
        pass
    return len(texts) / (time.perf_counter() - started)


def accuracy(jsonl: Path) -> dict[str, float]:
    from cloterres.engine.scoring import micro_scores, read_labels_jsonl

    reference = read_labels_jsonl(
        ROOT / "corpora" / "demo" / "reference" / "labels-reference.jsonl"
    )
    predicted = read_labels_jsonl(jsonl)
    dims = ["champ", "niveau", "determinants", "thematique", "public", "strategie"]
    return {d: s.f1 for d, s in micro_scores(reference, predicted, dims).items()}


def main() -> int:
    OUT.mkdir(exist_ok=True)
    cli = [sys.executable, "-m", "cloterres"]
    big = OUT / f"mesures-{N}.csv"
    print(f"Construction de {N} mesures à partir du corpus de démonstration…", flush=True)
    texts = build_corpus(big, demo_rows())

    out = OUT / f"mesures-{N}.jsonl"
    print("Catégorisation de bout en bout (chargement du modèle compris)…", flush=True)
    started = time.perf_counter()
    proc = subprocess.run(
        [*cli, "categoriser", str(big), "--sortie", str(out), "--ecraser", "--silencieux"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stderr)
        return 1
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with out.open(encoding="utf-8") as fh:
        written = sum(1 for _ in fh)
    rate = N / elapsed

    print("Débit du tokenizer spaCy seul sur les mêmes textes (plafond)…", flush=True)
    ceiling = tokenizer_ceiling(texts)

    # The external evaluation set has titles only (id, contrat, axe, intitule): same run on that shape.
    titles = OUT / f"titres-{N}.csv"
    with big.open(encoding="utf-8") as src, titles.open("w", encoding="utf-8", newline="") as dst:
        reader, writer = csv.reader(src, delimiter=";"), csv.writer(dst, delimiter=";")
        for row in reader:
            writer.writerow(row[:4])
    print("Même mesure sur les titres seuls (forme du jeu d'évaluation externe)…", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [
            *cli,
            "categoriser",
            str(titles),
            "--sortie",
            str(OUT / f"titres-{N}.jsonl"),
            "--ecraser",
            "--silencieux",
        ],
        cwd=ROOT,
        check=True,
    )
    titles_rate = N / (time.perf_counter() - started)
    titles_ceiling = tokenizer_ceiling([[t[0], "", "", t[3]] for t in texts])

    demo_out = OUT / "demo.jsonl"
    subprocess.run(
        [
            *cli,
            "categoriser",
            *map(str, sorted((ROOT / "corpora" / "demo").glob("*.csv"))),
            "--sortie",
            str(demo_out),
            "--ecraser",
            "--silencieux",
        ],
        cwd=ROOT,
        check=True,
    )
    f1 = accuracy(demo_out)

    ratio = rate / ceiling
    report = {
        "mesures": N,
        "lignes_jsonl": written,
        "secondes_bout_en_bout": round(elapsed, 2),
        "mesures_par_seconde": round(rate),
        "plafond_tokenizer_mesures_par_seconde": round(ceiling),
        "part_du_plafond": round(ratio, 3),
        "memoire_max_mo": round(peak_mb),
        "titres_seuls_mesures_par_seconde": round(titles_rate),
        "titres_seuls_plafond_tokenizer": round(titles_ceiling),
        "titres_seuls_part_du_plafond": round(titles_rate / titles_ceiling, 3),
        "f1_demo": {k: round(v, 3) for k, v in f1.items()},
    }
    (OUT / "bench.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    print(json.dumps(report, indent=2, ensure_ascii=False))
    titles_ratio = titles_rate / titles_ceiling
    ok_speed = ratio >= 0.10 and titles_ratio >= 0.10
    ok_memory = peak_mb < 1024
    print(
        f"Débit ≥ 10 % du plafond, mesures avec description : {'OK' if ratio >= 0.10 else 'NON'}"
        f" ({ratio:.1%})"
    )
    print(
        f"Débit ≥ 10 % du plafond, titres seuls : {'OK' if titles_ratio >= 0.10 else 'NON'}"
        f" ({titles_ratio:.1%})"
    )
    print(f"Mémoire < 1 Go : {'OK' if ok_memory else 'NON'} ({peak_mb:.0f} Mo)")
    return 0 if ok_speed and ok_memory and written == N else 1


if __name__ == "__main__":
    sys.exit(main())
