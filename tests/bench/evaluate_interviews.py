"""Developer tool: micro-F1 of the interview grid, over codes and over themes.

.venv/bin/python tests/bench/evaluate_interviews.py tours       # demo transcripts, turn level
.venv/bin/python tests/bench/evaluate_interviews.py enonces     # held-out statements: look, never tune
.venv/bin/python tests/bench/evaluate_interviews.py DEV.csv     # your own statements (id,texte), coded
                                                                # in DEV-reference.jsonl next to it
(add a code, e.g. couts.temps, to list the disagreements on that code; with a DEV.csv, add
"tout" to list every disagreement and "codes" for per-code precision and recall)
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cloterres.engine.scoring import micro_scores  # noqa: E402
from cloterres.interviews.coding import code_interviews  # noqa: E402

DEMO = ROOT / "corpora" / "demo" / "entretiens"
HELD_OUT = ROOT / "tests" / "data" / "entretiens"


def statements(csv_path: Path, ref_path: Path, tmp: str) -> tuple[dict, dict]:
    out = Path(tmp) / "o.jsonl"
    code_interviews([csv_path], out, unit="phrase")
    units = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    pred = {u["id"]: u for u in units}
    ref_lines = ref_path.read_text(encoding="utf-8").splitlines()
    return pred, {r["id"]: r for r in map(json.loads, ref_lines)}


def predictions_and_reference(which: str) -> tuple[dict, dict, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        if which == "tours":
            out = Path(tmp) / "o.jsonl"
            inputs = sorted(p for p in DEMO.glob("E*") if p.suffix in (".txt", ".md", ".docx"))
            code_interviews(inputs, out, unit="tour")
            units = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            pred = {f"{u['entretien']}#{u['tour']}": u for u in units if u["code"]}
            ref_lines = (
                (DEMO / "reference" / "codes-tours.jsonl").read_text(encoding="utf-8").splitlines()
            )
            ref = {f"{r['entretien']}#{r['tour']}": r for r in map(json.loads, ref_lines)}
        elif which == "enonces":
            pred, ref = statements(
                HELD_OUT / "enonces.csv", HELD_OUT / "enonces-reference.jsonl", tmp
            )
        else:
            path = Path(which)
            pred, ref = statements(path, path.with_name(f"{path.stem}-reference.jsonl"), tmp)
    texts = {k: u.get("texte", "") for k, u in pred.items()}
    return pred, ref, texts


def scores(pred: dict, ref: dict) -> dict:
    def as_labels(codes: list[str]) -> dict[str, list[str]]:
        return {"codes": codes, "themes": sorted({c.split(".")[0] for c in codes})}

    reference = {k: as_labels(r["codes"]) for k, r in ref.items()}
    predicted = {k: as_labels(pred[k]["codes"]) for k in ref if k in pred}
    return micro_scores(reference, predicted, ["codes", "themes"])


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "tours"
    pred, ref, texts = predictions_and_reference(which)
    missing = [k for k in ref if k not in pred]
    if missing:
        print("unités de référence introuvables :", missing[:10])
    for name, s in scores(pred, ref).items():
        print(
            f"{name:7s} F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}  (tp {s.tp} fp {s.fp} fn {s.fn})"
        )
    fps, fns, tps = Counter(), Counter(), Counter()
    only = sys.argv[2] if len(sys.argv) > 2 else None
    listing_all = only == "tout" and which not in ("enonces", "tours")
    for k, r in ref.items():
        got, gold = set(pred.get(k, {}).get("codes", [])), set(r["codes"])
        fps.update(got - gold)
        fns.update(gold - got)
        tps.update(got & gold)
        if listing_all and got != gold:
            diff = [f"+{c}" for c in sorted(got - gold)] + [f"-{c}" for c in sorted(gold - got)]
            print(f"  {k}: {' '.join(diff)} | {texts.get(k, '')[:200]}")
        elif only and only not in ("tout", "codes") and (only in got) != (only in gold):
            print(f"  {k}: {'+' if only in got else '-'}{only} | {texts.get(k, '')[:160]}")
    if only == "codes":
        for code in sorted(set(tps) | set(fps) | set(fns)):
            tp, fp, fn = tps[code], fps[code], fns[code]
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            print(f"  {code:40s} P {p:.2f} R {r:.2f}  (tp {tp} fp {fp} fn {fn})")
    print("FP", fps.most_common(12))
    print("FN", fns.most_common(12))


if __name__ == "__main__":
    main()
