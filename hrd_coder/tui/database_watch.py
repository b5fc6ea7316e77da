"""Stop the workbench when its database file is deleted or replaced under it (issue 21).

SQLite keeps writing to a deleted file through the connections already open, so without a
check the status line would go on saying "saved" for codings nobody will ever see. The app
asks the database on a timer (and every read and write asks too, in the storage layer);
once the file is gone, this screen covers the workbench: no key reaches the coding screen
any more, and quitting prints the same message in the terminal.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from hrd_coder.safe_text import safe_text

# How often the workbench looks at its database file: a stat() call, microseconds.
CHECK_SECONDS = 1.0
GONE_TITLE = "The project database is gone"


class DatabaseGoneScreen(ModalScreen[None]):
    """What happened to the database, where it was and what to do; q quits."""

    DEFAULT_CSS = """
    DatabaseGoneScreen { align: center middle; }
    DatabaseGoneScreen #gone-box { width: 90%; height: auto; max-height: 90%;
        border: heavy $error; padding: 1 2; background: $panel; }
    DatabaseGoneScreen #gone-title { text-style: bold; color: $error; margin-bottom: 1; }
    """

    BINDINGS = [
        Binding("q", "quit", "Quit", id="gone.quit", tooltip="Leave hrd-coder"),
    ]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="gone-box"):
            yield Static(GONE_TITLE, id="gone-title", markup=False)
            yield Static(
                safe_text(self.message, keep_line_breaks=True), id="gone-message", markup=False
            )
            yield Static("\nNothing more can be saved in this window. Press q to quit.")
        yield Footer()

    def action_quit(self) -> None:
        """Leave, repeating the message in the terminal (exit code 2, as the CLI's errors)."""
        self.app.exit(return_code=2, message=f"{GONE_TITLE}: {safe_text(self.message)}")
