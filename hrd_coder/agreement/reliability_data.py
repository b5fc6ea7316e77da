"""Reliability data (coders x units, nan = not rated): checks and per-unit category counts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hrd_coder.wording import plural

# Up to this many categories, counting by one comparison pass per category is faster than
# a bincount over (unit, category) indices; it is the usual case (present/absent codes).
_FEW_CATEGORIES = 8


def reliability_data(ratings) -> np.ndarray:
    """The ratings as a float (coders, units) array, or a ValueError saying what is wrong."""
    try:
        data = np.asarray(ratings, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(
            "ratings must be numbers (category codes or scores) with nan for a missing "
            "rating; read a file of labels with read_ratings, which turns labels into codes"
        ) from error
    if data.ndim != 2:
        raise ValueError(
            f"ratings must be a 2-D array of shape (coders, units); got "
            f"{plural(data.ndim, 'dimension')}"
        )
    if data.shape[0] < 2:
        raise ValueError(
            f"agreement needs at least 2 coders (one row per coder); got {data.shape[0]}"
        )
    if np.isinf(data).any():
        raise ValueError("ratings contain an infinite value; use nan for a missing rating")
    return data


def two_coders(ratings, statistic: str) -> np.ndarray:
    """The ratings of exactly two coders, or a ValueError pointing to the multi-coder statistics."""
    data = reliability_data(ratings)
    if data.shape[0] != 2:
        raise ValueError(
            f"{statistic} compares exactly 2 coders; these ratings have {data.shape[0]}. "
            "For more coders use fleiss, ac1 or alpha (all allow missing ratings)."
        )
    return data


@dataclass(frozen=True)
class CategoryCounts:
    """How many coders put each unit in each category, for units rated at least once."""

    counts: np.ndarray  # (units, categories) integer counts
    categories: np.ndarray  # sorted distinct values, the columns of `counts`

    @property
    def ratings_per_unit(self) -> np.ndarray:
        return self.counts.sum(axis=1)


def category_counts(data: np.ndarray, min_ratings: int = 1) -> CategoryCounts:
    """Count ratings per unit and category, keeping units with at least `min_ratings`."""
    rated = ~np.isnan(data)
    categories = np.unique(data[rated])
    if categories.size <= _FEW_CATEGORIES:
        counts = np.zeros((data.shape[1], categories.size), dtype=np.intp)
        for column, value in enumerate(categories):
            counts[:, column] = (data == value).sum(axis=0)
    else:
        codes = np.searchsorted(categories, data[rated])
        unit = np.nonzero(rated)[1]
        width = categories.size
        counts = np.bincount(unit * width + codes, minlength=data.shape[1] * width)
        counts = counts.reshape(-1, width)
    return CategoryCounts(counts[rated.sum(axis=0) >= min_ratings], categories)
