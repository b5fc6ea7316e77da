"""Time-to-release turned into a yes/no outcome at a fixed time, for linear probability models."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hrd_coder.analysis.survival_data import survival_frame

if TYPE_CHECKING:
    import pandas as pd


def released_by(df: pd.DataFrame, duration: str, event: str, t: float) -> pd.Series:
    """Whether each case was released by time `t`: 1, 0, or NaN when we cannot know.

    - 1: released (event) at a duration <= t;
    - 0: still detained at t, i.e. released after t, or followed up to t or beyond without
      release (a case censored exactly at t was seen detained at t);
    - NaN: censored before t without release. Her follow-up ended before t (the data were
      collected, or she dropped out of view), so she may or may not have been released by t.
      Counting her as 0 would understate releases, and dropping such cases silently would
      bias the share released; leave them missing and say how many there were.

    The Series keeps `df`'s index and is named "released_by_<t>".
    """
    import numpy as np
    import pandas as pd

    frame = survival_frame(df, duration, event)
    time, released = frame[duration], frame[event] == 1
    outcome = np.where(released & (time <= t), 1.0, np.where(time >= t, 0.0, np.nan))
    return pd.Series(outcome, index=frame.index, name=f"released_by_{t:g}", dtype=float)
