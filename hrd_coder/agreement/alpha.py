"""Krippendorff's alpha (value from the `krippendorff` package) and its bootstrap interval."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hrd_coder.agreement.estimate import Estimate
from hrd_coder.agreement.reliability_data import CategoryCounts, category_counts, reliability_data

LEVELS = ("nominal", "ordinal", "interval", "ratio")
# Bootstrap draws are made in blocks of at most this many cell counts, to bound memory.
_BLOCK_CELLS = 2_000_000


def krippendorff_alpha(ratings, level: str = "nominal") -> Estimate:
    """Krippendorff's alpha for any number of coders with missing ratings, at a given level.

    Only units with two or more ratings are pairable and enter (Krippendorff 2011). The value
    is computed by the `krippendorff` package from per-unit value counts built here without
    Python loops; alpha is nan when no unit is pairable or the pairable values never vary.
    """
    data = reliability_data(ratings)
    _check_level(level)
    return _alpha(category_counts(data, min_ratings=2), level, data.shape[0])


def bootstrap_alpha(
    ratings, level: str = "nominal", samples: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """95% bootstrap interval for alpha, as Hayes & Krippendorff (2007) compute it.

    What is resampled, and why: Krippendorff's "Algorithm for bootstrapping a distribution of
    alpha" (2006, rev. 2011), which the KALPHA macro of Hayes & Krippendorff (2007) and Stata's
    kalpha implement, resamples pairable *pairs of values*, not units:

    1. Build the coincidence matrix o_ck of the pairable values (n of them) and keep the
       expected disagreement D_e of the data fixed.
    2. Draw M pairs with replacement, cell (c, k) with probability o_ck / n (off-diagonal
       cells counted in both orders) - so each pair of judgments within a unit rated by m_u
       coders weighs 1 / (m_u - 1), "weighted by how many observers judged a given unit".
       M is the number of pairs of judgments in the data, sum_u m_u (m_u - 1) / 2, as in
       Hayes & Krippendorff (2007) (Stata's kalpha uses n (m - 1) / 2 for m coders, the
       same number when no rating is missing). Krippendorff's note also caps M "by a
       practical limit", 25 times the number of non-empty cells in kalpha; that cap is not
       applied here, because it stops the interval narrowing once a study has more than a
       few dozen units, and drawing counts from a multinomial makes the full M cheap.
    3. Each resample's alpha is 1 - mean(metric difference of the drawn pairs) / D_e.
    4. Krippendorff's corrections: values below -1 become -1, and a resample whose pairs all
       fall in one diagonal cell (a single value, no variation) gets alpha = 0, the value he
       defines for that case.
    5. The interval is read off the sorted resampled values as KALPHA and kalpha do: the
       max(floor(0.025 X), 1)-th and (floor(0.975 X) + 1)-th of X samples.

    Because D_e and the pairing structure are held fixed this interval can be narrower than a
    bootstrap over units (Gwet 2015; Zapf et al. 2016, BMC Med Res Methodol 16:93); it is the
    interval users of KALPHA expect. Draws come from numpy's PCG64 generator seeded with
    `seed`, so the same data, level, samples and seed always give the same interval.
    Returns (nan, nan) when alpha is undefined.
    """
    data = reliability_data(ratings)
    _check_level(level)
    return _bootstrap(category_counts(data, min_ratings=2), level, samples, seed)


def alpha_with_interval(ratings, level: str, samples: int, seed: int) -> Estimate:
    """Alpha and, when `samples` > 0, its bootstrap interval, counting the data once."""
    data = reliability_data(ratings)
    _check_level(level)
    found = category_counts(data, min_ratings=2)
    estimate = _alpha(found, level, data.shape[0])
    if samples <= 0:
        return estimate
    low, high = _bootstrap(found, level, samples, seed)
    return replace(estimate, ci_low=low, ci_high=high)


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")


def _alpha(found: CategoryCounts, level: str, coders: int) -> Estimate:
    units = found.counts.shape[0]
    if units == 0 or found.categories.size < 2:
        return Estimate("alpha", np.nan, units, coders, level)
    import krippendorff

    # The package divides by the expected disagreement, 0 when the pairable values never vary
    # (other values may sit in units rated once): alpha is then undefined and the nan it
    # returns is the answer, so numpy's 0/0 warning would only alarm the user.
    with np.errstate(divide="ignore", invalid="ignore"):
        value = krippendorff.alpha(
            value_counts=found.counts,
            value_domain=found.categories,
            level_of_measurement=level,
        )
    return Estimate("alpha", float(value), units, coders, level)


def _bootstrap(found: CategoryCounts, level: str, samples: int, seed: int) -> tuple[float, float]:
    if samples < 1:
        raise ValueError(f"samples must be at least 1; got {samples}")
    if found.counts.shape[0] == 0 or found.categories.size < 2:
        return np.nan, np.nan
    coincidences = _coincidences(found.counts)
    per_value = coincidences.sum(axis=0)
    n = per_value.sum()
    difference = _metric_differences(found.categories, per_value, level)
    expected = per_value @ difference @ per_value / (n * (n - 1))
    if expected <= 0:
        return np.nan, np.nan
    per_unit = found.ratings_per_unit.astype(float)
    pairs = int(round(np.sum(per_unit * (per_unit - 1)) / 2))
    # One cell per unordered pair of values; the off-diagonal ones carry both orders.
    rows, cols = np.triu_indices(found.categories.size)
    weight = np.where(rows == cols, 1.0, 2.0) * coincidences[rows, cols] / n
    used = weight > 0
    probability = weight[used] / weight[used].sum()
    cell_difference = difference[rows, cols][used]
    single_value = (rows == cols)[used]
    rng = np.random.default_rng(seed)
    block = max(1, min(samples, _BLOCK_CELLS // probability.size))
    resampled = np.empty(samples)
    for start in range(0, samples, block):
        size = min(block, samples - start)
        drawn = rng.multinomial(pairs, probability, size=size)
        alpha = 1 - drawn @ cell_difference / pairs / expected
        alpha[(drawn[:, single_value] == pairs).any(axis=1)] = 0.0
        resampled[start : start + size] = np.maximum(alpha, -1.0)
    resampled.sort()
    low = resampled[max(int(0.025 * samples), 1) - 1]
    high = resampled[min(int(0.975 * samples) + 1, samples) - 1]
    return float(low), float(high)


def _coincidences(counts: np.ndarray) -> np.ndarray:
    """Krippendorff's o_ck: each unit's ordered value pairs, weighted 1 / (m_u - 1)."""
    counts = counts.astype(float)
    weighted = counts / (counts.sum(axis=1) - 1)[:, None]
    return weighted.T @ counts - np.diag(weighted.sum(axis=0))


def _metric_differences(values: np.ndarray, per_value: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's (2011) squared metric differences between every two values."""
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "interval":
        return (values[:, None] - values[None, :]) ** 2
    if level == "ratio":
        total = values[:, None] + values[None, :]
        gap = values[:, None] - values[None, :]
        return np.divide(gap, total, out=np.zeros_like(gap), where=total != 0) ** 2
    index = np.arange(values.size)
    low = np.minimum(index[:, None], index[None, :])
    high = np.maximum(index[:, None], index[None, :])
    running = np.cumsum(per_value)
    between = running[high] - running[low] + per_value[low]
    return (between - (per_value[low] + per_value[high]) / 2) ** 2
