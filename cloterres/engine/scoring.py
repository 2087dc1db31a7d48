"""Accuracy of labels against reference labels: micro-averaged precision, recall and F1.

:func:`precision_recall_f1` is the one place these ratios are computed (here and in
:mod:`cloterres.store.reliability`): precision = TP / (TP + FP), recall = TP / (TP + FN),
F1 = 2TP / (2TP + FP + FN); a ratio whose denominator is 0 takes the caller's ``undefined``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from cloterres.errors import InputError
from cloterres.io.jsonl_read import iter_json_objects
from cloterres.io.rows import MeasureRow, RowFieldError

Labels = Mapping[str, Mapping[str, Iterable[str]]]  # unit id -> dimension -> categories


@overload
def precision_recall_f1(
    tp: int, fp: int, fn: int, *, undefined: float
) -> tuple[float, float, float]: ...
@overload
def precision_recall_f1(
    tp: int, fp: int, fn: int, *, undefined: None
) -> tuple[float | None, float | None, float | None]: ...
def precision_recall_f1(
    tp: int, fp: int, fn: int, *, undefined: float | None
) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 from true positives, false positives and false negatives.

    ``undefined`` is the value of a ratio whose denominator is 0: 1.0 for accuracy against a
    reference (nothing to find, nothing found: perfect), None for the reliability sheet (no
    figure: the cell stays empty)."""
    precision = tp / (tp + fp) if tp + fp else undefined
    recall = tp / (tp + fn) if tp + fn else undefined
    denominator = 2 * tp + fp + fn
    f1 = 2 * tp / denominator if denominator else undefined
    return precision, recall, f1


@dataclass(frozen=True)
class Score:
    dimension: str
    units: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return precision_recall_f1(self.tp, self.fp, self.fn, undefined=1.0)[0]

    @property
    def recall(self) -> float:
        return precision_recall_f1(self.tp, self.fp, self.fn, undefined=1.0)[1]

    @property
    def f1(self) -> float:
        # Nothing to find and nothing found: a perfect score.
        return precision_recall_f1(self.tp, self.fp, self.fn, undefined=1.0)[2]


def micro_scores(
    reference: Labels, predicted: Labels, dimensions: Iterable[str]
) -> dict[str, Score]:
    """Micro-F1 per dimension over the units of ``reference`` (a unit missing from
    ``predicted`` counts as predicted with no label)."""
    out: dict[str, Score] = {}
    for dim in dimensions:
        tp = fp = fn = 0
        for unit_id, gold_dims in reference.items():
            gold = set(gold_dims.get(dim, []))
            pred = set(predicted.get(unit_id, {}).get(dim, []))
            tp += len(gold & pred)
            fp += len(pred - gold)
            fn += len(gold - pred)
        out[dim] = Score(dim, len(reference), tp, fp, fn)
    return out


def read_labels_jsonl(path: Path) -> dict[str, dict[str, list[str]]]:
    """Labels of a JSONL file in the format of ``categoriser`` (``id`` and ``labels``)."""
    labels: dict[str, dict[str, list[str]]] = {}
    expected = 'attendu {"id": ..., "labels": {...}}'
    for line_no, obj in iter_json_objects(path, expected):
        where = f"{path}, ligne {line_no}"
        missing = next((name for name in ("labels", "id") if name not in obj), None)
        if missing is not None:
            raise InputError(f"{where} : objet JSON invalide ('{missing}') ; {expected}")
        try:
            row = MeasureRow.read(obj, ("labels", "id"))
        except RowFieldError as exc:
            raise InputError(
                f"{where} : objet JSON invalide ({'.'.join(exc.path)} : {exc}) ; {expected}"
            ) from None
        labels[str(row.id)] = {k: list(v) for k, v in row.labels.items()}
    return labels
