"""Cox proportional-hazards models: Efron ties with lifelines, Breslow ties with statsmodels."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrd_coder.analysis.result_text import finite_or_none
from hrd_coder.analysis.survival_data import as_names, check_roles, survival_frame

if TYPE_CHECKING:
    import pandas as pd

TIES = ("efron", "breslow")
ENGINES = {"efron": "lifelines CoxPHFitter", "breslow": "statsmodels PHReg"}
SUMMARY_COLUMNS = ("coef", "se", "z", "p", "hr", "hr_low", "hr_high")
# statsmodels' optimisers for Breslow ties, tried in order. Newton-Raphson (statsmodels'
# default; R and Stata use it too, but with step halving) takes full steps, so on some
# data it overshoots and diverges (on the demo's case table the log-likelihood falls from
# -39.9 to -140.8 in three steps, then exp() overflows into NaN). BFGS takes line-searched
# steps; its tight gtol brings it to the same maximum (within 1e-7 of lifelines' Efron
# coefficients on the demo, which has no tied release days).
OPTIMISERS = {"newton": {}, "bfgs": {"gtol": 1e-8, "maxiter": 1000}}
OPTIMISER_WORDS = {"newton": "Newton-Raphson", "bfgs": "BFGS"}
# Converged when the Newton decrement g'(-H)^-1 g, about twice the log-likelihood still
# to gain, is below this: any further step would be a tiny fraction of a standard error.
DECREMENT_TOLERANCE = 1e-8


@dataclass(frozen=True, eq=False)
class CoxResult:
    """A fitted Cox model: one row per covariate, fit statistics, and the engine that fitted it.

    `summary` is indexed by covariate with SUMMARY_COLUMNS: log hazard ratio, its standard
    error (cluster-robust when `cluster` is set), Wald z and p, the hazard ratio and its 95%
    interval. `concordance` is Harrell's C (within strata when stratified); `log_likelihood`
    is the maximised partial log-likelihood under the `ties` method. `optimiser` names the
    method that found the maximum ("newton", or "bfgs" when statsmodels' Newton-Raphson
    failed on Breslow ties). `notes` warns about figures that other software may compute
    differently.
    """

    summary: pd.DataFrame
    concordance: float
    log_likelihood: float
    n: int
    events: int
    engine: str
    ties: str
    strata: tuple[str, ...] = ()
    cluster: str | None = None
    entry: str | None = None
    notes: tuple[str, ...] = ()
    optimiser: str = "newton"

    def as_dict(self) -> dict:
        """JSON-ready result: coefficients keyed by covariate, then the fit statistics."""
        return {
            "coefficients": {
                name: {column: finite_or_none(row[column]) for column in SUMMARY_COLUMNS}
                for name, row in self.summary.iterrows()
            },
            "concordance": finite_or_none(self.concordance),
            "log_likelihood": finite_or_none(self.log_likelihood),
            "n": self.n,
            "events": self.events,
            "engine": self.engine,
            "ties": self.ties,
            "strata": list(self.strata),
            "cluster": self.cluster,
            "entry": self.entry,
            "optimiser": self.optimiser,
            "notes": list(self.notes),
        }


def fit_cox(
    df: pd.DataFrame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    strata: str | Iterable[str] | None = None,
    cluster: str | None = None,
    ties: str = "efron",
    entry: str | None = None,
) -> CoxResult:
    """Fit a Cox proportional-hazards model of time to `event` on `covariates`.

    ties="efron" (R's default) fits with lifelines' CoxPHFitter, ties="breslow" (Stata's
    default) with statsmodels' PHReg; `engine` in the result says which. `strata` gives each
    stratum its own baseline hazard; `cluster` asks for cluster-robust (sandwich) standard
    errors, as R's `cluster()`; `entry` is a delayed-entry column (left truncation).
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {', '.join(TIES)}, not {ties!r}")
    covariates, strata = as_names(covariates), as_names(strata)
    if not covariates:
        raise ValueError("name at least one covariate")
    check_roles(duration, event, *covariates, *strata, *as_names(cluster), *as_names(entry))
    frame = survival_frame(
        df, duration, event, covariates, labels=[*strata, *as_names(cluster)], entry=entry
    )
    fit = _fit_efron if ties == "efron" else _fit_breslow
    summary, concordance, log_likelihood, optimiser = fit(
        frame, duration, event, covariates, strata, cluster, entry
    )
    notes = _notes(frame, duration, event, cluster, ties, summary)
    if optimiser != "newton":
        notes = (_fallback_note(optimiser), *notes)
    return CoxResult(
        summary=summary,
        concordance=concordance,
        log_likelihood=log_likelihood,
        n=len(frame),
        events=int(frame[event].sum()),
        engine=ENGINES[ties],
        ties=ties,
        strata=strata,
        cluster=cluster,
        entry=entry,
        notes=notes,
        optimiser=optimiser,
    )


def lifelines_cox(
    frame: pd.DataFrame,
    duration: str,
    event: str,
    covariates: Sequence[str],
    strata: Sequence[str] = (),
    cluster: str | None = None,
    entry: str | None = None,
):
    """A fitted lifelines CoxPHFitter (Efron ties) on a frame checked by `survival_frame`."""
    from lifelines import CoxPHFitter

    columns = [duration, event, *covariates, *strata, *as_names(cluster), *as_names(entry)]
    return CoxPHFitter().fit(
        frame[columns],
        duration_col=duration,
        event_col=event,
        strata=list(strata) or None,
        cluster_col=cluster,
        entry_col=entry,
    )


def _fit_efron(frame, duration, event, covariates, strata, cluster, entry):
    import pandas as pd

    fitter = lifelines_cox(frame, duration, event, covariates, strata, cluster, entry)
    table = fitter.summary
    summary = pd.DataFrame(
        {
            "coef": table["coef"],
            "se": table["se(coef)"],
            "z": table["z"],
            "p": table["p"],
            "hr": table["exp(coef)"],
            "hr_low": table["exp(coef) lower 95%"],
            "hr_high": table["exp(coef) upper 95%"],
        }
    )
    summary.index = pd.Index(list(covariates), name="covariate")
    try:
        concordance = float(fitter.concordance_index_)
    except ZeroDivisionError:  # lifelines' way of saying no pair of cases can be compared
        concordance = math.nan
    return summary, concordance, float(fitter.log_likelihood_), "newton"


def _fit_breslow(frame, duration, event, covariates, strata, cluster, entry):
    import numpy as np
    import pandas as pd
    from statsmodels.duration.hazard_regression import PHReg

    exog = frame[list(covariates)].to_numpy(dtype=float)
    stratum = _stratum_codes(frame, strata)
    # statsmodels puts a case entering at t in the risk set at t; R, Stata and lifelines
    # only after t, on (entry, duration]. The next float after t gives R's risk sets.
    entries = np.nextafter(frame[entry].to_numpy(dtype=float), np.inf) if entry else None
    model = PHReg(
        frame[duration].to_numpy(dtype=float),
        exog,
        status=frame[event].to_numpy(dtype=float),
        entry=entries,
        strata=stratum,
        ties="breslow",
    )
    result, optimiser = _maximise(model, frame[cluster].to_numpy() if cluster else None)
    coef, se = np.asarray(result.params), np.asarray(result.bse)
    low, high = np.asarray(result.conf_int()).T
    with np.errstate(over="ignore"):  # a separated covariate's bound is inf; _notes says so
        ratios = {"hr": np.exp(coef), "hr_low": np.exp(low), "hr_high": np.exp(high)}
    summary = pd.DataFrame(
        {
            "coef": coef,
            "se": se,
            "z": np.asarray(result.tvalues),
            "p": np.asarray(result.pvalues),
            **ratios,
        },
        index=pd.Index(list(covariates), name="covariate"),
    )
    concordance = _concordance(frame, duration, event, exog @ coef, stratum)
    return summary, concordance, float(result.llf), optimiser


def _maximise(model, groups):
    """PHReg's fit by the first optimiser of OPTIMISERS that reaches the maximum."""
    import warnings

    import numpy as np
    from lifelines.exceptions import ConvergenceError

    for method, options in OPTIMISERS.items():
        # A failing attempt warns (overflow in exp, NaN divisions, ConvergenceWarning):
        # silenced because _converged judges every attempt and a failure falls through to
        # the next optimiser, or to the ConvergenceError below.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                result = model.fit(groups=groups, method=method, **options)
            except (np.linalg.LinAlgError, ValueError, OverflowError):
                continue
        if _converged(model, np.asarray(result.params)):
            return result, method
    raise ConvergenceError(
        "the Breslow-ties model did not converge with Newton-Raphson or BFGS (statsmodels): "
        "the information matrix is singular or the likelihood has no maximum"
    )


def _converged(model, params) -> bool:
    """True at a maximum: finite estimates, negative definite Hessian, Newton decrement ~0."""
    import numpy as np

    if not np.all(np.isfinite(params)):
        return False
    with np.errstate(all="ignore"):
        gradient, information = model.score(params), -model.hessian(params)
    if not (np.all(np.isfinite(gradient)) and np.all(np.isfinite(information))):
        return False
    try:
        factor = np.linalg.cholesky(information)
    except np.linalg.LinAlgError:
        return False
    step = np.linalg.solve(factor, gradient)
    return float(step @ step) < DECREMENT_TOLERANCE


def _fallback_note(optimiser: str) -> str:
    return (
        "statsmodels' Newton-Raphson did not converge on these data, so the Breslow-ties "
        f"model was fitted with {OPTIMISER_WORDS[optimiser]} (line-searched steps); the "
        "estimates were checked to be at the maximum of the partial likelihood"
    )


def _stratum_codes(frame, strata):
    import pandas as pd

    if not strata:
        return None
    labels = frame[list(strata)].astype(str).agg("\x1f".join, axis=1)
    return pd.factorize(labels)[0]


def _concordance(frame, duration, event, risk, stratum) -> float:
    """Harrell's C, pooled over strata the way R's survival and lifelines pool it."""
    import numpy as np

    # The pair counts behind lifelines' own (stratified) concordance_index_; the public
    # concordance_index gives only the ratio, which cannot be pooled over strata.
    from lifelines.utils.concordance import _concordance_summary_statistics

    if stratum is None:
        stratum = np.zeros(len(frame), dtype=int)
    times, events = frame[duration].to_numpy(dtype=float), frame[event].to_numpy(dtype=bool)
    correct = ties = pairs = 0.0
    for code in np.unique(stratum):
        rows = stratum == code
        # Higher risk should mean earlier release, so the score that predicts time is -risk.
        c, t, p = _concordance_summary_statistics(times[rows], -risk[rows], events[rows])
        correct, ties, pairs = correct + c, ties + t, pairs + p
    return (correct + 0.5 * ties) / pairs if pairs else math.nan


def _notes(frame, duration, event, cluster, ties, summary) -> tuple[str, ...]:
    import numpy as np

    notes = []
    released = frame.loc[frame[event] == 1, duration]
    if cluster and ties == "efron" and released.duplicated().any():
        notes.append(
            "cluster-robust standard errors with tied event times: lifelines' sandwich "
            "estimator ignores ties, so they can differ from R's and Stata's by a few "
            "percent; ties='breslow' gives the standard errors R reports for Breslow ties"
        )
    unbounded = summary.index[(summary["hr_low"] == 0) | ~np.isfinite(summary["hr_high"])]
    if len(unbounded):
        notes.append(
            f"the hazard ratio of {', '.join(unbounded)} has no finite confidence interval: "
            "the covariate may separate released from unreleased cases perfectly, so its "
            "estimate means nothing; cross-tabulate it against release"
        )
    return tuple(notes)
