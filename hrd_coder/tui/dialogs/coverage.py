"""A case's media coverage: weekly items with the key dates, and the items to open."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Select, Static

from hrd_coder.services.records import CoverageTimeline
from hrd_coder.tui.dialogs.dialog import Dialog, KeyHint
from hrd_coder.tui.dialogs.table import cell, flexible_width
from hrd_coder.tui.widgets.coverage_chart import CoverageChart


class CoverageDialog(Dialog[str]):
    """The coverage timeline of one of a document's cases; dismisses with an item to open."""

    CSS_PATH = ["dialog.tcss", "coverage.tcss"]

    def __init__(self, timelines: dict[str, CoverageTimeline]) -> None:
        super().__init__()
        self.timelines = timelines
        self.shown = next(iter(timelines))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Media coverage"
            if len(self.timelines) > 1:
                yield Select(
                    [(f"{t.case.id}  {t.case.name}", key) for key, t in self.timelines.items()],
                    value=self.shown,
                    allow_blank=False,
                    id="case",
                )
            yield Static(id="summary")
            yield CoverageChart(id="chart")
            yield DataTable(cursor_type="row", id="choices")
            yield KeyHint()

    def on_mount(self) -> None:
        """Show the first case's timeline and put the keys on the list of items."""
        self.show_case(self.shown)
        self.query_one("#choices", DataTable).focus()

    @on(Select.Changed, "#case")
    def _case_chosen(self, event: Select.Changed) -> None:
        self.show_case(str(event.value))

    def show_case(self, case_id: str) -> None:
        """Draw one case's weeks and list its items, oldest first."""
        self.shown = case_id
        timeline = self.timelines[case_id]
        chart = self.query_one(CoverageChart)
        chart.weeks, chart.marks = timeline.weeks, timeline.marks
        count = len(timeline.articles)
        self.query_one("#summary", Static).update(
            f"{timeline.case.id} {timeline.case.name}: {count} media item"
            f"{'' if count == 1 else 's'}" + (" · Enter opens the highlighted one" if count else "")
        )
        self._fill_table()
        self.call_after_refresh(self._fill_table)  # once the table's width is known

    def on_resize(self) -> None:
        """Fit the titles to the new width."""
        self.call_after_refresh(self._fill_table)

    def _fill_table(self) -> None:
        """The items, the title column taking the width the others leave (cut with …)."""
        articles = self.timelines[self.shown].articles
        table = self.query_one("#choices", DataTable)
        table.clear(columns=True)
        widths = [
            max([len(name), *(len(text) for text in texts)])
            for name, texts in (
                ("date", [a.written for a in articles]),
                ("outlet", [a.outlet for a in articles]),
                ("type", [a.outlet_type for a in articles]),
            )
        ]
        for name, width in zip(("date", "outlet", "type"), widths, strict=True):
            table.add_column(name, width=width)
        table.add_column("title", width=flexible_width(table, widths))
        for article in articles:
            table.add_row(
                cell(article.written),
                cell(article.outlet),
                cell(article.outlet_type),
                cell(article.title),
                key=article.id,
            )

    @on(DataTable.RowSelected, "#choices")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)
