"""Choose a code: fuzzy search by id, label or hotkey, with the code's rules in view."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from hrd_coder.codebook import Code, Codebook
from hrd_coder.tui.dialogs.dialog import KeyHint, ListDialog
from hrd_coder.tui.dialogs.search import Match, marked, ranked
from hrd_coder.wording import plural

HEADING = "bold $text-accent"


class CodePicker(ListDialog[str]):
    """Pick a code from the codebook while reading its definition and rules."""

    CSS_PATH = ["dialog.tcss", "code_picker.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "choose",
            "Choose",
            tooltip="Choose the highlighted code",
            id="code_picker.choose",
        ),
        Binding(
            "shift+down",
            "read('down')",
            "Read on",
            tooltip="Scroll the highlighted code's definition and rules down",
            id="code_picker.read_on",
        ),
        Binding(
            "shift+up",
            "read('up')",
            "Read back",
            show=False,
            tooltip="Scroll the highlighted code's definition and rules up",
            id="code_picker.read_back",
        ),
    ]

    def __init__(
        self,
        codebook: Codebook,
        counts: dict[str, tuple[int, int]] | None = None,
        level: str | None = None,
    ) -> None:
        super().__init__()
        self.codebook = codebook
        self.counts = counts
        self.codes = [c for c in codebook.codes if level is None or c.level == level]
        self.depths = {c.id: self._depth(c) for c in self.codes}
        self.tallies = {c.id: "{}/{}".format(*(counts or {}).get(c.id, (0, 0))) for c in self.codes}
        self.tally_width = max(map(len, self.tallies.values()), default=0)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Choose a code"
            yield Input(placeholder="Search codes by label, id or hotkey", id="query")
            with Horizontal(id="panes"):
                yield OptionList(id="choices")
                with VerticalScroll(id="detail-pane"):
                    yield Static(id="detail")
            yield KeyHint()

    def on_mount(self) -> None:
        """Show every code to begin with."""
        self.show_matches("")

    @on(Input.Changed, "#query")
    def _filter(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    def show_matches(self, query: str) -> None:
        """List the codes matching `query`, best first, and highlight the first."""
        matches = ranked(query, self.codes, self._fields)
        choices = self.query_one("#choices", OptionList)
        choices.set_options(
            Option(self._row(code, match, searching=bool(query.strip())), id=code.id)
            for code, match in matches
        )
        choices.highlighted = 0 if matches else None
        if not matches:
            self.query_one("#detail", Static).update(
                Content.styled(f"No code matches “{query.strip()}”.", "dim")
            )

    @on(OptionList.OptionHighlighted, "#choices")
    def _show_detail(self, event: OptionList.OptionHighlighted) -> None:
        code = self.codebook.code(event.option.id or "")
        if code is not None:
            self.query_one("#detail", Static).update(self._detail(code))
            self.query_one("#detail-pane").scroll_home(animate=False)

    @on(Input.Submitted, "#query")
    def action_choose(self) -> None:
        """Dismiss with the highlighted code's id."""
        option = self.query_one("#choices", OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    def action_read(self, direction: str) -> None:
        """Scroll the detail pane, so long rules can be read without leaving the search."""
        pane = self.query_one("#detail-pane", VerticalScroll)
        pane.scroll_relative(y=3 if direction == "down" else -3, animate=False)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @staticmethod
    def _fields(code: Code) -> tuple[str, str, str]:
        return (code.label, code.id, code.hotkey or "")

    def _depth(self, code: Code) -> int:
        depth, seen = 0, {code.id}
        parent = self.codebook.parent_of(code)
        while parent and parent not in seen and (above := self.codebook.code(parent)):
            depth, parent = depth + 1, self.codebook.parent_of(above)
            seen.add(above.id)
        return depth

    def _row(self, code: Code, match: Match | None, *, searching: bool) -> Content:
        """One list row: hotkey, counts, label (indented when browsing), id when searching."""
        letters = match.letters_in if match else (lambda field: ())
        parts: list[Content | str] = [
            marked(code.hotkey, letters(2), "bold $text-accent") if code.hotkey else " ",
            " ",
        ]
        if self.counts is not None:
            parts.append(Content.styled(self.tallies[code.id].rjust(self.tally_width), "dim"))
            parts.append(" ")
        parts += ["  " * (0 if searching else self.depths[code.id]), marked(code.label, letters(0))]
        if searching:
            parts += ["  ", marked(code.id, letters(1), "dim")]
        return Content.assemble(*parts)

    def _detail(self, code: Code) -> Content:
        """What the coder reads while choosing: label, id, definition, rules, an example."""
        about = [code.id]
        if code.hotkey:
            about.append(f"key {code.hotkey}")
        if code.level != "segment":
            about.append(f"{code.level} level")
        parts: list[Content | str | tuple[str, str]] = [
            (code.label, "bold"),
            "\n",
            (" · ".join(about), "dim"),
        ]
        if self.counts is not None:
            mine, everyone = self.counts.get(code.id, (0, 0))
            parts += ["\n", (f"{plural(mine, 'coding')} by you, {everyone} by all coders", "dim")]
        sections = [
            ("Definition", code.definition),
            ("Include", code.include),
            ("Exclude", code.exclude),
            ("Example", f"“{code.examples[0].strip()}”" if code.examples else ""),
        ]
        for heading, text in sections:
            if text.strip():
                parts += ["\n\n", (heading, HEADING), "\n", " ".join(text.split())]
        return Content.assemble(*parts)
