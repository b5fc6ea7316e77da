"""The workbench imports the statistics stack in a child process started at launch, and
what the results need besides (pandas, the report's classes) in the background after its
first paint, so the first F7 does not wait ~1.3 s for imports (issue 15; timed in
benchmarks/bench_results.py). Run in a fresh process: the test process has long imported
lifelines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hrd_coder.services import Project

CHILD = """
import sys
from hrd_coder.tui.app import CoderApp
from hrd_coder.tui.screens.coding import WARM_UP_AFTER_SECONDS, CodingScreen

app = CoderApp(sys.argv[1], None, "lena")
seen = {}

def check():
    screen = app.screen
    if "paint" not in seen and isinstance(screen, CodingScreen) and screen.document:
        seen["paint"] = "lifelines" in sys.modules
        app.set_timer(WARM_UP_AFTER_SECONDS + 4, done)

def done():
    report = "pandas" in sys.modules
    print(seen["paint"], "lifelines" in sys.modules, report)
    app.exit()

app.call_later(lambda: app.set_interval(0.01, check))
app.run(headless=True, size=(100, 30))
"""


def test_statistics_are_imported_in_the_child_and_the_rest_after_the_first_paint(
    mini_root: Path,
):
    with Project.open(mini_root) as project:
        project.import_files()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(mini_root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Not before the first paint; after it, what the results need here but never lifelines.
    assert result.stdout.split() == ["False", "False", "True"]
