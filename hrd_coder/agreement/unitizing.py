"""Agreement on where things are: the unitizing coefficients of a continuum, with notes on
what is undefined and why, and bootstrap intervals over texts.

alpha_U (Krippendorff 1995, 2004) judges each category on its own and pools them; the
u-alpha family (Krippendorff et al. 2016) judges one partition of the continuum into
units with values and gaps: u-alpha everything, |u-alpha relevant against irrelevant
matter, cu-alpha the values of intersecting units, (k)u-alpha one value. See
docs/agreement.md, "Unitizing: where a mechanism is discussed".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hrd_coder.agreement import alpha_unitizing, u_alpha_family
from hrd_coder.agreement.continuum import Text, Unit, Unitizations, unitizations

FAMILY = ("u_alpha", "binary_u_alpha", "cu_alpha")
# With fewer texts a resample repeats the same few and its spread says little.
MIN_TEXTS_FOR_INTERVALS = 2
# Below this share of defined resamples the interval would describe a selected few.
MIN_DEFINED_SHARE = 0.5


@dataclass(frozen=True)
class UnitizingAgreement:
    """The unitizing coefficients of one set of unitizations; None where undefined."""

    coders: tuple[str, ...]
    categories: tuple[str, ...]
    texts: int
    length: int
    alpha_U: float | None
    alpha_U_by_category: dict[str, float | None]
    u_alpha: float | None
    binary_u_alpha: float | None
    cu_alpha: float | None
    cu_coverage: float | None
    k_u_alpha: dict[str, float | None]
    coverage: dict[str, float | None]
    intervals: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """JSON-ready: alpha_U as {overall, by_category}, the family, intervals, notes."""
        return {
            "alpha_U": {"overall": self.alpha_U, "by_category": self.alpha_U_by_category},
            "u_alpha": self.u_alpha,
            "binary_u_alpha": self.binary_u_alpha,
            "cu_alpha": self.cu_alpha,
            "cu_coverage": self.cu_coverage,
            "k_u_alpha": self.k_u_alpha,
            "coverage": self.coverage,
            "intervals": self.intervals,
            "notes": list(self.notes),
            "coders": list(self.coders),
            "categories": list(self.categories),
            "texts": self.texts,
            "continuum_length": self.length,
        }


@dataclass(frozen=True)
class _Counts:
    """Everything the coefficients need, per text, so a resample only reweights it."""

    data: Unitizations
    lengths: np.ndarray
    by_category: tuple[alpha_unitizing.Tallies, ...]
    coincidences: u_alpha_family.Coincidences | None  # None when a coder's units overlap


def unitizing_agreement(
    units: Sequence[Unit],
    texts: Sequence[Text],
    coders: Sequence[str] = (),
    bootstrap: int = 1000,
    seed: int = 0,
) -> UnitizingAgreement:
    """alpha_U per category and overall, u-alpha, |u-alpha, cu-alpha and (k)u-alpha with
    coverage, and (given two texts or more) percentile intervals from `bootstrap`
    resamples of the texts, drawn with numpy's generator seeded with `seed`."""
    data = unitizations(units, texts, coders)
    notes = list(data.merged)
    clashes = u_alpha_family.overlapping_units(data)
    if clashes:
        notes.append(
            "u-alpha, |u-alpha, cu-alpha and (k)u-alpha need each coder's units to be one "
            f"partition (one category per position), but {'; '.join(clashes[:3])}"
            f"{' and more' if len(clashes) > 3 else ''}: they are left out; alpha_U judges "
            "each category apart and is given"
        )
    counts = _Counts(
        data,
        data.lengths.astype(float),
        tuple(alpha_unitizing.tallies(data, c) for c in range(len(data.categories))),
        None if clashes else u_alpha_family.coincidences(data),
    )
    estimate = _coefficients(counts, np.ones(len(data.texts)))
    notes += _why_undefined(data, estimate, family_given=not clashes)
    intervals, interval_notes = _intervals(counts, bootstrap, seed)
    return UnitizingAgreement(
        coders=data.coders,
        categories=data.categories,
        texts=len(data.texts),
        length=data.length,
        **_named(data, estimate),
        intervals=intervals,
        notes=tuple(notes + interval_notes),
    )


