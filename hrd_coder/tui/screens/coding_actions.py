"""Coding actions on the open document: apply a code (hotkey, picker, repeat), move a coding's
boundaries, remove it, undo and redo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hrd_coder.services.records import CodingRecord
from hrd_coder.tui.screens.coding_workbench import Workbench


class CodingActions(Workbench):
    """Apply, re-span and remove codings, each saved at once; undo and redo them."""

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
