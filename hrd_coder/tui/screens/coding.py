"""The coding screen: a document, the codebook and the case; every action saved at once.

Its keys, widgets and widget events are here; what the keys do lives in one module per
concern (coding_workbench.py holds the state they share)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.widgets import Footer, Static

from hrd_coder.tui.keys import key
from hrd_coder.tui.screens.coding_actions import CodingActions
from hrd_coder.tui.screens.coding_navigation import Navigation, next_of_code
from hrd_coder.tui.screens.coding_notes import CodingNotes, done_message
from hrd_coder.tui.screens.coding_orphans import OrphanReview
from hrd_coder.tui.screens.coding_other_screens import OtherScreens
from hrd_coder.tui.screens.coding_review import REVIEW_ACTIONS, SuggestionReview
from hrd_coder.tui.screens.coding_versions import VersionWatch, carried_over
from hrd_coder.tui.screens.coding_workbench import WARM_UP_AFTER_SECONDS
from hrd_coder.tui.widgets.case_panel import CasePanel
from hrd_coder.tui.widgets.codebook_panel import CodebookPanel
from hrd_coder.tui.widgets.coder_name import CoderName
from hrd_coder.tui.widgets.document_view import DocumentView
from hrd_coder.wording import plural

__all__ = [
    "WARM_UP_AFTER_SECONDS",
    "CodingScreen",
    "carried_over",
    "done_message",
    "next_of_code",
]

VERSION_POLL_SECONDS = 2.0
"""How often the workbench asks whether its open document was re-imported elsewhere (one
indexed lookup of a hash: cheap on SQLite and PostgreSQL alike)."""


class CodingScreen(
    CodingActions,
    CodingNotes,
    Navigation,
    OrphanReview,
    OtherScreens,
    VersionWatch,
    SuggestionReview,
):
    """Code one document at a time; panels show the codebook and the current case."""

    HELP_TITLE = "Coding keys"
    HELP_ABOUT = (
        "Select text with the keys below, then press a code's hotkey to apply that code to "
        "it; every action is saved at once."
    )

    CSS_PATH = "coding.tcss"

    BINDINGS = [
        key(
            "enter",
            "pick_code",
            "Code…",
            "coding.pick_code",
            show=True,
            tooltip="Apply a code to the selection, chosen from a searchable list",
        ),
        key("full_stop", "repeat_code", "Repeat last code", "coding.repeat_code"),
        key(
            "equals_sign",
            "move_boundaries",
            "Set the focused coding's span to the selection",
            "coding.move_boundaries",
        ),
        key("delete,backspace", "remove_coding", "Remove focused coding", "coding.remove_coding"),
        key("ctrl+k", "tie_case", "Tie focused coding to a case", "coding.tie_case"),
        key("ctrl+e", "coding_memo", "Memo on focused coding", "coding.coding_memo"),
        key("ctrl+d", "document_memo", "Memo on this document", "coding.document_memo"),
        key(
            "ctrl+f",
            "mark_done",
            "Done / not done",
            "coding.mark_done",
            tooltip="Mark this document done by you (finished), or not done again",
        ),
        key("ctrl+z", "undo", "Undo", "coding.undo", show=True),
        key("ctrl+y", "redo", "Redo", "coding.redo"),
        key(
            "ctrl+o",
            "browse",
            "Documents",
            "coding.browse",
            show=True,
            tooltip="Open another document (filters and search)",
        ),
        key(
            "ctrl+r",
            "retrieve",
            "Segments",
            "coding.retrieve",
            show=True,
            tooltip="All segments of the highlighted code, with a jump to each",
        ),
        key("f3", "jump_code(1)", "Next coding of the highlighted code", "coding.next_of_code"),
        key(
            "shift+f3",
            "jump_code(-1)",
            "Previous coding of the highlighted code",
            "coding.previous_of_code",
        ),
        key(
            "f8",
            "orphans",
            "Orphaned codings",
            "coding.orphans",
            tooltip="Codings whose text changed away: re-place them on the selection or discard",
        ),
        key("f2", "toggle_focus", "Switch between document and codebook", "coding.switch_focus"),
        key("f5", "agreement", "Agreement between coders, per code", "coding.agreement"),
        key("f6", "adjudicate", "Adjudicate disagreements (consensus layer)", "coding.adjudicate"),
        key("f7", "results", "Survival results of the designs in analysis.yaml", "coding.results"),
        key("f9", "coverage", "Media coverage of the case, week by week", "coding.coverage"),
        key("ctrl+b", "toggle_panel", "Show or hide the side panel", "coding.toggle_panel"),
        key(
            "f4",
            "review",
            "Review machine suggestions",
            "coding.review",
            tooltip="Review this document's machine suggestions (latest run), or stop",
        ),
        key(
            "shift+f4",
            "review_order",
            "Review order: confidence or code",
            "review.order",
            tooltip="Step through the suggestions by confidence (highest first) or by code",
        ),
        key(
            "y",
            "accept_suggestion",
            "Accept",
            "review.accept",
            show=True,
            tooltip="Accept the suggestion (at the adjusted span, after e): it becomes your coding",
        ),
        key(
            "n",
            "reject_suggestion",
            "Reject",
            "review.reject",
            show=True,
            tooltip="Reject the suggestion: it is not offered to you again",
        ),
        key(
            "e",
            "adjust_suggestion",
            "Adjust span",
            "review.adjust",
            show=True,
            tooltip="Adjust the suggestion's span with the selection keys, then y accepts it",
        ),
        key("s", "skip_suggestion", "Skip to the next suggestion", "review.skip"),
        key("r", "next_run", "Review another run's suggestions", "review.next_run"),
    ]

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static("", id="document-title")
            yield Static("", id="document-done")
            yield CoderName(self.coder)
        with Horizontal(id="body"):
            yield DocumentView(id="document-view")
            with Vertical(id="side-panel"):
                yield CodebookPanel(id="codebook-panel")
                yield CasePanel(id="case-panel")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        """Show the codebook and open the first document."""
        codebook = self.project.codebook
        self.query_one(CodebookPanel).show(codebook, {})
        self._service(self._first_load, self._show_first_load)
        self.set_interval(VERSION_POLL_SECONDS, self._watch_version)

    # -- events from the widgets -------------------------------------------------------------

    @on(DocumentView.SelectionChanged)
    def _selection_changed(self, event: DocumentView.SelectionChanged) -> None:
        selection = event.view.selection
        self._cursor = event.view.cursor  # read again when the view is gone (on quitting)
        if self._pinned_status:
            self._status(self._pinned_status)
            self._pinned_status = None
        elif selection:
            start, end = selection
            words = len(self.view.text[start:end].split())
            self._status(
                f"selected {plural(end - start, 'character')}, {plural(words, 'word')} "
                f"[{start}, {end})"
                "  · hotkey or Enter to code"
            )

    @on(DocumentView.CodingFocused)
    def _coding_focused(self, event: DocumentView.CodingFocused) -> None:
        coding = self._coding(event.coding_id)
        self._show_case(coding)
        if coding:
            self.query_one(CodebookPanel).select_code(coding.code_id)
            memo = f" · memo: {coding.memo}" if coding.memo else ""
            case = f" · case {coding.case_id}" if coding.case_id else ""
            details = f"{coding.code_id} [{coding.start}, {coding.end}){case}{memo}"
            if self._confirmation:
                self._status(f"{self._confirmation} · Del removes, = sets span, ctrl+k case")
            else:
                self._status(
                    f"focused: {details}  · Del removes, = sets span, ctrl+k case, ctrl+e memo"
                )
        self._confirmation = None

    @on(CodebookPanel.CodeHighlighted)
    def _code_highlighted(self, event: CodebookPanel.CodeHighlighted) -> None:
        self.highlighted_code = event.code_id

    @on(CodebookPanel.CodeChosen)
    def _code_chosen(self, event: CodebookPanel.CodeChosen) -> None:
        self.apply_code(event.code_id)
        self.view.focus()

    def on_key(self, event: Key) -> None:
        """A code's hotkey applies it to the selection (hotkeys come from the codebook)."""
        if self._held(event):
            return
        if not isinstance(self.focused, DocumentView) or not event.character:
            return
        if self._review_key(event.key):
            return  # while reviewing, y, n, e, s and r review (the bindings act on them)
        code = self.project.codebook.by_hotkey().get(event.character)
        if code is not None:
            event.stop()
            self.apply_code(code.id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Marking done needs an open document; the review keys act only in a review."""
        if action == "mark_done":
            return self.document is not None
        if action in REVIEW_ACTIONS or action == "review_order":
            return self.review is not None
        return True

    def help_rows(self) -> list[tuple[str, str, str]]:
        """Every key of the screen, then the codebook's hotkeys and the app's keys."""
        rows = super().help_rows()
        for code in self.project.codebook.codes:
            if code.hotkey:
                rows.append((code.hotkey, f"Apply code: {code.label}", "codebook.yaml"))
        rows.append(("ctrl+p", "Command palette: every action by name", "(app)"))
        rows.append(("ctrl+q", "Quit (everything is already saved)", "(app)"))
        return rows
