"""Agreement statistics (cloterres.agreement.stats) against published values and references."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from cloterres.agreement.stats import (
    MISSING,
    NO_PAIR,
    NOT_TWO,
    ONE_VALUE,
    Ratings,
    agreement,
    agreements,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)

N = None

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania, section C ("nominal data, any number of observers,
# missing data"): observers A-D (rows) x units 1-12 (columns); published alpha = 0.743.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]

# Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological
# Bulletin, 76(5), 378-382, Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other), as distributed in
# the R package irr (dataset `diagnoses`). Published: kappa = 0.430; per category (kappa_j of
# category j against all others) 0.245, 0.245, 0.520, 0.471, 0.566.
FLEISS_1971 = """
444444 222555 233335 555555 222444 113333 333355 113334 114444 555555
144444 124444 222333 144444 224445 333335 111455 111112 224444 133555
555555 244444 224555 114444 144445 222224 111155 224444 133333 555555
"""

# Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., and his irrCAC package
# (dataset `cac.raw4raters`, the 4 raters x 12 units example): gwet.ac1.raw gives
# pa = 0.8181818, pe = 0.1903212, AC1 = 0.77544; fleiss.kappa.raw gives pe = 0.2387153,
# kappa = 0.76117; krippen.alpha.raw gives 0.74342. Units x raters; unit 12 has one rating only.
GWET_RAW4RATERS = [
    [1, 1, N, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [N, 5, 5, 5],
    [N, N, 1, 1],
    [N, N, 3, N],
]


def fleiss_rows() -> list[list[int]]:
    return [[int(ch) for ch in patient] for patient in FLEISS_1971.split()]


def transpose(observers: list[list[object]]) -> list[list[object]]:
    return [list(unit) for unit in zip(*observers, strict=True)]


def test_krippendorff_worked_example_gives_0_743():
    ratings = Ratings.from_rows(transpose(KRIPPENDORFF_2011))
    alpha = krippendorff_alpha(ratings)
    assert round(alpha, 3) == 0.743
    # Krippendorff's own fractions: n = 40 pairable values, D_o and D_e from the coincidences
    assert alpha == pytest.approx(0.743421052631579, abs=1e-12)


def test_krippendorff_package_agrees_on_the_worked_example_and_random_data():
    data = np.array(KRIPPENDORFF_2011, dtype=float)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(Ratings.from_rows(transpose(KRIPPENDORFF_2011))) == pytest.approx(
        expected, abs=1e-12
    )
    rng = np.random.default_rng(7)
    for n_coders, n_values in ((2, 2), (3, 4), (5, 3)):
        truth = rng.integers(0, n_values, size=60)
        data = np.where(
            rng.random((n_coders, 60)) < 0.7, truth, rng.integers(0, n_values, (n_coders, 60))
        ).astype(float)
        data[rng.random(data.shape) < 0.2] = np.nan
        ours = krippendorff_alpha(Ratings.from_rows(transpose(data.tolist())))
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert ours == pytest.approx(theirs, abs=1e-10)


def test_fleiss_1971_published_kappa_and_category_kappas():
    rows = fleiss_rows()
    assert len(rows) == 30 and {len(r) for r in rows} == {6}
    assert round(fleiss_kappa(Ratings.from_rows(rows)), 3) == 0.430
    # The category kappas of Fleiss (1971) are the kappas of "category j or not"
    per_category = []
    for j in range(1, 6):
        binary = Ratings.from_rows([[int(x == j) for x in r] for r in rows], categories=[0, 1])
        per_category.append(round(fleiss_kappa(binary), 3))
    assert per_category == [0.245, 0.245, 0.520, 0.471, 0.566]


def test_gwet_ac1_matches_gwet_published_example():
    ratings = Ratings.from_rows(GWET_RAW4RATERS)
    result = agreement(ratings)
    pa = result.value("percent_agreement")
    ac1 = result.value("gwet_ac1")
    kappa = result.value("fleiss_kappa")
    assert pa == pytest.approx(0.8181818, abs=1e-7)
    assert round(ac1, 5) == 0.77544
    assert (pa - ac1) / (1 - ac1) == pytest.approx(0.1903212, abs=1e-7)  # Gwet's pe
    # Fleiss' kappa with unequal numbers of raters: Gwet's generalisation, as in irrCAC
    assert round(kappa, 5) == 0.76117
    assert (pa - kappa) / (1 - kappa) == pytest.approx(0.2387153, abs=1e-7)
    assert round(result.value("krippendorff_alpha"), 5) == 0.74342


def test_ac1_hand_computed_for_two_coders():
    # 2 coders, 10 units, values a/b: 8 agreements (6 a-a, 2 b-b), 2 disagreements.
    rows = [["a", "a"]] * 6 + [["b", "b"]] * 2 + [["a", "b"], ["b", "a"]]
    pa = 0.8
    pi_a = (6 + 1) / 10  # mean over units of the share of "a"
    pe = 2 * pi_a * (1 - pi_a) / (2 - 1)
    assert gwet_ac1(Ratings.from_rows(rows)) == pytest.approx((pa - pe) / (1 - pe))
    assert percent_agreement(Ratings.from_rows(rows)) == pytest.approx(pa)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cohen_kappa_equals_scikit_learn_on_random_data(seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 4, size=300)
    a = np.where(rng.random(300) < 0.6, truth, rng.integers(0, 4, 300))
    b = np.where(rng.random(300) < 0.6, truth, rng.integers(0, 4, 300))
    rows = [[int(x), int(y)] for x, y in zip(a, b, strict=True)]
    ours = cohen_kappa(Ratings.from_rows(rows, categories=[0, 1, 2, 3]))
    assert ours == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
    # With missing values: only the units both coders rated count
    missing = rng.random(300) < 0.15
    rows = [[None if m else int(x), int(y)] for x, y, m in zip(a, b, missing, strict=True)]
    ours = cohen_kappa(Ratings.from_rows(rows, categories=[0, 1, 2, 3]))
    assert ours == pytest.approx(cohen_kappa_score(a[~missing], b[~missing]), abs=1e-12)


def test_bootstrap_interval_contains_the_estimate_and_is_reproducible():
    ratings = Ratings.from_rows(fleiss_rows())
    first = agreement(ratings, n_boot=500, seed=11)
    again = agreement(ratings, n_boot=500, seed=11)
    other = agreement(ratings, n_boot=500, seed=12)
    for name in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1"):
        est = first.stats[name]
        assert est.ci_low < est.value < est.ci_high
        assert (est.ci_low, est.ci_high) == (again.stats[name].ci_low, again.stats[name].ci_high)
        assert (est.ci_low, est.ci_high) != (other.stats[name].ci_low, other.stats[name].ci_high)
    assert first.stats["cohen_kappa"].ci_low is None  # six raters: no Cohen's kappa at all
    assert agreement(ratings).stats["fleiss_kappa"].ci_low is None  # no bootstrap asked


def test_vectorised_bootstrap_equals_resampling_units_one_by_one():
    rows = transpose(KRIPPENDORFF_2011)
    ratings = Ratings.from_rows(rows)
    n_boot = 40
    result = agreement(ratings, n_boot=n_boot, seed=99)
    draws = np.random.default_rng(99).integers(0, len(rows), size=(n_boot, len(rows)))
    naive: dict[str, list[float]] = {"fleiss_kappa": [], "krippendorff_alpha": [], "gwet_ac1": []}
    for draw in draws:
        resample = Ratings(ratings.values[draw], ratings.n_values)
        for name in naive:
            value = agreement(resample).value(name)
            if value is not None:
                naive[name].append(value)
    for name, values in naive.items():
        low, high = np.percentile(values, [2.5, 97.5])
        # resampled totals are summed in single precision
        assert result.stats[name].ci_low == pytest.approx(low, abs=1e-6)
        assert result.stats[name].ci_high == pytest.approx(high, abs=1e-6)


def test_several_items_share_the_resamples_and_match_single_runs():
    a = Ratings.from_rows(fleiss_rows())
    b = Ratings.from_rows([[int(x == 4) for x in r] for r in fleiss_rows()], categories=[0, 1])
    both = agreements([a, b], n_boot=200, seed=3)
    assert (
        both[0].stats["gwet_ac1"].ci_low
        == agreement(a, n_boot=200, seed=3).stats["gwet_ac1"].ci_low
    )
    assert both[1].stats["fleiss_kappa"].value == pytest.approx(0.471, abs=5e-4)


def test_undefined_values_are_none_with_a_reason_never_zero():
    # Nobody ever applies the category: perfect observed agreement, no chance-corrected value
    never = Ratings.from_rows([[0, 0]] * 10, categories=[0, 1])
    result = agreement(never, n_boot=100)
    assert result.value("percent_agreement") == 1.0
    for name in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha"):
        assert result.stats[name].value is None
        assert result.stats[name].reason == ONE_VALUE
        assert result.stats[name].ci_low is None
    # ... but Gwet's AC1 is: its chance term is 0 there, so AC1 = percent agreement
    assert result.value("gwet_ac1") == 1.0
    assert result.stats["gwet_ac1"].reason is None
    # One same value, with a disagreement on a unit: AC1 = percent agreement still
    mostly = Ratings.from_rows([[0, 0]] * 9 + [[0, 1]], categories=[0, 1])
    assert gwet_ac1(mostly) == pytest.approx((0.9 - 2 * 0.95 * 0.05) / (1 - 2 * 0.95 * 0.05))
    only = Ratings.from_rows([[1, 1, 1]] * 4, categories=[0, 1])
    assert gwet_ac1(only) == 1.0
    # No unit rated by two coders
    apart = Ratings.from_rows([[0, N], [N, 1], [1, N]], categories=[0, 1])
    result = agreement(apart)
    assert result.n_units == 0
    for name in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1"):
        assert result.stats[name].value is None and result.stats[name].reason == NO_PAIR
    # Cohen's kappa is for two coders only
    three = Ratings.from_rows([[0, 0, 1], [1, 1, 1], [0, 1, 0]])
    assert agreement(three).stats["cohen_kappa"].reason == NOT_TWO
    assert agreement(three).value("krippendorff_alpha") is not None


def test_ratings_validation():
    with pytest.raises(ValueError):
        Ratings(np.array([[0, 2]]), 2)
    r = Ratings.from_rows([["b", None], ["a", "b"]])
    assert r.values.tolist() == [[1, MISSING], [0, 1]] and r.n_values == 2
