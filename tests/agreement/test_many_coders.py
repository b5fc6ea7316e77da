"""Fleiss' kappa, Gwet's AC1 and percent agreement for many coders with missing ratings,
against Fleiss (1971), statsmodels, Gwet's irrCAC and hand computation from Gwet (2014)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from hrd_coder.agreement import fleiss_kappa, gwet_ac1, percent_agreement
from tests.agreement.examples import FLEISS_1971, KRIPPENDORFF_C, ratings_from_table

# Four coders, four units, one missing and one unpairable rating; worked by hand below.
SMALL = np.array(
    [
        [0, 0, 0, 1],
        [0, 0, 1, np.nan],
        [0, 1, np.nan, np.nan],
    ]
)


def random_ratings(seed: int, coders=4, units=60, categories=4, missing=0.25) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, categories, units)
    noise = rng.integers(0, categories, (coders, units))
    data = np.where(rng.random((coders, units)) < 0.6, truth, noise).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def test_fleiss_1971_example():
    estimate = fleiss_kappa(FLEISS_1971)
    assert round(estimate.value, 3) == 0.430
    assert (estimate.units, estimate.coders) == (30, 6)


def test_fleiss_equals_statsmodels_on_complete_data():
    for data in (FLEISS_1971, random_ratings(1, missing=0.0), random_ratings(2, coders=7)):
        complete = data[:, ~np.isnan(data).any(axis=0)]
        counts, _ = aggregate_raters(complete.T)
        assert fleiss_kappa(complete).value == pytest.approx(statsmodels_fleiss(counts), abs=1e-12)


def test_fleiss_1971_standard_error_as_in_gwets_irrcac():
    """Gwet's variance, printed by irrCAC (CAC(...).fleiss()) for this table: se 0.0542,
    interval (0.3194, 0.54109)."""
    estimate = fleiss_kappa(FLEISS_1971)
    assert estimate.se == pytest.approx(0.0542, abs=5e-5)
    assert (estimate.ci_low, estimate.ci_high) == pytest.approx((0.3194, 0.54109), abs=5e-5)


def test_gwets_coefficients_for_the_krippendorff_data():
    """Gwet's irrCAC documents cac.raw4raters (Krippendorff's section C data) and its Python
    port asserts, to 3 decimals: pa 0.818; Fleiss 0.761, interval (0.424, 1); AC1 0.775,
    pe 0.190, se 0.143, interval (0.461, 1)."""
    fleiss = fleiss_kappa(KRIPPENDORFF_C)
    ac1 = gwet_ac1(KRIPPENDORFF_C)
    assert round(percent_agreement(KRIPPENDORFF_C).value, 3) == 0.818
    assert round(fleiss.value, 3) == 0.761
    assert (round(fleiss.ci_low, 3), fleiss.ci_high) == (0.424, 1.0)
    assert round(ac1.value, 3) == 0.775
    assert round(ac1.se, 3) == 0.143
    assert (round(ac1.ci_low, 3), ac1.ci_high) == (0.461, 1.0)
    # Unit 12 was rated once: not pairable.
    assert (fleiss.units, ac1.units, fleiss.coders) == (11, 11, 4)


def test_gwets_formulas_by_hand():
    """Gwet (2014): n = 4 units rated at least once, 3 of them pairable.
    pa = (1 + 2/6 + 0) / 3 = 4/9 (unit 4, rated once, drops out; units weigh equally,
    where Krippendorff's observed agreement would weigh them by their number of values).
    pi_0 = (1 + 2/3 + 1/2 + 0) / 4 = 13/24, pi_1 = 11/24 (every rated unit counts).
    Fleiss: pe = (13^2 + 11^2) / 24^2 = 290/576, kappa = (256 - 290) / (576 - 290) = -34/286.
    AC1: pe = 2 (13/24)(11/24) / (2 - 1) = 286/576, AC1 = (256 - 286) / (576 - 286) = -30/290.
    """
    assert percent_agreement(SMALL).value == pytest.approx(4 / 9, abs=1e-12)
    assert fleiss_kappa(SMALL).value == pytest.approx(float(Fraction(-34, 286)), abs=1e-12)
    assert gwet_ac1(SMALL).value == pytest.approx(float(Fraction(-30, 290)), abs=1e-12)
    assert percent_agreement(SMALL).units == 3


def test_ac1_resists_the_prevalence_paradox():
    """Feinstein & Cicchetti's skewed table (p_o = .85, kappa = .32). Gwet (2008): the
    pooled share of '+' is (90 + 85) / 200 = 0.875, pe = 2 (0.875)(0.125) = 0.21875 and
    AC1 = (0.85 - 0.21875) / 0.78125 = 0.808."""
    estimate = gwet_ac1(ratings_from_table([[80, 10], [5, 5]]))
    assert estimate.value == pytest.approx(0.808, abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fleiss_and_ac1_with_missing_ratings_against_irrcac_live(seed):
    raw = pytest.importorskip("irrCAC.raw")
    import pandas as pd

    data = random_ratings(seed)
    frame = pd.DataFrame(data.T)
    computed = raw.CAC(frame.dropna(how="all"), digits=12)
    for ours, theirs in (
        (fleiss_kappa(data), computed.fleiss()),
        (gwet_ac1(data), computed.gwet()),
    ):
        expected = theirs["est"]
        assert ours.value == pytest.approx(float(expected["coefficient_value"]), abs=1e-10)
        assert ours.se == pytest.approx(float(expected["se"]), abs=1e-10)
        low, high = expected["confidence_interval"]
        assert (ours.ci_low, ours.ci_high) == pytest.approx((float(low), float(high)), abs=1e-10)
    assert percent_agreement(data).value == pytest.approx(
        float(computed.fleiss()["est"]["pa"]), abs=1e-10
    )


def test_ac1_against_irrcac_for_the_krippendorff_data_live():
    raw = pytest.importorskip("irrCAC.raw")
    import pandas as pd

    expected = raw.CAC(pd.DataFrame(KRIPPENDORFF_C.T), digits=12).gwet()["est"]
    assert gwet_ac1(KRIPPENDORFF_C).value == pytest.approx(
        float(expected["coefficient_value"]), abs=1e-10
    )
    assert gwet_ac1(KRIPPENDORFF_C).se == pytest.approx(float(expected["se"]), abs=1e-10)
