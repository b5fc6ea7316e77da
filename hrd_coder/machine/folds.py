"""Cross-validation by document: a model is judged only on documents it never saw.

Units of one document share a speaker, a topic and a coder's habits; splitting units of the
same document between training and test would let the model learn the document, not the code.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def document_folds(documents: Sequence[str], folds: int, seed: int) -> dict[str, int]:
    """Document -> its fold (0 .. folds-1): documents shuffled with `seed`, then dealt out
    in turn, so fold sizes differ by at most one document."""
    if folds < 2:
        raise ValueError("cross-validation needs at least 2 folds")
    if len(documents) < folds:
        raise ValueError(f"{folds} folds need at least {folds} documents, not {len(documents)}")
    order = sorted(documents)
    random.Random(seed).shuffle(order)
    return {document: index % folds for index, document in enumerate(order)}


def shuffled_labels(labels: Mapping[str, np.ndarray], seed: int) -> dict[str, np.ndarray]:
    """The same labels dealt to other units at random (one permutation for every code, so
    each code keeps its share and codes keep co-occurring): the baseline that has no signal."""
    import numpy as np

    sizes = {len(v) for v in labels.values()}
    if not sizes:
        return {}
    (size,) = sizes
    order = np.random.default_rng(seed).permutation(size)
    return {code: present[order] for code, present in labels.items()}
