"""Is a machine coder good enough to use? Per code, agreement between its suggestions and the
layer it learned from, on documents it did not learn from, beside a label-shuffled baseline.

Cross-validation by document: the training layer's documents are dealt into k folds; for each
fold, a classifier with the run's settings learns from the other folds and suggests for this
one. Every unit thus gets a suggestion from a model that never saw its document. Agreement
between those suggestions and the layer is measured with the same statistics, intervals and
verdicts as between two humans (services/agreement.py). The baseline repeats all of it with
the training labels dealt to other units at random: the agreement a model reaches with no
signal at all, which should be near zero.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.agreement import TENTATIVE, positives, verdict
from hrd_coder.services.suggestions import LabelledUnits, SuggestRun, find_run, labelled_units
from hrd_coder.storage.events import record_event
from hrd_coder.wording import agreeing, noun, plural

if TYPE_CHECKING:
    import numpy as np

    from hrd_coder.machine.backends import Machine
    from hrd_coder.services.project import Project

VALIDATE_ACTION = "suggest.validate"
DEFAULT_FOLDS = 5
USABLE = ("reliable", "tentative")  # the verdicts at or above the project's threshold


@dataclass(frozen=True)
class CodeValidation:
    """One code's out-of-fold agreement with the reference layer, and the baseline's."""

    alpha: float | None
    alpha_low: float | None
    alpha_high: float | None
    kappa: float | None
    kappa_low: float | None
    kappa_high: float | None
    precision: float
    recall: float
    f1: float
    units: int
    marked: int  # units the reference layer marked
    suggested: int  # units the model marked
    positives: int  # units either marked (what alpha's verdict rests on)
    true_positives: int
    false_positives: int
    false_negatives: int
    verdict: str
    usable: bool
    baseline_alpha: float | None
    baseline_kappa: float | None
    baseline_f1: float


@dataclass(frozen=True)
class Validation:
    """A run's validation: settings, and per code the agreement and verdict."""

    run: str
    layer: str
    reference: str
    unit: str
    folds: int
    seed: int
    bootstrap: int
    threshold: float
    documents: int
    units: int
    training_changed: bool  # the reference layer's codings differ from the run's
    codes: dict[str, CodeValidation]
    backend: str
    version: str
    settings: dict[str, Any]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (`suggest validate --format json`)."""
        return asdict(self)

    @property
    def unusable(self) -> list[str]:
        """The codes whose suggestions may not be used as they are."""
        return [code for code, found in self.codes.items() if not found.usable]


def validate_run(
    project: Project,
    run: str,
    folds: int = DEFAULT_FOLDS,
    bootstrap: int = 1000,
    reference: str | None = None,
) -> Validation:
    """Cross-validate the run's classifier on its training layer (an llm run: compare it
    with the reference layer), record the result."""
    from hrd_coder.machine.backends import recorded_machine

    started = time.perf_counter()
    recorded = find_run(project, run)
    if recorded.backend == "llm":
        from hrd_coder.services.suggestion_validation_llm import validate_llm_run

        return validate_llm_run(project, recorded, reference, bootstrap)
    if reference is not None and reference != recorded.train:
        raise ProjectError(
            f"run {recorded.run} is validated against the layer it learned from "
            f"({recorded.train}): leave out --reference (it is for llm runs)"
        )
    reference = labelled_units(project, recorded.train, recorded.unit)
    gone = [code for code in recorded.codes if code not in reference.labels]
    if gone:
        raise ProjectError(
            f"{noun(len(gone), 'code')} {', '.join(gone)} of run {recorded.run} "
            f"{agreeing(len(gone), 'is', 'are')} no longer in the codebook "
            "(renamed, merged or split since): make a new run with 'hrd-coder suggest run'"
        )
    documents = sorted({u.document_id or "" for u in reference.units})
    if len(documents) < folds:
        raise ProjectError(
            f"layer '{recorded.train}' covers {plural(len(documents), 'document')}: {folds}-fold "
            "validation by document needs at least as many; use --folds "
            f"{max(2, len(documents))} or code more documents"
        )
    if folds < 2:
        raise ProjectError("validation needs at least 2 folds (--folds 2 or more)")
    machine = recorded_machine(recorded.backend, recorded.settings)
    calls = out_of_fold(recorded, machine, reference, documents, folds, shuffle=False)
    baseline = out_of_fold(recorded, machine, reference, documents, folds, shuffle=True)
    codes = {
        code: code_validation(
            reference.labels[code], calls[code], baseline[code], recorded, bootstrap
        )
        for code in recorded.codes
    }
    result = Validation(
        run=recorded.run,
        layer=recorded.layer,
        reference=recorded.train,
        unit=recorded.unit,
        folds=folds,
        seed=recorded.seed,
        bootstrap=bootstrap,
        threshold=TENTATIVE,
        documents=len(documents),
        units=len(reference.units),
        training_changed=reference.checksum != recorded.training_checksum,
        codes=codes,
        backend=recorded.backend,
        version=recorded.version,
        settings=recorded.settings,
        seconds=round(time.perf_counter() - started, 3),
    )
    return recorded_validation(project, result)


def recorded_validation(project: Project, result: Validation) -> Validation:
    """The validation, once written to the event log (what `explain` and the export
    refusals read)."""
    with project.database.writing() as conn:
        record_event(
            conn,
            coder=project.viewer,
            action=VALIDATE_ACTION,
            entity="model_run",
            entity_id=result.run,
            after=result.as_dict(),
        )
    return result


def out_of_fold(
    run: SuggestRun,
    machine: Machine,
    reference: LabelledUnits,
    documents: list[str],
    folds: int,
    *,
    shuffle: bool,
) -> dict[str, np.ndarray]:
    """Per code, each unit's 0/1 call by a model trained without the unit's document (on
    labels dealt at random among the training units when `shuffle`)."""
    import numpy as np

    from hrd_coder.machine.classifier import probabilities
    from hrd_coder.machine.folds import document_folds, shuffled_labels

    fold_of = document_folds(documents, folds, run.seed)
    unit_folds = np.array([fold_of[u.document_id or ""] for u in reference.units])
    texts = np.array(reference.texts, dtype=object)
    calls = {code: np.zeros(len(texts), dtype=int) for code in run.codes}
    for fold in range(folds):
        held_out = unit_folds == fold
        labels = {code: reference.labels[code][~held_out] for code in run.codes}
        if shuffle:
            labels = shuffled_labels(labels, run.seed + fold)
        model = machine.train(texts[~held_out], labels, run.seed)
        for code, chances in probabilities(model, texts[held_out]).items():
            calls[code][held_out] = (chances >= machine.settings.threshold).astype(int)
    return calls


def code_validation(
    reference: np.ndarray,
    calls: np.ndarray,
    baseline: np.ndarray,
    run: SuggestRun,
    bootstrap: int,
) -> CodeValidation:
    """Agreement of the model's calls with the reference layer for one code."""
    from hrd_coder.machine.scores import presence_scores

    alpha, kappa = _agreement(reference, calls, run.seed, bootstrap)
    base_alpha, base_kappa = _agreement(reference, baseline, run.seed, 0)
    scores = presence_scores(reference, calls)
    matrix = _ratings(reference, calls)
    marked = positives(matrix)
    judged = verdict("alpha", alpha.value, marked)
    return CodeValidation(
        alpha=_number(alpha.value),
        alpha_low=_number(alpha.ci_low),
        alpha_high=_number(alpha.ci_high),
        kappa=_number(kappa.value),
        kappa_low=_number(kappa.ci_low),
        kappa_high=_number(kappa.ci_high),
        precision=scores.precision,
        recall=scores.recall,
        f1=scores.f1,
        units=int(reference.size),
        marked=int(reference.sum()),
        suggested=int(calls.sum()),
        positives=marked,
        true_positives=scores.true_positives,
        false_positives=scores.false_positives,
        false_negatives=scores.false_negatives,
        verdict=judged,
        usable=judged in USABLE,
        baseline_alpha=_number(base_alpha.value),
        baseline_kappa=_number(base_kappa.value),
        baseline_f1=presence_scores(reference, baseline).f1,
    )


