"""A child process draws a report's figures exactly as this process would, passes its
errors on, and is never left running: not when the caller is done, nor when it dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hrd_coder.analysis import kaplan_meier
from hrd_coder.analysis.child_process import (
    DRAWING_MODULES,
    NICENESS,
    QUIET_SECONDS,
    ChildProcess,
)
from hrd_coder.analysis.km_plot import curves_to_draw
from hrd_coder.analysis.report_figures import FigureJob
from hrd_coder.problems import ProjectError
from tests.analysis.examples import remission

REPO = Path(__file__).resolve().parents[2]


def job(out: Path) -> FigureJob:
    curves = kaplan_meier(remission(), "weeks", "relapsed", group="group")
    drawn = curves_to_draw(curves)
    return FigureJob(drawn, out, "remission", "Remission", "weeks since randomisation")


def test_the_child_draws_the_same_figures_as_this_process(tmp_path):
    here = job(tmp_path / "here").draw()
    with ChildProcess(DRAWING_MODULES) as figures:
        there = figures.call(FigureJob.draw, job(tmp_path / "there"))
        # The curves travel as numpy arrays: the child never pays for pandas.
        assert not figures.call(eval, "'pandas' in __import__('sys').modules")
    assert [p.name for p in there] == ["remission.png", "remission.svg"]
    assert there[0].parent == tmp_path / "there"
    assert there[0].read_bytes() == here[0].read_bytes()
    assert "Remission" in there[1].read_text()


def test_an_error_in_the_child_reaches_the_caller(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    with ChildProcess(DRAWING_MODULES) as figures, pytest.raises(OSError):
        figures.call(FigureJob.draw, job(tmp_path / "taken"))


def test_a_child_that_died_leaves_the_drawing_to_this_process(tmp_path):
    with ChildProcess(DRAWING_MODULES) as figures:
        os.kill(figures.pid, signal.SIGKILL)  # as if it had crashed before the job came
        png, svg = figures.call(FigureJob.draw, job(tmp_path))
    assert png.exists() and svg.exists()


def test_a_closed_child_refuses_calls_instead_of_running_them_here():
    child = ChildProcess([])
    child.close()
    with pytest.raises(ProjectError, match="closed"):
        child.call(divmod, 7, 2)


def test_calls_are_served_one_after_another():
    with ChildProcess([]) as child:
        assert child.call(divmod, 17, 5) == (3, 2)
        assert child.call(divmod, 9, 2) == (4, 1)
        with pytest.raises(ZeroDivisionError):
            child.call(divmod, 1, 0)
        assert child.call(pow, 2, 10) == 1024  # an error does not end the child
        # It yields the CPU to its parent on a busy machine.
        assert child.call(os.nice, 0) == min(19, os.nice(0) + NICENESS)
        assert running(child.pid)


def test_a_call_during_the_imports_is_answered_and_the_imports_still_finish():
    with ChildProcess(["statsmodels.api"]) as child:
        # Sent at once: usually answered before statsmodels is imported (timed in
        # docs/benchmarks.md), and either way answered.
        assert child.call(divmod, 7, 2) == (3, 1)
        # A call sent right after may be answered before the import too: the import is
        # only checked to finish, asked again until a generous deadline.
        deadline = time.monotonic() + 120
        imported = "'statsmodels.api' in __import__('sys').modules"
        while not child.call(eval, imported) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.call(eval, imported)


def test_the_child_ends_with_the_block(tmp_path):
    with ChildProcess(DRAWING_MODULES) as figures:
        pid = figures.pid
    assert not running(pid)


def test_the_child_ends_when_its_parent_dies_without_cleaning_up():
    parent = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; from hrd_coder.analysis.child_process import ChildProcess; "
            "print(ChildProcess(['pandas']).pid, flush=True); os._exit(1)",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    pid = int(parent.stdout.strip())
    waited = 0.0
    while running(pid) and waited < 120:  # the child notices its closed input and ends
        time.sleep(0.2)
        waited += 0.2
    assert not running(pid)


def running(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_later_module_waits_until_no_call_has_come_for_a_while():
    """F7's first call must not wait for statsmodels, which it needs only afterwards."""
    with ChildProcess([], later=["statsmodels.api"]) as child:
        imported = "'statsmodels.api' in __import__('sys').modules"
        # Sent before the child is even up: it is served before any later import.
        assert child.call(eval, imported) is False
        deadline = time.monotonic() + 120
        while not child.call(eval, imported) and time.monotonic() < deadline:
            time.sleep(QUIET_SECONDS * 1.5)  # quiet long enough: the import comes
        assert child.call(eval, imported)


def test_the_statistics_process_starts_before_the_database_layer_is_imported():
    """`hrd-coder code` starts it first thing: its imports get the longest head start."""
    script = (
        "import sys; from hrd_coder.services import start_statistics; "
        "child = start_statistics(); print('sqlalchemy' in sys.modules); child.close(); "
        "from hrd_coder.services import Project; print(Project.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["False", "Project"], done.stderr
