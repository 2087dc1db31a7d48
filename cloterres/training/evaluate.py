"""Measure the engine on the real-sourced ``test`` split (development only, never tunes anything).

``python -m cloterres.training.evaluate`` prints, per grid: micro-F1 per dimension with the rules
alone and with the learned layer, the interview figures over codes and themes, the reliability of
the confidence (of the labels given at about 0.8, how many are right), and per-category precision
and recall. ``measure_test`` returns the same figures; training stores them in the artefact.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.grid import Grid, load_grid
from cloterres.engine.learned.layer import LearnedLayer, artefact_dir
from cloterres.training.data import INTERVIEWS_GRID, Example, training_examples

BINS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def _f1(tp: int, fp: int, fn: int) -> float:
    return round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else 1.0


def _score(pairs: list[tuple[set[str], set[str]]]) -> dict[str, float]:
    tp = sum(len(g & p) for g, p in pairs)
    fp = sum(len(p - g) for g, p in pairs)
    fn = sum(len(g - p) for g, p in pairs)
    return {
        "f1": _f1(tp, fp, fn),
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def _sets(grid: Grid, ex: Example, result: CodingResult | None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for dim in grid.dimensions:
        if result is None:
            out[dim.id] = set(ex.labels.get(dim.id, []))
        else:
            out[dim.id] = {d.category for d in result.labels.get(dim.id, [])}
    return out


def measure_test(
    grid: Grid,
    test: list[Example],
    artefact: Path,
    log: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """Figures of the rules alone and of rules + layer on the test examples."""
    layered = Coder(grid, learned=LearnedLayer(artefact))
    gold = [_sets(grid, ex, None) for ex in test]
    pred_rules = [_sets(grid, ex, layered.code(ex.fields, learned=False)) for ex in test]
    results = [layered.code(ex.fields) for ex in test]
    pred_layer = [_sets(grid, ex, r) for ex, r in zip(test, results, strict=True)]
    dims: dict[str, dict[str, float]] = {}
    for dim in grid.dimensions:
        dims[dim.id] = {
            "rules": _score(
                [(g[dim.id], p[dim.id]) for g, p in zip(gold, pred_rules, strict=True)]
            )["f1"],
            "layer": _score(
                [(g[dim.id], p[dim.id]) for g, p in zip(gold, pred_layer, strict=True)]
            )["f1"],
        }
    overall: dict[str, dict[str, float]] = {}
    if grid.id == INTERVIEWS_GRID:
        for name, preds in (("rules", pred_rules), ("layer", pred_layer)):
            codes = [
                (
                    {f"{d}.{c}" for d, cs in g.items() for c in cs},
                    {f"{d}.{c}" for d, cs in p.items() for c in cs},
                )
                for g, p in zip(gold, preds, strict=True)
            ]
            themes = [
                ({d for d, cs in g.items() if cs}, {d for d, cs in p.items() if cs})
                for g, p in zip(gold, preds, strict=True)
            ]
            overall[name] = {"codes": _score(codes)["f1"], "themes": _score(themes)["f1"]}
    categories: dict[str, dict[str, float]] = {}
    for dim in grid.dimensions:
        for cat in dim.categories:
            pairs = [
                ({cat.id} & g[dim.id], {cat.id} & p[dim.id])
                for g, p in zip(gold, pred_layer, strict=True)
            ]
            s = _score(pairs)
            categories[f"{dim.id}.{cat.id}"] = {
                "precision": s["precision"],
                "recall": s["recall"],
                "support": s["tp"] + s["fn"],
                "given": s["tp"] + s["fp"],
            }
    reliability = []
    points: list[tuple[float, bool]] = []
    for g, r in zip(gold, results, strict=True):
        for dim_id, decs in r.labels.items():
            for d in decs:
                if d.confidence is not None:
                    points.append((d.confidence, d.category in g[dim_id]))
    for low, high in BINS:
        inside = [(c, ok) for c, ok in points if low <= c < high]
        if inside:
            reliability.append(
                {
                    "de": low,
                    "a": min(high, 1.0),
                    "n": len(inside),
                    "confiance_moyenne": round(sum(c for c, _ in inside) / len(inside), 3),
                    "justes": round(sum(ok for _, ok in inside) / len(inside), 3),
                }
            )
    measured = {
        "n_test": len(test),
        "dimensions": dims,
        "overall": overall,
        "categories": categories,
        "reliability": reliability,
    }
    for dim_id, s in dims.items():
        log(f"  test {dim_id}: rules {s['rules']:.3f} -> with layer {s['layer']:.3f}")
    for name, s in overall.items():
        log(f"  test {name}: codes {s['codes']:.3f}, themes {s['themes']:.3f}")
    for b in reliability:
        log(
            f"  reliability [{b['de']:.1f}, {b['a']:.1f}): n={b['n']} mean confidence "
            f"{b['confiance_moyenne']:.2f}, right {b['justes']:.2f}"
        )
    return measured


def main(argv: list[str] | None = None) -> int:
    from cloterres.training.train import GRID_FILES

    for grid_id, path in sorted(GRID_FILES.items()):
        grid = load_grid(path)
        _train, test = training_examples(grid_id)
        artefact = artefact_dir() / f"{grid_id}.npz"
        print(f"[{grid_id}] {len(test)} test items")
        if test and artefact.is_file():
            measure_test(grid, test, artefact)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
