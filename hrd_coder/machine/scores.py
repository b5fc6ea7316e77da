"""Precision, recall and F1 of a model's presence calls against a reference layer's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class PresenceScores:
    """How well the model finds the units where the reference marked the code."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


def presence_scores(reference: np.ndarray, model: np.ndarray) -> PresenceScores:
    """Scores of 0/1 `model` calls against 0/1 `reference` labels (0 where undefined, as
    scikit-learn's zero_division=0: a model that never says "present" has precision 0)."""
    from sklearn.metrics import precision_recall_fscore_support

    precision, recall, f1, _ = precision_recall_fscore_support(
        reference, model, average="binary", pos_label=1, zero_division=0
    )
    hits = (reference == 1) & (model == 1)
    return PresenceScores(
        float(precision),
        float(recall),
        float(f1),
        int(hits.sum()),
        int(((reference == 0) & (model == 1)).sum()),
        int(((reference == 1) & (model == 0)).sum()),
    )
