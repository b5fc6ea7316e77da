"""Sensitivity per layer (issue 18): each by-layer row's E-values and, with --released-by,
the group's robustness values, on the layered mini project (lena and tomas differ on two
case histories).

Both are computed here independently from the published formulas, on a direct fit:
- E-value: VanderWeele & Ding (2017), Annals of Internal Medicine 167(4), E = RR +
  sqrt(RR (RR - 1)) for RR > 1 (a ratio below 1 inverted first); for a common outcome the
  hazard ratio is first converted, RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))
  (VanderWeele & Ding 2017, table 2); the CI's E-value is that of the limit nearer 1, or 1
  when the interval holds 1.
- Robustness value: Cinelli & Hazlett (2020), JRSS-B 82(1), eq. 18, RV = (sqrt(f^4 + 4 f^2)
  - f^2) / 2 with f = |t| / sqrt(dof), t and dof from the classical OLS fit (statsmodels).
"""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from hrd_coder.cli import main
from tests.analysis.layered_project import CASES, LENA, TOMAS

CENSOR = "2017-09-01"


def direct_cox(coded: list[str]):
    """The design's Cox summary (featured, rep) fitted with lifelines straight from CASES."""
    from lifelines import CoxPHFitter

    fitter = CoxPHFitter().fit(frame(coded), "days", "released")
    return fitter.summary


def frame(coded: list[str]):
    import pandas as pd

    rows = []
    for case_id, group, released in CASES:
        end = pd.Timestamp(released or CENSOR)
        rows.append(
            {
                "days": (end - pd.Timestamp("2015-09-01")).days,
                "released": int(released is not None),
                "featured": int(group == "featured"),
                "rep": int(case_id in coded),
            }
        )
    return pd.DataFrame(rows)


def vanderweele_ding(hr: float, low: float, high: float, common: bool) -> tuple[float, float]:
    """(E-value, E-value of the CI limit nearer 1), written out from the paper."""

    def rr(h: float) -> float:
        return (1 - 0.5 ** math.sqrt(h)) / (1 - 0.5 ** math.sqrt(1 / h)) if common else h

    def e(r: float) -> float:
        r = 1 / r if r < 1 else r
        return r + math.sqrt(r * (r - 1))

    point, lo, hi = rr(hr), rr(low), rr(high)
    if lo <= 1 <= hi:
        return e(point), 1.0
    return e(point), e(lo if point > 1 else hi)


def cinelli_hazlett_rv(coded: list[str], t_days: float) -> float:
    """RV_q=1 of `featured` in OLS of released-by-t on featured + rep (classical errors)."""
    import statsmodels.api as sm

    data = frame(coded)
    y = ((data["released"] == 1) & (data["days"] <= t_days)).astype(float)
    X = sm.add_constant(data[["featured", "rep"]].astype(float))
    fit = sm.OLS(y, X).fit()
    f = abs(fit.tvalues["featured"]) / math.sqrt(fit.df_resid)
    return (math.sqrt(f**4 + 4 * f**2) - f**2) / 2


