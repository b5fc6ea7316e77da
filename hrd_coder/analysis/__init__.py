"""Survival analysis of time to release: Kaplan–Meier, log-rank, Cox models and their checks.

Pure functions on pandas DataFrames in lifelines' shape (`df, duration, event, ...`),
returning dataclasses with DataFrames inside and `as_dict()` for JSON. Never imports
textual, rich or click; pandas, lifelines, statsmodels and matplotlib are imported only
inside the functions that need them, so importing this package stays cheap.
"""

from hrd_coder.analysis.cox import CoxResult, fit_cox
from hrd_coder.analysis.kaplan_meier import GroupCurve, KMResult, LogRank, kaplan_meier, logrank
from hrd_coder.analysis.km_plot import km_plot
from hrd_coder.analysis.ph_test import PHCheck, ph_test
from hrd_coder.analysis.released_by import released_by
from hrd_coder.analysis.survival_file import km_for_file, survival_for_file

__all__ = [
    "CoxResult",
    "GroupCurve",
    "KMResult",
    "LogRank",
    "PHCheck",
    "fit_cox",
    "kaplan_meier",
    "km_for_file",
    "km_plot",
    "logrank",
    "ph_test",
    "released_by",
    "survival_for_file",
]
