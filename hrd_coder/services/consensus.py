"""The consensus layer, rebuilt from the coders' layers and the adjudicator's decisions.

The consensus is never edited by hand: `plan` works out, unit by unit and code by code,
what it should hold under the rules of consensus_rules.py, and `rebuild` writes the
difference (every change an event). What the stored layer lacks or holds beyond the plan is
*stale*; a decision whose coders' codings changed since it was made is *reopened*; a
disagreement without a decision is *undecided*. Analyses of the consensus layer check
`status` first (see docs/agreement.md, "The consensus layer").
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hrd_coder.agreement.coded_units import (
    DEFAULT_MIN_SHARE,
    SourceText,
    Unit,
    counted_units,
    document_units,
)
from hrd_coder.problems import ProjectError
from hrd_coder.services import boundary_rules as boundaries
from hrd_coder.services import consensus_rules as rules
from hrd_coder.services.boundary_rules import BOUNDARY, Region
from hrd_coder.services.coding import new_coding
from hrd_coder.services.consensus_rules import Mark, Piece
from hrd_coder.services.coverage import Coverage, read_coverage
from hrd_coder.services.layers import CONSENSUS
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.services.records import CodingRecord
from hrd_coder.storage.codebook_versions import current_codebook_hash
from hrd_coder.storage.codings import (
    coding_rows,
    delete_coding,
    ensure_layer_owner,
    insert_codings,
)
from hrd_coder.storage.decisions import decision_rows
from hrd_coder.storage.events import record_event
from hrd_coder.storage.settings import change_setting, read_setting
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.services.project import Project
    from hrd_coder.storage.database import Connection

UNIT_SETTING = "consensus_unit"
DEFAULT_UNIT = "sentence"
SPAN_UNITS = ("sentence", "paragraph", "turn", "document")
STATES = ("agreed", "single", "decided", "reopened", "undecided")
MESSAGE_CODES = 4  # codes named in an "incomplete" message before "and N more"


@dataclass(frozen=True)
class Decision:
    """A stored decision on one code in one unit."""

    id: str
    document_id: str
    start: int
    end: int
    code_id: str
    choice: str
    reason: str
    adjudicator: str
    unit: str | None
    basis: dict[str, Mark] | None  # None: made before decisions kept their basis

    @property
    def key(self) -> tuple[str, int, int, str]:
        """The (document, start, end, code) the decision is about."""
        return (self.document_id, self.start, self.end, self.code_id)


@dataclass(frozen=True)
class UnitPlan:
    """One code in one unit where some coder marked it: its state and its consensus."""

    document_id: str
    start: int
    end: int
    code_id: str
    state: str  # one of STATES
    marks: dict[str, Mark]  # every coder who coded the document -> their mark here
    wanted: Mark  # what the consensus layer should hold here
    decision: Decision | None = None

    @property
    def key(self) -> tuple[str, int, int, str]:
        """The (document, start, end, code) this is about."""
        return (self.document_id, self.start, self.end, self.code_id)


def item_id(key: tuple) -> str:
    """Eight hex digits naming a (document, start, end, code) unit (or, with a fifth part
    'boundary', a boundary region)."""
    text = "\x1f".join(str(part) for part in key)
    return hashlib.sha1(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class BoundaryPlan:
    """A boundary disagreement (see boundary_rules.py): its state and the decision on it."""

    region: Region
    state: str  # undecided, decided, or reopened (an extent changed since)
    decision: Decision | None = None


@dataclass(frozen=True)
class Plan:
    """What the consensus layer should hold now, and how the stored one differs."""

    unit: str
    coders: tuple[str, ...]
    units: tuple[UnitPlan, ...]
    to_add: tuple[CodingRecord, ...]
    to_remove: tuple[CodingRecord, ...]
    stale: dict[str, int]  # code -> units whose stored consensus is out of date
    unmatched: tuple[Decision, ...]  # decisions on no unit of the consensus unit kind
    stored: int  # consensus codings stored now
    codings: tuple[CodingRecord, ...]  # the coders' codings the plan was made from
    waiting: int = 0  # codings in documents their coder does not cover yet
    boundaries: tuple[BoundaryPlan, ...] = ()


@dataclass(frozen=True)
class CodeStatus:
    """How far the consensus of one code has come."""

    code_id: str
    agreed: int = 0
    single: int = 0
    decided: int = 0
    reopened: int = 0
    undecided: int = 0
    stale: int = 0

    @property
    def complete(self) -> bool:
        """True when nothing waits for a decision or a rebuild."""
        return not (self.reopened or self.undecided or self.stale)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"code": self.code_id, **{k: getattr(self, k) for k in (*STATES, "stale")}}


@dataclass(frozen=True)
class ConsensusStatus:
    """Per code: units agreed, single-coded, decided, reopened, undecided and stale."""

    unit: str
    coders: tuple[str, ...]
    codes: tuple[CodeStatus, ...]
    unmatched_decisions: int = 0
    stored_codings: int = 0
    waiting_codings: int = 0  # in documents their coder has not marked done (see coverage)
    # Boundary decisions whose coders changed an extent since: the units fall back to the
    # rules until the boundary is decided again (an open boundary never blocks analyses).
    reopened_boundaries: int = 0

    @property
    def complete(self) -> bool:
        """True when every code's consensus is decided and up to date."""
        return all(code.complete for code in self.codes)

    def total(self, what: str) -> int:
        """The sum of one count over the codes."""
        return sum(getattr(code, what) for code in self.codes)

    def incomplete(self) -> list[str]:
        """One line per code that is not complete: its code and what is missing."""
        lines = []
        for code in self.codes:
            parts = [
                f"{getattr(code, what)} {what}"
                for what in ("undecided", "reopened", "stale")
                if getattr(code, what)
            ]
            if parts:
                lines.append(f"{code.code_id}: {', '.join(parts)}")
        return lines

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "unit": self.unit,
            "coders": list(self.coders),
            "complete": self.complete,
            "unmatched_decisions": self.unmatched_decisions,
            "stored_codings": self.stored_codings,
            "waiting_codings": self.waiting_codings,
            "reopened_boundaries": self.reopened_boundaries,
            "codes": [code.as_dict() for code in self.codes],
        }


