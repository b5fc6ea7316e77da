"""How fast survival results appear (issue 15), on the demo.

    python -m benchmarks.bench_results [--runs 5] [--wait SECONDS]

- **F7**: each run is a new process that starts the workbench headless on a copy of the
  demo (database current), waits `--wait` seconds after the first paint (a coder reading
  before asking for results; 0 for F7 at once), presses F7 and reports the seconds until
  the medians and the Cox table are filled.
- **report**: `hrd-coder report DESIGN` for each design of the demo, as a new process:
  seconds to the first table line on stdout, and to the end (the figures drawn). The demo's
  codings are loaded, and the design on a code variable is reported on lena's layer.

The baseline, timed in the same run, is `python -c "import lifelines"`: the statistics
library every result needs.
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
DESIGNS: tuple[tuple[str, str | None], ...] = (
    ("featured_vs_considered", None),
    ("featured_vs_all_held", None),
    ("featured_with_coverage", None),
    ("featured_with_deadlock", "lena"),  # a code variable: a coder's layer
)
"""The demo's designs, each with the layer its report reads (None: the default)."""


def child(root: Path, wait: float) -> None:
    """Open the workbench as `hrd-coder code` does (the statistics process first, then
    textual), wait, press F7; print seconds from F7 to the Cox table."""
    gc.disable()  # as `hrd-coder code` does (hrd_coder/cli/__init__.py, cli/workbench.py)
    from hrd_coder.services import start_statistics

    statistics = start_statistics()
    from textual.widgets import DataTable

    from hrd_coder.tui.app import CoderApp
    from hrd_coder.tui.screens.coding import CodingScreen
    from hrd_coder.tui.screens.results import ResultsScreen

    app = CoderApp(root, None, "lena", statistics)
    pressed: list[float] = []

    def check() -> None:
        screen = app.screen
        if not pressed:
            if isinstance(screen, CodingScreen) and screen.document is not None:
                pressed.append(0.0)
                app.set_timer(max(wait, 0.001), press)
        elif isinstance(screen, ResultsScreen) and pressed[0]:
            tables = screen.query(DataTable)  # empty until the screen is composed
            filled = {table.id for table in tables if table.row_count}
            if {"median-table", "cox-table"} <= filled:
                print(f"{time.perf_counter() - pressed[0]:.4f}")
                app.exit()

    def press() -> None:
        pressed[0] = time.perf_counter()
        app.screen.action_results()

    app.call_later(lambda: app.set_interval(0.002, check))
    gc.enable()
    app.run(headless=True, size=(100, 40))


def run_child(root: Path, wait: float) -> float:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.bench_results",
            "--child",
            str(root),
            "--wait",
            str(wait),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return float(out.strip().splitlines()[-1])


def report_times(root: Path, design: str, layer: str | None = None) -> tuple[float, float]:
    """Seconds to the first line of `hrd-coder report DESIGN [--layer LAYER]`, and to its end."""
    layer_option = [] if layer is None else ["--layer", layer]
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "hrd_coder", "report", design, *layer_option],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()
    first = time.perf_counter() - start
    process.stdout.read()
    process.wait()
    return first, time.perf_counter() - start


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--wait", type=float, default=0.0)
    parser.add_argument("--child")
    options = parser.parse_args()
    if options.child:
        return child(Path(options.child), options.wait)
    scratch = Path(tempfile.mkdtemp(prefix="bench-results-"))
    try:
        cache_bytecode(scratch / "pycache")
        root = scratch / "demo"
        root.mkdir()
        for part in DEMO_PARTS:
            source = REPO / part
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
        for command in (["import"], ["codings", "load", "demo/codings.csv", "--mark-done"]):
            subprocess.run(
                [sys.executable, "-m", "hrd_coder", *command],
                cwd=root,
                check=True,
                capture_output=True,
                env={**os.environ},
            )
        base = statistics.median(
            wall([sys.executable, "-c", "import lifelines"]) for _ in range(options.runs)
        )
        run_child(root, options.wait)  # untimed: compiles hrd_coder's bytecode
        report_times(root, DESIGNS[0][0])
        f7 = [run_child(root, options.wait) for _ in range(options.runs)]
        reports = {
            d: [report_times(root, d, layer) for _ in range(options.runs)] for d, layer in DESIGNS
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"baseline python -c 'import lifelines': median {base:.3f} s")
    m = statistics.median(f7)
    print(
        f"F7 to medians + Cox table ({options.wait:g} s after first paint): median {m:.3f} s "
        f"(min {min(f7):.3f}, max {max(f7):.3f}), {options.runs} runs; {m / base:.2f}x baseline"
    )
    for design, times in reports.items():
        first = statistics.median(t[0] for t in times)
        end = statistics.median(t[1] for t in times)
        print(
            f"report {design}: tables after {first:.3f} s ({first / base:.2f}x), "
            f"figures done after {end:.3f} s ({end / base:.2f}x)"
        )


if __name__ == "__main__":
    main()
