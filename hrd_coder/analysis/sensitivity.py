"""How strong an omitted confounder would have to be to change a regression's conclusion.

Cinelli & Hazlett (2020), "Making sense of sensitivity: extending omitted variable bias",
JRSS-B 82(1): the robustness value, the partial R² of the treatment with the outcome, and
bounds on a confounder k times as strong as an observed covariate, all from the t statistic,
the standard error and the residual degrees of freedom of an OLS fit.

Written here rather than taken from `pysensemakr` (PyPI 0.0.8, last release February 2024,
pinned to old pandas/matplotlib ranges and carrying its own plotting and data modules):
the statistics are a dozen closed-form lines, and owning them lets the report use our own
tables, notes and figure. The tests check every number against the paper's Darfur example.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.wording import plural

if TYPE_CHECKING:
    import pandas as pd

BOUND_COLUMNS = (
    "bound",
    "r2dz_x",
    "r2yz_dx",
    "adjusted_estimate",
    "adjusted_se",
    "adjusted_t",
    "adjusted_ci_low",
    "adjusted_ci_high",
)
STRENGTHS = (1, 2, 3)


def partial_r2(t: float, dof: float) -> float:
    """Share of the residual variance of the outcome a term explains: t² / (t² + dof)."""
    return t * t / (t * t + dof)


def robustness_value(t: float, dof: float, q: float = 1.0, alpha: float | None = None) -> float:
    """Least partial R² a confounder needs with treatment and outcome to cut the estimate by q.

    With `alpha`, the least strength that makes the (1 - alpha) confidence interval reach
    (1 - q) times the estimate instead (Cinelli & Hazlett 2020, section 4.2 and appendix).
    """
    from scipy.stats import t as student

    f_q = q * abs(t) / math.sqrt(dof)
    critical = 0.0 if alpha is None else abs(student.ppf(alpha / 2, dof - 1)) / math.sqrt(dof - 1)
    f = f_q - critical
    if f <= 0:
        return 0.0
    if alpha is not None and f_q > 1 / critical:
        # The confounder need not explain all of the outcome: the bound's other branch binds.
        return (f_q**2 - critical**2) / (1 + f_q**2)
    return 0.5 * (math.sqrt(f**4 + 4 * f**2) - f**2)


def bias(se, dof: float, r2dz_x, r2yz_dx):
    """|bias| = se · sqrt(dof · R²(Y~Z|D,X) · R²(D~Z|X) / (1 − R²(D~Z|X))); arrays welcome."""
    import numpy as np

    return se * np.sqrt(dof * r2yz_dx * r2dz_x / (1 - r2dz_x))


def adjusted_estimate(estimate: float, se: float, dof: float, r2dz_x, r2yz_dx):
    """The estimate after removing the largest bias such a confounder could cause (towards 0)."""
    return math.copysign(1.0, estimate) * (abs(estimate) - bias(se, dof, r2dz_x, r2yz_dx))


def adjusted_se(se: float, dof: float, r2dz_x, r2yz_dx):
    """The standard error the regression would report with the confounder included."""
    import numpy as np

    return se * np.sqrt((1 - r2yz_dx) / (1 - r2dz_x) * dof / (dof - 1))


def benchmark_strength(
    r2dxj_x: float, r2yxj_dx: float, kd: float = 1.0, ky: float | None = None
) -> tuple[float, float]:
    """Partial R² (with D, with Y) of a confounder kd (ky) times as strong as covariate Xj.

    Cinelli & Hazlett (2020), section 6.1 and footnote 10: the confounder is taken to be
    orthogonal to the observed covariates, and as strong, relative to Xj, in explaining the
    treatment (kd) and the outcome (ky). The bound on R²(Y~Z|D,X) can exceed 1, which no
    confounder can reach: `ovb_sensitivity` caps it at 1 and says so.
    """
    ky = kd if ky is None else ky
    r2dz_x = kd * r2dxj_x / (1 - r2dxj_x)
    if r2dz_x >= 1:
        raise ValueError(f"a confounder {kd:g}x as strong as this covariate is impossible")
    r2zxj = kd * r2dxj_x**2 / ((1 - kd * r2dxj_x) * (1 - r2dxj_x))
    scale = ((math.sqrt(ky) + math.sqrt(r2zxj)) / math.sqrt(1 - r2zxj)) ** 2
    return r2dz_x, scale * r2yxj_dx / (1 - r2yxj_dx)


@dataclass(frozen=True, eq=False)
class OmittedVariableSensitivity:
    """Sensitivity of one OLS coefficient to an omitted confounder (Cinelli & Hazlett 2020).

    `estimate`, `se`, `t` are the classical (not robust) OLS figures, which the bias formulas
    rest on; `dof` the residual degrees of freedom; `r2yd_x` the partial R² of the treatment
    with the outcome; `rv_q` and `rv_qa` the robustness values for the estimate and for its
    (1 - alpha) interval; `bounds` one row per benchmark (BOUND_COLUMNS).
    """

    treatment: str
    estimate: float
    se: float
    t: float
    dof: int
    r2yd_x: float
    rv_q: float
    rv_qa: float
    bounds: pd.DataFrame
    q: float = 1.0
    alpha: float = 0.05
    notes: tuple[str, ...] = ()

    def summary(self) -> pd.DataFrame:
        """One row: the treatment, its classical estimate and the sensitivity statistics."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "treatment": self.treatment,
                    "estimate": self.estimate,
                    "se": self.se,
                    "t": self.t,
                    "dof": self.dof,
                    "r2yd_x": self.r2yd_x,
                    "rv_q": self.rv_q,
                    "rv_qa": self.rv_qa,
                }
            ]
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the statistics, then the bounds keyed by label."""
        found: dict[str, Any] = {
            k: _plain(v) for k, v in self.summary().iloc[0].items() if k != "treatment"
        }
        return {
            "treatment": self.treatment,
            **found,
            "dof": self.dof,
            "q": self.q,
            "alpha": self.alpha,
            "bounds": {
                row["bound"]: {c: _plain(row[c]) for c in BOUND_COLUMNS[1:]}
                for row in self.bounds.to_dict("records")
            },
            "notes": list(self.notes),
        }


def ovb_sensitivity(
    estimate: float,
    se: float,
    dof: int,
    treatment: str = "treatment",
    benchmarks: dict[str, tuple[float, float]] | None = None,
    strengths: Sequence[float] = STRENGTHS,
    q: float = 1.0,
    alpha: float = 0.05,
) -> OmittedVariableSensitivity:
    """Sensitivity statistics from summary figures: estimate, classical se and residual dof.

    `benchmarks` maps an observed covariate to its partial R² with the treatment (given the
    other covariates) and with the outcome (given the treatment and the others); each gives
    a bound row per strength in `strengths` (1x, 2x, 3x as strong).
    """
    import pandas as pd
    from scipy.stats import t as student

    if dof < 2 or not se > 0:
        raise ValueError(f"no sensitivity analysis: {plural(dof, 'residual degree')} of freedom")
    t = estimate / se
    critical = student.ppf(1 - alpha / 2, dof - 1)
    rows, notes = [], []
    for name, (r2dxj_x, r2yxj_dx) in (benchmarks or {}).items():
        for k in strengths:
            label = f"{k:g}x {name}"
            try:
                r2dz_x, r2yz_dx = benchmark_strength(r2dxj_x, r2yxj_dx, k)
            except ValueError as error:
                notes.append(f"no bound {label}: {error}")
                continue
            if r2yz_dx > 1:
                notes.append(
                    f"bound {label}: such a confounder would explain more than all of the "
                    "outcome's residual variance; its partial R² with the outcome is capped at "
                    "100%, where the adjusted standard error is 0"
                )
                r2yz_dx = 1.0
            rows.append(_bound(label, estimate, se, dof, critical, r2dz_x, r2yz_dx))
    return OmittedVariableSensitivity(
        treatment=treatment,
        estimate=estimate,
        se=se,
        t=t,
        dof=int(dof),
        r2yd_x=partial_r2(t, dof),
        rv_q=robustness_value(t, dof, q),
        rv_qa=robustness_value(t, dof, q, alpha),
        bounds=pd.DataFrame(rows, columns=list(BOUND_COLUMNS)),
        q=q,
        alpha=alpha,
        notes=tuple(notes),
    )


def _bound(
    label: str,
    estimate: float,
    se: float,
    dof: int,
    critical: float,
    r2dz_x: float,
    r2yz_dx: float,
) -> tuple[Any, ...]:
    """One row of BOUND_COLUMNS: the estimate, se, t and interval adjusted for a confounder
    of these partial R² (`critical`: the t quantile of the interval)."""
    value = adjusted_estimate(estimate, se, dof, r2dz_x, r2yz_dx)
    spread = adjusted_se(se, dof, r2dz_x, r2yz_dx)
    return (
        label,
        r2dz_x,
        r2yz_dx,
        value,
        spread,
        value / spread if spread > 0 else math.nan,
        value - critical * spread,
        value + critical * spread,
    )


def ols_sensitivity(
    y: pd.Series, terms: pd.DataFrame, treatment: str, **options: Any
) -> OmittedVariableSensitivity:
    """Sensitivity of the `treatment` coefficient in OLS of `y` on `terms` (with a constant).

    Every other non-constant term is a benchmark: its partial R² with the outcome comes from
    the outcome regression, with the treatment from the regression of the treatment on the
    other terms (both t² / (t² + dof), classical standard errors).
    """
    import statsmodels.api as sm

    if terms[treatment].nunique() < 2:
        raise ValueError(f"no sensitivity analysis: every case has the same {treatment}")
    outcome = sm.OLS(y, terms).fit()
    if not math.isfinite(outcome.bse[treatment]) or outcome.df_resid < 2:
        raise ValueError(
            f"no sensitivity analysis: {plural(int(outcome.df_resid), 'residual degree')} "
            f"of freedom"
        )
    others = terms.drop(columns=[treatment])
    covariates = [c for c in others.columns if others[c].nunique() > 1]
    benchmarks = {}
    if covariates:
        exposure = sm.OLS(terms[treatment], others).fit()
        for name in covariates:
            benchmarks[name] = (
                partial_r2(exposure.tvalues[name], exposure.df_resid),
                partial_r2(outcome.tvalues[name], outcome.df_resid),
            )
    return ovb_sensitivity(
        float(outcome.params[treatment]),
        float(outcome.bse[treatment]),
        int(outcome.df_resid),
        treatment,
        benchmarks,
        **options,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
        return value if math.isfinite(value) else None
    return value
