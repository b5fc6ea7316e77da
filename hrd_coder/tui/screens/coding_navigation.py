"""Moving between documents and codes: the document browser, a code's segments, the next or
previous coding of a code, and the layout keys (focus, side panel)."""

from __future__ import annotations

from hrd_coder.services.records import CodingRecord
from hrd_coder.tui.screens.coding_workbench import Workbench
from hrd_coder.tui.widgets.document_view import DocumentView


class Navigation(Workbench):
    """Go to another document, to a coding, or between the document and the codebook."""

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

    def action_toggle_panel(self) -> None:
        """Show or hide the side panel (more room for text on small terminals)."""
        panel = self.query_one("#side-panel")
        panel.display = not panel.display
        self.view.focus()


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
