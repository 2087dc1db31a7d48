"""Accuracy of labels against reference labels: micro-averaged precision, recall and F1."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cloterres.errors import InputError
from cloterres.io.jsonl_read import iter_json_objects

Labels = Mapping[str, Mapping[str, Iterable[str]]]  # unit id -> dimension -> categories


@dataclass(frozen=True)
class Score:
    dimension: str
    units: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 1.0


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
        try:
            labels[str(obj["id"])] = {k: list(v) for k, v in obj["labels"].items()}
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"{path}, ligne {line_no} : objet JSON invalide ({exc}) ; {expected}"
            ) from None
    return labels
