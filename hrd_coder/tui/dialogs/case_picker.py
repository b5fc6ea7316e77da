"""Tie a coding to a case: the cases the document discusses first, then the others."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from hrd_coder.services.records import CaseInfo
from hrd_coder.tui.dialogs.dialog import KeyHint, ListDialog
from hrd_coder.tui.dialogs.search import Match, marked, ranked

NO_CASE = ""
"""The result that unties a coding from any case."""

CURRENT_MARK = "●"


class CasePicker(ListDialog[str]):
    """Pick the case a coding is about; dismisses with its id, "" for no case, or None."""

    CSS_PATH = ["dialog.tcss", "case_picker.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Choose",
            tooltip="Tie the coding to the highlighted case",
            id="case_picker.choose",
        ),
    ]

    def __init__(
        self, cases: list[CaseInfo], suggested: tuple[str, ...] = (), current: str | None = None
    ) -> None:
        super().__init__()
        by_id = {case.id: case for case in cases}
        self.suggested = [by_id[i] for i in dict.fromkeys(suggested) if i in by_id]
        self.others = [case for case in cases if case.id not in suggested]
        self.current = current
        self.widths = (
            max((len(c.id) for c in cases), default=0),
            min(max((len(c.name) for c in cases), default=0), 24),
            min(max((len(c.country) for c in cases), default=0), 22),
        )
        self.results: list[str | None] = []
        """The result of each option in the list (None for the section headings)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Tie the coding to a case"
            if self.current is not None:
                dialog.border_subtitle = f"{CURRENT_MARK} current case"
            yield Input(placeholder="Filter by id, name, country or group", id="query")
            yield OptionList(id="choices")
            yield KeyHint()

    def on_mount(self) -> None:
        """List every case, highlighting the current one (else the first suggestion)."""
        self.show_matches("")

    @on(Input.Changed, "#query")
    def _filter(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    def show_matches(self, query: str) -> None:
        """List the cases matching `query` in their two sections, best first in each."""
        options: list[Option] = []
        self.results = []
        if not query.strip():
            options.append(
                Option(Content.assemble("  (no case)", ("  untie the coding from any case", "dim")))
            )
            self.results.append(NO_CASE)
        sections = (("Discussed in this document", self.suggested), ("Other cases", self.others))
        for heading, cases in sections:
            matches = ranked(query, cases, self._fields)
            if matches and self.suggested:
                options.append(Option(Content.styled(heading, "bold $text-accent"), disabled=True))
                self.results.append(None)
            for case, match in matches:
                options.append(Option(self._row(case, match)))
                self.results.append(case.id)
        choices = self.query_one("#choices", OptionList)
        choices.set_options(options)
        choices.highlighted = self._first_highlight(bool(query.strip()))

    def _first_highlight(self, searching: bool) -> int | None:
        """The current case when browsing, else the first case listed (or "(no case)")."""
        cases = [index for index, result in enumerate(self.results) if result]
        if not searching and self.current and self.current in self.results:
            return self.results.index(self.current)
        if cases:
            return cases[0]
        return 0 if self.results else None

    @on(Input.Submitted, "#query")
    def action_choose(self) -> None:
        """Dismiss with the highlighted case id, or "" for "(no case)"."""
        highlighted = self.query_one("#choices", OptionList).highlighted
        if highlighted is not None and self.results[highlighted] is not None:
            self.dismiss(self.results[highlighted])

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.results[event.option_index])

    @staticmethod
    def _fields(case: CaseInfo) -> tuple[str, str, str, str]:
        return (case.id, case.name, case.country, " ".join(case.groups))

    def _row(self, case: CaseInfo, match: Match | None) -> Content:
        """Current mark, then id, name, country and groups in aligned columns."""
        letters = match.letters_in if match else (lambda field: ())
        mark = (CURRENT_MARK, "bold $text-accent") if case.id == self.current else " "
        columns = [
            marked(text, letters(field), style).truncate(width, ellipsis=True, pad=True)
            for field, (text, width, style) in enumerate(
                zip(self._fields(case)[:3], self.widths, ("bold", "", ""), strict=True)
            )
        ]
        return Content.assemble(
            mark,
            " ",
            Content("  ").join(columns),
            "  ",
            marked(" ".join(case.groups), letters(3), "dim"),
        )
