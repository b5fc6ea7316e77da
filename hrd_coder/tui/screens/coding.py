"""The coding screen: a document, the codebook and the case; every action saved at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.widgets import Footer, Static

from hrd_coder.problems import StaleDocument
from hrd_coder.safe_text import safe_text
from hrd_coder.services import Project
from hrd_coder.services.records import CaseInfo, CodingRecord, DocumentText
from hrd_coder.settings import last_place, remember_place
from hrd_coder.sources.anchoring import TextChange
from hrd_coder.tui.colors import code_colors
from hrd_coder.tui.keys import key
from hrd_coder.tui.screens.service import ServiceScreen
from hrd_coder.tui.text_layout import Mark
from hrd_coder.tui.widgets.case_panel import CasePanel
from hrd_coder.tui.widgets.codebook_panel import CodebookPanel
from hrd_coder.tui.widgets.coder_name import CoderName
from hrd_coder.tui.widgets.document_view import DocumentView
from hrd_coder.wording import plural

FirstLoad = tuple[dict[str, CaseInfo], str | None, int, dict]
"""The cases, the document to open and where in it, and media coverage by case."""

Loaded = tuple[DocumentText, list[CodingRecord], dict, bool]
"""A document, my codings of it, my code counts, and whether I marked it done."""

WARM_UP_AFTER_SECONDS = 1.0
"""Seconds after the first document is shown before the statistics stack is imported in
the background: the first paint and the first keys come first."""
VERSION_POLL_SECONDS = 2.0
"""How often the workbench asks whether its open document was re-imported elsewhere (one
indexed lookup of a hash: cheap on SQLite and PostgreSQL alike)."""


class CodingScreen(ServiceScreen):
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
    ]

    def __init__(self, project: Project, coder: str) -> None:
        super().__init__(project)
        self.coder = coder
        self.document: DocumentText | None = None
        self.codings: list[CodingRecord] = []
        self.cases: dict[str, CaseInfo] = {}
        self.coverage: dict[str, tuple[int, dt.date]] = {}
        """Case id -> (media items mentioning it, the first one's date)."""
        self.document_done: bool | None = None
        """Whether I marked the open document done (None: no document or not known yet)."""
        self.last_code: str | None = None
        self.highlighted_code: str | None = None
        self._confirmation: str | None = None
        self._reloading = False
        self._pinned_status: str | None = None
        self._remembered_place: tuple[str, int] | None = None
        self._cursor = 0

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

    @property
    def view(self) -> DocumentView:
        """The document view."""
        return self.query_one(DocumentView)

    def on_mount(self) -> None:
        """Show the codebook and open the first document."""
        codebook = self.project.codebook
        self.query_one(CodebookPanel).show(codebook, {})
        self._service(self._first_load, self._show_first_load)
        self.set_interval(VERSION_POLL_SECONDS, self._watch_version)

    # -- loading -----------------------------------------------------------------------------

    def _first_load(self) -> FirstLoad:
        cases = {c.id: c for c in self.project.cases()}
        documents = self.project.documents()
        first = next((d.id for d in documents if d.kind == "transcript"), None)
        first, offset = first or (documents[0].id if documents else None), 0
        place = last_place(self.project.root, self.coder)
        if place and place[0] in {d.id for d in documents}:
            first, offset = place  # where this coder left off
        return cases, first, offset, self.project.media_by_case()

    def _show_first_load(self, result: FirstLoad) -> None:
        self.cases, first, offset, self.coverage = result
        self.set_timer(WARM_UP_AFTER_SECONDS, self._load_statistics)
        if first is None:
            self._status(
                "This project has no documents yet: add files to transcripts/ or "
                "cases/ and run 'hrd-coder import'."
            )
            return
        self.open_document(first, then=(lambda: self._go_to(offset)) if offset else None)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _load_statistics(self) -> None:
        """Import what F7 needs while the coder reads: the first results then take a few
        tenths of a second instead of waiting ~1.3 s for imports (benchmarks/bench_results)."""
        self.project.load_statistics()

    def _go_to(self, offset: int) -> None:
        """Put the cursor at an offset of the open document (clamped), scrolled into view."""
        offset = min(max(0, offset), len(self.view.text))
        self.view.select(offset, offset)

    def _remember_place(self) -> None:
        """Note the open document and cursor, so the next start reopens them."""
        if self.document is None:
            return
        place = (self.document.info.id, self._cursor)
        if place == self._remembered_place:
            return
        try:
            remember_place(self.project.root, self.coder, *place)
        except OSError:
            return  # a read-only project folder: the workbench simply starts at the top
        self._remembered_place = place

    def on_unmount(self) -> None:
        """Remember where the coder was when the workbench closes."""
        self._remember_place()

    def open_document(self, document_id: str, then: Callable[[], None] | None = None) -> None:
        """Load a document with my codings, then (optionally) do something with it."""

        def show(result: Loaded) -> None:
            self._show_document(result)
            self.view.focus()
            self._status(
                f"opened {document_id}: {plural(len(self.codings), 'coding')} of yours · ] selects "
                "a sentence, a code's key codes it, ? lists every key"
            )
            if then:
                then()

        self._service(lambda: self._load_document(document_id), show)

    def _load_document(self, document_id: str) -> Loaded:
        document = self.project.document(document_id)
        mine = self.project.codings(document=document_id, coder=self.coder)
        done = self._done_state(document_id)[0]
        return document, mine, self.project.code_counts(self.coder), done

    def _show_document(self, result: Loaded) -> None:
        self.document, self.codings, counts, self.document_done = result
        self._cursor = 0
        codebook = self.project.codebook
        self.view.load(
            self.document.text,
            self._marks(),
            code_colors(codebook),
            self.document.info.metadata.get("speakers") or (),
            [c.id for c in codebook.codes],
        )
        self.query_one(CodebookPanel).update_counts(counts)
        self._show_title()
        self._show_case(None)

    # -- a document re-imported while it is open ---------------------------------------------

    def _watch_version(self) -> None:
        """Ask (off the screen's thread) whether the open document was re-imported; note
        where the coder is."""
        self._remember_place()
        if self.document is not None and not self._reloading:
            self._poll_version(self.document.info.id, self.document.info.sha256)

    @work(thread=True, group="version", exclusive=True)
    def _poll_version(self, document_id: str, shown: str) -> None:
        try:
            current = self.project.document_version(document_id)
        except Exception:  # noqa: BLE001 - a failed poll is retried; actions report errors
            return
        if current != shown:
            self.app.call_from_thread(
                self._reload_changed,
                f"{document_id} was re-imported (someone changed its file): reloaded; your "
                "codings and selection followed the text",
            )

    def _text_changed(self, error: StaleDocument) -> None:
        """A write was refused because the text changed under it: reload, say so."""
        self._reload_changed(
            f"not saved: {error.document_id} was re-imported since you opened it. Reloaded; "
            "your selection followed the text: check it and press the key again",
            severity="error",
        )

    def _reload_changed(self, message: str, severity: str = "warning") -> None:
        """Reload the open document, carrying the selection over to the new text."""
        if self.document is None or self._reloading:
            return
        self._reloading = True
        old_text, document_id = self.document.text, self.document.info.id
        anchor, cursor = self.view.anchor, self.view.cursor

        def show(result: Loaded) -> None:
            self._reloading = False
            self._show_document(result)
            moved = carried_over(old_text, result[0].text, anchor, cursor)
            self._status(message)
            if moved is not None:
                self._pinned_status = message  # not replaced by the selection's own line
                self.view.select(*moved)
            self.notify(message, title="Document changed", severity=severity, timeout=10)

        def load() -> Loaded:
            try:
                return self._load_document(document_id)
            except Exception:
                self._reloading = False
                raise

        self._service(load, show)

    def _marks(self) -> list[Mark]:
        return [Mark(c.id, c.code_id, c.start, c.end) for c in self.codings]

    def _show_title(self) -> None:
        info = self.document.info if self.document else None
        title = f"{info.id} · {info.title}" if info else "no document"
        self.query_one("#document-title", Static).update(Content(safe_text(title)))
        mark = self.query_one("#document-done", Static)
        done = self.document_done
        mark.update("" if done is None else "✓ done" if done else "not done")
        mark.set_class(bool(done), "-done")
        self.refresh_bindings()

    def _done_state(self, document_id: str) -> tuple[bool, str]:
        """Whether I marked a document done, and the project's coverage rule (in a worker)."""
        coverage = self.project.coverage()
        return document_id in coverage.done.get(self.coder, frozenset()), coverage.rule

    def _show_case(self, coding: CodingRecord | None) -> None:
        info = self.document.info if self.document else None
        cases = info.case_ids if info else ()
        chosen = (
            coding.case_id if coding and coding.case_id else (cases[0] if len(cases) == 1 else None)
        )
        others = tuple(c for c in cases if c != chosen)
        self.query_one(CasePanel).show(
            self.cases.get(chosen) if chosen else None, others, self.coverage.get(chosen or "")
        )

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
        code = self.project.codebook.by_hotkey().get(event.character)
        if code is not None:
            event.stop()
            self.apply_code(code.id)

    def _coding(self, coding_id: str | None) -> CodingRecord | None:
        return next((c for c in self.codings if c.id == coding_id), None)

    # -- coding actions ----------------------------------------------------------------------

    def _selection(self) -> tuple[int, int] | None:
        """The selection without spaces at its edges (those are never worth coding)."""
        if self.view.selection is None:
            return None
        start, end = self.view.selection
        text = self.view.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    def apply_code(self, code_id: str) -> None:
        """Apply a code to the selection, saved at once."""
        selection = self._selection()
        if self.document is None or selection is None:
            self.notify(
                "Select some text first: ] selects the next sentence, + grows the "
                "selection, shift+arrows extend it.",
                severity="warning",
            )
            return
        start, end = selection
        document = self.document.info
        self.last_code = code_id

        def add() -> CodingRecord:
            return self.project.add_coding(
                document=document.id,
                code=code_id,
                start=start,
                end=end,
                coder=self.coder,
                version=document.sha256,
            )

        self._service(
            add,
            lambda coding: self._after_change(
                f"saved: {coding.code_id} on {document.id} [{start}, {end})", coding.id
            ),
        )

    def _after_change(self, message: str, focus: str | None = None) -> None:
        """Reload my codings of this document and the counts; confirm in the status line."""
        assert self.document is not None
        document_id = self.document.info.id

        def reload() -> tuple[list[CodingRecord], dict]:
            return (
                self.project.codings(document=document_id, coder=self.coder),
                self.project.code_counts(self.coder),
            )

        def show(result: tuple[list[CodingRecord], dict]) -> None:
            self.codings, counts = result
            self.view.set_marks(self._marks())
            self.query_one(CodebookPanel).update_counts(counts)
            self._status(message)
            if focus and self._coding(focus):
                self._confirmation = message  # shown with the focus details, not replaced
                self.view.focus_coding(focus)

        self._service(reload, show)

    def _focused(self) -> CodingRecord | None:
        coding = self._coding(self.view.focused_coding)
        if coding is None:
            self.notify("Focus a coding first: Tab moves to the next one.", severity="warning")
        return coding

    def action_pick_code(self) -> None:
        """Choose a code from the searchable picker and apply it."""
        from hrd_coder.tui.dialogs.code_picker import CodePicker

        if self.view.selection is None:
            self.apply_code("")  # explains how to select
            return

        def chosen(code_id: str | None) -> None:
            if code_id:
                self.apply_code(code_id)

        self._with_counts(
            lambda counts: self.app.push_screen(CodePicker(self.project.codebook, counts), chosen)
        )

    def _with_counts(self, then: Callable[[dict], None]) -> None:
        self._service(lambda: self.project.code_counts(self.coder), then)

    def action_repeat_code(self) -> None:
        """Apply the last code used again."""
        if self.last_code is None:
            self.notify("No code applied yet in this session.", severity="warning")
            return
        self.apply_code(self.last_code)

    def action_move_boundaries(self) -> None:
        """Give the focused coding the selection's span (moves either boundary)."""
        coding = self._focused()
        selection = self._selection()
        if coding is None or selection is None:
            return
        start, end = selection
        shown = self.document.info.sha256 if self.document else None

        def update() -> CodingRecord:
            return self.project.update_coding(
                coding.id, coder=self.coder, start=start, end=end, version=shown
            )

        self._service(
            update,
            lambda c: self._after_change(f"moved: {c.code_id} now [{c.start}, {c.end})", c.id),
        )

    def action_remove_coding(self) -> None:
        """Remove the focused coding."""
        coding = self._focused()
        if coding is None:
            return
        self._service(
            lambda: self.project.remove_coding(coding.id, coder=self.coder),
            lambda c: self._after_change(
                f"removed: {c.code_id} [{c.start}, {c.end}) (ctrl+z undoes)"
            ),
        )

    def action_tie_case(self) -> None:
        """Tie the focused coding to one of the cases (or untie it)."""
        from hrd_coder.tui.dialogs.case_picker import CasePicker

        coding = self._focused()
        if coding is None or self.document is None:
            return

        def chosen(case_id: str | None) -> None:
            if case_id is None:
                return
            self._service(
                lambda: self.project.update_coding(
                    coding.id, coder=self.coder, case_id=case_id or None
                ),
                lambda c: self._after_change(f"case of {c.code_id}: {c.case_id or 'none'}", c.id),
            )

        self.app.push_screen(
            CasePicker(list(self.cases.values()), self.document.info.case_ids, coding.case_id),
            chosen,
        )

    def action_coding_memo(self) -> None:
        """Write a memo on the focused coding."""
        from hrd_coder.tui.dialogs.memo import MemoDialog

        coding = self._focused()
        if coding is None:
            return

        def written(text: str | None) -> None:
            if text is None:
                return
            self._service(
                lambda: self.project.update_coding(coding.id, coder=self.coder, memo=text or None),
                lambda c: self._after_change(f"memo saved on {c.code_id}", c.id),
            )

        self.app.push_screen(
            MemoDialog(f"Memo on {coding.code_id}: “{coding.quote[:40]}”", coding.memo or ""),
            written,
        )

    def action_document_memo(self) -> None:
        """Write a memo on this document."""
        from hrd_coder.tui.dialogs.memo import MemoDialog

        if self.document is None:
            return
        document_id = self.document.info.id

        def written(text: str | None) -> None:
            if text is None:
                return
            self._service(
                lambda: self.project.set_document_memo(document_id, coder=self.coder, text=text),
                lambda _: self._status(f"memo on {document_id} saved"),
            )

        self._service(
            lambda: self.project.document_memo(document_id, self.coder),
            lambda memo: self.app.push_screen(
                MemoDialog(f"Memo on {document_id}", memo or ""), written
            ),
        )

    def action_mark_done(self) -> None:
        """Mark the open document done by me, or not done again; saved at once."""
        if self.document is None:
            return
        document_id, undo = self.document.info.id, bool(self.document_done)

        def toggle() -> tuple[bool, str]:
            self.project.mark_done([document_id], coder=self.coder, undo=undo)
            return self._done_state(document_id)

        def show(result: tuple[bool, str]) -> None:
            done, rule = result
            if self.document is not None and self.document.info.id == document_id:
                self.document_done = done
                self._show_title()
            message = done_message(document_id, done, rule)
            self.notify(message, markup=False)  # a document id is the user's text, not markup
            self._status(Content(message))

        self._service(toggle, show)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Marking done needs an open document."""
        if action == "mark_done":
            return self.document is not None
        return True

    def action_undo(self) -> None:
        """Undo my last coding action (also after a restart)."""
        self._service(lambda: self.project.undo(self.coder), self._after_history)

    def action_redo(self) -> None:
        """Redo what was undone."""
        self._service(lambda: self.project.redo(self.coder), self._after_history)

    def _after_history(self, step: Any) -> None:
        coding = step.coding
        if coding and self.document and coding.document_id != self.document.info.id:
            self.open_document(coding.document_id, lambda: self._status(step.description))
            return
        self._after_change(step.description)

    # -- moving between documents and codes --------------------------------------------------

    def action_browse(self) -> None:
        """Choose another document (filters, search, progress)."""
        from hrd_coder.tui.dialogs.document_browser import DocumentBrowser

        def load() -> tuple[list, dict, frozenset[str]]:
            done = self.project.coverage().done.get(self.coder, frozenset())
            return self.project.documents(), self.project.document_counts(self.coder), done

        def show(result: tuple[list, dict, frozenset[str]]) -> None:
            documents, counts, done = result
            current = self.document.info.id if self.document else None
            browser = DocumentBrowser(
                documents,
                list(self.cases.values()),
                {k: v[0] for k, v in counts.items()},
                {k: v[1] for k, v in counts.items()},
                current,
                done,
            )
            self.app.push_screen(browser, lambda chosen: chosen and self.open_document(chosen))

        self._service(load, show)

    def _current_code(self) -> str | None:
        coding = self._coding(self.view.focused_coding)
        code = coding.code_id if coding else self.highlighted_code
        if code is None:
            self.notify(
                "Highlight a code in the codebook panel (F2) or focus a coding (Tab).",
                severity="warning",
            )
        return code

    def action_retrieve(self) -> None:
        """List all my segments of a code across documents, and jump to one."""
        from hrd_coder.tui.dialogs.retrieval import RetrievalScreen

        code_id = self._current_code()
        if code_id is None:
            return

        def load() -> tuple[list[CodingRecord], dict[str, str]]:
            titles = {d.id: d.title for d in self.project.documents()}
            return self.project.codings(code=code_id, coder=self.coder), titles

        def show(result: tuple[list[CodingRecord], dict[str, str]]) -> None:
            segments, titles = result
            code = self.project.codebook.code(code_id)
            self.app.push_screen(RetrievalScreen(code, segments, titles), self.jump_to)

        self._service(load, show)

    def jump_to(self, coding: CodingRecord | None) -> None:
        """Show a coding in its document, selected and focused."""
        if coding is None:
            return
        if self.document and self.document.info.id == coding.document_id:
            self.view.focus_coding(coding.id)
            return
        self.open_document(coding.document_id, lambda: self.view.focus_coding(coding.id))

    def action_orphans(self) -> None:
        """The review list of my orphaned codings: go to one, re-place it here, or drop it."""
        from hrd_coder.tui.dialogs.orphans import OrphansDialog

        selection = self._selection()
        document_id = self.document.info.id if self.document else None
        chosen = self.view.text[selection[0] : selection[1]] if selection else ""

        def show(orphans: list) -> None:
            dialog = OrphansDialog(orphans, document_id, selection, chosen)
            self.app.push_screen(dialog, self._review_orphan)

        self._service(lambda: self.project.orphaned_codings_of(self.coder), show)

    def _review_orphan(self, result: tuple[str, Any] | None) -> None:
        """Do what the review list chose: open, re-place or discard an orphan."""
        if result is None:
            return
        what, orphan = result
        quote = " ".join(orphan.quote.split())[:40]
        if what == "go":
            self.open_document(orphan.document_id, lambda: self._show_orphan_place(orphan))
        elif what == "place":
            start, end = self._selection() or (0, 0)
            self._service(
                lambda: self.project.replace_orphan(
                    orphan.coding_id, start=start, end=end, coder=self.coder
                ),
                lambda coding: self._after_change(
                    f're-placed: {coding.code_id} [{start}, {end}) (was "{quote}")', coding.id
                ),
            )
        else:
            self._service(
                lambda: self.project.discard_orphan(orphan.coding_id, coder=self.coder),
                lambda _: self._status(f'discarded the orphaned {orphan.code_id} "{quote}"'),
            )

    def _show_orphan_place(self, orphan: Any) -> None:
        """Select about where the orphan's text used to be, and say what to do next."""
        length = len(self.view.text)
        self.view.select(min(orphan.old_start, length), min(orphan.old_end, length))
        # A notification, not the status line: the selection's own message would replace it.
        self.notify(
            f'{orphan.code_id} was about here: "{" ".join(orphan.quote.split())[:60]}". '
            "Select its new place, then F8 and r.",
            title="Orphaned coding",
            timeout=10,
        )

    def action_jump_code(self, step: int) -> None:
        """Go to the next or previous coding of the highlighted code, across documents."""
        code_id = self._current_code()
        if code_id is None or self.document is None:
            return
        here = (self.document.info.id, self.view.cursor)

        def find() -> tuple[CodingRecord | None, str | None]:
            found = self.project.codings(code=code_id, coder=self.coder)
            return next_of_code(found, here, step, code_id)

        def jump(result: tuple[CodingRecord | None, str | None]) -> None:
            coding, note = result
            if note:
                self._confirmation = note  # shown with the focused coding's keys
                self.notify(note, severity="warning" if coding is None else "information")
            self.jump_to(coding)

        self._service(find, jump)

    # -- layout ------------------------------------------------------------------------------

    def action_toggle_focus(self) -> None:
        """Move the keyboard between the document and the codebook tree."""
        if isinstance(self.focused, DocumentView):
            self.query_one("#side-panel").display = True
            self.query_one("#code-tree").focus()
        else:
            self.view.focus()

    def action_agreement(self) -> None:
        """Agreement between coders, per code (sortable; Enter lists disagreements)."""
        from hrd_coder.services.records import AgreementRequest
        from hrd_coder.tui.screens.agreement import AgreementScreen

        self.app.push_screen(AgreementScreen(self.project, AgreementRequest()))

    def action_adjudicate(self) -> None:
        """The queue of disagreements, to build the consensus layer."""
        from hrd_coder.services.records import AgreementRequest
        from hrd_coder.tui.screens.adjudication import AdjudicationScreen

        self.app.push_screen(AdjudicationScreen(self.project, AgreementRequest(), self.coder))

    def action_results(self) -> None:
        """Kaplan-Meier curves, Cox tables and PH verdicts for each design."""
        from hrd_coder.tui.screens.results import ResultsScreen

        self.app.push_screen(ResultsScreen(self.project))

    def action_coverage(self) -> None:
        """The case's media items week by week, with its key dates; Enter opens one."""
        from hrd_coder.tui.dialogs.coverage import CoverageDialog

        panel = self.query_one(CasePanel).case_id
        cases = (panel,) if panel else (self.document.info.case_ids if self.document else ())
        if not cases:
            self.notify(
                "This document is about no case: open a case history or an item that names cases.",
                severity="warning",
            )
            return

        def show(timelines: dict) -> None:
            self.app.push_screen(
                CoverageDialog(timelines), lambda chosen: chosen and self.open_document(chosen)
            )

        self._service(lambda: {case: self.project.media_timeline(case) for case in cases}, show)

    def action_toggle_panel(self) -> None:
        """Show or hide the side panel (more room for text on small terminals)."""
        panel = self.query_one("#side-panel")
        panel.display = not panel.display
        self.view.focus()

    def help_rows(self) -> list[tuple[str, str, str]]:
        """Every key of the screen, then the codebook's hotkeys and the app's keys."""
        rows = super().help_rows()
        for code in self.project.codebook.codes:
            if code.hotkey:
                rows.append((code.hotkey, f"Apply code: {code.label}", "codebook.yaml"))
        rows.append(("ctrl+p", "Command palette: every action by name", "(app)"))
        rows.append(("ctrl+q", "Quit (everything is already saved)", "(app)"))
        return rows


def next_of_code(
    codings: list[CodingRecord], here: tuple[str, int], step: int, code_id: str
) -> tuple[CodingRecord | None, str | None]:
    """The next (step 1) or previous (-1) coding from `here` (document, offset), wrapping
    around the project, with a note when there is none further or only the one here."""
    ordered = sorted(codings, key=lambda c: (c.document_id, c.start))
    if not ordered:
        return None, f"You have no codings of {code_id} yet."
    if step > 0:
        further = [c for c in ordered if (c.document_id, c.start) > here]
        found, wrapped = (further[0], False) if further else (ordered[0], True)
    else:
        further = [c for c in ordered if (c.document_id, c.start) < here]
        found, wrapped = (further[-1], False) if further else (ordered[-1], True)
    if not wrapped:
        return found, None
    if len(ordered) == 1 and found.document_id == here[0] and found.start <= here[1] <= found.end:
        return found, f"This is your only coding of {code_id}."
    side = "after" if step > 0 else "before"
    again = "first" if step > 0 else "last"
    return found, (
        f"No further coding of {code_id} {side} here: back to the {again} one "
        f"({found.document_id} [{found.start}, {found.end}))."
    )


def carried_over(
    old_text: str, new_text: str, anchor: int | None, cursor: int
) -> tuple[int, int] | None:
    """Where a selection (or the bare cursor) goes when its text is replaced by a new version."""
    change = TextChange(old_text, new_text)
    if anchor is not None and anchor != cursor:
        start, end = min(anchor, cursor), max(anchor, cursor)
        placed = change.place(start, end)
        if placed.start is not None and placed.end is not None:
            return placed.start, placed.end
    moved, _same_line = change.map_offset(cursor)
    return moved, moved


def done_message(document_id: str, done: bool, rule: str) -> str:
    """What marking a document done (or not done) means for agreement, under the rule."""
    if rule == "any_coding":
        return (
            f"{document_id} marked {'done' if done else 'not done'} (this project counts any "
            "coding as covering a document: setting agreement_coverage any_coding)"
        )
    if done:
        return f"{document_id} marked done: your blank units there now count as absent"
    return (
        f"{document_id} marked not done: your blank units there count as missing and your "
        "codings there wait until you mark it done"
    )
