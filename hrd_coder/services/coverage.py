"""Who coded what: which documents each coder covers, so that a blank unit means "absent"
only where the coder really read the document.

A document is *assigned* to a coder by a sample or `hrd-coder assign` (with no assignments
in the project at all, everyone is assigned everything), and the coder marks it *done*.
Under the project's rule (setting `agreement_coverage`):

- `done` (the default): a coder covers the documents they marked done. Elsewhere they are
  missing: their codings there wait (they enter agreement and consensus once the document
  is done), and a coding in a document neither assigned nor done is reported as stray.
- `any_coding` (hrd-coder before 0.2): a coder covers every document they made a coding in
  or were assigned, so one stray coding makes all their blank units there "absent".

Agreement, the adjudication queue and the consensus layer all read coverage from here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.services.layers import CONSENSUS, check_coder_name
from hrd_coder.services.model_layers import is_model_layer
from hrd_coder.storage import core_tables, coverage_rows
from hrd_coder.storage.events import record_event
from hrd_coder.storage.settings import change_setting, read_setting
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.storage.coverage_rows import Kind
    from hrd_coder.storage.database import Connection
RULE_SETTING = "agreement_coverage"
RULES = ("done", "any_coding")
DEFAULT_RULE = "done"
MANUAL = "manual"  # the sample name of documents given with `hrd-coder assign`


@dataclass(frozen=True)
class Coverage:
    """Per coder: documents assigned, marked done, and coded (holding any coding)."""

    rule: str
    everyone_assigned: bool  # no assignments in the project: everyone has everything
    assigned: dict[str, frozenset[str]] = field(default_factory=dict)
    done: dict[str, frozenset[str]] = field(default_factory=dict)
    coded: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def coders(self) -> tuple[str, ...]:
        """Every coder with codings, assignments or done marks."""
        return tuple(sorted({*self.done, *self.coded, *self.assigned}))

    def covered(self, coder: str) -> frozenset[str]:
        """The documents where this coder's blank units count as "absent"."""
        if self.rule == "any_coding":
            return self.coded.get(coder, frozenset()) | self.assigned.get(coder, frozenset())
        return self.done.get(coder, frozenset())

    def not_done(self, coder: str) -> frozenset[str]:
        """Documents assigned to the coder and not marked done yet."""
        return self.assigned.get(coder, frozenset()) - self.done.get(coder, frozenset())

    def waiting(self, coder: str) -> frozenset[str]:
        """Documents where the coder's codings do not count yet (not covered)."""
        return self.coded.get(coder, frozenset()) - self.covered(coder)

    def stray(self, coder: str) -> frozenset[str]:
        """Documents the coder coded in that were neither assigned to them nor done."""
        return self.waiting(coder) - self.assigned.get(coder, frozenset())

    def summary(self, coder: str) -> dict[str, Any]:
        """Counts for status and reports."""
        return {
            "coder": coder,
            "assigned": len(self.assigned.get(coder, ())),
            "done": len(self.done.get(coder, ())),
            "not_done": len(self.not_done(coder)),
            "waiting": len(self.waiting(coder)),
            "stray": len(self.stray(coder)),
        }

    def rule_in_words(self) -> str:
        """Which rule applies, for `status` and reports."""
        who = (
            "every coder is assigned every document (no assignments yet)"
            if self.everyone_assigned
            else "documents are assigned by samples and 'hrd-coder assign'"
        )
        if self.rule == "any_coding":
            return f"{who}; a coder covers every document they coded in or were assigned"
        return f"{who}; a coder covers the documents they marked done"


def coverage_warnings(coverage: Coverage, coders: Iterable[str] = ()) -> list[str]:
    """One line per coder whose work agreement cannot count yet (documents assigned but
    not done, codings waiting in documents not done, stray codings)."""
    lines = []
    for coder in list(coders) or coverage.coders:
        counts = coverage.summary(coder)
        parts = []
        # With no assignments everyone has every document: "not done" would list them all.
        if coverage.rule == "done" and counts["not_done"] and not coverage.everyone_assigned:
            parts.append(f"{plural(counts['not_done'], 'assigned document')} not marked done")
        if counts["waiting"]:
            parts.append(f"codings in {plural(counts['waiting'], 'document')} not counted yet")
        if counts["stray"]:
            parts.append(f"{counts['stray']} of them neither assigned nor done (stray)")
        if parts:
            lines.append(
                f"note: {coder}: {'; '.join(parts)}; they count as missing, not absent, "
                f"until '{_done_command(coder)}'"
            )
    return lines


