"""Text written with hard line breaks is shown as flowing paragraphs (issue 15): a single
newline inside a paragraph is drawn as a space and wrapped at the pane's width, while
offsets, quotes and exports stay those of the stored text."""

from __future__ import annotations

from textual.app import App, ComposeResult

from hrd_coder.tui.text_layout import flowing
from hrd_coder.tui.widgets.document_view import GUTTER, DocumentView

HARD_WRAPPED = (
    "OFFICIAL: The embassy raised her case at every meeting we had\n"
    "with the ministry, and by the spring the minister asked us to\n"
    "stop.\n"
    "\n"
    "A second paragraph, also\n"
    "wrapped by hand.\n"
)


def test_single_breaks_inside_a_paragraph_become_spaces():
    shown = flowing(HARD_WRAPPED)
    assert len(shown) == len(HARD_WRAPPED)  # offsets one to one
    assert shown == (
        "OFFICIAL: The embassy raised her case at every meeting we had "
        "with the ministry, and by the spring the minister asked us to "
        "stop.\n"
        "\n"
        "A second paragraph, also "
        "wrapped by hand.\n"
    )


def test_breaks_that_start_a_block_of_their_own_stay():
    text = (
        "INTERVIEWER: Which channels?\n"
        "OFFICIAL: Two of them.\n"
        "- the embassy\n"
        "- the envoy\n"
        "# Notes\n"
        "> quoted line\n"
        "    indented\n"
        "ends in two spaces  \n"
        "next line\n"
        "| a | b |\n"
        "| c | d |"
    )
    assert flowing(text) == text  # not one of these breaks is inside a paragraph


def test_declared_speakers_keep_their_turns_apart():
    text = "Ms Vos: We asked.\nMr Ode: They said no.\nand more"
    assert flowing(text, ["Ms Vos", "Mr Ode"]) == (
        "Ms Vos: We asked.\nMr Ode: They said no. and more"
    )


class Host(App):
    def compose(self) -> ComposeResult:
        yield DocumentView()

    def on_mount(self) -> None:
        self.query_one(DocumentView).load(HARD_WRAPPED, [], {})


async def test_the_view_wraps_at_its_own_width_and_selects_stored_offsets():
    app = Host()
    async with app.run_test(size=(100, 12)) as pilot:
        view = app.query_one(DocumentView)
        assert view.text_layout.width > 62  # the pane is wider than the file's lines
        first_row = view.text_layout.ends[0] - view.text_layout.starts[0]
        assert first_row > 62  # flowed past the file's own line end
        rows = [view.render_line(y).text[GUTTER:].rstrip() for y in range(4)]
        assert "\n" not in "".join(rows)
        assert rows[0].startswith(
            "OFFICIAL: The embassy raised her case at every meeting we had with"
        )
        await pilot.press("right_square_bracket")
        start, end = view.selection
        assert HARD_WRAPPED[start:end] == (
            "The embassy raised her case at every meeting we had\n"
            "with the ministry, and by the spring the minister asked us to\n"
            "stop."
        )  # the stored text, its line breaks kept, is what a coding quotes
