"""What every row of another copy must pass before a merge writes any of it.

The copy is a database file someone hands us: its rows may have been written by an older
hrd-coder, by hand with sqlite3, or by a tool that checked nothing. A merged row must hold
what `codings load` would accept (a plain id, a coder name we allow, a span inside its
document whose quote is the text there) and point at documents, codes and cases of this
project; otherwise agreement, exports and the terminal would show nonsense or raw escapes.
Every problem is collected with the row's id, so the copy can be fixed in one go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import InvalidInput, Problem, ProjectError
from hrd_coder.safe_text import safe_text
from hrd_coder.services.coding import check_span
from hrd_coder.services.consensus_rules import CHOICES
from hrd_coder.services.layers import check_coder_name
from hrd_coder.sources.csv_cells import MAX_NAME_CHARS
from hrd_coder.storage import catalog
from hrd_coder.wording import plural

if TYPE_CHECKING:
    from hrd_coder.storage.database import Connection

MAX_SHOWN = 50  # problems listed one by one; a copy broken everywhere gets a count beyond
# A moment later than this is a clock or a forgery: "the later change wins" would let it
# win every conflict to come.
FUTURE_SLACK = dt.timedelta(days=1)
FIX_IN_COPY = (
    "correct or remove this row in the copy (it was not written by hrd-coder as it is), "
    "then merge again"
)


class MergeProblems:
    """Problems found in the copy: per reference (reported once) and per row (by id)."""

    def __init__(self, other: str) -> None:
        self.other = other
        self.references: dict[str, Problem] = {}
        self.rows: list[Problem] = []
        self.more = 0

    def reference(self, key: str, message: str, hint: str) -> None:
        """A missing document, code or case: one problem however many rows name it."""
        self.references.setdefault(key, Problem(self.other, None, None, message, hint))

    def row(self, what: str, row_id: Any, message: str, hint: str = FIX_IN_COPY) -> None:
        """One row's problem, naming the row by its id."""
        if len(self.rows) >= MAX_SHOWN:
            self.more += 1
            return
        shown = f"{what} '{safe_text(row_id, limit=60)}'"
        self.rows.append(Problem(self.other, None, None, f"{shown}: {message}", hint))

    def raise_if_any(self) -> None:
        """Stop the merge, before anything is written, if any problem was found."""
        problems = [*self.references.values(), *self.rows]
        if self.more:
            problems.append(
                Problem(
                    self.other, None, None, f"... and {plural(self.more, 'more row')} with problems"
                )
            )
        if problems:
            raise InvalidInput(problems)


def check_copy(
    conn: Connection,
    other: str,
    *,
    codings: list[dict[str, Any]],
    memos: list[dict[str, Any]],
    decisions: list[dict[str, Any]],
    coders: Iterable[str],
    their_texts: dict[str, str],
    texts: dict[str, str],
) -> None:
    """Raise InvalidInput with every problem of the copy's rows, or return (all is well).

    `their_texts` maps the copy's documents to the SHA-256 of their text, `texts` this
    project's documents to their text."""
    found = MergeProblems(other)
    ours = catalog.document_versions(conn)
    codes = catalog.ids(conn, "code")
    cases = catalog.ids(conn, "case")
    same_text = {d for d, sha in ours.items() if their_texts.get(d) == sha}
    for name in coders:
        _check(found, "coder", name, partial(_coder_name, name))
    for row in codings:
        _check_references(found, row, ours, same_text, codes, cases)
        _check_coding(found, row, texts if row["document_id"] in same_text else {})
    for row in decisions:
        _check_references(found, row, ours, same_text, codes, set())
        _check_decision(found, row, texts if row["document_id"] in same_text else {})
    for row in memos:
        _check_memo(found, row, ours)
    found.raise_if_any()


def _check(found: MergeProblems, what: str, row_id: Any, check: Callable[[], object]) -> bool:
    """Run one check; a ProjectError becomes the row's problem. True when it passed."""
    try:
        check()
    except ProjectError as error:
        found.row(what, row_id, str(error))
        return False
    return True


def _check_references(
    found: MergeProblems,
    row: dict[str, Any],
    ours: dict[str, str],
    same_text: set[str],
    codes: set[str],
    cases: set[str],
) -> None:
    """The row's document (with the same text), code and case must be in this project."""
    document = row["document_id"]
    shown = safe_text(document, limit=60)
    if document not in ours:
        found.reference(
            f"d:{document}",
            f"document '{shown}' is not in this project",
            "add its file to this project and run 'hrd-coder import', then merge again",
        )
    elif document not in same_text:
        found.reference(
            f"t:{document}",
            f"document '{shown}' has a different text here than in {found.other}",
            "import the same version of the file into both copies (a changed file is "
            "re-anchored by 'hrd-coder import'), then merge again",
        )
    if row["code_id"] not in codes:
        found.reference(
            f"c:{row['code_id']}",
            f"code '{safe_text(row['code_id'], limit=60)}' is not in this codebook",
            "add it to codebook.yaml (or rename it there with 'hrd-coder codebook "
            "rename') and run 'hrd-coder import', then merge again",
        )
    case = row.get("case_id")
    if case is not None and case not in cases:
        found.reference(
            f"k:{case}",
            f"case '{safe_text(case, limit=60)}' is not in this project",
            "add its case file and run 'hrd-coder import', then merge again",
        )


