"""Unitizing agreement on a project: where in the texts do coders put each code? Each
document's stored text is a continuum (code points); the codes are the categories; the
documents every chosen coder covered are pooled, laid end to end."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from hrd_coder.problems import ProjectError
from hrd_coder.services.layers import CONSENSUS

if TYPE_CHECKING:
    from hrd_coder.agreement.unitizing import UnitizingAgreement
    from hrd_coder.services.project import Project


def unitizing_agreement(
    project: Project,
    coders: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
    documents: tuple[str, ...] = (),
    bootstrap: int = 1000,
    seed: int = 0,
) -> UnitizingAgreement:
    """alpha_U per code and pooled, and the u-alpha family, on the documents that every
    chosen coder covered (a coder who did not code a document is missing there, not "all
    gap", so such documents are left out, with a note)."""
    from hrd_coder.agreement.continuum import Text, Unit
    from hrd_coder.agreement.unitizing import unitizing_agreement as compute

    chosen_coders = _coders(project, coders)
    for code in codes:
        project.require_code(code)
    known = {d.id for d in project.documents()}
    for document in documents:
        if document not in known:
            raise ProjectError(f"there is no document '{document}'")
    coverage = project.coverage()
    wanted = sorted(documents or known)
    shared = [d for d in wanted if all(d in coverage.covered(c) for c in chosen_coders)]
    if not shared:
        raise ProjectError(
            f"no document was coded by all of {', '.join(chosen_coders)}: choose coders "
            "who coded the same documents with --coder, or mark documents done with "
            "`hrd-coder done`"
        )
    texts = {d: Text(d, len(project.text_of(d))) for d in shared}
    units, outside = [], 0
    for coding in project.codings():
        if (
            coding.coder in chosen_coders
            and coding.document_id in texts
            and (not codes or coding.code_id in codes)
        ):
            if 0 <= coding.start < coding.end <= texts[coding.document_id].length:
                units.append(
                    Unit(coding.coder, coding.code_id, coding.start, coding.end, coding.document_id)
                )
            else:
                outside += 1
    result = compute(units, list(texts.values()), chosen_coders, bootstrap, seed)
    notes = [
        f"pooled over the {len(shared)} of {len(wanted)} documents that "
        f"{', '.join(chosen_coders)} all coded; the texts are laid end to end"
    ]
    if outside:
        notes.append(
            f"{outside} codings lie outside their document's stored text (empty, or the text "
            "changed): left out; `hrd-coder import` re-anchors codings to a changed text"
        )
    return replace(result, notes=(*notes, *result.notes))


def _coders(project: Project, coders: tuple[str, ...]) -> list[str]:
    everyone = sorted(set(project.coverage().coders) - {CONSENSUS})
    chosen = list(coders) or everyone
    if len(chosen) < 2:
        raise ProjectError(
            "agreement needs at least two coders; so far "
            f"{', '.join(everyone) or 'nobody'} coded this project"
        )
    return chosen
