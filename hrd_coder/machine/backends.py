"""The backends that learn from a human layer, `classifier` and `embedding`: the same logistic
regression per code on different features. A Machine is one backend made ready to train,
for a new run or, from a run's recorded settings, for its validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.machine import classifier, embedding

if TYPE_CHECKING:
    import numpy as np

LEARNING = (classifier.BACKEND, embedding.BACKEND)


@dataclass(frozen=True)
class Machine:
    """A backend ready to train: its settings (recorded with the run), its libraries'
    versions and, for `embedding`, the loaded model that makes the features."""

    backend: str
    settings: classifier.ClassifierSettings | embedding.EmbeddingSettings
    version: str
    model: Any = None

    def train(
        self, texts: Sequence[str], labels: Mapping[str, np.ndarray], seed: int
    ) -> classifier.TrainedClassifier:
        """The per-code regressions fitted on these texts' features."""
        features = embedding.EmbeddingFeatures(self.model) if self.model is not None else None
        return classifier.train(texts, labels, self.settings, seed, features)


def new_machine(backend: str, model_dir: str | None = None) -> Machine:
    """A backend for a new run (`model_dir`: the embedding model's folder)."""
    if backend == embedding.BACKEND:
        return _embedding(embedding.settings_for(model_dir))
    return Machine(backend, classifier.ClassifierSettings(), classifier.backend_version())


def recorded_machine(backend: str, settings: Mapping[str, Any]) -> Machine:
    """The backend a run used, with its recorded settings (its model folder checked)."""
    if backend == embedding.BACKEND:
        return _embedding(embedding.recorded_settings(dict(settings)))
    made = classifier.ClassifierSettings(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}
    )
    return Machine(backend, made, classifier.backend_version())


def _embedding(settings: embedding.EmbeddingSettings) -> Machine:
    model = embedding.load_model(settings)
    return Machine(embedding.BACKEND, settings, embedding.backend_version(), model)
