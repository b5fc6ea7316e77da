"""Share released by t and its linear probability model, checked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hrd_coder.analysis.linear_probability import released_by_model

# At t = 100: featured 1, 1, 0 (released at 40 and 100; held past 100); others 1, 0, 0, 0;
# the last case was censored at day 50 without release: unknown, left out.
TINY = pd.DataFrame(
    {
        "days": [40, 100, 300, 80, 150, 100, 400, 50],
        "released": [1, 1, 1, 1, 1, 0, 0, 0],
        "featured": [1, 1, 1, 0, 0, 0, 0, 0],
        "age": [30, 41, 35, 52, 28, 47, 39, 33],
    }
)


def test_the_coefficient_is_the_difference_in_shares_with_welch_errors():
    found = released_by_model(TINY, "days", "released", 100, "featured")
    shares = found.shares.set_index("group")
    assert shares.loc["1", "share"] == pytest.approx(2 / 3)
    assert shares.loc["0", "share"] == pytest.approx(1 / 4)
    assert (shares.loc["0", "n"], shares.loc["0", "unknown"]) == (5, 1)
    assert found.n == 7 and "1 case left out" in found.notes[0]
    featured = found.model.loc["featured"]
    # OLS on one dummy: the difference in means; HC2 on one dummy is the Welch (unequal
    # variances) standard error: sqrt(s1^2/n1 + s0^2/n0) with n-1 denominators.
    assert featured["coef"] == pytest.approx(2 / 3 - 1 / 4)
    assert featured["se"] == pytest.approx(math.sqrt((1 / 3) / 3 + (1 / 4) / 4))
    assert found.model.loc["const", "coef"] == pytest.approx(1 / 4)


def test_covariates_enter_as_in_ols_by_hand():
    import numpy as np

    found = released_by_model(TINY, "days", "released", 100, "featured", ["age"])
    known = TINY.iloc[:7]
    y = np.array([1, 1, 0, 1, 0, 0, 0], dtype=float)
    X = np.column_stack([np.ones(7), known["featured"], known["age"]])
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    bread = np.linalg.inv(X.T @ X)
    leverage = np.einsum("ij,jk,ik->i", X, bread, X)
    residual = y - X @ beta
    meat = X.T @ (X * (residual**2 / (1 - leverage))[:, None])
    se = np.sqrt(np.diag(bread @ meat @ bread))
    assert list(found.model.index) == ["const", "featured", "age"]
    assert found.model["coef"].to_numpy() == pytest.approx(beta)
    assert found.model["se"].to_numpy() == pytest.approx(se)


def test_no_model_when_everyone_has_the_same_outcome():
    found = released_by_model(TINY, "days", "released", 10, "featured")
    assert found.model is None and "all the same" in found.notes[-1]
    assert found.as_dict()["model"] is None
