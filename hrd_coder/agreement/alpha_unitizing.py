"""Krippendorff's alpha_U for unitizing, one category at a time (Krippendorff 1995,
Sociological Methodology 25: 47-76; Content Analysis, 2nd ed., 2004, sec. 11.6).

Each category is judged on its own: a coder's continuum is cut into that category's units
and the gaps between them (units of other categories are gap here). Two sections of two
coders differ by

- both units, overlapping: the squared differences of their begins and of their ends;
- a unit lying wholly inside the other coder's gap: the unit's length, squared;
- anything else (gap and gap, a unit only partly in a gap): nothing,

and D_o sums these over every ordered pair of coders, divided by m(m-1)L^2. D_e is the
2004 formula: the disagreement expected when the same units are put anywhere into the
same gaps. DKPro Agreement's Krippendorff1995Test notes "a small error in the computation of
D_E in the original reference", possibly a `+` for the `-` of the 2004 text's
`l_jh - l_ig + 1`; we follow 2004 (as DKPro does), so the 1995 examples are met
only to about two decimals (tests/agreement/test_unitizing_published.py).

No library computes alpha_U for Python (DKPro Agreement is Java), hence this module. The
statistics are kept per text so that a bootstrap over texts reweights them without
recounting (see `Tallies`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hrd_coder.agreement.continuum import CoderUnits, Unitizations, gaps


@dataclass(frozen=True)
class Tallies:
    """What alpha_U of one category needs, per text: the observed disagreement's sum, and
    every unit's and gap's length with the text it is in."""

    observed: np.ndarray  # per text: sum of squared differences over ordered coder pairs
    unit_lengths: np.ndarray
    unit_texts: np.ndarray
    gap_lengths: np.ndarray  # longest first
    gap_texts: np.ndarray
    gaps_at_least: np.ndarray  # per unit: how many gaps are at least as long as it


def tallies(data: Unitizations, category: int) -> Tallies:
    """Count one category's disagreements and lengths in every text."""
    observed = np.zeros(len(data.texts))
    sections = [units.of_category(category) for units in data.by_coder]
    unit_lengths, unit_texts, gap_lengths, gap_texts = [], [], [], []
    for i, own in enumerate(sections):
        unit_lengths.append(own.ends - own.begins)
        unit_texts.append(own.texts)
        lengths, texts = gaps(own, data)
        gap_lengths.append(lengths)
        gap_texts.append(texts)
        for j, other in enumerate(sections):
            if i != j:
                observed += _differences(own, other, len(data.texts))
    lengths = np.concatenate(gap_lengths).astype(float)
    order = np.argsort(-lengths, kind="stable")
    lengths, texts = lengths[order], np.concatenate(gap_texts)[order]
    units = np.concatenate(unit_lengths).astype(float)
    at_least = len(lengths) - np.searchsorted(lengths[::-1], units, side="left")
    return Tallies(observed, units, np.concatenate(unit_texts), lengths, texts, at_least)


def _differences(own: CoderUnits, other: CoderUnits, n_texts: int) -> np.ndarray:
    """Per text, squared differences between coder i's units and coder j's sections, as i
    sees them: i's units against overlapping units of j, and twice (once for each order of
    the pair) the squared length of each unit of i that lies inside a gap of j. Units never
    cross a text's border, so the texts laid end to end can be searched at once."""
    first = np.searchsorted(other.ends, own.begins, side="right")  # j's units ending after b
    stop = np.searchsorted(other.begins, own.ends, side="left")  # j's starting before e
    overlaps = np.maximum(stop - first, 0)
    lengths = (own.ends - own.begins).astype(float)
    per_unit = np.where(overlaps == 0, 2.0 * lengths**2, 0.0)
    mine = np.repeat(np.arange(len(own.begins)), overlaps)
    offsets = np.arange(overlaps.sum()) - np.repeat(np.cumsum(overlaps) - overlaps, overlaps)
    theirs = np.repeat(first, overlaps) + offsets
    both = (own.begins[mine] - other.begins[theirs]).astype(float) ** 2 + (
        own.ends[mine] - other.ends[theirs]
    ).astype(float) ** 2
    per_unit += np.bincount(mine, weights=both, minlength=len(own.begins))
    return np.bincount(own.texts, weights=per_unit, minlength=n_texts)


def disagreements(
    counts: Tallies, weights: np.ndarray, coders: int, lengths: np.ndarray
) -> tuple[float, float]:
    """Observed and expected disagreement (D_o, D_e) with each text counted `weights` times."""
    length = float(weights @ lengths)
    if coders < 2 or length == 0:
        return np.nan, np.nan
    observed = float(weights @ counts.observed) / (coders * (coders - 1) * length**2)
    unit_weights = weights[counts.unit_texts]
    gap_weights = weights[counts.gap_texts]
    n_gaps = np.concatenate(([0.0], np.cumsum(gap_weights)))[counts.gaps_at_least]
    gap_sum = np.concatenate(([0.0], np.cumsum(gap_weights * counts.gap_lengths)))[
        counts.gaps_at_least
    ]
    ell = counts.unit_lengths
    units = unit_weights.sum()
    # Per unit: (N_c - 1)(2l^3 - 3l^2 + l)/3 for the other units, and l^2 times the
    # number of places it fits into each gap at least as long, (l_gap - l + 1).
    per_unit = (units - 1) * (2 * ell**3 - 3 * ell**2 + ell) / 3 + ell**2 * (
        gap_sum - (ell - 1) * n_gaps
    )
    pairable = coders * length * (coders * length - 1) - unit_weights @ (ell * (ell - 1))
    if pairable <= 0:
        return observed, np.nan
    expected = (2 / length) * float(unit_weights @ per_unit) / pairable
    return observed, expected
