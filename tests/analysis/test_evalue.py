"""E-values (VanderWeele & Ding 2017) against published values and a simulated cohort.

Published: VanderWeele, T. J. & Ding, P. (2017), "Sensitivity analysis in observational
research: introducing the E-value", Annals of Internal Medicine 167(4): 268–274 — the
breastfeeding example, RR 3.9 with lower limit 1.8, E-values 7.26 and 3.02. The EValue R
package README (Mathur, Smith, Ding & VanderWeele): Hammond & Horn's smoking and lung cancer,
evalues.RR(10.73, 8.02, 14.36) gives 20.94777 and 15.52336. The common-outcome hazard-ratio
conversion (VanderWeele 2017 table 2; Biometrics 2019) has no printed worked example, so it is
checked against what it claims to be: the risk ratio at the follow-up where survival in the
two arms straddles one half, in a simulated proportional-hazards cohort fitted with lifelines.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from hrd_coder.analysis.cox import fit_cox
from hrd_coder.analysis.evalue import evalue_hr, evalue_rr, hr_to_rr


def test_the_papers_breastfeeding_example():
    assert evalue_rr(3.9) == pytest.approx(7.26, abs=0.005)
    assert evalue_rr(1.8) == pytest.approx(3.0, abs=0.03)  # printed as 3.0 (3.02)


def test_the_evalue_package_readme_example():
    assert evalue_rr(10.73) == pytest.approx(20.94777, abs=1e-5)
    assert evalue_rr(8.02) == pytest.approx(15.52336, abs=1e-5)


def test_a_protective_ratio_is_inverted_and_no_effect_gives_one():
    assert evalue_rr(1 / 3.9) == pytest.approx(evalue_rr(3.9))
    assert evalue_rr(1.0) == 1.0


def cohort(hr: float, follow_up: float, n: int = 40_000, seed: int = 5) -> pd.DataFrame:
    """Exponential times with hazard 1 (group 0) and `hr` (group 1), censored at follow_up."""
    rng = np.random.default_rng(seed)
    group = np.repeat([0, 1], n // 2)
    time = rng.exponential(1 / np.where(group == 1, hr, 1.0))
    return pd.DataFrame(
        {"days": np.minimum(time, follow_up), "released": (time <= follow_up).astype(int)}
    ).assign(group=group)


def test_the_common_outcome_conversion_is_the_risk_ratio_it_approximates():
    hr = 2.0
    # Survival in the reference arm 0.5^(1/sqrt(HR)): the follow-up the conversion assumes.
    follow_up = -math.log(0.5 ** (1 / math.sqrt(hr)))
    data = cohort(hr, follow_up)
    fitted = fit_cox(data, "days", "released", ["group"]).summary.loc["group", "hr"]
    risk = data.groupby("group")["released"].mean()
    observed_rr = risk[1] / risk[0]
    assert data["released"].mean() > 0.15  # a common outcome, as release is in our designs
    assert hr_to_rr(fitted, rare=False) == pytest.approx(observed_rr, rel=0.02)
    assert abs(hr_to_rr(fitted, rare=True) - observed_rr) > 0.3  # HR as RR would overstate


def test_a_rare_outcome_keeps_the_hazard_ratio():
    data = cohort(2.0, follow_up=0.03)
    assert data["released"].mean() < 0.15
    fitted = fit_cox(data, "days", "released", ["group"]).summary.loc["group", "hr"]
    risk = data.groupby("group")["released"].mean()
    assert hr_to_rr(fitted, rare=True) == pytest.approx(risk[1] / risk[0], rel=0.1)


def test_the_confidence_limit_nearer_one():
    common = evalue_hr(1.3, 1.2, 1.4, outcome_share=0.45, covariate="featured")
    rr_low = (1 - 0.5 ** math.sqrt(1.2)) / (1 - 0.5 ** math.sqrt(1 / 1.2))
    assert not common.rare and "common outcome" in common.conversion
    assert common.evalue_ci == pytest.approx(rr_low + math.sqrt(rr_low * (rr_low - 1)))
    protective = evalue_hr(0.5, 0.3, 0.8, outcome_share=0.05)
    assert protective.rare and protective.evalue_ci == pytest.approx(evalue_rr(1 / 0.8))
    assert evalue_hr(1.3, 0.3, 5.5, outcome_share=0.45).evalue_ci == 1.0
    assert evalue_hr(1.3, 0.3, 5.5, outcome_share=0.45).as_dict()["conversion"].startswith("common")


def test_bad_input_gets_a_reason():
    with pytest.raises(ValueError, match="not inside its interval"):
        evalue_hr(2.0, 2.5, 3.0, outcome_share=0.5)
    with pytest.raises(ValueError, match="positive number"):
        evalue_hr(1.5, 0.5, math.inf, outcome_share=0.5)
    with pytest.raises(ValueError, match="positive number"):
        evalue_rr(0)
