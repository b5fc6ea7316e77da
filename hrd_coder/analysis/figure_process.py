"""Figures drawn in a child process. `report` starts it before it reads anything, so that
matplotlib (about 0.35 s) is imported on the other core while this one imports lifelines
and fits the models; the figures then follow the tables sooner (benchmarks/bench_results)."""

from __future__ import annotations

import importlib
import pickle
import subprocess
import sys
from pathlib import Path
from types import TracebackType

from hrd_coder.analysis.report_figures import FigureJob

DRAWING_MODULES = (
    "pandas",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "matplotlib.ticker",
    "hrd_coder.analysis.report_figures",
)

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])

# The child finds this very hrd_coder (not another one on its path) and waits for one job.
CHILD = (
    f"import sys; sys.path.insert(0, {PACKAGE_ROOT!r}); "
    "from hrd_coder.analysis.figure_process import serve; serve()"
)


class FigureProcess:
    """A child Python that imports matplotlib at once and draws one FigureJob when sent it.

    Use it as a context manager: leaving the block ends the child, whatever happened; a
    child whose parent dies sees its input close and ends too, so none is left behind.
    """

    def __init__(self) -> None:
        self._child = subprocess.Popen(
            [sys.executable, "-c", CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._child.pid

    def draw(self, job: FigureJob) -> tuple[Path, ...]:
        """Draw the job in the child and return the paths written. A child that cannot
        answer (it failed to start, or died) leaves the job to this process, so the user
        gets the figures or the very error drawing them here would give."""
        assert self._child.stdin is not None and self._child.stdout is not None
        try:
            pickle.dump(job, self._child.stdin)
            self._child.stdin.close()
            outcome, value = pickle.load(self._child.stdout)
        except Exception:  # no answer, or a garbled one: drawing here gives the real error
            return job.draw()
        if outcome == "error":
            raise value
        return value

    def close(self) -> None:
        """End the child if it still runs, and wait for it."""
        if self._child.poll() is None:
            self._child.kill()
        self._child.wait()
        for pipe in (self._child.stdin, self._child.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()

    def __enter__(self) -> FigureProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def serve() -> None:
    """The child: import matplotlib, read one job from stdin, draw it, answer on stdout
    ("ok", paths) or ("error", the exception). Input closed before a job: end quietly."""
    try:
        _import_drawing()
        job = pickle.load(sys.stdin.buffer)
    except (EOFError, KeyboardInterrupt):
        return
    try:
        answer = ("ok", job.draw())
    except Exception as error:  # sent to the parent, which raises it where it drew
        answer = ("error", error)
    try:
        data = pickle.dumps(answer)
    except Exception:  # an error that cannot travel: the parent draws, and meets it there
        return
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _import_drawing() -> None:
    """What drawing a figure needs, imported before the job arrives."""
    for name in DRAWING_MODULES:
        importlib.import_module(name)