# -- the unit kind -------------------------------------------------------------------------


def consensus_unit(conn: Connection) -> str:
    """The unit kind consensus is built and adjudicated on (default: sentence)."""
    return read_setting(conn, UNIT_SETTING, DEFAULT_UNIT)


def set_consensus_unit(conn: Connection, unit: str, by: str | None) -> str:
    """Change the unit kind; decisions made on another kind then match no unit."""
    if unit not in SPAN_UNITS:
        raise ProjectError(
            f"consensus cannot be built per '{unit}': use one of {', '.join(SPAN_UNITS)}"
        )
    return change_setting(conn, UNIT_SETTING, unit, DEFAULT_UNIT, by=by, action="consensus.unit")


# -- planning ------------------------------------------------------------------------------


def plan(project: Project, codes: Sequence[str] = (), pending: Sequence[Decision] = ()) -> Plan:
    """What the consensus should hold now (for some codes, or all), and what differs;
    `pending` decisions (not stored yet) take the place of stored ones."""
    with project.database.reading() as conn:
        unit = consensus_unit(conn)
        codings = _human_codings(conn, codes)
        stored = _records(coding_rows(conn, layer=CONSENSUS, codes=codes))
        conn_rows = decision_rows(conn, codes)
        decisions = _decisions(conn_rows)
        # Who covers a document is read from every code's codings, even when planning one.
        coverage = read_coverage(conn)
    decisions.update((d.key, d) for d in pending if d.unit != BOUNDARY)
    on_boundaries = [
        *_boundary_decisions(conn_rows),
        *(d for d in pending if d.unit == BOUNDARY),
    ]
    coded = _coders_by_document(coverage)
    # Codings in documents their coder does not cover yet wait (see services/coverage.py).
    waiting = [c for c in codings if c.coder not in coded.get(c.document_id, ())]
    codings = [c for c in codings if c.coder in coded.get(c.document_id, ())]
    coders = tuple(sorted({c for coders in coded.values() for c in coders}))
    texts = _texts(project)
    units = document_units(texts, unit)
    found_boundaries = _boundary_plans(boundaries.regions(codings, coded), on_boundaries)
    planned = _plan_units(units, codings, coded, decisions, found_boundaries)
    wanted = _wanted_codings(project, planned)
    to_add, to_remove = _difference(wanted, stored)
    matched = {p.key for p in planned}
    # A boundary decision whose region is gone (the extents now agree) is not counted:
    # nothing waits on it.
    unmatched = tuple(d for d in decisions.values() if d.key not in matched)
    return Plan(
        unit,
        coders,
        tuple(planned),
        to_add,
        to_remove,
        _stale(units, to_add, to_remove),
        unmatched,
        len(stored),
        tuple(codings),
        len(waiting),
        found_boundaries,
    )


