"""Unitizing agreement on a project: where in the texts do coders put each code? Each
document's stored text is a continuum (code points); the codes are the categories; the
documents every chosen coder covered are pooled, laid end to end."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from hrd_coder.problems import ProjectError
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.wording import agreeing, listing, plural

ALL_CODES = "(all)"

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
    from hrd_coder.agreement.unitizing import unitizing_agreement as compute

    found = _gather(project, coders, codes, documents)
    result = compute(found.units, list(found.texts.values()), found.coders, bootstrap, seed)
    return replace(result, notes=(*found.notes, *result.notes))


@dataclass(frozen=True)
class DocumentUnitizing:
    """One row of `agreement --unitizing --by document`: one code in one document, or
    (code "(all)") every code of the document together."""

    document: str
    code: str
    coders: str  # the coders who marked the code there (for "(all)": every coder compared)
    spans: int
    alpha_U: float | None
    u_alpha: float | None = None
    binary_u_alpha: float | None = None
    cu_alpha: float | None = None
    k_u_alpha: float | None = None
    coverage: float | None = None

    def as_dict(self) -> dict:
        """JSON-ready, in the table's column order."""
        return asdict(self)


def unitizing_by_document(
    project: Project,
    coders: tuple[str, ...] = (),
    codes: tuple[str, ...] = (),
    documents: tuple[str, ...] = (),
) -> tuple[list[DocumentUnitizing], tuple[str, ...]]:
    """Each document on its own continuum: a row for all its codes together (alpha_U
    pooled over codes, the u-alpha family) and one per code marked there (alpha_U,
    (k)u-alpha, coverage); and the notes. No intervals: they resample texts, and here
    there is one text per row."""
    from hrd_coder.agreement.unitizing import unitizing_agreement as compute

    found = _gather(project, coders, codes, documents)
    by_document: dict[str, list] = {d: [] for d in found.texts}
    for unit in found.units:
        by_document[unit.document].append(unit)
    rows: list[DocumentUnitizing] = []
    notes = list(found.notes[1:])  # not the "pooled over" note: nothing is pooled here
    for document, text in found.texts.items():
        result = compute(by_document[document], [text], found.coders, 0, 0)
        rows.append(_whole_document(document, result, by_document[document]))
        for code in result.categories:
            rows.append(_one_code(document, code, result, by_document[document]))
        notes += [f"{document}: {note}" for note in result.notes]
    return rows, tuple(notes)


def _whole_document(document: str, result: UnitizingAgreement, units: list) -> DocumentUnitizing:
    return DocumentUnitizing(
        document,
        ALL_CODES,
        " ".join(result.coders),
        len(units),
        result.alpha_U,
        result.u_alpha,
        result.binary_u_alpha,
        result.cu_alpha,
        coverage=result.cu_coverage,
    )


def _one_code(
    document: str, code: str, result: UnitizingAgreement, units: list
) -> DocumentUnitizing:
    marked = [u for u in units if u.category == code]
    return DocumentUnitizing(
        document,
        code,
        " ".join(sorted({u.coder for u in marked})),
        len(marked),
        result.alpha_U_by_category[code],
        k_u_alpha=result.k_u_alpha[code],
        coverage=result.coverage[code],
    )


@dataclass(frozen=True)
class _Gathered:
    """The chosen coders, the documents they all covered, and their units there."""

    coders: list[str]
    texts: dict
    units: list
    notes: tuple[str, ...]


def _gather(
    project: Project, coders: tuple[str, ...], codes: tuple[str, ...], documents: tuple[str, ...]
) -> _Gathered:
    from hrd_coder.agreement.continuum import Text, Unit

    chosen_coders, left_out = _coders(project, coders)
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
    every = "both" if len(chosen_coders) == 2 else "all"
    notes = [
        f"pooled over the {len(shared)} of {len(wanted)} documents that "
        f"{listing(chosen_coders)} {every} coded; the texts are laid end to end"
    ]
    if left_out:
        notes.append(
            f"{listing(left_out)} left out: {agreeing(len(left_out), 'has', 'have')} marked no "
            'document done, so no blank of theirs says "absent" (\'hrd-coder done DOC... '
            "--coder NAME', or choose coders with --coder)"
        )
    if outside:
        notes.append(
            f"{plural(outside, 'coding')} {agreeing(outside, 'lies', 'lie')} outside their "
            "document's stored text (empty, or the text changed): left out; `hrd-coder "
            "import` re-anchors codings to a changed text"
        )
    return _Gathered(chosen_coders, texts, units, tuple(notes))


def _coders(project: Project, coders: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The coders compared and, when none were chosen, those left out: a coder who covers
    no document (say an adjudicator who accepted one machine suggestion) would otherwise
    leave no document that every coder covered."""
    coverage = project.coverage()
    everyone = sorted(set(coverage.coders) - {CONSENSUS})
    covering = [c for c in everyone if coverage.covered(c)]
    chosen = list(coders) or covering
    if len(chosen) < 2:
        raise ProjectError(
            "agreement needs at least two coders; so far "
            f"{', '.join(everyone) or 'nobody'} coded this project"
        )
    return chosen, [] if coders else [c for c in everyone if c not in covering]
