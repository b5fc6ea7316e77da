"""A document re-imported while it is open in the workbench: noticed by polling, reloaded,
the selection carried over to the new text."""

from __future__ import annotations

from textual import work

from hrd_coder.problems import StaleDocument
from hrd_coder.sources.anchoring import TextChange
from hrd_coder.tui.screens.coding_workbench import Loaded, Workbench


class VersionWatch(Workbench):
    """Reloads the open document when someone re-imported it, keeping the selection on its text."""

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
