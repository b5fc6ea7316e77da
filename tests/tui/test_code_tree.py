"""The code tree cuts a label that does not fit with `…` (issue 15), at every depth."""

from __future__ import annotations

import re
from pathlib import Path

from hrd_coder.services import Project
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.widgets.codebook_panel import CodeTree
from tests.tui.helpers import settle


async def test_labels_that_do_not_fit_end_with_an_ellipsis(demo_root: Path):
    with Project.open(demo_root) as project:
        project.import_files()
        labels = {code.id: code.label for code in project.codebook.codes}
    app = CoderApp(demo_root, None, "lena")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(CodeTree)
        room = tree.scrollable_content_region.width
        lines = [tree.render_line(y).text.rstrip() for y in range(tree.size.height)]
        cut = [line for line in lines if line.endswith("…")]
        assert cut, lines  # the demo's long labels do not fit at 80 columns
        for line in cut:
            assert len(line) <= room
            shown = re.search(r"\d+/\d+ (.*)…$", line).group(1)  # after the counts
            assert any(label.startswith(shown) for label in labels.values()), line
        whole = [line for line in lines if "Private diplomacy" in line]
        assert whole and not whole[0].endswith("…")  # one that fits is shown whole
