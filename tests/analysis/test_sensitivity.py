"""Omitted-variable sensitivity (Cinelli & Hazlett 2020) against published and independent figures.

Published: Cinelli, C. & Hazlett, C. (2020), "Making sense of sensitivity: extending omitted
variable bias", JRSS-B 82(1), section 5: the Darfur example (Hazlett 2019),
peacefactor ~ directlyharmed + age + farmer_dar + herder_dar + pastvoted + hhsize_darfur +
female + village. The exact figures are those the authors' R package checks itself against
(sensemakr, tests/testthat/test-02-darfur.R, "testing darfur sensemakr manually": estimate
0.09731582, se 0.02325654, dof 783; R² 0.02187309, RV 0.1387764, RV(alpha 0.05) 0.07625797;
bounds 1x/2x/3x female). The Darfur data are not available offline, so the statistics are
tested from these summary figures, and the whole pipeline against regressions on simulated
data whose partial R²s are computed here by explicit residualisation (Frisch–Waugh–Lovell).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.stats import t as student

from hrd_coder.analysis.contour_plot import contour_plot
from hrd_coder.analysis.linear_probability import released_by_model
from hrd_coder.analysis.sensitivity import (
    adjusted_estimate,
    adjusted_se,
    benchmark_strength,
    bias,
    ols_sensitivity,
    ovb_sensitivity,
    partial_r2,
    robustness_value,
)

ESTIMATE, SE, DOF = 0.09731582, 0.02325654, 783
# sensemakr's ovb_bounds(model, "directlyharmed", benchmark_covariates = "female", kd = 1:3)
DARFUR_BOUNDS = pd.DataFrame(
    {
        "bound": ["1x female", "2x female", "3x female"],
        "r2dz_x": [0.00916428667504862, 0.0183285733500972, 0.0274928600251459],
        "r2yz_dx": [0.12464092303637, 0.249324064199975, 0.374050471038094],
        "adjusted_estimate": [0.0752202698486415, 0.0529151689180575, 0.0303960178770157],
        "adjusted_se": [0.0218733298036818, 0.0203500639944344, 0.0186700665753491],
        "adjusted_t": [3.43890347394571, 2.60024582392121, 1.62806156873318],
        "adjusted_ci_low": [0.0322829603180086, 0.0129680276030601, -0.00625329133645187],
        "adjusted_ci_high": [0.118157579379274, 0.092862310233055, 0.0670453270904833],
    }
)


def female_partial_r2() -> tuple[float, float]:
    """female's partial R² with directlyharmed and with peacefactor, from the 1x bound.

    sensemakr prints the bounds, not the benchmark's own partial R²s, so they are recovered
    by inverting the paper's formulas at k = 1 (R²dz = f²dxj; R²yz = scale · f²yxj). The 2x
    and 3x rows and every adjusted figure are then independent checks of the formulas.
    """
    r2dz, r2yz = DARFUR_BOUNDS.loc[0, ["r2dz_x", "r2yz_dx"]]
    r2dxj = r2dz / (1 + r2dz)
    r2zxj = r2dxj**2 / (1 - r2dxj) ** 2
    f2yxj = r2yz * (1 - r2zxj) / (1 + np.sqrt(r2zxj)) ** 2
    return r2dxj, f2yxj / (1 + f2yxj)


def test_darfur_sensitivity_statistics():
    found = ovb_sensitivity(ESTIMATE, SE, DOF, "directlyharmed")
    assert found.t == pytest.approx(4.18445, abs=1e-5)
    assert found.r2yd_x == pytest.approx(0.02187309, abs=1e-7)  # the paper's 2.19%
    assert found.rv_q == pytest.approx(0.1387764, abs=1e-6)  # 13.9%
    assert found.rv_qa == pytest.approx(0.07625797, abs=1e-6)  # 7.6%


def test_darfur_bounds_benchmarked_on_female():
    r2dxj, r2yxj = female_partial_r2()
    assert r2dxj == pytest.approx(0.0091, abs=1e-4)  # the paper: under 1% with the treatment
    found = ovb_sensitivity(ESTIMATE, SE, DOF, "directlyharmed", {"female": (r2dxj, r2yxj)})
    exact = [c for c in DARFUR_BOUNDS.columns if not c.startswith("adjusted_ci")]
    pd.testing.assert_frame_equal(found.bounds[exact], DARFUR_BOUNDS[exact], rtol=1e-6, atol=1e-9)
    # sensemakr takes the interval's t quantile on the short model's 783 dof; we take it on
    # the 782 of the regression that includes the confounder (whose se `adjusted_se` is, and
    # on which RV_q,alpha is defined), a difference of 4e-6 in the quantile here.
    for side in ("adjusted_ci_low", "adjusted_ci_high"):
        assert list(found.bounds[side]) == pytest.approx(list(DARFUR_BOUNDS[side]), abs=2e-7)
    assert found.notes == ()


def test_the_interval_at_the_robustness_value_touches_zero():
    # Why the interval uses dof − 1: at R²dz = R²yz = RV_q,alpha its limit is then exactly 0.
    rv = robustness_value(ESTIMATE / SE, DOF, alpha=0.05)
    adjusted = adjusted_estimate(ESTIMATE, SE, DOF, rv, rv)
    spread = student.ppf(0.975, DOF - 1) * adjusted_se(SE, DOF, rv, rv)
    assert adjusted - spread == pytest.approx(0, abs=1e-12)


def test_a_negative_estimate_is_the_mirror_image():
    # sensemakr's "testing darfur sensemakr but negative": the treatment times -1.
    found = ovb_sensitivity(-ESTIMATE, SE, DOF, "d", {"female": female_partial_r2()})
    assert list(found.bounds["adjusted_estimate"]) == pytest.approx(
        list(-DARFUR_BOUNDS["adjusted_estimate"]), rel=1e-6
    )
    assert found.rv_q == pytest.approx(0.1387764, abs=1e-6)


def test_robustness_values_mean_what_the_paper_says():
    # RV_q=1: a confounder with both partial R²s equal to it brings the estimate to 0;
    # RV_q=1,alpha: it brings the adjusted t to the critical value (Cinelli & Hazlett, 4.2).
    rv = robustness_value(ESTIMATE / SE, DOF)
    assert adjusted_estimate(ESTIMATE, SE, DOF, rv, rv) == pytest.approx(0, abs=1e-12)
    rv_a = robustness_value(ESTIMATE / SE, DOF, alpha=0.05)
    t = adjusted_estimate(ESTIMATE, SE, DOF, rv_a, rv_a) / adjusted_se(SE, DOF, rv_a, rv_a)
    assert t == pytest.approx(student.ppf(0.975, DOF - 1), rel=1e-9)
    # An estimate already within the interval's reach needs no confounder at all.
    assert robustness_value(1.0, 100, alpha=0.05) == 0


@pytest.mark.parametrize(("t", "dof"), [(ESTIMATE / SE, DOF), (3.0, 30), (12.0, 10), (6.0, 5)])
def test_the_robustness_value_is_the_weakest_confounder_that_overturns_the_test(t, dof):
    # The definition, searched by brute force: the least max(R²dz, R²yz) over a grid of
    # confounders that bring the adjusted t down to the critical value. (12, 10) and (6, 5)
    # fall in the paper's second branch, where f_q > 1/f* and RV = (f_q² − f*²)/(1 + f_q²).
    grid = np.linspace(0, 0.9999, 3000)
    r2dz, r2yz = np.meshgrid(grid, grid)
    adjusted_t = (t - bias(1.0, dof, r2dz, r2yz)) / adjusted_se(1.0, dof, r2dz, r2yz)
    overturned = adjusted_t <= student.ppf(0.975, dof - 1)
    weakest = np.maximum(r2dz, r2yz)[overturned].min()
    assert robustness_value(t, dof, alpha=0.05) == pytest.approx(weakest, abs=1 / 3000)


def simulated(seed: int = 7, n: int = 400) -> pd.DataFrame:
    """Covariates X1, X2, a confounder Z, a treatment D driven by all three, an outcome Y."""
    rng = np.random.default_rng(seed)
    x1, x2, z = rng.normal(size=(3, n))
    d = (0.6 * x1 - 0.3 * x2 + 0.8 * z + rng.normal(size=n) > 0).astype(float)
    y = 0.4 * d + 0.5 * x1 + 0.2 * x2 + 0.7 * z + rng.normal(size=n)
    return pd.DataFrame({"y": y, "d": d, "x1": x1, "x2": x2, "z": z})


def residual(target: pd.Series, on: pd.DataFrame) -> np.ndarray:
    """`target` with `on` (and a constant) partialled out, by OLS (Frisch–Waugh–Lovell)."""
    return np.asarray(sm.OLS(target, sm.add_constant(on)).fit().resid)


def fwl_r2(a: pd.Series, b: pd.Series, given: pd.DataFrame) -> float:
    """Partial R² of a and b given `given`: the squared correlation of their residuals."""
    return float(np.corrcoef(residual(a, given), residual(b, given))[0, 1] ** 2)


def test_the_bias_formula_recovers_an_omitted_confounder_exactly():
    data = simulated()
    observed = sm.add_constant(data[["d", "x1", "x2"]])
    short = sm.OLS(data["y"], observed).fit()
    full = sm.OLS(data["y"], sm.add_constant(data[["d", "x1", "x2", "z"]])).fit()
    r2dz = fwl_r2(data["d"], data["z"], data[["x1", "x2"]])
    r2yz = fwl_r2(data["y"], data["z"], data[["d", "x1", "x2"]])
    # In sample the omitted-variable bias is an identity, not an approximation (section 3).
    found = bias(short.bse["d"], short.df_resid, r2dz, r2yz)
    assert found == pytest.approx(abs(short.params["d"] - full.params["d"]), rel=1e-9)
    assert adjusted_se(short.bse["d"], short.df_resid, r2dz, r2yz) == pytest.approx(
        full.bse["d"], rel=1e-9
    )


def test_ols_sensitivity_partial_r2s_match_residualisation():
    data = simulated(seed=11)
    terms = sm.add_constant(data[["d", "x1", "x2"]])
    found = ols_sensitivity(data["y"], terms, "d")
    assert found.r2yd_x == pytest.approx(fwl_r2(data["y"], data["d"], data[["x1", "x2"]]))
    r2dxj = fwl_r2(data["d"], data["x1"], data[["x2"]])
    r2yxj = fwl_r2(data["y"], data["x1"], data[["d", "x2"]])
    expected = [benchmark_strength(r2dxj, r2yxj, k) for k in (1, 2, 3)]
    rows = found.bounds.set_index("bound")
    for k, (r2dz, r2yz) in zip((1, 2, 3), expected, strict=True):
        assert rows.loc[f"{k}x x1", "r2dz_x"] == pytest.approx(r2dz, rel=1e-9)
        assert rows.loc[f"{k}x x1", "r2yz_dx"] == pytest.approx(r2yz, rel=1e-9)
    assert set(rows.index) == {f"{k}x {name}" for k in (1, 2, 3) for name in ("x1", "x2")}
    assert partial_r2(found.t, found.dof) == pytest.approx(found.r2yd_x)


def test_a_bound_on_a_covariate_as_strong_as_one_is_capped_and_noted():
    found = ovb_sensitivity(0.3, 0.1, 50, "d", {"strong": (0.05, 0.6)})
    capped = found.bounds.set_index("bound").loc["3x strong"]
    assert capped["r2yz_dx"] == 1.0 and capped["adjusted_se"] == 0
    assert any("capped at 100%" in note for note in found.notes)
    impossible = ovb_sensitivity(0.3, 0.1, 50, "d", {"huge": (0.4, 0.1)})
    assert list(impossible.bounds["bound"]) == ["1x huge"]
    assert any("no bound 2x huge" in note and "impossible" in note for note in impossible.notes)


def test_bad_input_gets_a_reason():
    data = simulated().assign(d=1.0)
    with pytest.raises(ValueError, match="every case has the same d"):
        ols_sensitivity(data["y"], sm.add_constant(data[["d", "x1"]], has_constant="add"), "d")
    with pytest.raises(ValueError, match="1 residual degree"):
        ovb_sensitivity(0.1, 0.05, 1)


def test_the_linear_probability_model_carries_its_sensitivity():
    rng = np.random.default_rng(3)
    n = 120
    group = rng.integers(0, 2, n)
    age = rng.normal(40, 10, n)
    days = rng.exponential(400 / (1 + group), n).round() + 1
    frame = pd.DataFrame(
        {"days": np.minimum(days, 700), "released": (days <= 700).astype(int), "g": group}
    ).assign(age=age)
    result = released_by_model(frame, "days", "released", 365, "g", ["age"])
    found = result.sensitivity
    assert found is not None and found.treatment == "g"
    assert found.estimate == pytest.approx(result.model.loc["g", "coef"])  # same OLS
    assert list(found.bounds["bound"]) == ["1x age", "2x age", "3x age"]
    assert result.as_dict()["sensitivity"]["bounds"]["1x age"]["r2dz_x"] >= 0
    one_group = released_by_model(frame.assign(g=1), "days", "released", 365, "g", ["age"])
    assert one_group.model is None and one_group.sensitivity is None
    assert any("all in one group of g" in note for note in one_group.notes)


def test_the_contour_figure_is_written(tmp_path):
    r2dxj, r2yxj = female_partial_r2()
    found = ovb_sensitivity(ESTIMATE, SE, DOF, "directlyharmed", {"female": (r2dxj, r2yxj)})
    png, svg = contour_plot(found, tmp_path / "darfur.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text()
    assert "3x female (0.030)" in text and "unadjusted (0.097)" in text
