"""Developer tool: per-dimension micro-F1 and the disagreements of the shipped grid on a labelled set.

.venv/bin/python tests/bench/evaluate.py demo         # corpora/demo
.venv/bin/python tests/bench/evaluate.py evaluation   # held-out titles: look, never tune
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cloterres.engine.scoring import micro_scores, read_labels_jsonl  # noqa: E402
from cloterres.plans.categorize import categorize  # noqa: E402

SETS = {
    "demo": (
        sorted((ROOT / "corpora" / "demo").glob("*.csv")),
        ROOT / "corpora" / "demo" / "reference" / "labels-reference.jsonl",
    ),
    "evaluation": (
        [ROOT / "tests" / "data" / "evaluation" / "mesures-titres.csv"],
        ROOT / "tests" / "data" / "evaluation" / "labels-reference.jsonl",
    ),
}
DIMS = ["champ", "niveau", "determinants", "thematique", "public", "strategie"]


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 else "demo"
    only = sys.argv[2] if len(sys.argv) > 2 else None
    inputs, ref_path = SETS[name]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "o.jsonl"
        categorize(inputs, out)
        pred = read_labels_jsonl(out)
    ref = read_labels_jsonl(ref_path)
    for dim, s in micro_scores(ref, pred, DIMS).items():
        print(
            f"{dim:14s} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  (tp {s.tp} fp {s.fp} fn {s.fn})"
        )
    if only:
        from collections import Counter

        fps, fns = Counter(), Counter()
        for uid, g in ref.items():
            gold, got = set(g.get(only, [])), set(pred.get(uid, {}).get(only, []))
            for c in got - gold:
                fps[c] += 1
            for c in gold - got:
                fns[c] += 1
            if gold != got:
                print(f"  {uid}: +{sorted(got - gold)} -{sorted(gold - got)}")
        print("FP", fps.most_common())
        print("FN", fns.most_common())


if __name__ == "__main__":
    main()
