"""Cohen's kappa, Scott's pi and percent agreement for two coders, against published values,
statsmodels, and hand computation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa as statsmodels_kappa

from hrd_coder.agreement import cohens_kappa, krippendorff_alpha, percent_agreement, scotts_pi
from tests.agreement.examples import ratings_from_table

# A SAS PROC FREQ (AGREE) example as recorded in statsmodels' own tests
# (statsmodels/stats/tests/test_inter_rater.py, TestUnweightedCohens / TestWeightedCohens):
# simple kappa 0.4842, ASE 0.1380, 95% limits 0.2137 and 0.7547; weighted kappa with
# Cicchetti-Allison (linear) weights 0.4701, ASE 0.1457, limits 0.1845 and 0.7558.
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]

# Cohen (1960), "A coefficient of agreement for nominal scales", Educational and
# Psychological Measurement 20: 200 units, 3 categories; the printed proportions
# .44 .07 .09 / .05 .20 .05 / .01 .03 .06 give p_o = .70, p_c = .41, kappa = .492.
COHEN_1960 = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]

# Feinstein & Cicchetti (1990), "High agreement but low kappa: I", J Clin Epidemiol 43:
# the same p_o = .85 gives kappa = .70 with balanced marginals and .32 with skewed ones.
BALANCED = [[40, 9], [6, 45]]
SKEWED = [[80, 10], [5, 5]]

# A small table worked by hand below: units 3 (a, b) and 7 (c, a) disagree.
FIRST = [0, 0, 0, 1, 1, 2, 2, 0, 1, 2]
SECOND = [0, 0, 1, 1, 1, 2, 0, 0, 1, 2]


def test_cohen_1960_example():
    estimate = cohens_kappa(ratings_from_table(COHEN_1960))
    assert round(estimate.value, 3) == 0.492
    assert (estimate.units, estimate.coders, estimate.level) == (200, 2, "nominal")


def test_kappa_and_its_standard_error_match_the_sas_printout():
    estimate = cohens_kappa(ratings_from_table(SAS_TABLE))
    printed = (0.4842, 0.1380, 0.2137, 0.7547)
    assert estimate.value == pytest.approx(printed[0], abs=5e-5)
    assert estimate.se == pytest.approx(printed[1], abs=5e-5)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx(printed[2:], abs=5e-5)


def test_linear_weighted_kappa_matches_the_sas_printout():
    estimate = cohens_kappa(ratings_from_table(SAS_TABLE), weights="linear")
    printed = (0.4701, 0.1457, 0.1845, 0.7558)
    assert estimate.level == "linear"
    assert estimate.value == pytest.approx(printed[0], abs=5e-5)
    assert estimate.se == pytest.approx(printed[1], abs=5e-5)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx(printed[2:], abs=5e-5)


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_equals_statsmodels_on_a_random_table(weights):
    rng = np.random.default_rng(3)
    table = rng.integers(0, 12, size=(4, 4)) + 6 * np.eye(4, dtype=int)
    expected = statsmodels_kappa(table, wt=weights) if weights else statsmodels_kappa(table)
    estimate = cohens_kappa(ratings_from_table(table), weights=weights)
    assert estimate.value == pytest.approx(expected.kappa, abs=1e-12)
    assert estimate.se == pytest.approx(expected.std_kappa, abs=1e-12)
    assert estimate.ci_low == pytest.approx(expected.kappa_low, abs=1e-12)


def test_quadratic_weighted_kappa_by_hand():
    """Disagreement weights (i - j)^2 / 4 on the SAS table (n = 19, rows 5 8 6, columns
    0 13 6): observed 2.25 / 19, expected 77.75 / 361, kappa = 1 - 42.75 / 77.75 = 140/311."""
    estimate = cohens_kappa(ratings_from_table(SAS_TABLE), weights="quadratic")
    assert estimate.value == pytest.approx(float(Fraction(140, 311)), abs=1e-12)


def test_weights_follow_the_codes_values_not_their_ranks():
    """Codes 1, 2, 5: linear distances 1/4, 3/4 and 1. Coder A 1 2 5 1, coder B 2 2 5 5:
    observed disagreement (1/4 + 1) / 4 = 0.3125, expected 0.5, kappa = 0.375 (by ranks it
    would be 0.25)."""
    ratings = np.array([[1, 2, 5, 1], [2, 2, 5, 5]], dtype=float)
    assert cohens_kappa(ratings, weights="linear").value == pytest.approx(0.375, abs=1e-12)


def test_feinstein_cicchetti_paradox():
    balanced = cohens_kappa(ratings_from_table(BALANCED))
    skewed = cohens_kappa(ratings_from_table(SKEWED))
    assert (round(balanced.value, 2), round(skewed.value, 2)) == (0.70, 0.32)
    assert percent_agreement(ratings_from_table(SKEWED)).value == pytest.approx(0.85)


def test_scotts_pi_by_hand():
    """Scott (1955): p_o = 8/10; pooled shares a 8/20, b 7/20, c 5/20, so
    p_e = (64 + 49 + 25) / 400 = 0.345 and pi = 0.455 / 0.655 = 91/131."""
    estimate = scotts_pi(np.array([FIRST, SECOND], dtype=float))
    assert estimate.value == pytest.approx(91 / 131, abs=1e-12)
    assert (estimate.statistic, estimate.units, estimate.coders) == ("scott", 10, 2)


def test_cohens_kappa_by_hand_on_the_same_table():
    """Cohen (1960): p_e from each coder's own shares, (4*4 + 3*4 + 3*2) / 100 = 0.34,
    so kappa = 0.46 / 0.66 = 23/33."""
    estimate = cohens_kappa(np.array([FIRST, SECOND], dtype=float))
    assert estimate.value == pytest.approx(23 / 33, abs=1e-12)


def test_alpha_is_pi_corrected_for_small_samples():
    """Krippendorff (2011): with two coders and no missing values,
    alpha = 1 - (n - 1) / n * (1 - pi), n = 20 values: 1 - 19/20 * 40/131 = 93/131."""
    ratings = np.array([FIRST, SECOND], dtype=float)
    assert krippendorff_alpha(ratings).value == pytest.approx(93 / 131, abs=1e-12)


def test_scotts_pi_standard_error_as_in_gwets_irrcac():
    """Gwet's scott2.table formula; values printed by irrCAC (Python port 0.4.4,
    CAC(table).scott()) for Feinstein & Cicchetti's skewed table: 0.31429, se 0.13548,
    interval (0.04547, 0.5831)."""
    estimate = scotts_pi(ratings_from_table(SKEWED))
    assert estimate.value == pytest.approx(0.31429, abs=5e-6)
    assert estimate.se == pytest.approx(0.13548, abs=5e-6)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((0.04547, 0.5831), abs=5e-5)


def test_scotts_pi_standard_error_against_irrcac_live():
    table = pytest.importorskip("irrCAC.table")
    import pandas as pd

    for counts in (BALANCED, SKEWED, SAS_TABLE, COHEN_1960):
        expected = table.CAC(pd.DataFrame(counts), digits=12).scott()["est"]
        estimate = scotts_pi(ratings_from_table(counts))
        assert estimate.value == pytest.approx(expected["coefficient_value"], abs=1e-10)
        assert estimate.se == pytest.approx(expected["se"], abs=1e-10)


def test_percent_agreement_of_two_coders_is_the_share_of_agreeing_units():
    ratings = np.array([FIRST, SECOND], dtype=float)
    ratings[1, 0] = np.nan  # unit 1 loses its pair: 7 of the 9 remaining units agree
    estimate = percent_agreement(ratings)
    assert (estimate.value, estimate.units) == (pytest.approx(7 / 9), 9)


def test_units_either_coder_skipped_are_dropped():
    ratings = np.array([FIRST + [0, 1], SECOND + [np.nan, np.nan]], dtype=float)
    ratings[0, 11] = np.nan
    assert cohens_kappa(ratings).value == pytest.approx(23 / 33, abs=1e-12)
    assert cohens_kappa(ratings).units == 10
    assert scotts_pi(ratings).value == pytest.approx(91 / 131, abs=1e-12)
