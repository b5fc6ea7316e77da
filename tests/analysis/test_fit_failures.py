"""A Cox model that lifelines cannot fit gets a note in the researchers' words (issue 18):
which column, why, what to do; lifelines' message after it, shortened. The failures are
lifelines' own, on small case tables built to fail as coded tables do."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from lifelines.exceptions import ConvergenceError

from hrd_coder.analysis.cox import fit_cox
from hrd_coder.analysis.fit_failures import why_not_fitted

DAYS = [100, 200, 300, 400, 500, 600, 700, 730]
RELEASED = [1, 1, 1, 0, 1, 1, 0, 0]
FEATURED = [1, 0, 1, 1, 0, 0, 1, 0]


def failure(rep: list[int]) -> tuple[ConvergenceError, pd.DataFrame]:
    table = pd.DataFrame({"days": DAYS, "released": RELEASED, "featured": FEATURED, "rep": rep})
    with pytest.raises(ConvergenceError) as caught, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns on the way to failing
        fit_cox(table, "days", "released", ["featured", "rep"])
    return caught.value, table


def test_a_code_applied_to_no_case():
    error, table = failure([0] * 8)
    note = why_not_fitted(error, table, "released", ["featured", "rep"])
    assert note.startswith("rep is 0 in every case (a code applied to no case), so its effect")
    assert note.endswith("(lifelines: delta contains nan value(s). Convergence halted)")


@pytest.mark.parametrize("rep", [FEATURED, [1 - x for x in FEATURED]])
def test_a_code_that_repeats_the_group(rep: list[int]):
    error, table = failure(rep)
    note = why_not_fitted(error, table, "released", ["featured", "rep"])
    assert note.startswith("featured and rep carry the same information")
    assert "(lifelines: Convergence halted due to matrix inversion problems" in note


def test_separation_and_the_fallback_are_read_off_the_table():
    # lifelines fits a separated Cox model with a warning rather than failing; when a fit
    # with other columns fails, the table still says which column separates.
    table = pd.DataFrame({"days": DAYS, "released": RELEASED, "rep": RELEASED, "x": DAYS})
    raw = ConvergenceError("Convergence halted due to matrix inversion problems. " + "x" * 200)
    separated = why_not_fitted(raw, table, "released", ["rep"])
    assert separated.startswith("rep separates the released cases from the others")
    fallback = why_not_fitted(raw, table, "released", ["x"])
    assert fallback.startswith("the model cannot be fitted to these cases")
    assert fallback.endswith("…)") and len(fallback) < 250


def test_other_errors_keep_their_own_words():
    assert why_not_fitted(ValueError("no case released"), pd.DataFrame(), "e", []) == (
        "no case released"
    )
