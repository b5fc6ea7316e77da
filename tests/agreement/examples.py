"""Published reliability data used by several tests, each with its source."""

from __future__ import annotations

import numpy as np

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
# (rows A-D) x 12 units with missing values. Printed: nominal alpha = 0.743, ordinal 0.815,
# interval 0.849, ratio 0.797. The same table is the example of Stata's kalpha help and of
# the krippendorff package's docstring, and (as cac.raw4raters) of Gwet's irrCAC package.
KRIPPENDORFF_C = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
)

# Krippendorff (2011), section A: binary data, 2 observers x 10 units; printed alpha = 0.095.
KRIPPENDORFF_A = np.array(
    [
        [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
        [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ],
    dtype=float,
)


def ratings_from_table(table) -> np.ndarray:
    """Two coders' ratings (codes 0..k-1) that cross-tabulate to `table` (rows: coder 1)."""
    table = np.asarray(table)
    first, second = np.indices(table.shape)
    repeats = table.ravel()
    return np.array(
        [np.repeat(first.ravel(), repeats), np.repeat(second.ravel(), repeats)], dtype=float
    )


# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological
# Bulletin 76(5): 30 patients, each diagnosed by 6 of the psychiatrists into 5 categories
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other); printed
# kappa = .430. Fleiss printed the counts per category; this is one rating per rater slot,
# as in statsmodels' tests (diagnoses in statsmodels/stats/tests/test_inter_rater.py).
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4],
        [2, 2, 2, 5, 5, 5],
        [2, 3, 3, 3, 3, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4],
        [1, 1, 3, 3, 3, 3],
        [3, 3, 3, 3, 5, 5],
        [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4],
        [5, 5, 5, 5, 5, 5],
        [1, 4, 4, 4, 4, 4],
        [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3],
        [1, 4, 4, 4, 4, 4],
        [2, 2, 4, 4, 4, 5],
        [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5],
        [1, 1, 1, 1, 1, 2],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 4, 4, 4, 4, 4],
        [2, 2, 4, 5, 5, 5],
        [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5],
        [2, 2, 2, 2, 2, 4],
        [1, 1, 1, 1, 5, 5],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3],
        [5, 5, 5, 5, 5, 5],
    ],
    dtype=float,
).T  # (raters, patients)
