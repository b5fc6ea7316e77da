"""Intervals stay inside the values a statistic can take (clipped, and flagged when they had
to be), and degenerate data give a value or nan, never a raw numpy or statsmodels warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats
from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_kappa

from hrd_coder.agreement import (
    STATISTICS,
    Estimate,
    cohens_kappa,
    compute,
    fleiss_kappa,
    levels_for,
    percent_agreement,
    scotts_pi,
    value_range,
)
from hrd_coder.agreement.estimate import within_range
from tests.agreement.examples import KRIPPENDORFF_C, ratings_from_table
from tests.agreement.test_two_coders import SAS_TABLE

nan = np.nan
# Ten units, one disagreement: kappa 0.8 with a large-sample se of 0.186, so the normal
# interval 0.8 ± 1.96 × 0.186 reaches 1.164.
ONE_SLIP = [[4, 1], [0, 5]]


def test_a_kappa_interval_past_1_is_clipped_and_flagged():
    table = np.array(ONE_SLIP, dtype=float)
    reference = statsmodels_kappa(table)
    assert reference.kappa_upp > 1  # the unclipped interval, by statsmodels
    estimate = cohens_kappa(ratings_from_table(ONE_SLIP))
    assert estimate.value == pytest.approx(0.8)
    assert estimate.ci_low == pytest.approx(reference.kappa_low, abs=1e-12)
    assert (estimate.ci_high, estimate.ci_clipped) == (1.0, True)
    assert estimate.as_dict()["ci_clipped"] is True


def test_scotts_pi_interval_past_1_is_clipped_and_flagged():
    estimate = scotts_pi(ratings_from_table(ONE_SLIP))
    assert estimate.value + scipy.stats.t.ppf(0.975, 9) * estimate.se > 1  # unclipped end
    assert (estimate.ci_high, estimate.ci_clipped) == (1.0, True)


def test_an_interval_inside_the_range_is_not_flagged():
    """The SAS printout's limits 0.2137 and 0.7547 need no clipping."""
    estimate = cohens_kappa(ratings_from_table(SAS_TABLE))
    assert estimate.ci_clipped is False
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((0.2137, 0.7547), abs=5e-5)


def test_irrcac_caps_fleiss_at_1_and_the_estimate_says_so():
    """irrCAC prints Fleiss' kappa for Krippendorff's section C data with interval (0.424, 1):
    the same numbers, now flagged as clipped."""
    estimate = fleiss_kappa(KRIPPENDORFF_C)
    assert (round(estimate.ci_low, 3), estimate.ci_high) == (0.424, 1.0)
    assert estimate.ci_clipped is True


def test_percent_agreement_is_clipped_at_0():
    """Three units, one agreeing: pa = 1/3, Gwet's se = 1/3, and t(0.975, 2) = 4.303 takes
    the lower end to -1.1, below any share of agreeing pairs."""
    data = np.array([[1, 1, 2], [1, 2, 1]], dtype=float)
    estimate = percent_agreement(data)
    assert (estimate.value, estimate.se) == pytest.approx((1 / 3, 1 / 3))
    assert (estimate.ci_low, estimate.ci_clipped) == (0.0, True)
    assert value_range("percent") == (0.0, 1.0) and value_range("cohen") == (-1.0, 1.0)


def test_rounding_past_a_bound_is_not_called_clipping():
    estimate = within_range(Estimate("cohen", 1.0, 10, 2, "nominal", 0.0, 1.0, 1.0 + 1e-15))
    assert (estimate.ci_high, estimate.ci_clipped) == (1.0, False)
    undefined = within_range(Estimate("cohen", nan, 0, 2, "nominal", nan, nan, nan))
    assert undefined.ci_clipped is False


DEGENERATE = {
    "nobody used the code": np.zeros((2, 10)),
    "everyone used it everywhere": np.ones((2, 10)),
    "one coder never used it": np.array([[1, 0, 0, 0, 0], [0, 0, 0, 0, 0]], dtype=float),
    "one unit, agreeing": np.array([[1.0], [1.0]]),
    "one unit, disagreeing": np.array([[1.0], [0.0]]),
    "all missing": np.full((2, 5), nan),
    "no pairable unit": np.array([[1, nan, 0], [nan, 1, nan]]),
    "pairable values never vary": np.array([[2, nan, 0, 0], [nan, 1, nan, 0]]),
    "no units": np.zeros((2, 0)),
}


@pytest.mark.parametrize("case", DEGENERATE)
@pytest.mark.parametrize("statistic", STATISTICS)
def test_degenerate_data_give_no_warnings(case, statistic):
    for level in levels_for(statistic):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            estimate = compute(DEGENERATE[case], statistic, level, bootstrap=100)
        assert [str(w.message) for w in caught] == [], level
        low, high = value_range(statistic)
        for end in (estimate.ci_low, estimate.ci_high):
            assert end is None or np.isnan(end) or low <= end <= high
