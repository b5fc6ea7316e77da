"""The boundary queue: passages where every coder applied a code but each marked a different
stretch (`hrd-coder adjudicate list --unitizing`, F6's boundary view). Deciding one picks the
extent the consensus layer holds there: a coder's, the union, the intersection or an
explicit START-END; see boundary_rules.py for the rules and docs/agreement.md for the why."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hrd_coder.problems import ProjectError
from hrd_coder.services import boundary_rules as rules
from hrd_coder.services import consensus
from hrd_coder.services.boundary_rules import BOUNDARY, Extent
from hrd_coder.services.consensus import BoundaryPlan, Decision

if TYPE_CHECKING:
    from hrd_coder.services.project import Project


@dataclass(frozen=True)
class Boundary:
    """One boundary disagreement: a code (and case) in a stretch of a document, and the
    extent each coder gave it there."""

    document_id: str
    code_id: str
    case_id: str | None
    start: int
    end: int
    extents: dict[str, Extent]  # coder -> (start, end)
    decision: str | None = None  # the choice in force, if any
    state: str = "undecided"  # undecided, decided, or reopened (an extent changed since)
    reason: str = ""
    chosen: Extent | None = None  # the extent the decision gives

    kind = "boundary"

    @property
    def id(self) -> str:
        """The short id `hrd-coder adjudicate decide` takes."""
        return consensus.item_id((self.document_id, self.start, self.end, self.code_id, BOUNDARY))

    @property
    def open(self) -> bool:
        """True while the boundary needs a decision (none yet, or an extent changed)."""
        return self.state != "decided"


def boundary_disagreements(
    project: Project, codes: Sequence[str] = (), documents: Sequence[str] = ()
) -> list[Boundary]:
    """The boundary queue, decided or not, in document and text order."""
    for code in codes:
        project.require_code(code)
    found = consensus.plan(project, codes)
    return [
        _boundary(b) for b in found.boundaries if not documents or b.region.document_id in documents
    ]


def _boundary(found: BoundaryPlan) -> Boundary:
    region, decision = found.region, found.decision
    chosen = None
    if decision is not None and decision.basis is not None:
        chosen = rules.extent_of(decision.choice, rules.extents_of(decision.basis))
    return Boundary(
        region.document_id,
        region.code_id,
        region.case_id,
        region.start,
        region.end,
        region.extents,
        decision.choice if decision else None,
        found.state,
        decision.reason if decision else "",
        chosen,
    )


def find_boundary(items: Sequence[Boundary], wanted: str) -> Boundary | None:
    """The boundary with this id (or a unique prefix of it); None when none has it."""
    key = wanted.strip().lower()
    matches = [item for item in items if key and item.id.startswith(key)]
    if len(matches) > 1:
        raise ProjectError(f"'{wanted}' names {len(matches)} boundaries: give more of the id")
    return matches[0] if matches else None


def resolve_choice(item: Boundary, choice: str) -> str:
    """The choice in full: a coder (by name or letter), union, intersection or START-END."""
    return rules.choice_of(choice.strip(), item.extents, item.start, item.end)


def pending(item: Boundary, choice: str, reason: str, adjudicator: str) -> Decision:
    """The decision to store: on the region's stretch, with every coder's extent as basis."""
    region = rules.Region(
        item.document_id, item.code_id, item.case_id, item.start, item.end, item.extents
    )
    return Decision(
        str(uuid.uuid4()),
        item.document_id,
        item.start,
        item.end,
        item.code_id,
        resolve_choice(item, choice),
        reason,
        adjudicator,
        BOUNDARY,
        rules.basis_of(region),
    )


def extent_chosen(item: Boundary, choice: str) -> Extent:
    """The extent a choice gives this boundary."""
    extent = rules.extent_of(resolve_choice(item, choice), item.extents)
    assert extent is not None  # resolve_choice refuses an empty intersection
    return extent
