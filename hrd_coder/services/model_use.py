"""May a model layer's codes go into an export or a report? Only the codes its run's latest
validation found usable (docs/machine-coding.md, "Using a model layer"): a code with no
validation, or with a verdict below the threshold, is refused unless the researcher allows
it knowingly (`--allow-unvalidated`), which the event log keeps."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.services.suggestion_validation import VALIDATE_ACTION
from hrd_coder.services.suggestions import SuggestRun, list_runs
from hrd_coder.storage.events import latest_after, record_event
from hrd_coder.wording import noun

if TYPE_CHECKING:
    from hrd_coder.codebook import Codebook
    from hrd_coder.services.project import Project

UNVALIDATED_ACTION = "suggest.unvalidated_use"
EVERY_CODE = ("matrix", "cooccurrence")  # tables with a row or column for every code


def check_model_layer(
    project: Project,
    layer: str | None,
    what: str,
    *,
    design: str | None = None,
    allow_unvalidated: bool = False,
) -> list[str]:
    """Refuse `what` ('cases', 'matrix', 'cooccurrence' or 'report') on a model layer if
    it reads a code not validated as usable; when allowed, log it and return the warning."""
    if not is_model_layer(layer):
        return []
    run = _run_of(project, str(layer))
    wanted = codes_read(project, what, design)
    usable = usable_codes(project, run.run)
    refused = [code for code in wanted if code not in (usable or set())]
    if not refused:
        return []
    message = _refusal(run, refused, usable is None, what)
    if not allow_unvalidated:
        advice = (
            f"Validate the run first: hrd-coder suggest validate {run.run}"
            if usable is None
            else f"See each code's verdict with hrd-coder suggest validate {run.run}; code "
            "more examples of those codes and make a new run, or leave them out"
        )
        raise ProjectError(
            f"{message}. {advice} (or, knowingly, give --allow-unvalidated, in Python "
            "allow_unvalidated=True: it is logged)"
        )
    with project.database.writing() as conn:
        record_event(
            conn,
            coder=project.viewer,
            action=UNVALIDATED_ACTION,
            entity="model_run",
            entity_id=run.run,
            after={"layer": run.layer, "what": what, "design": design, "codes": refused},
        )
    return [f"warning: {message} (allowed with --allow-unvalidated; logged)"]


def _run_of(project: Project, layer: str) -> SuggestRun:
    for run in list_runs(project):
        if run.layer == layer:
            return run
    raise ProjectError(
        f"there is no layer '{layer}' that you may read: see 'hrd-coder suggest list'"
    )


def _refusal(run: SuggestRun, refused: list[str], never: bool, what: str) -> str:
    shown = "a report" if what == "report" else f"export {what}"
    if never:
        return (
            f"{run.layer} has no validation: {shown} would read its "
            f"{noun(len(refused), 'code')} "
            f"{', '.join(refused)}, which nothing has checked against the humans"
        )
    return (
        f"{shown} would read {noun(len(refused), 'code')} {', '.join(refused)} of "
        f"{run.layer}, which its latest "
        "validation found unusable (alpha below the threshold, too few to judge, or not "
        "learned by the run)"
    )


def usable_codes(project: Project, run: str) -> set[str] | None:
    """The codes the run's latest validation found usable (None: never validated)."""
    found = _validated_codes(project, run)
    if found is None:
        return None
    return {code for code, values in found.items() if values.get("usable")}


def _validated_codes(project: Project, run: str) -> dict[str, dict[str, Any]] | None:
    """Per code, the run's latest validation (verdict, usable...); None: never validated."""
    with project.database.reading() as conn:
        after = latest_after(conn, VALIDATE_ACTION, run)
    if after is None:
        return None
    found: dict[str, Any] = json.loads(after) if isinstance(after, str) else dict(after)
    return dict(found["codes"])


def design_verdict(project: Project, layer: str, design: str) -> tuple[str, str | None]:
    """A model layer's validation verdict on the codes a design reads, in words ("not
    validated", or each code's verdict), and why a report on it is refused (None: every
    code it reads was found usable)."""
    run = _run_of(project, layer)
    wanted = codes_read(project, "report", design)
    validated = _validated_codes(project, run.run)
    if validated is None:
        verdict = "not validated"
    else:
        verdict = ", ".join(
            f"{code} {validated.get(code, {}).get('verdict') or 'not learned'}" for code in wanted
        )
    refused = [code for code in wanted if not (validated or {}).get(code, {}).get("usable")]
    return verdict, _refusal(run, refused, validated is None, "report") if refused else None


def codes_read(project: Project, what: str, design: str | None) -> list[str]:
    """The codes whose codings `what` reads: a code variable counts its code and every
    descendant; the matrix and co-occurrence tables count every code."""
    codebook = project.codebook
    if what in EVERY_CODE:
        return [code.id for code in codebook.codes]
    if what == "report":
        names = _design_variables(project, design)
        roots = [code for name, code in variable_codes(codebook).items() if name in names]
    else:
        roots = [code.id for code in codebook.codes if code.case_variable]
    wanted = {found for root in roots for found in with_descendants(codebook, root)}
    return [code.id for code in codebook.codes if code.id in wanted]


def _design_variables(project: Project, design: str | None) -> set[str]:
    plan = project.analysis_plan()
    try:
        chosen = plan.design(design or "")
    except ValueError as error:
        raise ProjectError(str(error)) from None
    return {*chosen.covariates, *chosen.strata}


def variable_codes(codebook: Codebook) -> dict[str, str]:
    """Each code variable's name -> its code (names as the case table writes them)."""
    from hrd_coder.analysis.case_variables import SUFFIXES

    return {
        f"{code.id.replace('.', '_')}{SUFFIXES[rule]}": code.id
        for code in codebook.codes
        for rule in code.case_variable
    }


def with_descendants(codebook: Codebook, code: str) -> Iterable[str]:
    """A code and every code below it in the hierarchy."""
    yield code
    for child in codebook.children_of(code):
        yield from with_descendants(codebook, child.id)
