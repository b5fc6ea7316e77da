"""Agreement between coders on a project: per code, per code group, pooled, per document
and per coder pair, on the unit the analyst chooses."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hrd_coder.agreement.coded_units import (
    DEFAULT_MIN_SHARE,
    UNIT_KINDS,
    ReliabilityData,
    SourceText,
    build,
    group_matrix,
    pooled_matrix,
)
from hrd_coder.problems import ProjectError
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.services.model_layers import is_model_layer

if TYPE_CHECKING:  # numpy is imported where used: it costs ~70 ms on every command
    import numpy as np

    from hrd_coder.services.coverage import Coverage
    from hrd_coder.services.project import Project


SCOPES = ("code", "group", "pooled", "document", "pair")
RELIABLE, TENTATIVE = 0.800, 0.667  # Krippendorff (2004/2019) thresholds for alpha
MIN_POSITIVES = 10
"""Below this many pairable units where some coder marked the code, alpha gets no verdict."""
TOO_FEW = "too few to judge"
ROW_COLUMNS = (
    "scope",
    "name",
    "statistic",
    "value",
    "units",
    "coders",
    "positives",
    "se",
    "ci_low",
    "ci_high",
    "ci_clipped",
    "verdict",
)  # what an agreement table row shows


@dataclass(frozen=True)
class AgreementRequest:
    """What to measure: unit, statistic, scope and filters."""

    unit: str = "sentence"
    statistic: str = "alpha"
    level: str = "nominal"
    scope: str = "code"
    coders: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    min_share: float = DEFAULT_MIN_SHARE
    bootstrap: int = 1000
    seed: int = 0


@dataclass(frozen=True)
class AgreementRow:
    """One line of an agreement table."""

    scope: str
    name: str
    statistic: str
    value: float
    units: int
    coders: int
    positives: int  # pairable units where at least one coder marked the code
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_clipped: bool = False  # the interval was cut back to the statistic's range
    verdict: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (nan becomes None)."""
        import numpy as np  # here, not at the top: status and codings need no numpy

        data = {k: getattr(self, k) for k in ROW_COLUMNS}
        return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in data.items()}


def verdict(statistic: str, value: float, positives: int) -> str:
    """Krippendorff's reading of alpha: reliable, tentative, not reliable, or too few to judge.

    Alpha over a handful of marked units swings with each of them (docs/agreement.md, Verdicts),
    so below MIN_POSITIVES it is reported without a reading.
    """
    import numpy as np  # here, not at the top: status and codings need no numpy

    if statistic != "alpha" or np.isnan(value):
        return ""
    if positives < MIN_POSITIVES:
        return TOO_FEW
    if value >= RELIABLE:
        return "reliable"
    return "tentative" if value >= TENTATIVE else "not reliable"


def reliability_data(
    project: Project, request: AgreementRequest, hierarchy: bool = True
) -> ReliabilityData:
    """Load codings and documents and build the reliability data for the request."""
    if request.unit not in UNIT_KINDS:
        raise ProjectError(f"unknown unit '{request.unit}': use one of {', '.join(UNIT_KINDS)}")
    coders = _coders(project, request)
    codes = list(request.codes) or [c.id for c in project.codebook.codes]
    for code in codes:
        project.require_code(code)
    documents = {d.id: d for d in project.documents()}
    chosen = [d for d in request.documents] or sorted(documents)
    for document in chosen:
        if document not in documents:
            raise ProjectError(f"there is no document '{document}'")
    coverage = project.coverage()
    coded = {coder: _covered(project, coverage, coder) for coder in coders}
    # A coder's codings count only where they cover the document (see services/coverage.py).
    codings = [
        c
        for c in project.codings()
        if c.coder in coders and c.document_id in chosen and c.document_id in coded[c.coder]
    ]
    texts = {d: _source(project, documents[d]) for d in chosen}
    return build(
        request.unit,
        texts,
        codings,
        coders,
        codes,
        project.codebook.ancestors if hierarchy else {},
        coded,
        request.min_share,
    )


def _covered(project: Project, coverage: Coverage, coder: str) -> set[str]:
    """The documents where the coder's blank units mean "absent" (a model layer: those its
    run scored)."""
    if is_model_layer(coder):
        from hrd_coder.services.suggestions import model_documents

        return set(model_documents(project, coder))
    return set(coverage.covered(coder))


