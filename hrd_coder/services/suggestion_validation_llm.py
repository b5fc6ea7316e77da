"""Is an llm run good enough to use? Per code, agreement between its suggestions and a human
reference layer (consensus by default) on the documents both cover.

No cross-validation: the model learned nothing from this project, so every document the
humans coded is unseen by it. The baseline is the run's own calls dealt to other units at
random (one permutation for all codes, with the run's seed): the agreement of suggestions
that keep each code's share but have nothing to do with the text.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from hrd_coder.problems import ProjectError
from hrd_coder.services.agreement import TENTATIVE
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.services.suggestion_validation import (
    Validation,
    code_validation,
    recorded_validation,
)
from hrd_coder.services.suggestions import SuggestRun, labelled_units, layer_documents
from hrd_coder.wording import agreeing, noun, plural

if TYPE_CHECKING:
    from hrd_coder.services.project import Project


def validate_llm_run(
    project: Project, run: SuggestRun, reference: str | None, bootstrap: int
) -> Validation:
    """Agreement of the run's layer with the reference layer, code by code; recorded."""
    import numpy as np

    started = time.perf_counter()
    reference = reference or CONSENSUS
    if is_model_layer(reference):
        raise ProjectError(
            f"'{reference}' holds a machine coder's suggestions: validate against a human "
            "layer (--reference consensus, or a coder's name)"
        )
    documents = sorted(layer_documents(project, reference) & set(run.document_ids))
    if not documents:
        raise ProjectError(
            f"run {run.run} suggested for no document that {reference} has coded: run it on "
            f"the documents the humans coded (see 'hrd-coder coverage'), or name another "
            "layer with --reference"
        )
    human = labelled_units(project, reference, run.unit, documents)
    model = labelled_units(project, run.layer, run.unit, documents)
    gone = [code for code in run.codes if code not in human.labels]
    if gone:
        raise ProjectError(
            f"{noun(len(gone), 'code')} {', '.join(gone)} of run {run.run} "
            f"{agreeing(len(gone), 'is', 'are')} no longer in the codebook "
            "(renamed, merged or split since): make a new run with 'hrd-coder suggest run'"
        )
    shuffled = np.random.default_rng(run.seed).permutation(len(human.units))
    codes = {
        code: code_validation(
            human.labels[code], model.labels[code], model.labels[code][shuffled], run, bootstrap
        )
        for code in run.codes
    }
    result = Validation(
        run=run.run,
        layer=run.layer,
        reference=reference,
        unit=run.unit,
        folds=0,  # none: the model was not trained on the project
        seed=run.seed,
        bootstrap=bootstrap,
        threshold=TENTATIVE,
        documents=len(documents),
        units=len(human.units),
        training_changed=False,
        codes=codes,
        backend=run.backend,
        version=run.version,
        settings=run.settings,
        seconds=round(time.perf_counter() - started, 3),
    )
    return recorded_validation(project, result)


def llm_methods_paragraph(found: Validation) -> str:
    """A paragraph for a paper's methods section on an llm run and its validation."""
    s = found.settings
    usable = [
        f"{code} (alpha = {v.alpha:.2f})"
        for code, v in found.codes.items()
        if v.usable and v.alpha is not None
    ]
    where = "an Ollama server" + (" on another machine" if s.get("remote") else " on this machine")
    runner = "llama.cpp" if s.get("source") == "gguf" else where
    return (
        f"Machine suggestions (run {found.run}) were made with hrd-coder's llm backend: the "
        f"language model {s.get('model')} ({s.get('model_checksum')}), run by {runner} "
        f"({found.version}) at temperature {s.get('temperature')} with seed {found.seed}, was "
        f"given the codebook (each code's definition, inclusion and exclusion rules and "
        f"examples) and one {found.unit} at a time, and asked for JSON naming each code that "
        "applies with a verbatim quote and a reason; a suggestion whose quote was not found "
        "exactly in the text, or whose code was not in the codebook, was discarded "
        f"(prompt template SHA-256 {str(s.get('prompt_template_hash'))[:12]}). Per code, we "
        "report Krippendorff's alpha (nominal; 95% interval from "
        f"{found.bootstrap} bootstrap resamples) and Cohen's kappa (95% interval from its "
        "large-sample standard error) between the suggestions and the "
        f"{found.reference} layer on the {plural(found.units, found.unit)} of the "
        f"{plural(found.documents, 'document')} both cover, precision, recall and F1 for the "
        "code's "
        "presence, and the same statistics for the suggestions shuffled among units. "
        f"Following Krippendorff (2004), a code with alpha below {found.threshold} (or with "
        "fewer units marked than a verdict needs) was treated as unusable. "
        f"Usable: {', '.join(usable) or 'none'}. "
        f"Unusable: {', '.join(found.unusable) or 'none'}."
    )