def _check_coding(found: MergeProblems, row: dict[str, Any], texts: dict[str, str]) -> None:
    """A coding as `codings load` would make it: plain id, allowed coder, its span inside
    the text with the quote that is there, plain codebook hash, sane times."""
    key = row["id"]
    if not _plain_id(found, "coding", key):
        return
    coder = row["coder"]
    checks = [
        partial(_coder_name, coder),
        # Empty in codings made before any codebook was stored.
        partial(_plain_name, "codebook hash", row["codebook_hash"], may_be_empty=True),
        partial(_past_moment, "created_at", row["created_at"]),
        partial(_past_moment, "updated_at", row["updated_at"]),
        partial(_text_or_none, "memo", row["memo"]),
    ]
    if row["document_id"] in texts:  # else its document was reported above
        checks.append(partial(_check_quote, row, texts[row["document_id"]]))
    for check in checks:
        if not _check(found, "coding", key, check):
            return


def _check_decision(found: MergeProblems, row: dict[str, Any], texts: dict[str, str]) -> None:
    """An adjudication decision: plain id, allowed adjudicator and choice, span inside."""
    key = row["id"]
    if not _plain_id(found, "decision", key):
        return
    checks = [
        partial(_coder_name, row["adjudicator"]),
        partial(_check_choice, row["choice"]),
        partial(_text_or_none, "reason", row["reason"]),
        partial(_past_moment, "decided_at", row["decided_at"]),
    ]
    if row["document_id"] in texts:
        checks.append(partial(_check_offsets, row, texts[row["document_id"]]))
    for check in checks:
        if not _check(found, "decision", key, check):
            return


def _check_memo(found: MergeProblems, row: dict[str, Any], ours: dict[str, str]) -> None:
    """A document memo: on a document of this project, by an allowed coder."""
    key = f"{row['document_id']}/{row['coder']}"
    if row["document_id"] not in ours:
        found.reference(
            f"d:{row['document_id']}",
            f"document '{safe_text(row['document_id'], limit=60)}' is not in this project",
            "add its file to this project and run 'hrd-coder import', then merge again",
        )
        return
    for check in (
        partial(_coder_name, row["coder"]),
        partial(_text_or_none, "text", row["text"]),
        partial(_past_moment, "updated_at", row["updated_at"]),
    ):
        if not _check(found, "memo", key, check):
            return


def _coder_name(name: Any) -> None:
    check_coder_name(name if isinstance(name, str) else "")


def _plain_id(found: MergeProblems, what: str, key: Any) -> bool:
    """Ids appear in messages, exports and file names: short, without control characters."""
    return _check(found, what, key, partial(_plain_name, "id", key))


def _plain_name(what: str, value: Any, may_be_empty: bool = False) -> None:
    if not isinstance(value, str) or not (value or may_be_empty):
        raise ProjectError(f"its {what} is empty or not text")
    if len(value) > MAX_NAME_CHARS:
        raise ProjectError(
            f"its {what} is {len(value):,} characters long (at most {MAX_NAME_CHARS})"
        )
    if safe_text(value) != value:
        raise ProjectError(f"its {what} holds a control character (an escape sequence?)")


def _check_offsets(row: dict[str, Any], text: str) -> None:
    start, end = row["start"], row["end"]
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        raise ProjectError(
            f"start/end '{safe_text(start, limit=30)}'/'{safe_text(end, limit=30)}' "
            "are not whole numbers"
        )
    check_span(text, start, end, row["document_id"])


def _check_quote(row: dict[str, Any], text: str) -> None:
    """The quote is what the coder saw: if it is not the text at the span, the span (or
    the quote) was changed outside hrd-coder and the coding would mark other words."""
    _check_offsets(row, text)
    if row["quote"] != text[row["start"] : row["end"]]:
        raise ProjectError(
            f'its quote "{safe_text(row["quote"], limit=40)}" is not the text at '
            f"[{row['start']}, {row['end']}) of document '{row['document_id']}' "
            f'("{safe_text(text[row["start"] : row["end"]], limit=40)}")'
        )


def _check_choice(choice: Any) -> None:
    """A decision chooses a coder's layer, or one of the rules (union, intersection...)."""
    if choice in CHOICES:
        return
    try:
        check_coder_name(choice if isinstance(choice, str) else "")
    except ProjectError:
        raise ProjectError(
            f"its choice '{safe_text(choice, limit=60)}' is neither a coder's name nor one "
            f"of {', '.join(CHOICES)}"
        ) from None


def _text_or_none(what: str, value: Any) -> None:
    if value is not None and not isinstance(value, str):
        raise ProjectError(f"its {what} is not text")


def _past_moment(what: str, value: Any) -> None:
    if not isinstance(value, dt.datetime):
        raise ProjectError(f"its {what} '{safe_text(value, limit=40)}' is not a date and time")
    moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if moment > dt.datetime.now(dt.UTC) + FUTURE_SLACK:
        raise ProjectError(
            f"its {what} {moment.isoformat(timespec='seconds')} is in the future: as the "
            "later change it would win every conflict"
        )
