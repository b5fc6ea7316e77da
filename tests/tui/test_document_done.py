"""Marking a document done in the workbench (issue 22): the key, the title bar, the
document browser's marks, and the agreement table's warning about work not counted yet."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import DataTable

from hrd_coder.services import Project
from hrd_coder.storage import tables
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.dialogs.document_browser import DocumentBrowser
from hrd_coder.tui.screens.agreement import AgreementScreen
from hrd_coder.tui.screens.coding import CodingScreen
from tests.tui.helpers import settle

SIZE = (120, 40)
DONE = tables.DocumentDone.__table__


def done_rows(root: Path) -> list[tuple[str, str]]:
    """(document, coder) rows of document_done, as a separate program reads them."""
    with Project.open(root) as project, project.database.reading() as conn:
        query = select(DONE.c.document_id, DONE.c.coder).order_by(DONE.c.document_id)
        return [tuple(row) for row in conn.execute(query)]


def title_bar(screen: CodingScreen) -> str:
    """The title bar's text: the document, its done mark, the coder."""
    return " ".join(str(screen.query_one(f"#{part}").render()) for part in TITLE_PARTS)


TITLE_PARTS = ("document-title", "document-done", "coder-name")


def messages(app: CoderApp) -> list[str]:
    """Every notification shown so far."""
    return [n.message for n in app._notifications]


@pytest.fixture
def imported(mini_root: Path) -> Path:
    """The mini project (int01, c01, c02), imported."""
    with Project.open(mini_root) as project:
        project.import_files()
    return mini_root


async def open_workbench(pilot) -> CodingScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CodingScreen)
    return screen


async def test_ctrl_f_marks_the_open_document_done_then_not_done(imported: Path):
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workbench(pilot)
        assert title_bar(screen).startswith("int01 · ")
        assert title_bar(screen).endswith(" not done coder lena")

        await pilot.press("ctrl+f")
        await settle(pilot)
        assert done_rows(imported) == [("int01", "lena")]
        assert title_bar(screen).endswith(" ✓ done coder lena")
        assert screen.query_one("#document-done").has_class("-done")
        said = "int01 marked done: your blank units there now count as absent"
        assert said in messages(app)
        assert said in str(screen.query_one("#status-line").render())

        await pilot.press("ctrl+f")
        await settle(pilot)
        assert done_rows(imported) == []
        assert title_bar(screen).endswith(" not done coder lena")
        assert not screen.query_one("#document-done").has_class("-done")
        assert any(m.startswith("int01 marked not done: ") for m in messages(app))


async def test_the_done_mark_is_the_coders_own_and_follows_the_open_document(imported: Path):
    with Project.open(imported) as project:
        project.mark_done(["c01"], coder="lena")
        project.mark_done(["int01"], coder="tomas")  # not lena's: int01 stays not done for her
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workbench(pilot)
        assert "int01" in title_bar(screen)
        assert "not done" in title_bar(screen)
        screen.open_document("c01")
        await settle(pilot)
        assert title_bar(screen).startswith("c01 · ")
        assert "✓ done" in title_bar(screen)

        await pilot.press("ctrl+f")  # c01 is done: the key takes the mark back
        await settle(pilot)
        assert done_rows(imported) == [("int01", "tomas")]
        assert "not done" in title_bar(screen)


async def test_the_document_browser_marks_and_filters_what_i_marked_done(imported: Path):
    with Project.open(imported) as project:
        project.mark_done(["c02"], coder="lena")
        project.mark_done(["c01"], coder="tomas")
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_workbench(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, DocumentBrowser)
        table = browser.query_one("#choices", DataTable)
        assert [str(column.label) for column in table.columns.values()][-1] == "done"
        marks = {
            str(table.get_row_at(row)[0]): str(table.get_row_at(row)[-1]).strip()
            for row in range(table.row_count)
        }
        assert marks == {"c01": "", "c02": "✓", "int01": ""}
        browser.query_one("#coded").value = "done"
        await pilot.pause()
        assert [str(table.get_row_at(row)[0]) for row in range(table.row_count)] == ["c02"]
        browser.query_one("#coded").value = "not_done"
        await pilot.pause()
        assert [str(table.get_row_at(row)[0]) for row in range(table.row_count)] == [
            "c01",
            "int01",
        ]


def code_int01(root: Path, *coders: str) -> None:
    """Each coder codes the same sentence of int01."""
    with Project.open(root) as project:
        text = project.text_of("int01")
        start = text.index("Naming her")
        end = start + len("Naming her raised the reputational cost for the government.")
        for coder in coders:
            project.add_coding(
                document="int01", code="reputational_costs", start=start, end=end, coder=coder
            )


async def test_f5_warns_when_a_compared_coders_work_is_not_counted_yet(imported: Path):
    code_int01(imported, "lena", "tomas")
    with Project.open(imported) as project:
        project.mark_done(["int01"], coder="lena")  # tomas has not marked it done
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_workbench(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert screen.coders == ("lena", "tomas")
        (warning,) = [n for n in app._notifications if n.title == "Not counted yet"]
        assert warning.severity == "warning"
        assert "note: tomas: codings in 1 document not counted yet" in warning.message
        assert "note: lena" not in warning.message  # she marked it done: all of hers counts
        assert "In the workbench, ctrl+f marks the open document done." in warning.message
        status = str(screen.query_one("#status-line").render())
        assert status.startswith("not counted yet: tomas · ")

        await pilot.press("u")  # measuring again on another unit does not repeat the warning
        await settle(pilot)
        assert len([n for n in app._notifications if n.title == "Not counted yet"]) == 1
        assert str(screen.query_one("#status-line").render()).startswith("not counted yet")


async def test_f5_says_nothing_when_every_compared_coder_is_done(imported: Path):
    code_int01(imported, "lena", "tomas")
    with Project.open(imported) as project:
        for coder in ("lena", "tomas"):
            project.mark_done(["int01"], coder=coder)
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await open_workbench(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        assert not [n for n in app._notifications if n.title == "Not counted yet"]
        assert "not counted yet" not in str(screen.query_one("#status-line").render())


async def test_marking_done_is_in_the_palette_and_the_help(imported: Path):
    app = CoderApp(imported, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workbench(pilot)
        titles = [command.title for command in app.get_system_commands(screen)]
        assert "coding: Mark this document done by you (finished), or not done again" in titles
        rows = {binding_id: keys for keys, _what, binding_id in screen.help_rows()}
        assert rows["coding.mark_done"] == "ctrl+f"
