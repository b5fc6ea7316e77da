"""E-values: how strong an unmeasured confounder would have to be to explain a hazard ratio away.

VanderWeele & Ding (2017), "Sensitivity analysis in observational research: introducing
the E-value", Annals of Internal Medicine 167(4). The E-value of a risk ratio RR > 1 is
RR + sqrt(RR (RR − 1)): the least risk ratio a confounder would need with both the group and
the outcome, beyond the measured covariates, to move the estimate to 1. A hazard ratio is a
risk ratio only when the outcome is rare (under 15% by the end of follow-up); for a common
outcome VanderWeele & Ding (2017, table 2; VanderWeele, Biometrics 2020) convert it with
RR ≈ (1 − 0.5^sqrt(HR)) / (1 − 0.5^sqrt(1/HR)), as the EValue R package does
(Mathur, Ding, Riddell & VanderWeele 2018). Release is common in our designs, so the report
decides from the data and says which it used. Four lines of arithmetic: no library needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

RARE_BELOW = 0.15
"""Share of cases with the outcome by the end of follow-up under which it counts as rare."""


def evalue_rr(rr: float) -> float:
    """The E-value of a risk ratio (a ratio below 1 is inverted first); 1 for no effect."""
    if not rr > 0 or math.isinf(rr):
        raise ValueError(f"a risk ratio must be a positive number, not {rr}")
    rr = 1 / rr if rr < 1 else rr
    return rr + math.sqrt(rr * (rr - 1))


def hr_to_rr(hr: float, rare: bool) -> float:
    """A hazard ratio on the risk-ratio scale: as is if rare, else VanderWeele's conversion."""
    if not hr > 0 or math.isinf(hr):
        raise ValueError(f"a hazard ratio must be a positive number, not {hr}")
    if rare:
        return hr
    return (1 - 0.5 ** math.sqrt(hr)) / (1 - 0.5 ** math.sqrt(1 / hr))


@dataclass(frozen=True)
class EValue:
    """E-values of a hazard ratio and of its confidence limit nearer 1 (1 if the CI holds 1).

    `rr`, `rr_low`, `rr_high` are the ratio and its limits on the risk-ratio scale;
    `outcome_share` the share of cases with the outcome by the end of follow-up, which set
    `rare` (below RARE_BELOW) and so the conversion used.
    """

    covariate: str
    hr: float
    hr_low: float
    hr_high: float
    rr: float
    rr_low: float
    rr_high: float
    evalue: float
    evalue_ci: float
    rare: bool
    outcome_share: float

    @property
    def conversion(self) -> str:
        """Which hazard-to-risk ratio rule was used, in words."""
        if self.rare:
            return "rare outcome: HR taken as RR"
        return "common outcome: RR = (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the conversion used in words."""
        return {
            "covariate": self.covariate,
            "hr": self.hr,
            "hr_low": self.hr_low,
            "hr_high": self.hr_high,
            "rr": self.rr,
            "rr_low": self.rr_low,
            "rr_high": self.rr_high,
            "evalue": self.evalue,
            "evalue_ci": self.evalue_ci,
            "rare": self.rare,
            "outcome_share": self.outcome_share,
            "conversion": self.conversion,
        }


def evalue_hr(
    hr: float, low: float, high: float, outcome_share: float, covariate: str = ""
) -> EValue:
    """E-values for a hazard ratio with its CI, the outcome's share deciding rare or common."""
    if not low <= hr <= high:
        raise ValueError(f"the hazard ratio {hr:g} is not inside its interval {low:g}–{high:g}")
    rare = outcome_share < RARE_BELOW
    rr, rr_low, rr_high = (hr_to_rr(value, rare) for value in (hr, low, high))
    # The limit nearer the null: the one on the estimate's side of 1, unless the CI holds 1.
    ci = 1.0 if rr_low <= 1 <= rr_high else evalue_rr(rr_low if rr > 1 else rr_high)
    return EValue(
        covariate, hr, low, high, rr, rr_low, rr_high, evalue_rr(rr), ci, rare, outcome_share
    )