def _human_codings(conn: Connection, codes: Sequence[str]) -> list[CodingRecord]:
    # A machine coder's suggestions are not a reading of the text: they never enter the
    # consensus, and do not "wait" for a done mark that a model layer never gets.
    rows = coding_rows(conn, except_layer=CONSENSUS, codes=codes)
    return _records(row for row in rows if not is_model_layer(row["coder"]))


def _records(rows: Iterable[dict[str, Any]]) -> list[CodingRecord]:
    return [CodingRecord(**row) for row in rows]


def _decisions(rows: Iterable[Any]) -> dict[tuple, Decision]:
    """The latest decision per unit and code (a new decision replaces the old)."""
    found = {}
    for row in rows:
        if row["unit"] != BOUNDARY:
            decision = _decision(row)
            found[decision.key] = decision
    return found


def _decision(row: Any) -> Decision:
    basis = rules.basis_marks(row["basis"]) if row["basis"] else None
    return Decision(
        row["id"],
        row["document_id"],
        row["start"],
        row["end"],
        row["code_id"],
        row["choice"],
        row["reason"],
        row["adjudicator"],
        row["unit"],
        basis,
    )


def _boundary_decisions(rows: Iterable[Any]) -> list[Decision]:
    """The decisions on boundaries, oldest first."""
    return [_decision(row) for row in rows if row["unit"] == BOUNDARY and row["basis"]]


def _boundary_plans(
    regions: Sequence[Region], decisions: Sequence[Decision]
) -> tuple[BoundaryPlan, ...]:
    """Each region with the latest decision on it: one on the same code and case whose
    region overlaps this one (a changed extent moves a region's ends, not its place)."""
    found = []
    for region in regions:
        decision = None
        for candidate in decisions:  # oldest first: the last match is the latest
            if (
                candidate.document_id == region.document_id
                and candidate.code_id == region.code_id
                and boundaries.case_of(candidate.basis or {}) == region.case_id
                and region.overlaps(candidate.start, candidate.end)
            ):
                decision = candidate
        if decision is None:
            found.append(BoundaryPlan(region, "undecided"))
            continue
        same = boundaries.extents_of(decision.basis or {}) == region.extents
        found.append(BoundaryPlan(region, "decided" if same else "reopened", decision))
    return tuple(found)


def _coders_by_document(coverage: Coverage) -> dict[str, set[str]]:
    """Document -> the coders who cover it (the same rule as agreement's)."""
    found: dict[str, set[str]] = defaultdict(set)
    for coder in coverage.coders:
        for document in coverage.covered(coder):
            found[document].add(coder)
    return found


def _texts(project: Project) -> dict[str, SourceText]:
    return {
        info.id: SourceText(
            project.text_of(info.id), tuple(info.metadata.get("speakers") or ()), info.case_ids
        )
        for info in project.documents()
    }


