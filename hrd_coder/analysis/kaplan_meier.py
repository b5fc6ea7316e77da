"""Kaplan–Meier curves per group and the log-rank test between groups (lifelines)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrd_coder.analysis.result_text import finite_or_none
from hrd_coder.analysis.survival_data import survival_frame

if TYPE_CHECKING:
    import pandas as pd

TABLE_COLUMNS = (
    "time",
    "at_risk",
    "entered",
    "events",
    "censored",
    "survival",
    "survival_low",
    "survival_high",
)


@dataclass(frozen=True, eq=False)
class GroupCurve:
    """One group's Kaplan–Meier estimate: counts, median time with its 95% interval, the table.

    `median`, `median_low` and `median_high` are inf when the curve (or its confidence band)
    never falls to one half. `table` has one row per time anything happens (TABLE_COLUMNS):
    `at_risk` counts cases at risk at `time` (with delayed entry, a case entering at `time`
    joins just after it, as in R's survival), `entered` the cases entering observation at
    `time` (all of them at 0 without delayed entry), and `survival_low`/`survival_high` give
    the 95% pointwise band.
    """

    group: str
    n: int
    events: int
    median: float
    median_low: float
    median_high: float
    table: pd.DataFrame

    def as_dict(self) -> dict:
        """JSON-ready counts and median; a median not reached is None."""
        return {
            "n": self.n,
            "events": self.events,
            "median": finite_or_none(self.median),
            "median_low": finite_or_none(self.median_low),
            "median_high": finite_or_none(self.median_high),
        }


@dataclass(frozen=True, eq=False)
class KMResult:
    """Kaplan–Meier curves for each group (one curve named "all" when there is no group)."""

    duration: str
    event: str
    group: str | None
    entry: str | None
    curves: tuple[GroupCurve, ...]

    def curve(self, group) -> GroupCurve:
        """The curve of one group, looked up by its value (or its value as a string)."""
        for curve in self.curves:
            if curve.group == str(group):
                return curve
        raise KeyError(f"no group {group!r}; the groups are {[c.group for c in self.curves]}")

    def as_dict(self) -> dict:
        """JSON-ready summary: per group n, events and median (None when not reached)."""
        return {
            "duration": self.duration,
            "event": self.event,
            "group": self.group,
            "entry": self.entry,
            "groups": {curve.group: curve.as_dict() for curve in self.curves},
        }


@dataclass(frozen=True)
class LogRank:
    """A log-rank test of equal survival across groups: chi-square statistic, df and p."""

    statistic: float
    degrees_of_freedom: int
    p: float
    groups: tuple[str, ...]

    def as_dict(self) -> dict:
        """JSON-ready statistic, degrees of freedom and p."""
        return {
            "statistic": finite_or_none(self.statistic),
            "df": self.degrees_of_freedom,
            "p": finite_or_none(self.p),
            "groups": list(self.groups),
        }


def kaplan_meier(
    df: pd.DataFrame,
    duration: str,
    event: str,
    group: str | None = None,
    entry: str | None = None,
) -> KMResult:
    """Kaplan–Meier survival curves, one per value of `group`, with 95% intervals.

    `entry` names a delayed-entry column (left truncation): a case counts as at risk only
    after it enters observation. The pointwise band is lifelines' log(-log) ("exponential
    Greenwood") interval, R's `conf.type = "log-log"`; the median's interval is where that
    band crosses one half (Brookmeyer & Crowley 1982).
    """
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    frame = survival_frame(df, duration, event, labels=[group] if group else [], entry=entry)
    curves = []
    for label, rows in _groups(frame, group):
        fitter = KaplanMeierFitter().fit(
            rows[duration],
            rows[event],
            entry=rows[entry] if entry else None,
            label="estimate",
        )
        low, high = median_survival_times(fitter.confidence_interval_).iloc[0]
        curves.append(
            GroupCurve(
                group=label,
                n=len(rows),
                events=int(rows[event].sum()),
                median=float(fitter.median_survival_time_),
                median_low=float(low),
                median_high=float(high),
                table=_table(fitter, delayed_entry=entry is not None),
            )
        )
    return KMResult(duration, event, group, entry, tuple(curves))


def logrank(df: pd.DataFrame, duration: str, event: str, group: str) -> LogRank:
    """The log-rank test that all groups share one survival curve (Mantel 1966).

    Two groups use lifelines' `logrank_test`, more use `multivariate_logrank_test`; both
    give the chi-square of R's `survdiff` with (groups - 1) degrees of freedom.
    """
    from lifelines.statistics import logrank_test, multivariate_logrank_test

    frame = survival_frame(df, duration, event, labels=[group])
    groups = _groups(frame, group)
    if len(groups) < 2:
        raise ValueError(f"the log-rank test needs at least two groups in {group!r}")
    if len(groups) == 2:
        (_, first), (_, second) = groups
        result = logrank_test(first[duration], second[duration], first[event], second[event])
    else:
        result = multivariate_logrank_test(frame[duration], frame[group], frame[event])
    return LogRank(
        statistic=float(result.test_statistic),
        degrees_of_freedom=int(result.degrees_of_freedom),
        p=float(result.p_value),
        groups=tuple(label for label, _ in groups),
    )


def _groups(frame: pd.DataFrame, group: str | None) -> list[tuple[str, pd.DataFrame]]:
    if group is None:
        return [("all", frame)]
    return [(str(value), rows) for value, rows in frame.groupby(group, sort=True)]


def _table(fitter, delayed_entry: bool) -> pd.DataFrame:
    import pandas as pd

    counts = fitter.event_table
    band = fitter.confidence_interval_.loc[counts.index]
    at_risk = counts["at_risk"]
    if delayed_entry:
        # lifelines' table counts a case entering at t as at risk at t; it is not (R's
        # convention, which lifelines' own estimate follows), so take the entrants out.
        at_risk = at_risk - counts["entrance"]
    return pd.DataFrame(
        {
            "time": counts.index.to_numpy(dtype=float),
            "at_risk": at_risk.to_numpy(),
            "entered": counts["entrance"].to_numpy(),
            "events": counts["observed"].to_numpy(),
            "censored": counts["censored"].to_numpy(),
            "survival": fitter.survival_function_.loc[counts.index].iloc[:, 0].to_numpy(),
            "survival_low": band.iloc[:, 0].to_numpy(),
            "survival_high": band.iloc[:, 1].to_numpy(),
        }
    )
