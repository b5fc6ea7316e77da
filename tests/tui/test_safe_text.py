"""User text in the workbench is shown as written: never read as Rich markup, and no control
character or escape sequence reaches the terminal (issue 19)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from hrd_coder.safe_text import safe_text
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.dialogs.coder_prompt import CoderPrompt
from hrd_coder.tui.dialogs.retrieval import collapse
from hrd_coder.tui.dialogs.table import cell
from hrd_coder.tui.widgets.coder_name import CoderName
from tests.tui.helpers import settle
from tests.tui.test_dialogs import Host

SIZE = (100, 30)
HOSTILE = "[bold]loud[/bold] [/ \x1b[31mred\x1b]0;title\x07 \u202eevil"


def test_safe_text_escapes_controls_and_keeps_every_script():
    assert safe_text("a\x1b[31mb\rc\u202ed") == "a\\x1b[31mb\\x0dc\\u202ed"
    assert safe_text("Ilvana Morresk, é, 中文, ✓") == "Ilvana Morresk, é, 中文, ✓"
    assert safe_text("one\ntwo\t") == "one\\x0atwo\\x09"
    assert safe_text("one\ntwo", keep_line_breaks=True) == "one\ntwo"
    assert safe_text("x" * 10, limit=5) == "xxxx…"


async def test_a_notification_shows_user_text_as_written(mini_root: Path):
    app = CoderApp(mini_root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.notify(HOSTILE, title="file\x1b[2J.md")  # unbalanced markup would raise here
        await pilot.pause()
        (shown,) = [n for n in app._notifications if "loud" in n.message]
        assert shown.message == safe_text(HOSTILE) and not shown.markup
        assert "\x1b" not in shown.title


async def test_the_coder_prompt_shows_a_bad_name_as_written():
    app = Host(CoderPrompt())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.dialog.query_one("#name", Input).value = HOSTILE
        await pilot.press("enter")
        await pilot.pause()
        shown = str(app.dialog.query_one("#error", Static).render())
        assert "[bold]loud[/bold]" in shown and "\x1b" not in shown


async def test_a_coder_name_with_markup_is_shown_as_written():
    app = Host(CoderPrompt())
    async with app.run_test(size=SIZE) as pilot:
        await app.dialog.mount(CoderName("[b]lena\x1b[0m"))
        await pilot.pause()
        assert str(app.dialog.query_one(CoderName).render()) == "coder [b]lena\\x1b[0m"


def test_table_cells_and_quotes_show_control_characters_escaped():
    assert cell("[b]title\x1b[2J").plain == "[b]title\\x1b[2J"
    assert collapse("one\n\x1b[2J  two") == "one \\x1b[2J two"
