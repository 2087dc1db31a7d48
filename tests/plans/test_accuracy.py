"""Accuracy of the shipped grid against hand labels (micro-F1 per dimension).

Two reference sets, both fictional and hand-labelled with the codebook:
- the demo corpus (corpora/demo/, titles and descriptions), labelled before rules were written;
- a held-out set of titles only (tests/data/evaluation/), written independently of the rules and
  never used to tune them, shaped like the external evaluation set (id, contrat, axe, intitule).
Targets are those of the external evaluation (issue 2).
"""

from __future__ import annotations

import pytest

from cloterres.engine.scoring import micro_scores, read_labels_jsonl
from cloterres.plans.categorize import categorize
from tests.conftest import DEMO, EVALUATION

TARGETS = {
    "champ": 0.80,
    "niveau": 0.75,
    "determinants": 0.75,
    "thematique": 0.80,
    "public": 0.80,
    "strategie": 0.70,
}


SETS = {
    "demo": (sorted(DEMO.glob("*.csv")), DEMO / "reference" / "labels-reference.jsonl", 120),
    "heldout": ([EVALUATION / "mesures-titres.csv"], EVALUATION / "labels-reference.jsonl", 100),
}


@pytest.fixture(scope="module")
def scores(tmp_path_factory, coder):
    """Micro-F1 of the shipped grid on each reference set (categorised once)."""
    out = {}
    for name, (inputs, reference, _) in SETS.items():
        path = tmp_path_factory.mktemp(name) / "labels.jsonl"
        categorize(inputs, path)
        out[name] = micro_scores(read_labels_jsonl(reference), read_labels_jsonl(path), TARGETS)
    return out


@pytest.mark.parametrize("name", list(SETS))
@pytest.mark.parametrize("dimension", list(TARGETS))
def test_reference_sets_meet_the_targets(scores, name, dimension):
    score = scores[name][dimension]
    assert score.units >= SETS[name][2]
    assert score.f1 >= TARGETS[dimension], (
        f"{name} {dimension}: F1 {score.f1:.3f} (P {score.precision:.3f}, R {score.recall:.3f})"
    )


def test_micro_f1_by_hand():
    reference = {"a": {"d": ["x", "y"]}, "b": {"d": ["x"]}, "c": {"d": []}}
    predicted = {"a": {"d": ["x"]}, "b": {"d": ["x", "z"]}}
    score = micro_scores(reference, predicted, ["d"])["d"]
    # tp = 2 (a:x, b:x), fp = 1 (b:z), fn = 1 (a:y): F1 = 4 / (4 + 1 + 1)
    assert (score.tp, score.fp, score.fn) == (2, 1, 1)
    assert score.f1 == pytest.approx(4 / 6)
    assert score.precision == pytest.approx(2 / 3) and score.recall == pytest.approx(2 / 3)
