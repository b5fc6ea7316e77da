"""Orphan review: my codings whose text changed away, to go to, re-place on the selection or
discard (F8)."""

from __future__ import annotations

from typing import Any

from hrd_coder.tui.screens.coding_workbench import Workbench


class OrphanReview(Workbench):
    """The review list of my orphaned codings and what it chose."""

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