def _source(project: Project, info: Any) -> SourceText:
    speakers = tuple(info.metadata.get("speakers") or ())
    return SourceText(project.text_of(info.id), speakers, info.case_ids)


def _coders(project: Project, request: AgreementRequest) -> list[str]:
    everyone = sorted(set(project.coverage().coders) - {CONSENSUS})
    coders = list(request.coders) or everyone
    if len(coders) < 2:
        raise ProjectError(
            "agreement needs at least two coders; so far "
            f"{', '.join(everyone) or 'nobody'} coded this project"
        )
    return coders


def positives(matrix: np.ndarray) -> int:
    """Pairable units (rated by two coders or more) where at least one coder marked the code."""
    import numpy as np  # here, not at the top: status and codings need no numpy

    rated = ~np.isnan(matrix)
    marked = (np.where(rated, matrix, 0) > 0).any(axis=0)
    return int((marked & (rated.sum(axis=0) >= 2)).sum())


def check_request(request: AgreementRequest, coders: Sequence[str]) -> None:
    """A ProjectError with advice when the table cannot be computed as requested."""
    from hrd_coder.agreement import TWO_CODER_STATISTICS, check_level

    if request.scope == "group" and request.unit == "character":
        # A group's child codes must share units; character units differ from code to code.
        raise ProjectError(
            "code groups cannot be compared on character units, which differ from code to "
            "code: use --unit sentence, paragraph, turn, document or case with --by group"
        )
    try:
        check_level(request.statistic, request.level)
    except ValueError as error:
        raise ProjectError(str(error)) from None
    name = TWO_CODER_STATISTICS.get(request.statistic)
    # --by pair compares two coders at a time, so any number of coders is fine there.
    if name is None or len(coders) <= 2 or request.scope == "pair":
        return
    found = "you chose" if request.coders else "this project has"
    raise ProjectError(
        f"{name} compares exactly 2 coders, but {found} {len(coders)}: {', '.join(coders)}. "
        f"Pick two with --coder A --coder B (e.g. --coder {coders[0]} --coder {coders[1]}), "
        "compare every pair with --by pair, or use alpha, fleiss or ac1, which take any "
        "number of coders"
    )


def agreement_rows(project: Project, request: AgreementRequest) -> list[AgreementRow]:
    """The agreement table for a request."""
    from hrd_coder.agreement import compute

    if request.scope not in SCOPES:
        raise ProjectError(f"unknown scope '{request.scope}': use one of {', '.join(SCOPES)}")
    data = reliability_data(project, request)
    check_request(request, data.coders)

    def row(scope: str, name: str, matrix: np.ndarray, **extra: Any) -> AgreementRow:
        estimate = compute(
            matrix, request.statistic, request.level, request.bootstrap, request.seed
        )
        marked = positives(matrix)
        return AgreementRow(
            scope,
            name,
            request.statistic,
            estimate.value,
            estimate.units,
            estimate.coders,
            marked,
            estimate.se,
            estimate.ci_low,
            estimate.ci_high,
            ci_clipped=estimate.ci_clipped,
            verdict=verdict(request.statistic, estimate.value, marked),
            extra=extra,
        )

    if request.scope == "code":
        return [row("code", c, data.matrix(c)) for c in data.codes]
    if request.scope == "group":
        groups = [c for c in data.codes if project.codebook.children_of(c)]
        return [
            row("group", g, group_matrix(data, [c.id for c in project.codebook.children_of(g)]))
            for g in groups
        ]
    if request.scope == "pooled":
        return [row("pooled", "all codes", pooled_matrix(data))]
    if request.scope == "document":
        return _per_document(data, row)
    return [
        row("pair", f"{a}–{b}", pooled_matrix(data)[[i, j]])
        for (i, a), (j, b) in itertools.combinations(enumerate(data.coders), 2)
    ]


def _per_document(data: ReliabilityData, row: Any) -> list[AgreementRow]:
    pooled = pooled_matrix(data)
    # The owner of each pooled column, code by code: character units differ between codes.
    import numpy as np  # here, not at the top: status and codings need no numpy

    owners = np.array([u.document_id for c in data.codes for u in data.units[c]], dtype=object)
    documents = sorted({d for d in owners if d})
    rows = [row("document", d, pooled[:, owners == d]) for d in documents]
    return [r for r in rows if r.units > 0]  # documents fewer than two coders coded
