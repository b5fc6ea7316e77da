"""The "released by day t" outcome on a hand-made table where every answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hrd_coder.analysis import released_by

# case: (days, released, released by day 100?)
CASES = {
    "released early": (30, 1, 1.0),
    "released on the day": (100, 1, 1.0),
    "released later": (250, 1, 0.0),
    "still held, seen later": (400, 0, 0.0),
    "still held, seen to the day": (100, 0, 0.0),
    "lost from view before": (60, 0, np.nan),
    "released at once": (0, 1, 1.0),
}


def table() -> pd.DataFrame:
    rows = pd.DataFrame.from_dict(CASES, orient="index", columns=["days", "released", "want"])
    return rows.rename_axis("case")


def test_each_case_gets_its_known_answer():
    cases = table()
    outcome = released_by(cases, "days", "released", 100)
    assert outcome.name == "released_by_100"
    assert outcome.index.equals(cases.index)
    pd.testing.assert_series_equal(outcome, cases["want"], check_names=False)


def test_the_share_released_counts_only_cases_we_can_know():
    outcome = released_by(table(), "days", "released", 100)
    assert outcome.isna().sum() == 1
    assert outcome.mean() == pytest.approx(3 / 6)


def test_an_early_horizon_leaves_fewer_unknowns():
    outcome = released_by(table(), "days", "released", 10)
    assert outcome.tolist() == [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert released_by(table(), "days", "released", 10.5).name == "released_by_10.5"


def test_events_must_be_zero_or_one():
    with pytest.raises(ValueError, match="0/1"):
        released_by(table().assign(released=2), "days", "released", 100)