def _plan_units(
    units: Sequence[Unit],
    codings: Sequence[CodingRecord],
    coded: dict[str, set[str]],
    decisions: dict[tuple, Decision],
    on_boundaries: Sequence[BoundaryPlan] = (),
) -> list[UnitPlan]:
    pieces: dict[tuple[int, str], dict[str, list[Piece]]] = defaultdict(lambda: defaultdict(list))
    for coding, index, _ in counted_units(units, codings, DEFAULT_MIN_SHARE):
        unit = units[index]
        piece = Piece(max(unit.start, coding.start), min(unit.end, coding.end), coding.case_id)
        pieces[(index, coding.code_id)][coding.coder].append(piece)
    decided: dict[tuple[str, str], list[BoundaryPlan]] = defaultdict(list)
    for boundary in on_boundaries:
        if boundary.state == "decided":
            decided[(boundary.region.document_id, boundary.region.code_id)].append(boundary)
    planned = []
    for (index, code), by_coder in sorted(pieces.items()):
        unit = units[index]
        marks = {c: rules.mark_of(by_coder.get(c, ())) for c in sorted(coded[unit.document_id])}
        decision = decisions.get((unit.document_id, unit.start, unit.end, code))
        settled = None if decision else _settled_by(unit, marks, decided[(unit.document_id, code)])
        if settled is not None:
            planned.append(_by_boundary(unit, code, marks, settled))
        else:
            planned.append(_unit_plan(unit, code, marks, decision))
    return planned


def _settled_by(
    unit: Unit, marks: dict[str, Mark], decided: Sequence[BoundaryPlan]
) -> BoundaryPlan | None:
    """The decided boundary whose region holds every mark of the unit (a decision on the
    unit itself comes first: it is the finer one)."""
    return next((b for b in decided if boundaries.governs(b.region, marks)), None)


def _by_boundary(unit: Unit, code: str, marks: dict[str, Mark], settled: BoundaryPlan) -> UnitPlan:
    """A unit inside a decided boundary: the consensus holds the chosen extent, cut at the
    unit's ends, as every consensus coding is."""
    decision = settled.decision
    assert decision is not None and decision.basis is not None
    extent = boundaries.extent_of(decision.choice, boundaries.extents_of(decision.basis))
    wanted = (
        ()
        if extent is None
        else boundaries.clipped(extent, unit.start, unit.end, settled.region.case_id)
    )
    return UnitPlan(
        unit.document_id or "", unit.start, unit.end, code, "decided", marks, wanted, decision
    )


def _unit_plan(
    unit: Unit, code: str, marks: dict[str, Mark], decision: Decision | None
) -> UnitPlan:
    state = rules.state_of(marks)
    if state in ("agreed", "single"):
        wanted, decision = rules.agreed(marks), None
    elif decision is None:
        state, wanted = "undecided", ()
    else:
        # A decision gives what it gave when it was made: applied to its basis, not to
        # codings changed since (those reopen it instead).
        basis = decision.basis if decision.basis is not None else marks
        state = "decided" if basis == marks else "reopened"
        wanted = rules.apply(decision.choice, basis) if decision.choice in _choices(basis) else ()
    return UnitPlan(
        unit.document_id or "", unit.start, unit.end, code, state, marks, wanted, decision
    )


def _choices(marks: dict[str, Mark]) -> set[str]:
    return {*marks, *rules.CHOICES}


def _wanted_codings(project: Project, planned: Sequence[UnitPlan]) -> list[CodingRecord]:
    # Codings record the codebook they were made under; `write` refuses a changed codebook.
    with project.database.reading() as conn:
        codebook_hash = current_codebook_hash(conn) or ""
    wanted = []
    for unit in planned:
        if not unit.wanted:
            continue
        text = project.text_of(unit.document_id)
        memo = _memo(unit)
        for piece in unit.wanted:
            wanted.append(
                new_coding(
                    text=text,
                    document_id=unit.document_id,
                    coder=CONSENSUS,
                    code_id=unit.code_id,
                    start=piece.start,
                    end=piece.end,
                    case_id=piece.case_id,
                    memo=memo,
                    codebook_hash=codebook_hash,
                )
            )
    return wanted


def _memo(unit: UnitPlan) -> str:
    coders = ", ".join(c for c, mark in unit.marks.items() if mark)
    if unit.state == "agreed":
        return f"agreed: {coders}"
    if unit.state == "single":
        return f"single-coded: {coders}"
    decision = unit.decision
    assert decision is not None
    reason = f" — {decision.reason}" if decision.reason else ""
    what = "boundary " if decision.unit == BOUNDARY else ""
    return f"{what}adjudicated by {decision.adjudicator}: {decision.choice}{reason}"


def _identity(coding: CodingRecord) -> tuple:
    return (coding.document_id, coding.code_id, coding.start, coding.end, coding.case_id)


