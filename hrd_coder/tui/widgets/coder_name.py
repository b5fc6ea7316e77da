"""Who is coding, at the right of every screen's title bar."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from hrd_coder.safe_text import safe_text


class CoderName(Static):
    """The coder's name in a title bar, so nobody codes or adjudicates as someone else
    unawares (hidden when no name is known, e.g. a screen opened outside the workbench)."""

    DEFAULT_CSS = """
    CoderName { width: auto; height: 1; margin-left: 2; color: $text-muted;
        text-wrap: nowrap; }
    """

    def __init__(self, coder: str | None) -> None:
        super().__init__(Content(f"coder {safe_text(coder)}" if coder else ""), id="coder-name")
        self.display = bool(coder)
