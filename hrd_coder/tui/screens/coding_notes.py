"""What the coder notes beside the codings: a coding's case, memos on codings and documents,
and marking a document done."""

from __future__ import annotations

from textual.content import Content

from hrd_coder.tui.screens.coding_workbench import Workbench


class CodingNotes(Workbench):
    """Tie a coding to a case, write memos, mark the open document done or not done."""

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
