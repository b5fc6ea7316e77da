"""Published data sets for the survival tests, with where each comes from.

- Rossi et al. (1980) recidivism data, 432 men released from Maryland prisons, as shipped
  with lifelines (`load_rossi`) and analysed in Fox & Weisberg, "Cox Proportional-Hazards
  Regression for Survival Data in R", appendix to An R Companion to Applied Regression
  (2011; 2nd version 2018).
- Freireich et al. (1963) 6-MP leukaemia remission data, weeks in remission for 21 children
  on 6-mercaptopurine and 21 on placebo, as printed in Kleinbaum & Klein, Survival
  Analysis: A Self-Learning Text (3rd ed., 2012), chapter 1-2 ("remission data").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]

# Kleinbaum & Klein's remission data; censored times (still in remission) marked 0 below.
SIX_MP_WEEKS = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
SIX_MP_RELAPSED = [1] * 9 + [0] * 12
PLACEBO_WEEKS = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def rossi() -> pd.DataFrame:
    """Rossi's data with three made-up columns that R was given too (see reference values):

    `cluster` (rows 0-2, 3-5, ... share a cluster), `entry` (a delayed entry of 0, 1/8, 2/8
    or 3/8 of the row's `week`, cycling by row) and `prio_group` (prior arrests: none, 1-2, 3+).
    """
    from lifelines.datasets import load_rossi

    data = load_rossi()
    row = np.arange(len(data))
    data["cluster"] = row // 3
    data["entry"] = data["week"] * ((row % 4) / 8)
    data["prio_group"] = pd.cut(data["prio"], [-1, 0, 2, 100], labels=["none", "1-2", "3+"])
    data["prio_group"] = data["prio_group"].astype(str)
    return data


def remission() -> pd.DataFrame:
    """The 42 remission times: `weeks`, `relapsed` (1) or still in remission (0), `group`."""
    return pd.DataFrame(
        {
            "weeks": SIX_MP_WEEKS + PLACEBO_WEEKS,
            "relapsed": SIX_MP_RELAPSED + [1] * len(PLACEBO_WEEKS),
            "group": ["6-MP"] * len(SIX_MP_WEEKS) + ["placebo"] * len(PLACEBO_WEEKS),
        }
    )
