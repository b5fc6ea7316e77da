"""The coding workbench's shared state: the open document, my codings of it, the selection,
and how they are loaded and shown (title, case panel, codebook counts, where I left off)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual import work
from textual.content import Content
from textual.widgets import Static

from hrd_coder.safe_text import safe_text
from hrd_coder.services import Project
from hrd_coder.services.records import CaseInfo, CodingRecord, DocumentText
from hrd_coder.settings import last_place, remember_place
from hrd_coder.tui.colors import code_colors
from hrd_coder.tui.screens.service import ServiceScreen
from hrd_coder.tui.text_layout import Mark
from hrd_coder.tui.widgets.case_panel import CasePanel
from hrd_coder.tui.widgets.codebook_panel import CodebookPanel
from hrd_coder.tui.widgets.document_view import DocumentView
from hrd_coder.wording import plural

FirstLoad = tuple[dict[str, CaseInfo], str | None, int, dict]
"""The cases, the document to open and where in it, and media coverage by case."""

Loaded = tuple[DocumentText, list[CodingRecord], dict, bool]
"""A document, my codings of it, my code counts, and whether I marked it done."""

WARM_UP_AFTER_SECONDS = 1.0
"""Seconds after the first document is shown before the statistics stack is imported in
the background: the first paint and the first keys come first."""


class Workbench(ServiceScreen):
    """What every part of the coding screen shares: the open document and my codings of it.
    The parts (coding actions, notes, navigation, orphan review, ...) build on it."""

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

    @property
    def view(self) -> DocumentView:
        """The document view."""
        return self.query_one(DocumentView)

    # -- loading the open document -----------------------------------------------------------

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

    # -- my codings of it and the selection --------------------------------------------------

    def _coding(self, coding_id: str | None) -> CodingRecord | None:
        return next((c for c in self.codings if c.id == coding_id), None)

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
