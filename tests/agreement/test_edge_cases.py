"""Data that leave a statistic undefined give nan, never an exception; misuse is a clear
ValueError. Definitions: Krippendorff (2011) for pairable values, Gwet (2014) otherwise."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from hrd_coder.agreement import (
    STATISTICS,
    Estimate,
    bootstrap_alpha,
    cohens_kappa,
    compute,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scotts_pi,
)

nan = np.nan
ALL_AGREE = np.full((3, 6), 2.0)
ALL_MISSING = np.full((3, 5), nan)
MULTI_CODER = (fleiss_kappa, gwet_ac1, krippendorff_alpha, percent_agreement)
TWO_CODER = (cohens_kappa, scotts_pi)


@pytest.mark.parametrize("statistic", [fleiss_kappa, krippendorff_alpha, cohens_kappa, scotts_pi])
def test_one_category_for_everyone_leaves_chance_corrected_statistics_undefined(statistic):
    data = ALL_AGREE[:2] if statistic in TWO_CODER else ALL_AGREE
    estimate = statistic(data)
    assert math.isnan(estimate.value)
    assert estimate.units == 6


def test_one_category_for_everyone_is_full_percent_agreement():
    assert percent_agreement(ALL_AGREE).value == 1.0


def test_one_category_for_everyone_gives_ac1_its_observed_agreement():
    """Gwet (2008): with every rating in one category chance agreement is 0 whatever the
    number of possible categories, so AC1 = pa = 1 (irrCAC gives the same)."""
    assert gwet_ac1(ALL_AGREE).value == 1.0


@pytest.mark.parametrize("statistic", MULTI_CODER + TWO_CODER)
def test_all_missing_is_undefined_with_no_units(statistic):
    data = ALL_MISSING[:2] if statistic in TWO_CODER else ALL_MISSING
    estimate = statistic(data)
    assert math.isnan(estimate.value)
    assert estimate.units == 0


def test_all_missing_has_no_bootstrap_interval():
    low, high = bootstrap_alpha(ALL_MISSING)
    assert math.isnan(low) and math.isnan(high)


def test_a_unit_with_one_rating_is_not_pairable():
    data = np.array([[1, 2, 1, 1], [1, 2, 2, nan], [nan, nan, nan, nan]])
    for statistic in MULTI_CODER:
        assert statistic(data).units == 3
    # Its single value changes neither alpha nor percent agreement.
    assert krippendorff_alpha(data).value == krippendorff_alpha(data[:, :3]).value
    assert percent_agreement(data).value == pytest.approx(2 / 3)


@pytest.mark.parametrize("statistic", MULTI_CODER + TWO_CODER)
def test_a_single_coder_is_a_clear_error(statistic):
    with pytest.raises(ValueError, match="at least 2 coders"):
        statistic(np.array([[1.0, 2.0, 3.0]]))


@pytest.mark.parametrize("statistic", TWO_CODER)
def test_two_coder_statistics_refuse_three_coders(statistic):
    with pytest.raises(ValueError, match="exactly 2 coders.*fleiss, ac1 or alpha"):
        statistic(np.ones((3, 4)))


def test_ratings_must_be_a_numeric_matrix():
    with pytest.raises(ValueError, match="2-D array of shape \\(coders, units\\)"):
        krippendorff_alpha([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="read_ratings"):
        fleiss_kappa([["yes", "no"], ["no", "no"]])
    with pytest.raises(ValueError, match="infinite"):
        gwet_ac1([[1.0, np.inf], [1.0, 2.0]])


def test_cohens_kappa_rejects_unknown_weights():
    with pytest.raises(ValueError, match="'linear' or 'quadratic'"):
        cohens_kappa(np.ones((2, 3)), weights="ordinal")


@pytest.mark.parametrize("statistic", STATISTICS)
def test_compute_dispatches_every_statistic(statistic):
    data = np.array([[1, 2, 3, 1, 2, 2], [1, 2, 3, 2, 2, 1]], dtype=float)
    estimate = compute(data, statistic, bootstrap=100)
    assert estimate.statistic == statistic
    assert 0 < estimate.value <= 1


def test_compute_maps_cohens_levels_to_weights():
    data = np.array([[1, 2, 3, 1, 2, 3], [1, 3, 3, 2, 2, 1]], dtype=float)
    assert compute(data, "cohen", "quadratic") == cohens_kappa(data, weights="quadratic")
    assert compute(data, "cohen") == cohens_kappa(data)


def test_compute_explains_a_level_a_statistic_cannot_use():
    with pytest.raises(ValueError, match="fleiss accepts level nominal.*use alpha"):
        compute(np.ones((3, 3)), "fleiss", "ordinal")
    with pytest.raises(ValueError, match="cohen accepts level nominal or linear or quadratic"):
        compute(np.ones((2, 3)), "cohen", "interval")
    with pytest.raises(ValueError, match="statistic must be one of alpha, cohen"):
        compute(np.ones((2, 3)), "kappa")


def test_estimates_turn_into_json_with_nan_as_null():
    estimate = Estimate("alpha", nan, 0, 3, "nominal", None, nan, nan)
    assert json.loads(json.dumps(estimate.as_dict())) == {
        "statistic": "alpha",
        "value": None,
        "units": 0,
        "coders": 3,
        "level": "nominal",
        "se": None,
        "ci_low": None,
        "ci_high": None,
        "ci_clipped": False,
    }
    found = compute(np.array([[1, 2, 1], [1, 2, 2]], dtype=float), "fleiss").as_dict()
    assert isinstance(json.loads(json.dumps(found))["se"], float)
