"""The proportional-hazards check on Rossi's data (Grambsch & Therneau 1994).

Published: lifelines' own tutorial, "Testing the proportional hazard assumptions"
(docs/jupyter_notebooks/Proportional hazard assumption.ipynb, 2019), prints for this model
with the "km" time transform: age 11.03 (p = 0.0009), wexp 7.48 (p = 0.0063), fin 0.02,
mar 0.60, paro 0.12, prio 0.02, race 1.44. Its "rank" figures of the time (age 11.09,
wexp 7.18) came from an older definition of the rank transform; lifelines 0.30 ranks event
times by their order and gives age 11.45 (p = 0.0007), wexp 7.31 (p = 0.0068).

lifelines computes the approximation that R's `cox.zph` used before survival 3.0 (2019),
so today's R differs in the numbers but not in the conclusion: R 4.2.2 with survival 3.5-3,
`cox.zph(fit)` ("km"), run by hand, gives age chisq 5.974 (p = 0.0145) and wexp 4.225
(p = 0.0398), every other p above 0.15, and GLOBAL 17.69 on 7 df (p = 0.0134). Age and work
experience are the covariates whose effects change over time, as Fox & Weisberg's appendix
also finds for age.
"""

from __future__ import annotations

import pytest

from hrd_coder.analysis import ph_test
from hrd_coder.analysis.ph_test import format_p
from tests.analysis.examples import ROSSI_COVARIATES, rossi

LIFELINES_TUTORIAL_KM = {
    "fin": 0.02,
    "age": 11.03,
    "race": 1.44,
    "wexp": 7.48,
    "mar": 0.60,
    "paro": 0.12,
    "prio": 0.02,
}
R_SURVIVAL_3_P = {
    "fin": 0.8027,
    "age": 0.0145,
    "race": 0.1504,
    "wexp": 0.0398,
    "mar": 0.3147,
    "paro": 0.8921,
    "prio": 0.4706,
}


@pytest.fixture(scope="module")
def checks():
    return ph_test(rossi(), "week", "arrest", ROSSI_COVARIATES)


def test_km_transform_matches_the_lifelines_tutorial():
    *per_covariate, overall = ph_test(
        rossi(), "week", "arrest", ROSSI_COVARIATES, time_transform="km"
    )
    assert {check.covariate: round(check.statistic, 2) for check in per_covariate} == (
        LIFELINES_TUTORIAL_KM
    )
    by_name = {check.covariate: check for check in per_covariate}
    assert round(by_name["age"].p, 4) == 0.0009
    assert round(by_name["wexp"].p, 4) == 0.0063
    # The pre-2019 global statistic lands near today's R GLOBAL (17.69, p = 0.0134).
    assert overall.statistic == pytest.approx(17.69, abs=0.05)
    assert overall.p == pytest.approx(0.0134, abs=0.0005)


def test_rank_transform_is_the_default(checks):
    *per_covariate, _ = checks
    assert [check.covariate for check in per_covariate] == ROSSI_COVARIATES
    assert all(check.degrees_of_freedom == 1 for check in per_covariate)
    by_name = {check.covariate: check for check in per_covariate}
    assert round(by_name["age"].statistic, 2) == 11.45
    assert round(by_name["wexp"].statistic, 2) == 7.31
    assert by_name["age"].p == pytest.approx(0.000714, abs=5e-6)
    assert by_name["wexp"].p == pytest.approx(0.00684, abs=5e-5)


def test_age_and_wexp_are_flagged_as_in_r(checks):
    *per_covariate, _ = checks
    flagged = {check.covariate for check in per_covariate if not check.proportional}
    assert flagged == {"age", "wexp"}
    assert flagged == {name for name, p in R_SURVIVAL_3_P.items() if p < 0.05}


def test_verdicts_say_what_to_do(checks):
    by_name = {check.covariate: check for check in checks}
    assert by_name["age"].verdict == (
        "hazards may not be proportional (p < 0.001): consider stratifying on age or an "
        "interaction with time"
    )
    assert by_name["wexp"].verdict == (
        "hazards may not be proportional (p = 0.007): consider stratifying on wexp or an "
        "interaction with time"
    )
    assert by_name["mar"].verdict == "no evidence against proportional hazards (p = 0.40)"
    assert by_name["fin"].verdict == "no evidence against proportional hazards (p = 0.90)"


def test_overall_check_comes_last_and_agrees_with_r(checks):
    overall = checks[-1]
    assert overall.covariate is None
    assert overall.degrees_of_freedom == 7
    # Same conclusion as R's GLOBAL test (17.69, p = 0.0134), on the rank time scale.
    assert overall.statistic == pytest.approx(17.95, abs=0.005)
    assert 0.01 < overall.p < 0.05
    assert not overall.proportional
    assert overall.verdict == (
        "hazards may not be proportional in the model as a whole (p = 0.01): look first at "
        "age, wexp"
    )


def test_with_one_covariate_the_global_test_is_the_covariate_test():
    only_age = ph_test(rossi(), "week", "arrest", ["age"])
    assert only_age[1].statistic == pytest.approx(only_age[0].statistic, rel=1e-10)
    assert only_age[1].p == pytest.approx(only_age[0].p, rel=1e-10)


def test_strata_take_a_covariate_out_of_the_check():
    checks = ph_test(rossi(), "week", "arrest", ["fin", "age", "prio"], strata="wexp")
    assert [check.covariate for check in checks] == ["fin", "age", "prio", None]
    assert not checks[1].proportional  # age still changes its effect over time


def test_nothing_flagged_reads_as_reassurance():
    checks = ph_test(rossi(), "week", "arrest", ["fin", "prio"])
    assert all(check.proportional for check in checks)
    assert checks[-1].verdict.startswith(
        "no evidence against proportional hazards in the model as a whole (p = "
    )


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0004, "p < 0.001"), (0.0068, "p = 0.007"), (0.0134, "p = 0.01"), (0.4123, "p = 0.41")],
)
def test_p_values_are_written_as_in_papers(p, text):
    assert format_p(p) == text


def test_a_covariate_cannot_also_be_a_stratum():
    with pytest.raises(ValueError, match="used twice"):
        ph_test(rossi(), "week", "arrest", ["fin", "wexp"], strata="wexp")
