"""The development set of action plans (corpora/plans-dev, issue 14): ten plans laid out as
published plans are, each with its expected fiches. The table of matched fiches, spurious records
and fields right per plan is printed (``pytest -s`` or ``python tests/plans_dev_scoring.py``), and
floors are asserted per plan and over the set."""

from __future__ import annotations

import pytest

from tests.plans_dev_scoring import FIELDS, PlanScore, plans, score_all, table, total

# Floors: share of expected fiches matched and with each field right, spurious records allowed.
SET_MATCHED = 0.84
SET_SPURIOUS = 0.25
SET_FIELD = 0.20


@pytest.fixture(scope="module")
def scores() -> list[PlanScore]:
    result = score_all()
    print("\n" + table(result))
    return result


def test_the_development_set_has_ten_plans_in_word_and_pdf() -> None:
    found = plans()
    assert len(found) >= 10
    assert {p.suffix for p in found} == {".pdf", ".docx"}


def test_development_set_floors(scores: list[PlanScore]) -> None:
    overall = total(scores)
    assert overall.matched >= SET_MATCHED * overall.expected, table(scores)
    assert overall.spurious <= SET_SPURIOUS * overall.expected, table(scores)
    for name in FIELDS:
        assert overall.right[name] >= SET_FIELD * overall.expected, (name, table(scores))
