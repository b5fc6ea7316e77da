"""Open a document: search and filter the project's documents, with coding counts and
the documents you marked done."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Input, Select, Static

from hrd_coder.services.records import CaseInfo, DocumentInfo
from hrd_coder.tui.dialogs.dialog import KeyHint, ListDialog
from hrd_coder.tui.dialogs.search import Match, ranked
from hrd_coder.tui.dialogs.table import cell, flexible_width
from hrd_coder.wording import plural

KINDS = {"transcript": "Transcripts", "case_history": "Case histories", "media": "Media items"}
CODED = [
    ("Coded or not", "any"),
    ("Coded by me", "mine"),
    ("Not coded by me", "not_mine"),
    ("Done by me", "done"),
    ("Not done by me", "not_done"),
]
DONE_MARK = "✓"
DONE_WIDTH = 4  # the column's heading, "done"
ALL = ""
CASES_SHARE = 5
"""The cases column gets at most a fifth of the table; longer lists of ids are cut with …."""


class DocumentBrowser(ListDialog[str]):
    """Find a document by text, kind, case group or whether you coded it or marked it done;
    dismisses with its id."""

    CSS_PATH = ["dialog.tcss", "document_browser.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Open",
            tooltip="Open the highlighted document",
            id="document_browser.open",
        ),
    ]

    def __init__(
        self,
        documents: list[DocumentInfo],
        cases: list[CaseInfo],
        mine: dict[str, int],
        everyone: dict[str, int],
        current: str | None = None,
        done: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self.documents = documents
        self.cases = {case.id: case for case in cases}
        self.groups = list(dict.fromkeys(group for case in cases for group in case.groups))
        self.mine = mine
        self.everyone = everyone
        self.current = current
        self.done = done
        self.shown: list[tuple[DocumentInfo, Match | None]] = []
        self._shown_query: str | None = None  # the search the table shows (None: not yet)

    def compose(self) -> ComposeResult:
        present = {doc.kind for doc in self.documents}
        kinds = [kind for kind in KINDS if kind in present] + sorted(present - set(KINDS))
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Open a document"
            yield Input(placeholder="Search by id, title, case id or case name", id="query")
            with Horizontal(id="filters"):
                yield Select(
                    [("All kinds", ALL)]
                    + [(KINDS.get(kind, kind.replace("_", " ")), kind) for kind in kinds],
                    allow_blank=False,
                    id="kind",
                )
                yield Select(
                    [("All case groups", ALL)] + [(f"Group: {g}", g) for g in self.groups],
                    allow_blank=False,
                    id="group",
                )
                yield Select(CODED, allow_blank=False, id="coded")
            yield Static(id="count")
            yield DataTable(cursor_type="row", id="choices")
            yield KeyHint()

    def on_mount(self) -> None:
        """Show every document once the table's width is known, the current one selected."""
        self.query_one("#query", Input).focus()
        self.call_after_refresh(self.show_matches)

    def on_resize(self) -> None:
        """Fit the titles to the new width."""
        self.call_after_refresh(self.show_matches)

    @on(Select.Changed)
    def _filter(self) -> None:
        self.show_matches()

    @on(Input.Changed, "#query")
    def _search(self) -> None:
        self.show_matches(keep_highlight=False)

    def show_matches(self, keep_highlight: bool = True) -> None:
        """Fill the table with the documents that pass every filter, best search match first.

        The highlight stays on the same document if it is still listed, except after typing
        in the search, when the best match is highlighted.
        """
        table = self.query_one("#choices", DataTable)
        previous = (self._highlighted_id() or self.current) if keep_highlight else None
        kind = self.query_one("#kind", Select).value
        group = self.query_one("#group", Select).value
        coded = self.query_one("#coded", Select).value
        candidates = [
            doc
            for doc in self.documents
            if kind in (ALL, doc.kind)
            and (group == ALL or any(group in self._groups_of(case) for case in doc.case_ids))
            and self._progress_passes(doc.id, coded)
        ]
        self._shown_query = self.query_one("#query", Input).value
        self.shown = ranked(self._shown_query, candidates, self._fields)
        widths = self._widths()
        table.clear(columns=True)
        table.add_column("id", width=widths[0])
        table.add_column("kind", width=widths[1])
        table.add_column("title", width=flexible_width(table, widths))
        table.add_column("cases", width=widths[2])
        table.add_column("mine", width=widths[3])
        table.add_column("all", width=widths[4])
        table.add_column("done", width=widths[5])
        for doc, match in self.shown:
            letters = match.letters_in if match else (lambda field: ())
            table.add_row(
                cell(doc.id, "bold", letters(0)),
                cell(doc.kind.replace("_", " ")),
                cell(doc.title, "", letters(1)),
                cell(", ".join(doc.case_ids), "", letters(2)),
                cell(str(self.mine.get(doc.id, 0)), justify="right"),
                cell(str(self.everyone.get(doc.id, 0)), justify="right"),
                self._done_cell(doc.id),
                key=doc.id,
            )
        ids = [doc.id for doc, _ in self.shown]
        row = ids.index(previous) if previous in ids else 0
        table.move_cursor(row=row, animate=False)
        # The new rows are laid out on the next refresh: only then can the cursor be scrolled to.
        table.call_after_refresh(table.move_cursor, row=row, animate=False)
        self.query_one("#count", Static).update(
            f"{len(self.shown)} of {plural(len(self.documents), 'document')}"
            f"   (mine/all: codings by you/by every coder; {DONE_MARK} done by you)"
        )

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        self._choose(event.value)

    def action_choose(self) -> None:
        """Dismiss with the highlighted document's id."""
        self._choose(self.query_one("#query", Input).value)

    def _choose(self, query: str) -> None:
        # Typed fast (or replayed after the browser loaded), Enter can come before the
        # table shows what the search says: match the search as it was at Enter.
        if query != self._shown_query:
            self.query_one("#query", Input).value = query
            self.show_matches(keep_highlight=False)
        document_id = self._highlighted_id()
        if document_id is not None:
            self.dismiss(document_id)

    @on(DataTable.RowSelected, "#choices")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def _highlighted_id(self) -> str | None:
        table = self.query_one("#choices", DataTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row][0].id

    def _progress_passes(self, document_id: str, wanted: object) -> bool:
        """Whether a document passes the coded / done filter."""
        if wanted in ("done", "not_done"):
            return (document_id in self.done) == (wanted == "done")
        return wanted == "any" or (self.mine.get(document_id, 0) > 0) == (wanted == "mine")

    def _groups_of(self, case_id: str) -> tuple[str, ...]:
        case = self.cases.get(case_id)
        return case.groups if case else ()

    def _fields(self, doc: DocumentInfo) -> tuple[str, str, str, str]:
        names = [self.cases[c].name for c in doc.case_ids if c in self.cases]
        return (doc.id, doc.title, ", ".join(doc.case_ids), ", ".join(names))

    def _done_cell(self, document_id: str) -> Content:
        if document_id not in self.done:
            return Content("")
        return Content.styled(DONE_MARK.center(DONE_WIDTH), "bold $text-success")

    def _widths(self) -> tuple[int, int, int, int, int, int]:
        """Widths of the fixed columns: id, kind, cases, mine, all, done."""
        docs = self.documents
        return (
            max([2, *(len(doc.id) for doc in docs)]),
            max([4, *(len(doc.kind) for doc in docs)]),
            min(
                max([5, *(len(", ".join(doc.case_ids)) for doc in docs)]),
                max(5, self.query_one("#choices", DataTable).size.width // CASES_SHARE),
            ),
            max([4, *(len(str(n)) for n in self.mine.values())]),
            max([3, *(len(str(n)) for n in self.everyone.values())]),
            DONE_WIDTH,
        )
