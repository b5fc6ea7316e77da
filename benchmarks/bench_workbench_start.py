"""Workbench start to first paint with the document visible (issue 15), on the demo.

    python -m benchmarks.bench_workbench_start [--runs 7]

Each run is a new process (`python -m benchmarks.bench_workbench_start --child ROOT`) that
starts the workbench headless on a copy of the demo whose database is already current
(second run), and reports the moment the coding screen has drawn its first document. The
baseline, measured in the same run, is a process that imports textual and sqlalchemy and
starts an empty Textual app headless to its first paint.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import cache_bytecode

REPO = Path(__file__).resolve().parent.parent
DEMO_PARTS = ("codebook.yaml", "analysis.yaml", "cases", "transcripts", "media", "demo")


def child(root: Path) -> None:
    """Start the workbench as `hrd-coder code` does (the statistics process first, then
    textual); print seconds from process start to its first document."""
    gc.disable()  # as `hrd-coder code` does (hrd_coder/cli/__init__.py, cli/workbench.py)
    from hrd_coder.services import start_statistics

    statistics = start_statistics()
    from hrd_coder.tui.app import CoderApp
    from hrd_coder.tui.screens.coding import CodingScreen

    app = CoderApp(root, None, "lena", statistics)

    def check() -> None:
        screen = app.screen
        if isinstance(screen, CodingScreen) and screen.document is not None:
            app.call_after_refresh(done)

    def done() -> None:
        print(f"{time.time() - float(os.environ['BENCH_T0']):.4f}")
        app.exit()

    app.call_later(lambda: app.set_interval(0.002, check))
    gc.enable()
    app.run(headless=True, size=(100, 30))


def baseline() -> None:
    """An empty Textual app (with sqlalchemy imported) to its first paint."""
    import sqlalchemy  # noqa: F401
    from textual.app import App
    from textual.widgets import Static

    class Empty(App):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Static("hello")

        def on_mount(self) -> None:
            self.call_after_refresh(self.done)

        def done(self) -> None:
            print(f"{time.time() - float(os.environ['BENCH_T0']):.4f}")
            self.exit()

    Empty().run(headless=True, size=(100, 30))


def timed(args: list[str]) -> float:
    env = {**os.environ, "BENCH_T0": repr(time.time())}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_workbench_start", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child")
    parser.add_argument("--baseline", action="store_true")
    options = parser.parse_args()
    if options.child:
        return child(Path(options.child))
    if options.baseline:
        return baseline()
    scratch = Path(tempfile.mkdtemp(prefix="bench-workbench-"))
    try:
        cache_bytecode(scratch / "pycache")
        root = scratch / "demo"
        root.mkdir()
        for part in DEMO_PARTS:
            source = REPO / part
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
        # The first run imports the demo and compiles the bytecode; what is timed comes after.
        timed(["--child", str(root)])
        timed(["--baseline"])
        ours = [timed(["--child", str(root)]) for _ in range(options.runs)]
        base = [timed(["--baseline"]) for _ in range(options.runs)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    o, b = statistics.median(ours), statistics.median(base)
    print(
        f"workbench first paint (demo, database current): median {o:.3f} s "
        f"(min {min(ours):.3f}, max {max(ours):.3f}), {options.runs} runs"
    )
    print(f"baseline empty Textual app + sqlalchemy: median {b:.3f} s; ratio {o / b:.1f}x")


if __name__ == "__main__":
    main()
