"""The ctrl+o document list's `all` column counts the people's codings (issue 18): found
walking the study path, where after `suggest run` it counted every machine suggestion (and
the consensus, copies of the people's codings), so a coder read a document nobody had
coded yet as coded by many."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from textual.widgets import DataTable

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.dialogs.document_browser import DocumentBrowser
from tests.conftest import copy_demo
from tests.tui.helpers import settle

SIZE = (140, 40)


async def test_all_counts_the_coders_not_the_model_nor_the_consensus(tmp_path: Path):
    root = copy_demo(tmp_path / "demo")
    with Project.open(root) as project:
        project.import_files()
        project.load_codings(root / "demo" / "codings.csv", mark_done=True)
        assert project.suggest(train="lena").suggestions > 0
        project.rebuild_consensus(by="ana")
        layers = {c.coder for c in project.codings()}
        people = Counter(c.document_id for c in project.codings() if c.coder in ("lena", "tomas"))
        mine = Counter(c.document_id for c in project.codings(coder="lena"))
    assert "consensus" in layers and any(layer.startswith("model:") for layer in layers)
    app = CoderApp(root, None, "lena")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        browser = app.screen
        assert isinstance(browser, DocumentBrowser)
        table = browser.query_one("#choices", DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        rows = [table.get_row_at(row) for row in range(table.row_count)]
        shown = {str(row[0]): str(row[labels.index("all")]).strip() for row in rows}
        shown_mine = {str(row[0]): str(row[labels.index("mine")]).strip() for row in rows}
    assert shown == {document: str(people[document]) for document in shown}
    assert shown_mine == {document: str(mine[document]) for document in shown}
    assert sum(people.values()) > 0
