"""The case panel: the current case's groups, dates, outcome and media coverage."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from hrd_coder.safe_text import safe_text
from hrd_coder.services.records import CaseInfo


class CasePanel(Static):
    """Shows one case (or a hint when the document is about none or several)."""

    DEFAULT_CSS = """
    CasePanel { height: auto; max-height: 12; padding: 0 1; background: $panel;
        border-top: solid $primary-darken-2; }
    """

    case_id: str | None = None

    def show(
        self,
        case: CaseInfo | None,
        others: tuple[str, ...] = (),
        coverage: tuple[int, dt.date] | None = None,
    ) -> None:
        """Display a case; `others` lists further cases the document discusses, `coverage`
        the media items mentioning the case and the first one's date."""
        self.case_id = case.id if case else None
        if case is None:
            hint = "No case tied here."
            if others:
                hint += " Discussed: " + ", ".join(others) + " (ctrl+k ties a coding)."
            self.update(Text(hint, style="dim"))
            return
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold")
        table.add_column()
        # Text, not str: a Rich table reads a str cell as markup.
        table.add_row("case", Text(safe_text(f"{case.id}  {case.name}")))
        table.add_row("country", Text(safe_text(case.country)))
        table.add_row("groups", Text(safe_text(", ".join(case.groups))))
        table.add_row("detained", case.detained_on)
        if case.featured_on:
            table.add_row("featured", case.featured_on)
        if case.released_on:
            table.add_row("released", f"{case.released_on} ({case.release_type})")
        else:
            table.add_row("released", f"not by {case.censored_on or 'end of observation'}")
        if coverage:
            count, first = coverage
            table.add_row("media", f"{count}, first {first}")
        if others:
            table.add_row("also", ", ".join(others))
        self.update(table)
