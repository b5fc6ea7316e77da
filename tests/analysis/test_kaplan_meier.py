"""Kaplan–Meier curves and log-rank tests against a textbook example and R.

Kleinbaum & Klein, Survival Analysis: A Self-Learning Text (3rd ed., 2012), chapter 2, on
the Freireich et al. (1963) remission data: the 6-MP group's estimates are 0.857, 0.807,
0.753, 0.690, 0.627, 0.538, 0.448 at weeks 6, 7, 10, 13, 16, 22, 23, so its median is 23
weeks; placebo's fall below one half at week 8 (0.571 at 5, 0.381 at 8), median 8 weeks.
The log-rank test compares O - E = 9 - 19.25 (6-MP) and 21 - 10.75 (placebo) with variance
6.2570: chi-square 16.79 on 1 df, p < 0.0001. The hand computation below redoes that.

R 4.2.2, survival 3.5-3, run by hand: `survfit(Surv(weeks, relapsed) ~ group, conf.type =
"log-log")` gives medians 23 (95% CI 13 to NA) and 8 (4 to 11); `survdiff` gives chisq
16.792941 (p = 4.1688e-05); on Rossi's data, three groups of prior arrests give chisq
13.31899 on 2 df and `survfit(Surv(entry, week, arrest) ~ 1)` for fin == 0 the values in
R_DELAYED_ENTRY.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from hrd_coder.analysis import kaplan_meier, logrank
from tests.analysis.examples import remission, rossi

KLEINBAUM_KLEIN_6MP = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
KLEINBAUM_KLEIN_PLACEBO = {1: 0.905, 2: 0.810, 3: 0.762, 4: 0.667, 5: 0.571, 8: 0.381}

# time: (n.risk, surv, lower, upper) from survfit(Surv(entry, week, arrest) ~ 1,
# data = rossi[fin == 0], conf.type = "log-log")
R_DELAYED_ENTRY = {
    1: (57, 0.9824561404, 0.8819201359, 0.9975099449),
    6: (73, 0.9113304609, 0.8127106031, 0.9592809226),
    14: (168, 0.8652371250, 0.7720274196, 0.9222097459),
    26: (187, 0.7781014094, 0.6914668253, 0.8431385811),
    39: (171, 0.7188980413, 0.6350762658, 0.7866951867),
    52: (154, 0.6343218012, 0.5538715218, 0.7041895459),
}


@pytest.fixture(scope="module")
def curves():
    return kaplan_meier(remission(), "weeks", "relapsed", group="group")


def survival_at(curve, time):
    table = curve.table
    return table.loc[table["time"] == time, "survival"].item()


def test_survival_estimates_match_the_textbook(curves):
    for group, printed in (("6-MP", KLEINBAUM_KLEIN_6MP), ("placebo", KLEINBAUM_KLEIN_PLACEBO)):
        curve = curves.curve(group)
        for time, value in printed.items():
            assert round(survival_at(curve, time), 3) == value


def test_medians_and_their_intervals_match_the_textbook_and_r(curves):
    treated, placebo = curves.curve("6-MP"), curves.curve("placebo")
    assert (treated.n, treated.events, placebo.n, placebo.events) == (21, 9, 21, 21)
    assert (treated.median, treated.median_low, treated.median_high) == (23, 13, np.inf)
    assert (placebo.median, placebo.median_low, placebo.median_high) == (8, 4, 11)


def test_survival_table_counts_match_r(curves):
    table = curves.curve("6-MP").table
    row = table[table["time"] == 16].iloc[0]
    # R: time 16, n.risk 11, n.event 1, survival 0.627, 95% CI 0.368 to 0.805 (log-log).
    assert (row["at_risk"], row["events"], row["censored"]) == (11, 1, 0)
    assert (round(row["survival_low"], 3), round(row["survival_high"], 3)) == (0.368, 0.805)
    assert table["censored"].sum() == 12
    assert table["entered"].tolist() == [21] + [0] * (len(table) - 1)


def test_median_not_reached_is_none_in_json(curves):
    as_json = json.loads(json.dumps(curves.as_dict()))
    assert as_json["groups"]["6-MP"] == {
        "n": 21,
        "events": 9,
        "median": 23.0,
        "median_low": 13.0,
        "median_high": None,
    }


def test_log_rank_by_hand_and_by_lifelines_agree_with_the_textbook():
    data = remission()
    test = logrank(data, "weeks", "relapsed", "group")
    assert test.degrees_of_freedom == 1
    assert round(test.statistic, 2) == 16.79
    assert test.statistic == pytest.approx(16.792941, abs=1e-6)
    assert test.p == pytest.approx(4.1688e-05, rel=1e-4)
    assert test.groups == ("6-MP", "placebo")
    assert test.statistic == pytest.approx(hand_log_rank(data), rel=1e-12)


def hand_log_rank(data) -> float:
    """Kleinbaum & Klein's table: sum O - E and the hypergeometric variance over event times."""
    treated = data["group"] == "6-MP"
    observed = expected = variance = 0.0
    for time in np.unique(data.loc[data["relapsed"] == 1, "weeks"]):
        at_risk = data["weeks"] >= time
        died = at_risk & (data["weeks"] == time) & (data["relapsed"] == 1)
        n, n1, d = at_risk.sum(), (at_risk & treated).sum(), died.sum()
        observed += (died & treated).sum()
        expected += d * n1 / n
        variance += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1) if n > 1 else 0.0
    assert (observed, round(expected, 2), round(variance, 4)) == (9, 19.25, 6.2570)
    return (observed - expected) ** 2 / variance


def test_log_rank_with_three_groups_matches_r():
    test = logrank(rossi(), "week", "arrest", "prio_group")
    assert test.degrees_of_freedom == 2
    assert test.statistic == pytest.approx(13.31899029, abs=1e-6)
    assert test.p == pytest.approx(0.001281793, rel=1e-5)
    assert test.groups == ("1-2", "3+", "none")


def test_log_rank_needs_two_groups():
    data = remission()
    with pytest.raises(ValueError, match="at least two groups"):
        logrank(data[data["group"] == "placebo"], "weeks", "relapsed", "group")


def test_delayed_entry_matches_r():
    data = rossi()
    curves = kaplan_meier(data[data["fin"] == 0], "week", "arrest", entry="entry")
    (curve,) = curves.curves
    assert curve.group == "all" and curves.entry == "entry"
    table = curve.table.set_index("time")
    for time, (at_risk, survival, low, high) in R_DELAYED_ENTRY.items():
        row = table.loc[time]
        assert row["at_risk"] == at_risk
        assert (row["survival"], row["survival_low"], row["survival_high"]) == pytest.approx(
            (survival, low, high), abs=1e-9
        )


def test_ignoring_delayed_entry_changes_the_curve():
    data = rossi()
    treated = data[data["fin"] == 0]
    with_entry = kaplan_meier(treated, "week", "arrest", entry="entry").curves[0]
    without = kaplan_meier(treated, "week", "arrest").curves[0]
    # Cases seen only from their entry no longer dilute the early risk sets.
    assert survival_at(with_entry, 26) < survival_at(without, 26)