def invoke(project, *options: str) -> dict:
    result = CliRunner().invoke(
        main, ["--project", str(project.root), "report", "named", *options, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_each_by_layer_row_has_the_e_values_of_its_hazard_ratio(layered):
    data = invoke(layered, "--by-layer")
    common = True  # 5 of the 8 women released: far above the 15% of a rare outcome
    for layer, coded in (("lena", LENA), ("tomas", TOMAS)):
        summary = direct_cox(coded)
        for covariate, name in (("featured", "featured"), ("reputational_costs", "rep")):
            row = data["layers"][layer][covariate]
            hr = summary.loc[name, "exp(coef)"]
            low = summary.loc[name, "exp(coef) lower 95%"]
            high = summary.loc[name, "exp(coef) upper 95%"]
            point, bound = vanderweele_ding(hr, low, high, common)
            assert row["evalue"] == pytest.approx(point, rel=1e-5)
            assert row["evalue_ci"] == pytest.approx(bound, rel=1e-5)
        assert data["by_layer"][layer]["kind"] == "human"
        assert data["by_layer"][layer]["evalue"] == data["layers"][layer]["featured"]["evalue"]
        assert data["by_layer"][layer]["rv_q"] is None  # no released-by model asked for


def test_released_by_adds_each_layers_robustness_value(layered):
    by_layer = invoke(layered, "--by-layer", "--released-by", "365")
    robust = invoke(layered, "--robustness", "coders", "--bootstrap", "3", "--released-by", "365")
    for layer, coded in (("lena", LENA), ("tomas", TOMAS)):
        expected = cinelli_hazlett_rv(coded, 365)
        assert by_layer["by_layer"][layer]["rv_q"] == pytest.approx(expected, rel=1e-6)
        assert by_layer["layers"][layer]["featured"]["rv_q"] == pytest.approx(expected, rel=1e-6)
        assert by_layer["layers"][layer]["reputational_costs"]["rv_q"] is None
        assert robust["by_layer"][layer]["rv_q"] == pytest.approx(expected, rel=1e-6)
        assert 0 <= robust["by_layer"][layer]["rv_qa"] <= expected
        hr = direct_cox(coded).loc["featured"]
        point, _ = vanderweele_ding(
            hr["exp(coef)"], hr["exp(coef) lower 95%"], hr["exp(coef) upper 95%"], True
        )
        assert robust["by_layer"][layer]["evalue"] == pytest.approx(point, rel=1e-5)
    assert robust["released_by"] == 365 and robust["bootstrap"]["layers"] == ["lena", "tomas"]


def test_the_tables_print_the_sensitivity_and_say_what_it_is(layered):
    runner = CliRunner()
    base = ["--project", str(layered.root), "report", "named"]
    plain = runner.invoke(main, [*base, "--by-layer", "--released-by", "365"])
    assert plain.exit_code == 0, plain.output
    assert "evalue_ci" in plain.output and "rv_qa" in plain.output and "human" in plain.output
    assert "VanderWeele & Ding 2017" in plain.output and "released-by-day-365" in plain.output
    markdown = runner.invoke(main, [*base, "--by-layer", "--format", "markdown"]).output
    assert "| layer | kind | verdict | evalue | evalue_ci |" in markdown
    robust = runner.invoke(main, [*base, "--robustness", "coders", "--bootstrap", "3"])
    assert robust.exit_code == 0, robust.output
    assert "drawn from the human coders only: lena, tomas" in robust.output
    assert "rv_q" not in robust.output  # no released-by model: no robustness value column
    zero = runner.invoke(main, [*base, "--by-layer", "--released-by", "0"])
    assert zero.exit_code == 2 and "above 0" in zero.output


def test_a_rare_outcome_takes_the_hazard_ratio_as_the_risk_ratio_as_in_the_paper():
    """VanderWeele & Ding (2017), the breastfeeding example: RR 3.9 with lower limit 1.8
    gives E-values 7.26 and 3.0 (1.8 + sqrt(1.8 x 0.8), exactly); the upper limit does not
    enter. With a rare outcome (under 15% released) a layer's hazard ratio is read so."""
    from hrd_coder.analysis.layer_sensitivity import hazard_evalue

    found = hazard_evalue(3.9, 1.8, 9.0, 0.10, "featured")
    assert found is not None and found.rare
    assert found.evalue == pytest.approx(7.26, abs=0.005)
    assert found.evalue_ci == pytest.approx(3.0, rel=1e-12)


@pytest.mark.parametrize(
    "hr, low, high", [(math.inf, 1.0, math.inf), (0.0, 0.0, 2.0), (2.0, 2.5, 3.0)]
)
def test_a_ratio_without_e_values_gives_none_not_an_error(hr, low, high):
    """A covariate constant in one group gives an infinite or zero ratio: no E-value, and
    the layer's other figures still show."""
    from hrd_coder.analysis.layer_sensitivity import hazard_evalue

    assert hazard_evalue(hr, low, high, 0.5, "featured") is None