def _ratings(reference: np.ndarray, calls: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.vstack([reference, calls]).astype(float)


def _agreement(reference: np.ndarray, calls: np.ndarray, seed: int, bootstrap: int) -> tuple:
    from hrd_coder.agreement import compute

    matrix = _ratings(reference, calls)
    return compute(matrix, "alpha", "nominal", bootstrap, seed), compute(matrix, "cohen")


def _number(value: float | None) -> float | None:
    """A JSON-ready number: nan (undefined) becomes None."""
    if value is None or value != value:
        return None
    return float(value)


def methods_paragraph(found: Validation) -> str:
    """A paragraph for a paper's methods section: what made the suggestions, how they were
    checked, and which codes passed."""
    if found.backend == "llm":
        from hrd_coder.services.suggestion_validation_llm import llm_methods_paragraph

        return llm_methods_paragraph(found)
    s = found.settings
    weights = "balanced" if s.get("class_weight") == "balanced" else "equal"
    usable = [
        f"{code} (alpha = {v.alpha:.2f})"
        for code, v in found.codes.items()
        if v.usable and v.alpha is not None
    ]
    unusable = found.unusable
    return (
        f"Machine suggestions (run {found.run}) were made with hrd-coder's {found.backend} "
        f"backend ({found.version}): {_features(found.backend, s)}, and one logistic "
        f"regression per code (C = {s['c']}, {weights} class weights), trained on the "
        f"{found.reference} "
        f"layer at the {found.unit} level ({found.units} units in {found.documents} "
        f"documents; seed {found.seed}); a unit was suggested when its probability reached "
        f"{s['threshold']}. To estimate agreement with human coding, we used {found.folds}-"
        "fold cross-validation by document: each document's units were suggested by a model "
        "trained only on the other folds' documents. Per code, we report Krippendorff's alpha "
        f"(nominal; 95% interval from {found.bootstrap} bootstrap resamples) and Cohen's kappa "
        f"(95% interval from its large-sample standard error) between the suggestions and the "
        f"{found.reference} layer, precision, recall and F1 for the code's presence, and the "
        "same statistics for a baseline trained on labels shuffled among units. Following "
        f"Krippendorff (2004), a code with alpha below {found.threshold} (or with fewer units "
        "marked than a verdict needs) was treated as unusable. "
        f"Usable: {', '.join(usable) or 'none'}. "
        f"Unusable: {', '.join(unusable) or 'none'}."
    )


def _features(backend: str, s: dict[str, Any]) -> str:
    """The features in words: the embedding model is named by its folder and checksum."""
    if backend == "embedding":
        return (
            "features that are the mean of each unit's token embeddings in the model2vec "
            f"static model from the folder {Path(s['model_dir']).name} (SHA-256 of its "
            f"{plural(s['model_files'], 'file')}: {s['model_checksum'][:16]}), each "
            "dimension standardised on the training units"
        )
    return (
        f"TF-IDF features of word {_span(s['word_ngrams'])}-grams and character "
        f"{_span(s['char_ngrams'])}-grams"
    )


def _span(pair: list[int]) -> str:
    low, high = pair
    return str(low) if low == high else f"{low}–{high}"