def _difference(
    wanted: Sequence[CodingRecord], stored: Sequence[CodingRecord]
) -> tuple[tuple[CodingRecord, ...], tuple[CodingRecord, ...]]:
    """Codings to add and to remove; a stored coding that matches is kept as it is."""
    have = defaultdict(list)
    for coding in stored:
        have[_identity(coding)].append(coding)
    to_add = []
    for coding in wanted:
        same = have.get(_identity(coding))
        if same:
            same.pop()
        else:
            to_add.append(coding)
    to_remove = [coding for codings in have.values() for coding in codings]
    return tuple(to_add), tuple(to_remove)


def _stale(
    units: Sequence[Unit], to_add: Iterable[CodingRecord], to_remove: Iterable[CodingRecord]
) -> dict[str, int]:
    """Per code, the units whose stored consensus differs from the plan."""
    starts: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for unit in units:
        starts[unit.document_id or ""].append((unit.start, unit.end))
    touched: dict[str, set[tuple]] = defaultdict(set)
    for coding in (*to_add, *to_remove):
        where = next(
            (s for s, e in starts.get(coding.document_id, []) if s <= coding.start < e),
            coding.start,
        )
        touched[coding.code_id].add((coding.document_id, where))
    return {code: len(places) for code, places in touched.items()}


def incomplete_message(status: ConsensusStatus, warning: bool = False) -> str:
    """What an analysis of an incomplete consensus says, and what to do about it."""
    lines = status.incomplete()
    shown = "; ".join(lines[:MESSAGE_CODES])
    if len(lines) > MESSAGE_CODES:
        more = len(lines) - MESSAGE_CODES
        shown += f"; and {plural(more, 'more code')} ('hrd-coder consensus status')"
    if warning:
        return (
            f"warning: the consensus layer is incomplete ({shown}); those units count as not coded"
        )
    coders = ", ".join(status.coders) or "none yet"
    return (
        f"the consensus layer is incomplete, so its case variables would be wrong: {shown}. "
        "Decide the open items ('hrd-coder adjudicate list --open', then 'adjudicate "
        "decide', or F6 in the workbench) and bring the layer up to date ('hrd-coder "
        "consensus rebuild'); or read one coder's layer with --layer NAME (coders: "
        f"{coders}); or pass --allow-incomplete to go on"
    )


# -- status and rebuilding -----------------------------------------------------------------


def status_of(project: Project, found: Plan) -> ConsensusStatus:
    """Count a plan's units per code and state."""
    counts: dict[str, dict[str, int]] = {
        c.id: dict.fromkeys(STATES, 0) for c in project.codebook.codes
    }
    for unit in found.units:
        counts.setdefault(unit.code_id, dict.fromkeys(STATES, 0))[unit.state] += 1
    codes = tuple(
        CodeStatus(code, **numbers, stale=found.stale.get(code, 0))
        for code, numbers in counts.items()
    )
    reopened = sum(1 for b in found.boundaries if b.state == "reopened")
    return ConsensusStatus(
        found.unit, found.coders, codes, len(found.unmatched), found.stored, found.waiting, reopened
    )


def rebuild(project: Project, by: str | None, codes: Sequence[str] = ()) -> Plan:
    """Bring the stored consensus layer to the plan, in one transaction; return the plan."""
    found = plan(project, codes)
    write(project, found, by)
    return found


def write(project: Project, found: Plan, by: str | None, conn: Connection | None = None) -> None:
    """Apply a plan's additions and removals (in `conn`'s transaction, or a new one)."""
    if conn is None:
        with project.database.writing() as conn:
            write(project, found, by, conn)
        return
    if not (found.to_add or found.to_remove):
        return
    project.codebook_hash_for_new_codings()  # refuses when codebook.yaml changed unimported
    ensure_layer_owner(conn, CONSENSUS, role="consensus")
    for coding in found.to_remove:
        delete_coding(conn, coding, by or CONSENSUS)
    insert_codings(conn, found.to_add)
    record_event(
        conn,
        coder=by,
        action="consensus.rebuild",
        entity="layer",
        entity_id=CONSENSUS,
        after={
            "unit": found.unit,
            "added": len(found.to_add),
            "removed": len(found.to_remove),
        },
    )
