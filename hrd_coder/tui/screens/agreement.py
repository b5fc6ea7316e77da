"""Agreement between coders, one row per code, marked against Krippendorff's thresholds;
Enter opens the disagreements of a code for adjudication."""

from __future__ import annotations

import dataclasses
import math
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Footer, Static

from hrd_coder.problems import ProjectError
from hrd_coder.services import Project
from hrd_coder.services.records import (
    MIN_POSITIVES,
    RELIABLE,
    TENTATIVE,
    TOO_FEW,
    AgreementRequest,
    AgreementRow,
    Coverage,
)
from hrd_coder.tui.dialogs.table import cell, flexible_width
from hrd_coder.tui.screens.service import ServiceScreen, display_keys

UNITS = ("sentence", "paragraph", "turn", "document", "case")
"""The units `u` cycles through, finest first."""
ORDERS = ("codebook order", "value, lowest first", "value, highest first")
STATISTICS = {
    "alpha": "Krippendorff's alpha",
    "cohen": "Cohen's kappa",
    "fleiss": "Fleiss' kappa",
    "ac1": "Gwet's AC1",
    "scott": "Scott's pi",
    "percent": "percent agreement",
}
VERDICTS = {
    "reliable": ("✓ reliable", "$text-success"),
    "tentative": ("~ tentative", "$text-warning"),
    "not reliable": ("✗ not reliable", "$text-error"),
    TOO_FEW: (TOO_FEW, "$text-muted"),
}
MIN_LABEL = 20
"""The id column is shown only when the label column keeps at least this much room."""
MAX_ID = 28
ALPHA_U = "αU"  # Krippendorff's unitizing alpha: agreement on where the code is


Loaded = tuple[list[AgreementRow], tuple[str, ...], dict[str, list[str]], dict[str, float | None]]
"""What a computation brings back: the rows, the coders, what is not counted, alpha_U."""


def number(value: float | None) -> str:
    """A statistic with three decimals, or a dash when there is none."""
    return "—" if value is None or math.isnan(value) else f"{value:.3f}"


def interval(row: AgreementRow) -> str:
    """The 95% interval as `low–high` (`*` when clipped), empty when it was not computed."""
    if row.ci_low is None or row.ci_high is None or math.isnan(row.ci_low + row.ci_high):
        return ""
    return f"{row.ci_low:.3f}–{row.ci_high:.3f}{'*' if row.ci_clipped else ''}"


def verdict_cell(row: AgreementRow) -> Content:
    """The verdict in its theme colour, with a sign that survives without colour."""
    if row.verdict in VERDICTS:
        text, style = VERDICTS[row.verdict]
        return Content.styled(text, f"bold {style}")
    return Content.styled("n/a" if math.isnan(row.value) else "—", "dim")


def coders_of(coverage: Coverage, request: AgreementRequest) -> tuple[str, ...]:
    """The coders a request compares: those named, or everyone who coded or marked a
    document done (not consensus), as the agreement service counts them."""
    if request.coders:
        return request.coders
    return tuple(sorted(set(coverage.coders) - {Project.CONSENSUS}))


def uncounted(coverage: Coverage, coders: tuple[str, ...]) -> dict[str, list[str]]:
    """Coder -> lines on their work agreement cannot count yet (documents not marked done,
    codings waiting), only for coders that have some."""
    found = {coder: Project.coverage_warnings(coverage, (coder,)) for coder in coders}
    return {coder: lines for coder, lines in found.items() if lines}


