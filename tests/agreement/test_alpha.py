"""Krippendorff's alpha and its bootstrap interval, against Krippendorff (2011) and the
`krippendorff` package called directly."""

from __future__ import annotations

from fractions import Fraction

import krippendorff
import numpy as np
import pytest

from hrd_coder.agreement import LEVELS, bootstrap_alpha, compute, krippendorff_alpha
from hrd_coder.agreement.alpha import _coincidences, _metric_differences
from hrd_coder.agreement.reliability_data import category_counts
from tests.agreement.examples import KRIPPENDORFF_A, KRIPPENDORFF_C

# Krippendorff (2011), section C, printed to three decimals.
PRINTED_C = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_reproduces_krippendorff_2011_section_c(level):
    estimate = krippendorff_alpha(KRIPPENDORFF_C, level)
    assert round(estimate.value, 3) == PRINTED_C[level]
    # Unit 12 has a single value: it is not pairable, so 11 units enter.
    assert (estimate.units, estimate.coders, estimate.level) == (11, 4, level)


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_equals_the_krippendorff_package_called_directly(level):
    direct = krippendorff.alpha(reliability_data=KRIPPENDORFF_C, level_of_measurement=level)
    assert krippendorff_alpha(KRIPPENDORFF_C, level).value == pytest.approx(direct, abs=1e-12)


def test_alpha_reproduces_krippendorff_2011_binary_example():
    """Section A: 1 - (n - 1) o_01 / (n_0 n_1) = 1 - 19 * 4 / (14 * 6) = 0.0952 (printed .095)."""
    estimate = krippendorff_alpha(KRIPPENDORFF_A)
    assert round(estimate.value, 3) == 0.095
    assert estimate.value == pytest.approx(1 - 19 * 4 / (14 * 6), abs=1e-12)
    assert (estimate.units, estimate.coders) == (10, 2)


def test_alpha_on_random_data_with_many_values_matches_the_package():
    """More than a handful of values takes the bincount path of the counting."""
    rng = np.random.default_rng(7)
    data = rng.integers(0, 30, size=(5, 400)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    for level in LEVELS:
        direct = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert krippendorff_alpha(data, level).value == pytest.approx(direct, abs=1e-12)


def test_coincidences_are_those_printed_in_krippendorff_2011():
    """Section C's coincidence matrix, which the bootstrap draws from."""
    third = Fraction(1, 3)
    printed = [
        [7, 4 * third, third, third, 0],
        [4 * third, 10, 4 * third, third, 0],
        [third, 4 * third, 8, third, 0],
        [third, third, third, 4, 0],
        [0, 0, 0, 0, 3],
    ]
    found = category_counts(KRIPPENDORFF_C, min_ratings=2)
    assert _coincidences(found.counts) == pytest.approx(np.array(printed, dtype=float))


@pytest.mark.parametrize("level", LEVELS)
def test_the_bootstraps_disagreements_give_the_packages_alpha(level):
    """1 - D_o / D_e from the bootstrap's own coincidences and metric differences."""
    found = category_counts(KRIPPENDORFF_C, min_ratings=2)
    o = _coincidences(found.counts)
    n_v = o.sum(axis=0)
    n = n_v.sum()
    d = _metric_differences(found.categories, n_v, level)
    alpha = 1 - (o * d).sum() / n / (n_v @ d @ n_v / (n * (n - 1)))
    assert alpha == pytest.approx(krippendorff_alpha(KRIPPENDORFF_C, level).value, abs=1e-12)


def test_bootstrap_is_reproducible_from_the_seed():
    data = np.tile(KRIPPENDORFF_C, 10)  # enough pairs for the quantiles to vary by seed
    first = bootstrap_alpha(data, "interval", samples=2000, seed=11)
    assert bootstrap_alpha(data, "interval", samples=2000, seed=11) == first
    assert bootstrap_alpha(data, "interval", samples=2000, seed=12) != first


@pytest.mark.parametrize("level", LEVELS)
def test_bootstrap_interval_contains_the_estimate(level):
    low, high = bootstrap_alpha(KRIPPENDORFF_C, level, samples=2000)
    assert -1 <= low < krippendorff_alpha(KRIPPENDORFF_C, level).value < high <= 1


def test_bootstrap_interval_narrows_as_units_grow():
    small = np.tile(KRIPPENDORFF_C, 2)
    large = np.tile(KRIPPENDORFF_C, 20)
    small_low, small_high = bootstrap_alpha(small, samples=2000)
    large_low, large_high = bootstrap_alpha(large, samples=2000)
    # Ten times the pairs: the interval shrinks by about sqrt(10).
    assert (large_high - large_low) < 0.5 * (small_high - small_low)
    assert large_low < krippendorff_alpha(large).value < large_high


def test_compute_gives_alpha_with_the_same_bootstrap_interval():
    estimate = compute(KRIPPENDORFF_C, "alpha", "ordinal", bootstrap=500, seed=3)
    assert estimate.value == krippendorff_alpha(KRIPPENDORFF_C, "ordinal").value
    assert (estimate.ci_low, estimate.ci_high) == bootstrap_alpha(
        KRIPPENDORFF_C, "ordinal", samples=500, seed=3
    )
    assert compute(KRIPPENDORFF_C, "alpha", bootstrap=0).ci_low is None


def test_perfect_agreement_bootstraps_to_one():
    data = np.tile([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], 10)
    assert krippendorff_alpha(data).value == 1.0
    assert bootstrap_alpha(data, samples=200) == (1.0, 1.0)


def test_resamples_of_a_single_value_count_as_zero():
    """Krippendorff's correction. Three agreed pairs, two on value 1, one on 2: all three
    draws fall in one value's cell with probability (2/3)^3 + (1/3)^3 = 1/3, and such a
    resample (no variation) counts as alpha = 0; every other resample has alpha = 1."""
    data = np.array([[1, 1, 2], [1, 1, 2]], dtype=float)
    assert bootstrap_alpha(data, samples=1000) == (0.0, 1.0)


def test_alpha_rejects_an_unknown_level():
    with pytest.raises(ValueError, match="level must be one of nominal, ordinal"):
        krippendorff_alpha(KRIPPENDORFF_C, "nominl")
    with pytest.raises(ValueError, match="samples must be at least 1"):
        bootstrap_alpha(KRIPPENDORFF_C, samples=0)
