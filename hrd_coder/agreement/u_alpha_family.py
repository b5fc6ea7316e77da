"""The u-alpha family for unitized continua (Krippendorff, Mathet, Bouvry & Widlöcher 2016,
Quality & Quantity 50: 2347-2364; Krippendorff, Content Analysis, 4th ed., 2019, sec. 12.6).

Each coder's continuum is one partition into units, each with one value (category), and
gaps. For every ordered pair of coders, every pair of their sections that intersect adds
the intersection's length to the coincidence matrix `ell` (row: the first coder's value,
column: the second's; gaps are value 0), divided by m - 1, so `ell` sums to mL.

- u-alpha: nominal alpha on `ell` with gaps as a value. Expected coincidences treat a unit
  as indivisible (it cannot pair with itself: minus its length squared on the diagonal)
  and a gap as divisible (minus its length).
- |u-alpha: relevant (any value) against irrelevant (gap) matter: both matrices folded into
  2 x 2.
- cu-alpha: the values of intersecting units only (`ell` without the gap row and column).
  A unit's share of it is w = (its intersections with other coders' units) / (m - 1), and
  w^2 is what it cannot pair with itself. This reading reproduces the book's .724 for
  Fig. 12.11 (the 2019 book); squaring each coder pair's intersection apart gives .726
  and squaring the length covered by any other coder .728 (the two transcriptions in
  tests/agreement/test_unitizing_published.py).
- (k)u-alpha: cu-alpha's disagreements that involve value k, and coverage: the share of
  k's pairable length that meets another coder's unit rather than a gap.

No library computes these for Python, hence this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hrd_coder.agreement.continuum import TextUnits, Unitizations


@dataclass(frozen=True)
class Coincidences:
    """Per text: the coincidence matrix (values 0..V, 0 the gap) and what each value's
    sections cannot pair with themselves, for u-alpha and for cu-alpha."""

    observed: np.ndarray  # (texts, V+1, V+1)
    self_pairs: np.ndarray  # (texts, V+1): units' lengths squared; gaps' lengths
    valued_self_pairs: np.ndarray  # (texts, V+1): w^2 of each unit (index 0 unused)


def overlapping_units(data: Unitizations) -> list[str]:
    """Where a coder's units of different categories overlap (the family needs one value
    per position), at most one place per coder and text."""
    found = []
    for text_units in data.texts:
        for coder, (begins, ends, _) in enumerate(text_units.by_coder):
            clash = np.flatnonzero(begins[1:] < np.maximum.accumulate(ends)[:-1])
            if len(clash):
                where = f" of {text_units.text.document}" if text_units.text.document else ""
                found.append(
                    f"{data.coders[coder]}'s units overlap at {int(begins[clash[0] + 1])}{where}"
                )
    return found


def coincidences(data: Unitizations) -> Coincidences:
    """Count every text's coincidences; the units must not overlap within a coder."""
    size = len(data.categories) + 1
    observed = np.zeros((len(data.texts), size, size))
    self_pairs = np.zeros((len(data.texts), size))
    valued_self_pairs = np.zeros((len(data.texts), size))
    for t, text_units in enumerate(data.texts):
        observed[t], self_pairs[t], valued_self_pairs[t] = _text_coincidences(
            text_units, len(data.coders), size
        )
    return Coincidences(observed, self_pairs, valued_self_pairs)


def _text_coincidences(text_units: TextUnits, m: int, size: int):
    text = text_units.text
    bounds = [np.array([text.begin, text.begin + text.length])]
    for begins, ends, _ in text_units.by_coder:
        bounds += [begins, ends]
    points = np.unique(np.concatenate(bounds))
    starts, lengths = points[:-1], np.diff(points).astype(float)
    values = np.zeros((m, len(starts)), dtype=np.int64)
    unit_of = np.full((m, len(starts)), -1)
    for coder, (begins, ends, categories) in enumerate(text_units.by_coder):
        if not len(begins):
            continue  # all gap
        last = np.searchsorted(begins, starts, side="right") - 1
        inside = (last >= 0) & (starts < ends[np.maximum(last, 0)])
        values[coder] = np.where(inside, categories[np.maximum(last, 0)] + 1, 0)
        unit_of[coder] = np.where(inside, last, -1)
    per_value = np.zeros((len(starts), size))
    for coder in range(m):
        per_value[np.arange(len(starts)), values[coder]] += 1
    weighted = per_value * lengths[:, None]
    observed = (weighted.T @ per_value - np.diag(weighted.sum(axis=0))) / max(m - 1, 1)
    self_pairs = np.zeros(size)
    valued_self_pairs = np.zeros(size)
    valued_here = per_value[:, 1:].sum(axis=1)
    for coder, (begins, ends, categories) in enumerate(text_units.by_coder):
        self_pairs[0] += lengths[values[coder] == 0].sum()
        np.add.at(self_pairs, categories + 1, (ends - begins).astype(float) ** 2)
        mine = unit_of[coder] >= 0
        others = (valued_here[mine] - 1) * lengths[mine] / max(m - 1, 1)
        share = np.bincount(unit_of[coder][mine], weights=others, minlength=len(begins))
        np.add.at(valued_self_pairs, categories + 1, share**2)
    return observed, self_pairs, valued_self_pairs


@dataclass(frozen=True)
class Family:
    """The family's coefficients (nan where undefined) and coverage per value."""

    u_alpha: float
    binary_u_alpha: float
    cu_alpha: float
    cu_coverage: float
    k_u_alpha: np.ndarray
    coverage: np.ndarray


def family(counts: Coincidences, weights: np.ndarray) -> Family:
    """The four coefficients with each text counted `weights` times."""
    observed = np.tensordot(weights, counts.observed, axes=1)
    expected = _expected(observed, weights @ counts.self_pairs)
    u_alpha = _alpha(observed.sum() - np.trace(observed), expected.sum() - np.trace(expected))
    binary = _alpha(2 * observed[0, 1:].sum(), 2 * expected[0, 1:].sum())
    valued = observed[1:, 1:]
    valued_expected = _expected(valued, (weights @ counts.valued_self_pairs)[1:])
    cu_alpha = _alpha(valued.sum() - np.trace(valued), valued.sum() - np.trace(valued_expected))
    margins, all_margins = valued.sum(axis=1), observed.sum(axis=1)[1:]
    expected_margins = valued_expected.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        k_u_alpha = 1 - (expected_margins / margins) * (margins - np.diag(valued)) / (
            expected_margins - np.diag(valued_expected)
        )
        coverage = margins / all_margins
        cu_coverage = valued.sum() / observed.sum()
    k_u_alpha[~np.isfinite(k_u_alpha)] = np.nan
    return Family(u_alpha, binary, cu_alpha, float(cu_coverage), k_u_alpha, coverage)


def _expected(observed: np.ndarray, self_pairs: np.ndarray) -> np.ndarray:
    """Expected coincidences: margins times margins, less what cannot pair with itself,
    scaled to the same total."""
    total = observed.sum()
    margins = observed.sum(axis=1)
    pairable = total**2 - self_pairs.sum()
    if total == 0 or pairable <= 0:
        return np.full_like(observed, np.nan)
    return total * (np.outer(margins, margins) - np.diag(self_pairs)) / pairable


def _alpha(observed: float, expected: float) -> float:
    """1 - D_o/D_e, or nan when no disagreement is expected (or nothing is pairable)."""
    if not np.isfinite(expected) or expected <= 1e-12 * max(1.0, abs(observed)):
        return np.nan
    return float(1 - observed / expected)
