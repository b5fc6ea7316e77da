"""Share released by time t per group, and a linear probability model of it.

The Cox model answers "how fast"; many readers (and the model study's robustness checks)
also want "how many were free after a year?". `released_by` turns each case into 1 / 0 /
unknown at t; the model regresses that on the group and the covariates by OLS with HC2
standard errors: a 0/1 outcome is heteroskedastic by construction, and HC2 is unbiased
under homoskedasticity and behaves better than HC1 in small samples (Angrist & Pischke,
*Mostly Harmless Econometrics*, 8.1). The same fit, with classical standard errors, gives
the group coefficient's sensitivity to an omitted confounder (`sensitivity.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.analysis.released_by import released_by
from hrd_coder.analysis.sensitivity import OmittedVariableSensitivity, ols_sensitivity
from hrd_coder.wording import plural

if TYPE_CHECKING:
    import pandas as pd

SHARE_COLUMNS = ("group", "n", "released", "held", "unknown", "share")
MODEL_COLUMNS = ("coef", "se", "p", "ci_low", "ci_high")


@dataclass(frozen=True, eq=False)
class ReleasedByResult:
    """Share released by `t` per group (SHARE_COLUMNS) and the OLS fit (MODEL_COLUMNS).

    `share` is released / (released + held): cases whose follow-up ended before t without
    release (`unknown`) are left out of the share and of the model, and counted.
    `sensitivity` is the group coefficient's sensitivity to an omitted confounder, each
    covariate a benchmark (None, with a note, when the fit cannot support it).
    """

    t: float
    shares: pd.DataFrame
    model: pd.DataFrame | None
    n: int
    notes: tuple[str, ...] = ()
    sensitivity: OmittedVariableSensitivity | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: shares keyed by group, coefficients keyed by term."""
        plain = lambda v: None if v != v else float(v)  # noqa: E731 - NaN -> None
        return {
            "t": self.t,
            "n": self.n,
            "groups": {
                row.group: {
                    "n": int(row.n),
                    "released": int(row.released),
                    "held": int(row.held),
                    "unknown": int(row.unknown),
                    "share": plain(row.share),
                }
                for row in self.shares.itertuples()
            },
            "model": None
            if self.model is None
            else {
                term: {c: plain(row[c]) for c in MODEL_COLUMNS}
                for term, row in self.model.iterrows()
            },
            "sensitivity": self.sensitivity.as_dict() if self.sensitivity else None,
            "notes": list(self.notes),
        }


def released_by_model(
    df: pd.DataFrame,
    duration: str,
    event: str,
    t: float,
    group: str,
    covariates: Sequence[str] = (),
    labels: pd.Series | None = None,
) -> ReleasedByResult:
    """Shares released by `t` per group and OLS (HC2) of released-by-t on group + covariates.

    `group` is a 0/1 column; `labels` (default: the group column's values) names the groups
    in the share table. Covariates must be numbers; text columns are dummy-coded (first
    category left out), which is how design strata enter the model.
    """
    import pandas as pd
    import statsmodels.api as sm

    outcome = released_by(df, duration, event, t)
    table = _shares(outcome, labels if labels is not None else df[group].astype(str))
    known = outcome.notna()
    notes = []
    if unknown := int((~known).sum()):
        notes.append(
            f"{plural(unknown, 'case')} left out: follow-up ended before day {t:g} without "
            f"release, "
            "so whether they were released by then is unknown"
        )
    terms = pd.get_dummies(df.loc[known, [group, *covariates]], drop_first=True, dtype=float)
    X = sm.add_constant(terms.astype(float), has_constant="add")
    y = outcome[known]
    if problem := _why_no_model(y, X, group):
        notes.append(
            f"no linear probability model: {plural(len(y), 'case')} with a known outcome at day "
            f"{t:g}, {problem}"
        )
        return ReleasedByResult(t, table, None, len(y), tuple(notes))
    fit = sm.OLS(y, X).fit(cov_type="HC2")
    sensitivity = None
    try:
        sensitivity = ols_sensitivity(y, X, group)
        notes.extend(sensitivity.notes)
    except ValueError as error:
        notes.append(str(error))
    return ReleasedByResult(t, table, _coefficients(fit), int(fit.nobs), tuple(notes), sensitivity)


def _shares(outcome: pd.Series, names: pd.Series) -> pd.DataFrame:
    """Per group (in order of first appearance): cases, released, held, unknown and the
    share released among those whose outcome is known (SHARE_COLUMNS)."""
    import pandas as pd

    shares = []
    for name in dict.fromkeys(names):
        y = outcome[names == name]
        released, held = int((y == 1).sum()), int((y == 0).sum())
        known = released + held
        share = released / known if known else float("nan")
        shares.append((name, len(y), released, held, len(y) - known, share))
    return pd.DataFrame(shares, columns=list(SHARE_COLUMNS))


def _coefficients(fit: Any) -> pd.DataFrame:
    """A statsmodels fit's coefficients, standard errors, p-values and 95% intervals
    (MODEL_COLUMNS), one row per term."""
    import pandas as pd

    interval = fit.conf_int()
    return pd.DataFrame(
        {
            "coef": fit.params,
            "se": fit.bse,
            "p": fit.pvalues,
            "ci_low": interval[0],
            "ci_high": interval[1],
        }
    )


def _why_no_model(y: pd.Series, X: pd.DataFrame, group: str) -> str | None:
    """Why these cases cannot support the model, or None when they can."""
    if y.nunique() < 2:
        return "all the same"
    if len(y) <= X.shape[1]:
        return "too few for the terms"
    if X[group].nunique() < 2:
        return f"all in one group of {group}: no comparison"
    return None
