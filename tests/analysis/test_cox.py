"""Cox models checked against published output and against R's survival package.

Published: Fox & Weisberg (2011/2018), "Cox Proportional-Hazards Regression for Survival
Data in R", fit `coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio)` to
Rossi's data and print coef -0.37942, -0.05744, 0.31390, -0.14980, -0.43370, -0.08487,
0.09150 with se(coef) 0.19138, 0.02200, 0.30799, 0.21222, 0.38187, 0.19576, 0.02865 and
concordance 0.64; log-likelihood -658.75 (LR test 33.27 on 7 df from -675.38).

Independent implementation: R 4.2.2 with survival 3.5-3 (Debian bookworm), run by hand on
the same data (`tests/analysis/examples.rossi()` written to CSV), for what no publication
prints: Breslow ties, strata, cluster-robust standard errors, delayed entry. The R calls
are quoted beside each set of numbers.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hrd_coder.analysis import fit_cox
from tests.analysis.examples import ROSSI_COVARIATES, rossi

FOX_WEISBERG_COEF = [-0.37942, -0.05744, 0.31390, -0.14980, -0.43370, -0.08487, 0.09150]
FOX_WEISBERG_SE = [0.19138, 0.02200, 0.30799, 0.21222, 0.38187, 0.19576, 0.02865]

# coxph(Surv(week, arrest) ~ fin + age + race + wexp + mar + paro + prio, ties = "breslow")
R_BRESLOW_COEF = [
    -0.37902189, -0.05724593, 0.31412977, -0.15111460, -0.43278257, -0.08498284, 0.09111154
]  # fmt: skip
R_BRESLOW_SE = [
    0.19136443, 0.02198319, 0.30801728, 0.21212316, 0.38179494, 0.19574821, 0.02863125
]  # fmt: skip
R_BRESLOW_LOGLIK, R_BRESLOW_CONCORDANCE = -659.1206057, 0.6404232

# coxph(Surv(week, arrest) ~ fin + age + race + mar + paro + prio + strata(wexp), ties = ...)
SIX = ["fin", "age", "race", "mar", "paro", "prio"]
R_STRATA = {
    "efron": (
        [-0.380154099, -0.058213480, 0.306569449, -0.453871629, -0.082738911, 0.090743642],
        [0.191272550, 0.022064659, 0.308029804, 0.381736979, 0.195685985, 0.028683588],
        -580.8857465,
        0.61244922,
    ),
    "breslow": (
        [-0.379659638, -0.057992276, 0.304611832, -0.451593087, -0.082715575, 0.090323576],
        [0.191250823, 0.022041270, 0.308037272, 0.381700987, 0.195694320, 0.028670105],
        -581.2748312,
        0.61249701,
    ),
}

# coxph(Surv(entry, week, arrest) ~ fin + age + race + wexp + mar + paro + prio, ties = ...)
R_ENTRY = {
    "efron": (
        [-0.341390632, -0.053554525, 0.289706329, -0.157745907, -0.424727012, -0.083227873,
         0.085994423],
        [0.191352117, 0.021848109, 0.308337912, 0.212156102, 0.382304260, 0.195649449,
         0.028374348],
        -641.0945928,
    ),
    "breslow": (
        [-0.341185796, -0.053373623, 0.289580335, -0.158927505, -0.423557735, -0.083477876,
         0.085545607],
        [0.191334705, 0.021833032, 0.308364142, 0.212066515, 0.382232884, 0.195641911,
         0.028361385],
        -641.5042527,
    ),
}  # fmt: skip

# coxph(Surv(week, arrest) ~ ..., ties = ..., cluster = cluster): robust se
R_CLUSTER_SE = {
    "efron": [0.195055028, 0.026731285, 0.280002214, 0.217888654, 0.378320509, 0.208578631,
              0.029341447],
    "breslow": [0.194257525, 0.026621240, 0.278940645, 0.216818093, 0.376960506, 0.207612370,
                0.029100394],
}  # fmt: skip


@pytest.fixture(scope="module")
def data():
    return rossi()


def test_efron_matches_fox_and_weisberg(data):
    result = fit_cox(data, "week", "arrest", ROSSI_COVARIATES)
    assert result.engine == "lifelines CoxPHFitter" and result.ties == "efron"
    assert list(result.summary.index) == ROSSI_COVARIATES
    np.testing.assert_allclose(result.summary["coef"], FOX_WEISBERG_COEF, atol=5e-6)
    np.testing.assert_allclose(result.summary["se"], FOX_WEISBERG_SE, atol=5e-6)
    np.testing.assert_allclose(result.summary["hr"], np.exp(result.summary["coef"]))
    assert round(result.concordance, 2) == 0.64
    assert round(result.log_likelihood, 2) == -658.75
    assert (result.n, result.events) == (432, 114)
    # Fox & Weisberg's p for prio (0.0014) and age (0.0090), from z = coef / se.
    assert result.summary.loc["prio", "p"] == pytest.approx(0.00140, abs=5e-6)
    assert result.summary.loc["age", "p"] == pytest.approx(0.00903, abs=5e-6)


def test_breslow_through_statsmodels_matches_r(data):
    result = fit_cox(data, "week", "arrest", ROSSI_COVARIATES, ties="breslow")
    assert result.engine == "statsmodels PHReg" and result.ties == "breslow"
    assert result.optimiser == "newton" and result.notes == ()  # no fallback needed here
    np.testing.assert_allclose(result.summary["coef"], R_BRESLOW_COEF, atol=1e-7)
    np.testing.assert_allclose(result.summary["se"], R_BRESLOW_SE, atol=1e-7)
    assert result.log_likelihood == pytest.approx(R_BRESLOW_LOGLIK, abs=1e-6)
    assert result.concordance == pytest.approx(R_BRESLOW_CONCORDANCE, abs=1e-7)
    # Weekly times have many ties, so Breslow differs from Efron, but only a little.
    efron = fit_cox(data, "week", "arrest", ROSSI_COVARIATES).summary["coef"]
    np.testing.assert_allclose(result.summary["coef"], efron, atol=2e-3)


def test_without_ties_breslow_and_efron_are_the_same_model(data):
    """With no tied times the two partial likelihoods coincide, so both engines must agree."""
    untied = data.copy()
    untied["days"] = untied["week"] * 7 - np.random.default_rng(7).uniform(0, 6, len(untied))
    assert not untied.loc[untied["arrest"] == 1, "days"].duplicated().any()
    efron = fit_cox(untied, "days", "arrest", ROSSI_COVARIATES)
    breslow = fit_cox(untied, "days", "arrest", ROSSI_COVARIATES, ties="breslow")
    for column in ("coef", "se", "p", "hr_low", "hr_high"):
        np.testing.assert_allclose(efron.summary[column], breslow.summary[column], rtol=1e-6)
    assert efron.log_likelihood == pytest.approx(breslow.log_likelihood, rel=1e-9)
    assert efron.concordance == pytest.approx(breslow.concordance, rel=1e-9)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_strata_match_r(data, ties):
    coef, se, loglik, concordance = R_STRATA[ties]
    result = fit_cox(data, "week", "arrest", SIX, strata="wexp", ties=ties)
    assert result.strata == ("wexp",)
    np.testing.assert_allclose(result.summary["coef"], coef, atol=1e-7)
    np.testing.assert_allclose(result.summary["se"], se, atol=1e-7)
    assert result.log_likelihood == pytest.approx(loglik, abs=1e-6)
    assert result.concordance == pytest.approx(concordance, abs=1e-7)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_delayed_entry_matches_r(data, ties):
    """Entries fall on event times here, so this also pins down who is at risk at a tie."""
    coef, se, loglik = R_ENTRY[ties]
    result = fit_cox(data, "week", "arrest", ROSSI_COVARIATES, ties=ties, entry="entry")
    assert result.entry == "entry"
    np.testing.assert_allclose(result.summary["coef"], coef, atol=1e-7)
    np.testing.assert_allclose(result.summary["se"], se, atol=1e-7)
    assert result.log_likelihood == pytest.approx(loglik, abs=1e-6)


def test_cluster_robust_breslow_matches_r(data):
    result = fit_cox(data, "week", "arrest", ROSSI_COVARIATES, cluster="cluster", ties="breslow")
    np.testing.assert_allclose(result.summary["coef"], R_BRESLOW_COEF, atol=1e-7)
    np.testing.assert_allclose(result.summary["se"], R_CLUSTER_SE["breslow"], atol=1e-7)
    assert result.notes == ()


def test_cluster_robust_efron_on_untied_times_matches_the_breslow_engine(data):
    """Without ties lifelines' sandwich and statsmodels' agree to the last digit.

    (R agreed with both, to 7 digits, on a similar untied version of the data, weeks minus
    uniform(0, 0.5) noise, checked by hand: se 0.1940593, 0.0265485, 0.2793214, ...)
    """
    untied = data.copy()
    untied["days"] = untied["week"] * 7 - np.random.default_rng(7).uniform(0, 6, len(untied))
    efron = fit_cox(untied, "days", "arrest", ROSSI_COVARIATES, cluster="cluster")
    breslow = fit_cox(untied, "days", "arrest", ROSSI_COVARIATES, cluster="cluster", ties="breslow")
    np.testing.assert_allclose(efron.summary["se"], breslow.summary["se"], rtol=1e-6)
    assert efron.notes == ()
    model_based = fit_cox(untied, "days", "arrest", ROSSI_COVARIATES).summary["se"]
    assert not np.allclose(efron.summary["se"], model_based, rtol=1e-3)


def test_cluster_robust_efron_with_ties_says_it_may_differ_from_r(data):
    """lifelines' sandwich estimator ignores ties (its 0.15 changelog says so): on Rossi's
    weekly times its standard errors are within 6% of R's, not equal, and the result says so."""
    result = fit_cox(data, "week", "arrest", ROSSI_COVARIATES, cluster="cluster")
    np.testing.assert_allclose(result.summary["coef"], FOX_WEISBERG_COEF, atol=5e-6)
    np.testing.assert_allclose(result.summary["se"], R_CLUSTER_SE["efron"], rtol=0.06)
    assert len(result.notes) == 1 and "ties='breslow'" in result.notes[0]


