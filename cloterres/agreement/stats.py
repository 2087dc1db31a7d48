"""Agreement statistics on nominal ratings with missing values (pure numpy).

A :class:`Ratings` is a units x coders matrix of value codes (``MISSING`` where a coder did not
rate a unit). Every statistic below is a ratio of sums over units of per-unit quantities, so a
bootstrap resample of units is a vector of unit weights (how many times each unit was drawn) and
all statistics of all resamples come out of one matrix product (``weights @ features``).

Formulas (``n_uk``: ratings of unit u in value k; ``m_u``: ratings of unit u; q: possible values):

- percent agreement: mean over units with ``m_u >= 2`` of the share of agreeing coder pairs,
  ``sum_k n_uk (n_uk - 1) / (m_u (m_u - 1))`` (Gwet 2014, p_a);
- Cohen's kappa: two coders only, over the units both rated (Cohen 1960);
- Fleiss' kappa: ``(p_a - p_e) / (1 - p_e)`` with ``p_e = sum_k pi_k^2``, ``pi_k`` the mean over
  rated units of ``n_uk / m_u``. With the same number of ratings per unit this is Fleiss (1971);
  with unequal numbers it is Gwet's generalisation (Handbook of Inter-Rater Reliability, 2014,
  as in his irrCAC package), which keeps units rated once in ``pi_k``;
- Krippendorff's alpha (nominal): ``1 - (n - 1) D_o / D_e`` from the coincidence matrix of the
  pairable values (units with ``m_u >= 2``) (Krippendorff 2011);
- Gwet's AC1: ``(p_a - p_e) / (1 - p_e)`` with ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)``
  (Gwet 2008; multi-rater form with missing ratings, Gwet 2014). When every coder gives one
  same value, ``p_e = 0`` and AC1 equals the percent agreement (it stays defined).

A statistic that cannot be computed is ``None`` with a French reason, never 0 or NaN.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

MISSING = -1
STATS = ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1")
CHANCE_CORRECTED = STATS[1:]
DEFAULT_SEED = 2024
_EPS = 1e-12

# Why a statistic is undefined (French, shown to users).
NO_PAIR = "aucune unité codée par au moins deux codeurs"
NOT_TWO = "le kappa de Cohen ne compare que deux codeurs"
NO_BOTH = "aucune unité codée par les deux codeurs"
ONE_VALUE = "une seule valeur observée : l'accord attendu par hasard vaut 1"
SETS = "valeurs multiples (ensembles de catégories) : accord observé seulement"
_REASONS = (None, NO_PAIR, NOT_TWO, NO_BOTH, ONE_VALUE, SETS)


@dataclass(frozen=True)
class Ratings:
    """Nominal ratings: ``values[u, c]`` is the code (0..n_values-1) coder c gave unit u."""

    values: np.ndarray
    n_values: int
    chance_corrected: bool = True  # False: the values are label sets, percent agreement only

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=np.int64)
        if values.ndim != 2:
            raise ValueError("ratings must be a units x coders matrix")
        if values.size and (values.max(initial=MISSING) >= self.n_values or values.min() < -1):
            raise ValueError("rating codes must lie in 0..n_values-1 (or MISSING)")
        object.__setattr__(self, "values", values)

    @property
    def n_coders(self) -> int:
        return int(self.values.shape[1])

    @classmethod
    def from_rows(
        cls, rows: Sequence[Sequence[object]], categories: Sequence[Hashable] | None = None
    ) -> Ratings:
        """Ratings from a units x coders table of labels; ``None`` or NaN is missing.

        ``categories`` lists the possible values (Gwet's q); by default, those observed."""

        def missing(x: object) -> bool:
            return x is None or (isinstance(x, float) and x != x)

        # values of any hashable type: sorted when they can be, below
        seen: list[Any] = list(categories) if categories is not None else []
        if categories is None:
            for row in rows:
                for x in row:
                    if not missing(x) and x not in seen:
                        seen.append(x)
            with contextlib.suppress(TypeError):  # mixed types keep their order of appearance
                seen.sort()
        index = {v: i for i, v in enumerate(seen)}
        codes = [[MISSING if missing(x) else index[x] for x in row] for row in rows]
        width = max((len(r) for r in rows), default=0)
        matrix = np.full((len(rows), width), MISSING, dtype=np.int64)
        for u, row in enumerate(codes):
            matrix[u, : len(row)] = row
        return cls(matrix, max(len(seen), 1))


@dataclass
class Estimate:
    """One statistic: point value, percentile bootstrap 95 % interval, why it is undefined."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None


@dataclass
class Agreement:
    n_units: int  # units rated by at least two coders
    stats: dict[str, Estimate] = field(default_factory=dict)

    def value(self, name: str) -> float | None:
        return self.stats[name].value


# --- per-unit features ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    """Where an item's features sit in the stacked feature matrix."""

    start: int
    k: int  # number of values
    two: bool  # exactly two coders: Cohen's columns present

    chance: bool = True  # False: percent agreement only

    @property
    def width(self) -> int:
        if not self.chance:
            return 5
        return 5 + 3 * self.k + (2 + 2 * self.k if self.two else 0)


def _features(r: Ratings) -> np.ndarray:
    """Columns: p_u, [m>=2], [m>=1], alpha agreements, pairable values, shares n_uk/m_u (k),
    counts n_uk (k), pairable counts (k) and, for two coders, [both], [agree], one-hot of each.
    Percent agreement only: the first five columns."""
    v = r.values
    n_units, n_coders = v.shape
    k = r.n_values
    rated = v >= 0
    counts = np.zeros((n_units, k))
    rows = np.arange(n_units)
    for c in range(n_coders):
        ok = rated[:, c]
        np.add.at(counts, (rows[ok], v[ok, c]), 1.0)
    m = counts.sum(axis=1)
    pair = m >= 2
    agreeing = (counts * (counts - 1)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_u = np.where(pair, agreeing / (m * (m - 1)), 0.0)
        alpha_agree = np.where(pair, agreeing / (m - 1), 0.0)
        shares = np.where(m[:, None] > 0, counts / m[:, None], 0.0)
    columns = [
        p_u[:, None],
        pair[:, None].astype(float),
        (m > 0)[:, None].astype(float),
        alpha_agree[:, None],
        (m * pair)[:, None],
    ]
    if not r.chance_corrected:
        return np.hstack(columns)
    columns += [
        shares,
        counts,
        counts * pair[:, None],
    ]
    if n_coders == 2:
        both = cast(np.ndarray, rated.all(axis=1))  # a 2-D matrix along axis 1: an array
        agree = both & (v[:, 0] == v[:, 1])
        one_hot = []
        for c in range(2):
            oh = np.zeros((n_units, k))
            oh[rows[both], v[both, c]] = 1.0
            one_hot.append(oh)
        columns += [both[:, None].astype(float), agree[:, None].astype(float), *one_hot]
    return np.hstack(columns)


def _from_totals(
    t: np.ndarray, k: int, two: bool, q: int, chance: bool = True
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every statistic for each row of weighted totals ``t`` (resamples x features): values
    (NaN where undefined) and reason codes (index into ``_REASONS``)."""
    b = t.shape[0]
    p_sum, n_pair, n_rated, a_agree, a_n = (t[:, i] for i in range(5))
    shares = t[:, 5 : 5 + k]
    pairable = t[:, 5 + 2 * k : 5 + 3 * k]
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    nan = np.full(b, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        no_pair = n_pair <= 0
        pa = np.where(no_pair, np.nan, p_sum / n_pair)
        out["percent_agreement"] = (pa, np.where(no_pair, 1, 0))
        if not chance:
            for name in CHANCE_CORRECTED:
                out[name] = (nan, np.full(b, 5))
            return out

        pi = shares / n_rated[:, None]
        pe_f = (pi**2).sum(axis=1)
        single = (1 - pe_f) <= _EPS
        bad = np.where(no_pair, 1, np.where(single, 4, 0))
        out["fleiss_kappa"] = (np.where(bad > 0, np.nan, (pa - pe_f) / (1 - pe_f)), bad)

        pe_g = (pi * (1 - pi)).sum(axis=1) / max(q - 1, 1)
        # One value observed (or one possible): every pi_k is 0 or 1, so p_e = 0 and AC1 is the
        # percent agreement (unlike the kappas and alpha, whose chance term is then 1).
        ac1_bad = np.where(no_pair, 1, 0)
        out["gwet_ac1"] = (np.where(ac1_bad > 0, np.nan, (pa - pe_g) / (1 - pe_g)), ac1_bad)

        d_e = a_n**2 - (pairable**2).sum(axis=1)
        a_bad = np.where(no_pair, 1, np.where(d_e <= _EPS, 4, 0))
        alpha = 1 - (a_n - 1) * (a_n - a_agree) / d_e
        out["krippendorff_alpha"] = (np.where(a_bad > 0, np.nan, alpha), a_bad)

        if two:
            base = 5 + 3 * k
            n_both, n_agree = t[:, base], t[:, base + 1]
            p1 = t[:, base + 2 : base + 2 + k] / n_both[:, None]
            p2 = t[:, base + 2 + k : base + 2 + 2 * k] / n_both[:, None]
            pe_c = (p1 * p2).sum(axis=1)
            c_bad = np.where(n_both <= 0, 3, np.where((1 - pe_c) <= _EPS, 4, 0))
            kappa = (n_agree / n_both - pe_c) / (1 - pe_c)
            out["cohen_kappa"] = (np.where(c_bad > 0, np.nan, kappa), c_bad)
        else:
            out["cohen_kappa"] = (nan, np.full(b, 2))
    return out


# --- public API -----------------------------------------------------------------------------


def _resample_weights(n_units: int, n_boot: int, seed: int, chunk: int) -> Iterator[np.ndarray]:
    """Bootstrap resamples of units as weight matrices (resamples x units), ``chunk`` at a time."""
    rng = np.random.default_rng(seed)
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        draws = rng.integers(0, n_units, size=(size, n_units))
        flat = draws + (np.arange(size) * n_units)[:, None]
        yield (
            np.bincount(flat.ravel(), minlength=size * n_units)
            .reshape(size, n_units)
            .astype(np.float32)
        )
        done += size


def agreements(
    items: Sequence[Ratings],
    *,
    n_boot: int = 0,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int], None] | None = None,
    chunk: int = 50,
) -> list[Agreement]:
    """All statistics of several items rated on the same units, with percentile bootstrap 95 %
    intervals from ``n_boot`` resamples of units (the same resamples for every item).

    An interval is given when the point value is defined and the statistic is defined in at
    least half of the resamples; it is computed over those resamples."""
    if not items:
        return []
    n_units = items[0].values.shape[0]
    if any(r.values.shape[0] != n_units for r in items):
        raise ValueError("every item must be rated on the same units")
    layouts: list[_Layout] = []
    blocks = []
    start = 0
    for r in items:
        layout = _Layout(start, r.n_values, r.n_coders == 2, r.chance_corrected)
        block = _features(r)
        assert block.shape[1] == layout.width
        layouts.append(layout)
        blocks.append(block)
        start += layout.width
    features = np.hstack(blocks) if blocks else np.zeros((n_units, 0))

    def compute(totals: np.ndarray) -> list[dict[str, tuple[np.ndarray, np.ndarray]]]:
        return [
            _from_totals(
                totals[:, lay.start : lay.start + lay.width], lay.k, lay.two, r.n_values, lay.chance
            )
            for lay, r in zip(layouts, items, strict=True)
        ]

    point = compute(features.sum(axis=0, keepdims=True))
    # Resampled totals in single precision: counts stay exact, fractions carry a relative error
    # of about 1e-7 per unit, far below the resampling noise, and the product is much faster.
    features32 = features.astype(np.float32)
    boot: list[dict[str, list[np.ndarray]]] = [{s: [] for s in STATS} for _ in items]
    if n_boot > 0 and n_units > 0:
        done = 0
        for weights in _resample_weights(n_units, n_boot, seed, chunk):
            totals = (weights @ features32).astype(np.float64)
            for acc, stats in zip(boot, compute(totals), strict=True):
                for name, (values, _reason) in stats.items():
                    acc[name].append(values)
            done += weights.shape[0]
            if progress is not None:
                progress(done)

    results = []
    for r, stats, acc in zip(items, point, boot, strict=True):
        n_pair = int(((r.values >= 0).sum(axis=1) >= 2).sum())
        agreement = Agreement(n_units=n_pair)
        for name in STATS:
            values, reasons = stats[name]
            value = None if np.isnan(values[0]) else float(values[0])
            estimate = Estimate(value, reason=_REASONS[int(reasons[0])])
            if value is not None and acc[name]:
                sample = np.concatenate(acc[name])
                defined = sample[~np.isnan(sample)]
                if defined.size * 2 >= sample.size:
                    low, high = np.percentile(defined, [2.5, 97.5])
                    estimate.ci_low, estimate.ci_high = float(low), float(high)
            agreement.stats[name] = estimate
        results.append(agreement)
    return results


def agreement(r: Ratings, *, n_boot: int = 0, seed: int = DEFAULT_SEED) -> Agreement:
    return agreements([r], n_boot=n_boot, seed=seed)[0]


def percent_agreement(r: Ratings) -> float | None:
    return agreement(r).value("percent_agreement")


def cohen_kappa(r: Ratings) -> float | None:
    return agreement(r).value("cohen_kappa")


def fleiss_kappa(r: Ratings) -> float | None:
    return agreement(r).value("fleiss_kappa")


def krippendorff_alpha(r: Ratings) -> float | None:
    return agreement(r).value("krippendorff_alpha")


def gwet_ac1(r: Ratings) -> float | None:
    return agreement(r).value("gwet_ac1")
