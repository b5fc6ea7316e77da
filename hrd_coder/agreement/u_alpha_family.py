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

from hrd_coder.agreement.continuum import Unitizations


@dataclass(frozen=True)
class Coincidences:
    """Per text: the coincidence matrix (values 0..V, 0 the gap) and what each value's
    sections cannot pair with themselves, for u-alpha and for cu-alpha."""

    observed: np.ndarray  # (texts, V+1, V+1)
    self_pairs: np.ndarray  # (texts, V+1): units' lengths squared; gaps' lengths
    valued_self_pairs: np.ndarray  # (texts, V+1): w^2 of each unit (index 0 unused)


def overlapping_units(data: Unitizations) -> list[str]:
    """Where a coder's units of different categories overlap (the family needs one value
    per position), the first place for each coder."""
    found = []
    for coder, units in enumerate(data.by_coder):
        clash = np.flatnonzero(units.begins[1:] < np.maximum.accumulate(units.ends)[:-1])
        if len(clash):
            k = clash[0] + 1
            where = data.where(int(units.begins[k]), int(units.texts[k]))
            found.append(f"{data.coders[coder]}'s units overlap at {where}")
    return found


def coincidences(data: Unitizations) -> Coincidences:
    """Count every text's coincidences; the units must not overlap within a coder.

    The continuum is cut into elementary stretches at every unit's begin and end and every
    text's border; on each, every coder has one value (0 for a gap), and the stretch adds
    its length to each ordered pair of coders' cell."""
    m, size, n_texts = len(data.coders), len(data.categories) + 1, len(data.texts)
    bounds = [data.starts, data.starts + data.lengths]
    bounds += [u.begins for u in data.by_coder] + [u.ends for u in data.by_coder]
    points = np.unique(np.concatenate(bounds))
    starts, lengths = points[:-1], np.diff(points).astype(float)
    texts = np.searchsorted(data.starts, starts, side="right") - 1
    values = np.zeros((m, len(starts)), dtype=np.int64)
    unit_of = np.full((m, len(starts)), -1)
    for coder, units in enumerate(data.by_coder):
        if len(units.begins):
            last = np.maximum(np.searchsorted(units.begins, starts, side="right") - 1, 0)
            inside = (units.begins[last] <= starts) & (starts < units.ends[last])
            values[coder] = np.where(inside, units.categories[last] + 1, 0)
            unit_of[coder] = np.where(inside, last, -1)
    pairs = max(m - 1, 1)
    observed = np.zeros(n_texts * size * size)
    for i in range(m):
        for j in range(m):
            if i != j:
                cell = (texts * size + values[i]) * size + values[j]
                observed += np.bincount(cell, weights=lengths, minlength=len(observed))
    self_pairs = np.zeros((n_texts, size))
    valued_self_pairs = np.zeros((n_texts, size))
    valued_here = (values > 0).sum(axis=0)
    for coder, units in enumerate(data.by_coder):
        gap = values[coder] == 0
        self_pairs[:, 0] += np.bincount(texts[gap], weights=lengths[gap], minlength=n_texts)
        unit_cell = units.texts * size + units.categories + 1
        squares = (units.ends - units.begins).astype(float) ** 2
        self_pairs += np.bincount(unit_cell, squares, n_texts * size).reshape(n_texts, size)
        mine = unit_of[coder] >= 0
        others = (valued_here[mine] - 1) * lengths[mine] / pairs
        share = np.bincount(unit_of[coder][mine], weights=others, minlength=len(units.begins))
        valued_self_pairs += np.bincount(unit_cell, share**2, n_texts * size).reshape(n_texts, size)
    return Coincidences(
        observed.reshape(n_texts, size, size) / pairs, self_pairs, valued_self_pairs
    )


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