def test_as_dict_is_json_ready(data):
    result = fit_cox(data, "week", "arrest", ["fin", "prio"], strata="wexp")
    as_json = json.loads(json.dumps(result.as_dict()))
    assert set(as_json["coefficients"]) == {"fin", "prio"}
    assert set(as_json["coefficients"]["fin"]) == {
        "coef",
        "se",
        "z",
        "p",
        "hr",
        "hr_low",
        "hr_high",
    }
    assert as_json["engine"] == "lifelines CoxPHFitter"
    assert as_json["strata"] == ["wexp"]
    assert (as_json["n"], as_json["events"]) == (432, 114)


@pytest.mark.filterwarnings("ignore::lifelines.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.ConvergenceWarning")
@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_perfect_separation_is_pointed_out(ties):
    """Every featured case released, no other: the estimate runs off to infinity."""
    cases = pd.DataFrame(
        {"days": range(1, 9), "released": [1, 1, 1, 1, 0, 0, 0, 0], "featured": [1] * 4 + [0] * 4}
    )
    result = fit_cox(cases, "days", "released", ["featured"], ties=ties)
    assert result.summary.loc["featured", "hr_high"] == np.inf
    assert result.as_dict()["coefficients"]["featured"]["hr_high"] is None
    assert any("separate released from unreleased" in note for note in result.notes)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"covariates": []}, "at least one covariate"),
        ({"covariates": ["fin"], "ties": "exact"}, "ties must be one of"),
        ({"covariates": ["fin", "wexp"], "strata": "wexp"}, "used twice"),
        ({"covariates": ["fni"]}, "no column named 'fni'"),
    ],
)
def test_wrong_arguments_say_what_to_fix(data, arguments, message):
    with pytest.raises(ValueError, match=message):
        fit_cox(data, "week", "arrest", **arguments)


def test_bad_values_in_a_frame_are_refused(data):
    broken = data.assign(week=data["week"].where(data.index != 3, -1))
    with pytest.raises(ValueError, match="negative durations"):
        fit_cox(broken, "week", "arrest", ["fin"])
    with pytest.raises(ValueError, match="0/1"):
        fit_cox(data.assign(arrest=data["arrest"] * 2), "week", "arrest", ["fin"])
    with pytest.raises(ValueError, match="missing values in 'fin'"):
        fit_cox(data.assign(fin=data["fin"].where(data.index != 5)), "week", "arrest", ["fin"])
    with pytest.raises(ValueError, match="earlier than duration"):
        fit_cox(data.assign(entry=data["week"]), "week", "arrest", ["fin"], entry="entry")
