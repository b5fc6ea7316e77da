"""Linear models on machine-coded variables, corrected with a random human-coded sample.

Using a machine coder's labels as if they were true biases a regression even at 80-90%
accuracy, and in either direction: the errors are rarely independent of the outcome. Design-
based supervised learning (DSL; Egami, Hinck, Stewart & Wei, "Using imperfect surrogates for
downstream inference", NeurIPS 2023) removes the bias with a random sample of cases that
humans coded, drawn with known probabilities (`hrd-coder sample` draws and stores one): each
case's estimating equation is the one on predicted values, plus, for sampled cases, the
difference between the equation on the human values and on the predicted ones, weighted by
the inverse sampling probability. Its expectation is the equation on the true values whatever
the predictions' errors, so the estimate is unbiased and its sandwich (M-estimation) standard
errors are valid; better predictions only make it more precise.

For OLS the corrected equations are linear in the coefficients and solved in closed form.
This module holds only the arithmetic (numpy); which variables are predicted, and where the
sample comes from, is the caller's business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

Z_95 = 1.959963984540054


@dataclass(frozen=True, eq=False)
class DslFit:
    """Naive OLS on the predicted values and the DSL-corrected fit, term by term.

    Naive standard errors are HC2 (as the released-by-t model's), corrected ones the DSL
    sandwich. `labelled` is the number of human-coded cases the correction used.
    """

    terms: tuple[str, ...]
    naive: np.ndarray
    naive_se: np.ndarray
    corrected: np.ndarray
    corrected_se: np.ndarray
    n: int
    labelled: int

    def table(self) -> pd.DataFrame:
        """One row per term: naive and corrected coefficient, standard error, 95% interval."""
        import pandas as pd

        return pd.DataFrame(
            {
                "naive": self.naive,
                "naive_se": self.naive_se,
                "corrected": self.corrected,
                "corrected_se": self.corrected_se,
                "ci_low": self.corrected - Z_95 * self.corrected_se,
                "ci_high": self.corrected + Z_95 * self.corrected_se,
            },
            index=pd.Index(self.terms, name="term"),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "labelled": self.labelled,
            "terms": {
                term: {key: _finite(value) for key, value in row.items()}
                for term, row in self.table().iterrows()
            },
        }


def dsl_ols(
    terms: Sequence[str],
    y: np.ndarray,
    y_predicted: np.ndarray,
    x: np.ndarray,
    x_predicted: np.ndarray,
    labelled: np.ndarray,
    probability: np.ndarray,
) -> DslFit:
    """OLS of y on x (x holds the intercept column if one is wanted), naive and DSL-corrected.

    `y`/`x` hold the human-coded values where `labelled` (anything, even NaN, elsewhere);
    `y_predicted`/`x_predicted` the values the analysis would otherwise use for every case
    (a column no machine coded is the same in both). `probability` is each case's chance of
    having been drawn into the human sample (all > 0).
    """
    import numpy as np

    labelled = np.asarray(labelled, dtype=bool)
    probability = np.asarray(probability, dtype=float)
    _check(y_predicted, x_predicted, labelled, probability)
    weight = np.where(labelled, 1.0 / probability, 0.0)
    xh, yh = np.asarray(x_predicted, float), np.asarray(y_predicted, float)
    # Human values only where labelled; zeros elsewhere carry weight 0 (NaN * 0 would not).
    xt = np.where(labelled[:, None], np.asarray(x, float), 0.0)
    yt = np.where(labelled, np.asarray(y, float), 0.0)
    naive, naive_se = _ols_hc2(yh, xh)
    a = xh.T @ xh + (xt * weight[:, None]).T @ xt - (xh * weight[:, None]).T @ xh
    b = xh.T @ yh + (xt * weight[:, None]).T @ yt - (xh * weight[:, None]).T @ yh
    beta = np.linalg.solve(a, b)
    residual_h, residual_t = yh - xh @ beta, yt - xt @ beta
    moments = xh * residual_h[:, None] + weight[:, None] * (
        xt * residual_t[:, None] - xh * residual_h[:, None]
    )
    bread = np.linalg.inv(a)
    covariance = bread @ (moments.T @ moments) @ bread.T
    return DslFit(
        tuple(terms),
        naive,
        naive_se,
        beta,
        np.sqrt(np.diag(covariance)),
        len(yh),
        int(labelled.sum()),
    )


def _finite(value: float) -> float | None:
    """A number JSON can carry: None for an infinite or undefined one."""
    import math

    return float(value) if math.isfinite(value) else None


def _ols_hc2(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS with HC2 standard errors (MacKinnon & White 1985)."""
    import numpy as np

    inverse = np.linalg.inv(x.T @ x)
    beta = inverse @ x.T @ y
    residual = y - x @ beta
    leverage = np.einsum("ij,jk,ik->i", x, inverse, x)
    with np.errstate(divide="ignore", invalid="ignore"):  # leverage 1: no HC2 error (inf)
        meat = (x * (residual**2 / (1 - leverage))[:, None]).T @ x
    return beta, np.sqrt(np.diag(inverse @ meat @ inverse))


def _check(y: np.ndarray, x: np.ndarray, labelled: np.ndarray, probability: np.ndarray) -> None:
    n = len(y)
    if not (len(x) == len(labelled) == len(probability) == n):
        raise ValueError("y, x, the labelled flags and the probabilities differ in length")
    if not labelled.any():
        raise ValueError("no case is in the human-coded sample: DSL needs one to correct with")
    if (probability[labelled] <= 0).any() or (probability > 1).any():
        raise ValueError("sampling probabilities must be in (0, 1]")


def released_by_dsl(
    predicted: pd.DataFrame,
    human: pd.DataFrame,
    labelled: pd.Series,
    probability: float,
    t: float,
    group: str,
    covariates: Sequence[str],
) -> tuple[DslFit, tuple[str, ...]]:
    """The released-by-t linear probability model (group + covariates) on a machine coder's
    survival table, naive and DSL-corrected with the human-coded values of the `labelled`
    cases (a bool Series indexed by case id), each drawn with `probability`.

    Both tables are survival tables of the same design (`analysis.designs.survival_table`),
    the outcome columns from the case files and so the same in both."""
    import numpy as np

    from hrd_coder.analysis.designs import DURATION, EVENT
    from hrd_coder.analysis.released_by import released_by
    from hrd_coder.wording import plural

    predicted = predicted.set_index("id").sort_index()
    human = human.set_index("id").reindex(predicted.index)
    outcome = released_by(predicted, DURATION, EVENT, t)
    known = outcome.notna().to_numpy()
    notes = []
    if unknown := int((~known).sum()):
        notes.append(
            f"{plural(unknown, 'case')} left out: whether released by day {t:g} is unknown"
        )
    columns = [group, *covariates]
    sampled = labelled.reindex(predicted.index, fill_value=False).to_numpy(dtype=bool)[known]
    with_constant = lambda table: np.column_stack(  # noqa: E731
        [np.ones(int(known.sum())), table.loc[known, columns].to_numpy(dtype=float)]
    )
    y = outcome[known].to_numpy(dtype=float)
    fit = dsl_ols(
        ("const", *columns),
        y,
        y,
        with_constant(human.fillna(0)),
        with_constant(predicted),
        sampled,
        np.full(len(y), probability),
    )
    return fit, tuple(notes)
