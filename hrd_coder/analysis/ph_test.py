"""The proportional-hazards check on scaled Schoenfeld residuals, with verdicts in words."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrd_coder.analysis.cox import lifelines_cox
from hrd_coder.analysis.result_text import CANNOT_TEST, finite_or_none
from hrd_coder.analysis.survival_data import as_names, check_roles, survival_frame

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class PHCheck:
    """One proportional-hazards test: a covariate's, or all covariates' when `covariate` is None.

    `proportional` is False when p < alpha, i.e. when the data speak against a hazard ratio
    that stays the same over time; `verdict` says so in plain words.
    """

    covariate: str | None
    statistic: float
    degrees_of_freedom: int
    p: float
    proportional: bool
    verdict: str

    def as_dict(self) -> dict:
        """JSON-ready statistic, df, p and verdict."""
        return {
            "statistic": finite_or_none(self.statistic),
            "df": self.degrees_of_freedom,
            "p": finite_or_none(self.p),
            "verdict": self.verdict,
        }


def ph_test(
    df: pd.DataFrame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    strata: str | Iterable[str] | None = None,
    alpha: float = 0.05,
    time_transform: str = "rank",
) -> list[PHCheck]:
    """Test each covariate for proportional hazards, then all of them together (last item).

    Grambsch & Therneau's (1994) test of a trend in the scaled Schoenfeld residuals over
    time, computed by lifelines' `proportional_hazard_test` on an Efron-ties fit, against
    the rank of event times by default (`time_transform` may also be "km", as in R's
    `cox.zph`, "identity" or "log"). lifelines uses the approximation of R's `cox.zph`
    before survival 3.0 (2019), so its figures differ from today's R, which refits a score
    test. The global test is that approximation's global statistic, which lifelines does
    not report.
    """
    from lifelines.statistics import proportional_hazard_test

    covariates, strata = as_names(covariates), as_names(strata)
    check_roles(duration, event, *covariates, *strata)
    frame = survival_frame(df, duration, event, covariates, labels=strata)
    fitter = lifelines_cox(frame, duration, event, covariates, strata)
    residuals = fitter.compute_residuals(frame, kind="scaled_schoenfeld")
    tests = proportional_hazard_test(
        fitter, frame, time_transform=time_transform, precomputed_residuals=residuals
    ).summary
    checks = [
        _check(
            name, float(tests.loc[name, "test_statistic"]), 1, float(tests.loc[name, "p"]), alpha
        )
        for name in covariates
    ]
    statistic = _global_statistic(fitter, residuals, time_transform)
    return [*checks, _overall(checks, statistic, len(covariates), alpha)]


def format_p(p: float | None) -> str:
    """A p-value as people write it: "p < 0.001", "p = 0.007", "p = 0.41", "cannot test"."""
    if p is None or math.isnan(p):
        return CANNOT_TEST
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def _check(name: str, statistic: float, df: int, p: float, alpha: float) -> PHCheck:
    proportional = p >= alpha
    if math.isnan(p):
        verdict = f"{CANNOT_TEST} proportional hazards for {name} (no test statistic)"
    elif proportional:
        verdict = f"no evidence against proportional hazards ({format_p(p)})"
    else:
        verdict = (
            f"hazards may not be proportional ({format_p(p)}): consider stratifying on "
            f"{name} or an interaction with time"
        )
    return PHCheck(name, statistic, df, p, proportional, verdict)


def _overall(checks: list[PHCheck], statistic: float, df: int, alpha: float) -> PHCheck:
    from scipy.stats import chi2

    p = float(chi2.sf(statistic, df))
    flagged = [check.covariate for check in checks if check.p < alpha]
    if math.isnan(p):
        verdict = f"{CANNOT_TEST} proportional hazards in the model as a whole (no test statistic)"
    elif p >= alpha and not flagged:
        verdict = (
            f"no evidence against proportional hazards in the model as a whole ({format_p(p)})"
        )
    elif p >= alpha:
        verdict = (
            f"no evidence against proportional hazards in the model as a whole ({format_p(p)}), "
            f"but check {', '.join(flagged)}"
        )
    else:
        verdict = f"hazards may not be proportional in the model as a whole ({format_p(p)})"
        if flagged:
            verdict += f": look first at {', '.join(flagged)}"
    return PHCheck(None, statistic, df, p, p >= alpha, verdict)


def _global_statistic(fitter, residuals, time_transform: str) -> float:
    """The global test of R's cox.zph before survival 3.0, with lifelines' time scale.

    Hand-written because lifelines reports only per-covariate tests. With g the transformed
    event times, centred, d events, V the model variance and r the scaled residuals
    (unscaled ones times V d), the statistic is (g'r) V^-1 (g'r)' / (d g'g), on p degrees
    of freedom; for one covariate it equals lifelines' per-covariate statistic.
    """
    import numpy as np
    from lifelines.statistics import TimeTransformers

    events = fitter.event_observed
    transform = TimeTransformers().get(time_transform)
    times = np.asarray(transform(fitter.durations, events, fitter.weights)[events.values], float)
    centred = times - times.mean()
    trend = centred @ residuals.to_numpy(dtype=float)
    variance = fitter.variance_matrix_.to_numpy(dtype=float)
    deaths = float(events.sum())
    return float(trend @ np.linalg.solve(variance, trend) / (deaths * (centred @ centred)))
