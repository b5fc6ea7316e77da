"""A clear screen for problems that stop the app from opening a project."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from hrd_coder.safe_text import safe_text


class ProblemScreen(Screen[bool]):
    """Lists what is wrong and how to fix it; r retries after fixing, q quits."""

    DEFAULT_CSS = """
    ProblemScreen { align: center middle; }
    ProblemScreen #problem-box { width: 90%; height: auto; max-height: 90%;
        border: heavy $error; padding: 1 2; background: $panel; }
    ProblemScreen #problem-title { text-style: bold; color: $error; margin-bottom: 1; }
    """

    BINDINGS = [
        Binding("r", "retry", "Retry", id="problem.retry", tooltip="Try again after fixing"),
        Binding("q", "quit", "Quit", id="problem.quit", tooltip="Leave hrd-coder"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="problem-box"):
            yield Static(safe_text(self.title_text), id="problem-title", markup=False)
            yield Static(
                safe_text(self.message, keep_line_breaks=True), id="problem-message", markup=False
            )
            yield Static("\nFix the files, then press r to try again (or q to quit).")
        yield Footer()

    def action_retry(self) -> None:
        """Close this screen and try again."""
        self.dismiss(True)

    def action_quit(self) -> None:
        """Quit the app."""
        self.app.exit()