def _coefficients(counts: _Counts, weights: np.ndarray) -> dict[str, float | np.ndarray]:
    """Every coefficient as a float or an array over categories (nan where undefined)."""
    m = len(counts.data.coders)
    pairs = [
        alpha_unitizing.disagreements(t, weights, m, counts.lengths) for t in counts.by_category
    ]
    observed = np.array([p[0] for p in pairs])
    expected = np.array([p[1] for p in pairs])
    defined = np.isfinite(expected) & (expected > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        by_category = np.where(defined, 1 - observed / expected, np.nan)
    overall = 1 - observed[defined].sum() / expected[defined].sum() if defined.any() else np.nan
    result: dict[str, float | np.ndarray] = {"alpha_U": overall, "alpha_U_by_category": by_category}
    size = len(counts.data.categories)
    if counts.coincidences is None or m < 2:
        result |= {name: np.nan for name in (*FAMILY, "cu_coverage")}
        result |= {"k_u_alpha": np.full(size, np.nan), "coverage": np.full(size, np.nan)}
    else:
        found = u_alpha_family.family(counts.coincidences, weights)
        result |= {
            "u_alpha": found.u_alpha,
            "binary_u_alpha": found.binary_u_alpha,
            "cu_alpha": found.cu_alpha,
            "cu_coverage": found.cu_coverage,
            "k_u_alpha": found.k_u_alpha,
            "coverage": found.coverage,
        }
    return result


def _named(data: Unitizations, values: dict) -> dict:
    """The coefficients with categories named and nan as None."""
    named = {}
    for key, value in values.items():
        if isinstance(value, np.ndarray):
            named[key] = {c: _number(v) for c, v in zip(data.categories, value, strict=True)}
        else:
            named[key] = _number(value)
    return named


def _number(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _why_undefined(data: Unitizations, values: dict, family_given: bool) -> list[str]:
    """One note per coefficient left undefined, saying why."""
    if len(data.coders) < 2:
        return [
            f"agreement needs at least 2 coders; the data name {len(data.coders)}: "
            "every coefficient is undefined"
        ]
    if not data.categories:
        return ["no coder marked any unit: every coefficient is undefined"]
    notes = []
    for category, value in zip(data.categories, values["alpha_U_by_category"], strict=True):
        if not np.isfinite(value):
            notes.append(
                f"alpha_U of {category} is undefined: no disagreement is expected by chance "
                "(its units leave no gap they could be moved into)"
            )
    if not family_given:
        return notes  # the family was left out, as a note above says
    if np.isnan(values["u_alpha"]):
        notes.append("u-alpha is undefined: no disagreement is expected by chance")
    if np.isnan(values["binary_u_alpha"]):
        notes.append(
            "|u-alpha is undefined: it needs both units and gaps, and here one of them "
            "covers the whole continuum"
        )
    if np.isnan(values["cu_alpha"]):
        notes.append(
            "cu-alpha is undefined: it compares the categories of intersecting units, and "
            + (
                "no two coders' units intersect"
                if not values["cu_coverage"]
                else "the intersecting units all carry one category"
            )
        )
    for category, value, share in zip(
        data.categories, values["k_u_alpha"], values["coverage"], strict=True
    ):
        if np.isnan(value):
            notes.append(
                f"(k)u-alpha of {category} is undefined: "
                + (
                    "none of its units meets another coder's unit"
                    if not share
                    else "no disagreement on it is expected by chance"
                )
            )
    return notes


def _intervals(counts: _Counts, bootstrap: int, seed: int) -> tuple[dict, list[str]]:
    """95% percentile intervals from resampling texts with replacement, where defined."""
    n_texts = len(counts.data.texts)
    if bootstrap == 0:
        return {}, []
    if n_texts < MIN_TEXTS_FOR_INTERVALS:
        return {}, [
            "no bootstrap intervals: they resample texts, and there is only one; give "
            "several texts (a document column) for intervals"
        ]
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n_texts, np.full(n_texts, 1 / n_texts), size=bootstrap)
    replicates = [_coefficients(counts, w.astype(float)) for w in draws]
    intervals, thin = {}, []
    for key in ("alpha_U", *FAMILY, "alpha_U_by_category", "k_u_alpha"):
        values = np.array([r[key] for r in replicates], dtype=float)
        if values.ndim == 1:
            intervals[key] = _percentiles(values, key, thin)
        else:
            intervals[key] = {
                c: _percentiles(values[:, i], f"{key} of {c}", thin)
                for i, c in enumerate(counts.data.categories)
            }
    notes = [
        f"95% intervals: {bootstrap:,} resamples of the {n_texts} texts (seed {seed}); "
        "an interval is null where fewer than half the resamples define the coefficient"
    ]
    return intervals, notes


def _percentiles(values: np.ndarray, name: str, thin: list[str]) -> dict | None:
    finite = values[np.isfinite(values)]
    if len(finite) < MIN_DEFINED_SHARE * len(values):
        thin.append(name)
        return None
    low, high = np.percentile(finite, [2.5, 97.5])
    return {"low": float(low), "high": float(high)}
