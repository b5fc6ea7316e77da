"""The `classifier` backend: TF-IDF of word and character n-grams, one logistic regression
per code, giving each unit a probability that the code applies to it.

Deterministic: TF-IDF has no randomness, and each regression is fitted by lbfgs, which has
no random start (the seed is passed to scikit-learn all the same, and recorded).

Fitting runs in one thread. On a two-core machine shared with other work, the BLAS and
OpenMP threads scikit-learn starts by default spent their time waiting for each other: the
demo's 13 codes took 6.6 s to fit with them and 0.13 s without (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # scikit-learn and numpy load only when a classifier is trained
    import numpy as np

BACKEND = "classifier"


@dataclass(frozen=True)
class ClassifierSettings:
    """What shapes the classifier, recorded with every run so it can be repeated."""

    word_ngrams: tuple[int, int] = (1, 2)
    # 3-4, not 3-5: five-grams added a third of the matrix's entries (and of each fit's time
    # on the size-M benchmark) for little that four-grams and whole words do not already say.
    char_ngrams: tuple[int, int] = (3, 4)
    min_df: int = 1
    # Inverse regularisation strength of each regression. 4, not scikit-learn's 1: TF-IDF rows
    # have unit length, so one telling word carries a small value, and at C = 1 a planted
    # word that marks every coded sentence was found in 61% of them (alpha 0.72, against
    # 0.97 at C = 4), while codes with no signal stayed at chance either way (tests/planted.py).
    c: float = 4.0
    # Unweighted, so that a suggestion's probability is one: reweighting rare codes
    # ("balanced") finds more of them but inflates every probability, and on codes with no
    # signal it suggested a third of all units (540,000 codings on the size-M benchmark).
    class_weight: str | None = None
    threshold: float = 0.5  # a unit is suggested when its probability reaches this

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the run's event."""
        return {key: list(v) if isinstance(v, tuple) else v for key, v in asdict(self).items()}


@dataclass
class TrainedClassifier:
    """The fitted features and, per code, a fitted regression or a constant probability
    (a code present in every training unit, or in none, has nothing to learn)."""

    features: Any
    models: dict[str, Any]
    constants: dict[str, float]


def backend_version() -> str:
    """The library that does the work, with its version, for the run's record."""
    import sklearn

    return f"scikit-learn {sklearn.__version__}"


def feature_maker(settings: ClassifierSettings) -> Any:
    """Word and character TF-IDF side by side (an unfitted scikit-learn FeatureUnion)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=settings.word_ngrams, min_df=settings.min_df, sublinear_tf=True
                ),
            ),
            (
                # Character n-grams inside word boundaries catch inflections and spelling
                # variants that whole words miss ("sanction", "sanctioned", "sanctions").
                "characters",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=settings.char_ngrams,
                    min_df=settings.min_df,
                    sublinear_tf=True,
                ),
            ),
        ]
    )


def regression(settings: ClassifierSettings, seed: int) -> Any:
    """One code's unfitted logistic regression."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=settings.c,
        class_weight=settings.class_weight,
        max_iter=1000,
        random_state=seed,
    )


def train(
    texts: Sequence[str],
    labels: Mapping[str, np.ndarray],
    settings: ClassifierSettings,
    seed: int,
    features: Any = None,
) -> TrainedClassifier:
    """Fit the features on `texts` and one regression per code on its 0/1 `labels`.
    `features` is an unfitted maker of other features (the `embedding` backend's); by
    default the settings' TF-IDF. The regressions read `settings.c`, `.class_weight`."""
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    features = feature_maker(settings) if features is None else features
    models, constants = {}, {}
    with threadpool_limits(1):
        matrix = features.fit_transform(list(texts))
        for code, present in labels.items():
            if present.min() == present.max():
                constants[code] = float(present[0]) if len(present) else 0.0
                continue
            models[code] = regression(settings, seed).fit(matrix, present)
    return TrainedClassifier(features, models, constants)


def probabilities(model: TrainedClassifier, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """Per code, each text's probability that the code applies."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        matrix = model.features.transform(list(texts))
        found = {code: m.predict_proba(matrix)[:, 1] for code, m in model.models.items()}
    for code, value in model.constants.items():
        found[code] = np.full(len(texts), value)
    return found