def _done_command(coder: str) -> str:
    return f"hrd-coder done DOC... --coder {coder}"


def read_coverage(conn: Connection) -> Coverage:
    """The project's coverage now."""
    documents = frozenset(coverage_rows.document_ids(conn))
    done = _by_coder(coverage_rows.pairs(conn, "done"))
    coded = _by_coder(coverage_rows.coded_pairs(conn, without_layer=CONSENSUS))
    assigned = _by_coder(coverage_rows.pairs(conn, "assignment"))
    everyone = not assigned
    if everyone:
        assigned = {coder: documents for coder in {*done, *coded}}
    return Coverage(coverage_rule(conn), everyone, assigned, done, coded)


def _by_coder(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for coder, document in pairs:
        # A model layer is no coder: it never enters human agreement or the consensus.
        if coder != CONSENSUS and not is_model_layer(coder):
            found[coder].add(document)
    return {coder: frozenset(documents) for coder, documents in found.items()}


def coverage_rule(conn: Connection) -> str:
    """`done` (default) or `any_coding`."""
    return read_setting(conn, RULE_SETTING, DEFAULT_RULE)


def set_coverage_rule(conn: Connection, rule: str, by: str | None) -> str:
    """Change the rule; return the old one."""
    if rule not in RULES:
        raise ProjectError(f"unknown coverage rule '{rule}': use one of {', '.join(RULES)}")
    return change_setting(
        conn, RULE_SETTING, rule, DEFAULT_RULE, by=by, action="setting.agreement_coverage"
    )


def _check_documents(conn: Connection, documents: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(documents))
    known = coverage_rows.document_ids(conn, among=wanted)
    unknown = [d for d in wanted if d not in known]
    if unknown:
        raise ProjectError(
            f"there is no document {', '.join(repr(d) for d in unknown)}: see "
            "'hrd-coder status' or run 'hrd-coder import'"
        )
    return wanted


def mark_done(
    conn: Connection, coder: str, documents: Iterable[str], *, undo: bool = False
) -> list[str]:
    """Mark documents done by a coder (or, with undo, not done); return those changed."""
    changed = _toggle(conn, "done", coder, documents, undo, {"done_at": core_tables.utc_now()})
    if changed:
        _logged(conn, coder, "document.undone" if undo else "document.done", coder, changed)
    return changed


def assign(
    conn: Connection, coder: str, documents: Iterable[str], by: str | None, *, undo: bool = False
) -> list[str]:
    """Give documents to a coder (or take them back); return those changed."""
    extra = {"sample": MANUAL, "seed": 0, "created_at": core_tables.utc_now()}
    changed = _toggle(conn, "assignment", coder, documents, undo, extra)
    if changed:
        _logged(conn, by, "assignment.remove" if undo else "assignment.add", coder, changed)
    return changed


def _toggle(
    conn: Connection,
    kind: Kind,
    coder: str,
    documents: Iterable[str],
    undo: bool,
    extra: dict[str, Any],
) -> list[str]:
    """Add (document, coder) rows, or with undo delete them; return the documents changed."""
    check_coder_name(coder)
    wanted = _check_documents(conn, documents)
    have = coverage_rows.documents_of(conn, kind, coder)
    changed = [d for d in wanted if (d in have) == undo]
    if changed and undo:
        coverage_rows.remove(conn, kind, coder, changed)
    elif changed:
        coverage_rows.add(conn, kind, coder, changed, extra)
    return changed


def _logged(conn: Connection, by: str | None, action: str, coder: str, changed: list) -> None:
    entity = "assignment" if action.startswith("assignment") else "document_done"
    record_event(
        conn, coder=by, action=action, entity=entity, entity_id=coder, after={"documents": changed}
    )