class AgreementScreen(ServiceScreen):
    """Agreement per code on the chosen unit; sort it, change the unit, open a code's queue."""

    REFUSAL_ENDS_SCREEN = True
    HELP_TITLE = "Agreement keys"
    HELP_ABOUT = (
        "Agreement between coders, one row per code; Enter opens a code's disagreements to decide."
    )

    CSS_PATH = "agreement.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "drill",
            "Disagreements",
            priority=True,  # the table's own Enter would only select the row
            id="agreement.drill",
            tooltip="Adjudicate the highlighted code's disagreements",
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            id="agreement.sort",
            tooltip="Sort by codebook order, value lowest first, value highest first",
        ),
        Binding(
            "u",
            "unit",
            "Unit",
            id="agreement.unit",
            tooltip="Measure on the next unit: sentence, paragraph, turn, document, case",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="agreement.back",
            tooltip="Close the agreement table",
        ),
    ]

    def __init__(
        self, project: Project, request: AgreementRequest, adjudicator: str | None = None
    ) -> None:
        super().__init__(project)
        self.request = request
        self.adjudicator = adjudicator
        self.rows: list[AgreementRow] = []
        self.coders: tuple[str, ...] = ()
        self.alpha_u: dict[str, float | None] = {}
        """Code -> unitizing alpha_U over the same coders and documents (None: undefined)."""
        self.uncounted: dict[str, list[str]] = {}
        """Coder -> what agreement cannot count of their work yet (see services/coverage)."""
        self.order = 0
        self.labels = {code.id: code.label for code in project.codebook.codes}
        self.depths = {code.id: self._depth(code.id) for code in project.codebook.codes}

    def compose(self) -> ComposeResult:
        with Horizontal(id="title-bar"):
            yield Static("Agreement between coders", id="agreement-title")
            yield Static("", id="sort-order")
            yield self.coder_name()
        yield Static("", id="settings")
        yield DataTable(cursor_type="row", zebra_stripes=True, id="agreement-table")
        yield Static("", id="code-detail")
        yield Static("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        """Compute the table for the request."""
        self.query_one(DataTable).focus()
        self._show_order()
        self.compute()

    def on_resize(self) -> None:
        """Fit the label column to the new width."""
        self.call_after_refresh(self.fill_table)

    # -- computing ---------------------------------------------------------------------------

    def compute(self) -> None:
        """Compute agreement for the current request in a worker; the table follows."""
        request = self.request
        self.set_class(True, "-busy")
        self._show_settings()

        def load() -> Loaded:
            rows = self.project.agreement(request)  # first: it checks who may see every layer
            coverage = self.project.coverage()
            coders = coders_of(coverage, request)
            return rows, coders, uncounted(coverage, coders), self._unitizing(request)

        def show(result: Loaded) -> None:
            if request != self.request:
                return  # a newer request is on its way
            self.rows, self.coders, found, self.alpha_u = result
            self.set_class(False, "-busy")
            self._show_settings()
            self.fill_table()
            if found and found != self.uncounted:
                self._warn_uncounted(found)
            self.uncounted = found
            self._status(self._legend())

        self._service(load, show)

    def _unitizing(self, request: AgreementRequest) -> dict[str, float | None]:
        """Code -> alpha_U, agreement on where the code is (on the text itself, without the
        unit cut); empty when it cannot be computed (say, one coder), which the column shows
        as a dash rather than failing the table."""
        try:
            found = self.project.unitizing_agreement(
                request.coders, request.codes, request.documents, bootstrap=0
            )
        except ProjectError:
            return {}
        return dict(found.alpha_U_by_category)

    def _failed(self, message: str) -> None:
        self.set_class(False, "-busy")
        self._show_settings()
        self.rows = []  # the old rows were for another request: showing them would mislead
        self.fill_table()
        super()._failed(message)

    def _show_settings(self) -> None:
        request = self.request
        statistic = STATISTICS.get(request.statistic, request.statistic)
        if request.statistic == "alpha":
            statistic += f" ({request.level})"
        parts: list[str | tuple[str, str]] = [
            (statistic, "bold"),
            " · unit ",
            (request.unit, "bold $text-accent"),
            f" · coders {', '.join(self.coders) or '…'}",
            f" · min share {request.min_share:.2f}",
        ]
        if self.has_class("-busy"):
            parts.append((" · computing…", "italic $text-warning"))
        self.query_one("#settings", Static).update(Content.assemble(*parts))

    def _legend(self) -> Content:
        notes = self._notes()
        if self.request.statistic != "alpha":
            return Content.assemble(
                *notes, "Enter: a code's disagreements · s sorts · u changes the unit"
            )
        return Content.assemble(
            *notes,
            ("✓ reliable", "$text-success"),
            f" ≥ {RELIABLE:.3f}  ",
            ("~ tentative", "$text-warning"),
            f" ≥ {TENTATIVE:.3f}  ",
            ("✗ not reliable", "$text-error"),
            " below",
        )

    def _warn_uncounted(self, found: dict[str, list[str]]) -> None:
        """Say whose work agreement cannot count yet, and how to change that."""
        keymap = getattr(self.app, "_keymap", {}) or {}
        done_key = display_keys(keymap.get("coding.mark_done", "ctrl+f"))
        lines = [line for coder_lines in found.values() for line in coder_lines]
        self.notify(
            "\n".join([*lines, f"In the workbench, {done_key} marks the open document done."]),
            title="Not counted yet",
            severity="warning",
            timeout=20,
            markup=False,  # coder names and commands in quotes, never markup
        )

    def _notes(self) -> list[str | tuple[str, str]]:
        """Whose work is not counted yet, what a `*` and `too few to judge` in the table
        mean, when they appear (first, as the line is cut at the right on a narrow terminal)."""
        notes: list[str | tuple[str, str]] = []
        if self.uncounted:
            names = ", ".join(self.uncounted)
            notes += [(f"not counted yet: {names}", "bold $text-warning"), " · "]
        if any(r.ci_clipped for r in self.rows):
            low, high = Project.statistic_range(self.request.statistic)
            notes += [("*", "bold"), f" interval clipped to [{low:g}, {high:g}] · "]
        if any(r.verdict == TOO_FEW for r in self.rows):
            notes += [(TOO_FEW, "bold"), f": under {MIN_POSITIVES} coded units · "]
        return notes

    # -- the table ---------------------------------------------------------------------------

    def _sorted(self) -> list[AgreementRow]:
        if self.order == 0:
            return list(self.rows)
        descending = self.order == 2
        known = [r for r in self.rows if not math.isnan(r.value)]
        unknown = [r for r in self.rows if math.isnan(r.value)]
        # Codes without a value go last in either direction: they say nothing about agreement.
        return sorted(known, key=lambda r: r.value, reverse=descending) + unknown

    def fill_table(self) -> None:
        """One row per code; the highlight stays on the same code."""
        table = self.query_one(DataTable)
        previous = self.highlighted_code()
        rows = self._sorted()
        widths = {
            "value": 6,
            "95% interval": 13,
            "units": max(5, *(len(str(r.units)) for r in rows)) if rows else 5,
            "coded": max(5, *(len(str(r.positives)) for r in rows)) if rows else 5,
            "verdict": len(TOO_FEW),
            ALPHA_U: 6,
        }
        id_width = min(MAX_ID, max([2, *(len(r.name) for r in rows)]))
        label_width = flexible_width(table, [id_width, *widths.values()])
        show_id = label_width >= MIN_LABEL
        if not show_id:
            label_width = flexible_width(table, widths.values())
        table.clear(columns=True)
        table.add_column("code", width=label_width, key="label")
        if show_id:
            table.add_column("id", width=id_width, key="id")
        for name, width in widths.items():
            table.add_column(name, width=width, key=name)
        for row in rows:
            style = VERDICTS.get(row.verdict, ("", ""))[1]
            cells = [
                cell("  " * self.depths.get(row.name, 0) + self.labels.get(row.name, row.name))
            ]
            if show_id:
                cells.append(cell(row.name, "dim"))
            cells += [
                Content.styled(number(row.value).rjust(widths["value"]), f"bold {style}".strip()),
                cell(interval(row), justify="right"),
                cell(str(row.units), justify="right"),
                cell(str(row.positives), justify="right"),
                verdict_cell(row),
                cell(number(self.alpha_u.get(row.name)), justify="right"),
            ]
            table.add_row(*cells, key=row.name)
        names = [r.name for r in rows]
        if names:
            index = names.index(previous) if previous in names else 0
            table.move_cursor(row=index, animate=False)
            table.call_after_refresh(table.move_cursor, row=index, animate=False)
        self._show_detail()

    def highlighted_code(self) -> str | None:
        """The code id of the highlighted row."""
        table = self.query_one(DataTable)
        if not table.row_count or not 0 <= table.cursor_row < table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        return key.value

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        code = self.project.codebook.code(self.highlighted_code() or "")
        detail = self.query_one("#code-detail", Static)
        if code is None:
            detail.update(Content.styled("No codes to show.", "dim") if not self.rows else "")
            return
        definition = " ".join(code.definition.split())
        where = self.alpha_u.get(code.id)
        detail.update(
            Content.assemble(
                (code.label, "bold"),
                (f"  {code.id}", "dim"),
                f"  {definition}",
                # The column's name explained where a reader looks at the code.
                ("" if where is None else f"  αU {where:.3f}: agreement on where it is discussed"),
            )
        )

    def _depth(self, code_id: str) -> int:
        codebook = self.project.codebook
        depth, code = 0, codebook.code(code_id)
        while code is not None and (parent := codebook.parent_of(code)):
            depth += 1
            code = codebook.code(parent)
        return depth

    def _show_order(self) -> None:
        self.query_one("#sort-order", Static).update(f"sorted by {ORDERS[self.order]}")

    # -- actions -----------------------------------------------------------------------------

    def action_sort(self) -> None:
        """Cycle the order: codebook, value lowest first, value highest first."""
        self.order = (self.order + 1) % len(ORDERS)
        self._show_order()
        self.fill_table()

    def action_unit(self) -> None:
        """Measure again on the next unit (sentence → paragraph → turn → document → case)."""
        position = UNITS.index(self.request.unit) if self.request.unit in UNITS else -1
        unit = UNITS[(position + 1) % len(UNITS)]
        self.request = dataclasses.replace(self.request, unit=unit)
        self._status(f"measuring agreement per {unit}…")
        self.compute()

    @on(DataTable.RowSelected)
    def action_drill(self) -> None:
        """Open the adjudication queue of the highlighted code."""
        from hrd_coder.tui.screens.adjudication import AdjudicationScreen

        code_id = self.highlighted_code()
        if code_id is None:
            return
        adjudicator = self.adjudicator or getattr(self.app, "coder", None)
        if not adjudicator:
            self.notify("Who is adjudicating? Open the app with --coder NAME.", severity="error")
            return
        request = dataclasses.replace(self.request, codes=(code_id,))
        self.app.push_screen(AdjudicationScreen(self.project, request, adjudicator))

    def action_back(self) -> None:
        """Close the table and go back."""
        self.dismiss(None)
