"""Work done in a child Python on the other core, started before it is needed, so that its
slow imports (lifelines about 1.2 s, matplotlib about 0.35 s) overlap with this process's
work instead of adding to it (benchmarks/bench_results.py).

`report` draws its figures in one (DRAWING_MODULES); the workbench fits the models of the
results screen (F7) in one (hrd_coder/services/statistics.py)."""

from __future__ import annotations

import gc
import importlib
import pickle
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from hrd_coder.problems import ProjectError

DRAWING_MODULES = (
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "matplotlib.ticker",
    "hrd_coder.analysis.report_figures",
)
"""What drawing a report's figures needs (no pandas: the curves come as numpy arrays)."""

NICENESS = 15
"""By default, how much lower a child's CPU priority is than its parent's (benchmarks.md:
with 5 set late, the first paint and the tables lost time to the children on a loaded
machine)."""

LATER = "--later"
"""Between the modules a child imports at once and those it imports while idle."""

QUIET_SECONDS = 1.0
"""How long no call must come before a child imports a `later` module: a workbench asks
for its first results within a second of the press (docs/benchmarks.md)."""

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])

# The child lowers its priority before anything else (on a busy machine the parent comes
# first: its tables, its first paint; on an idle one the child has a core to itself anyway),
# finds this very hrd_coder (not another one on its path), imports the modules named after
# -c, then serves calls. The garbage collector is off for the first imports (its
# collections took 7% of lifelines' import, and imports leave no garbage).
CHILD = (
    "import gc, os, sys; gc.disable(); os.nice(int(sys.argv[1])) if hasattr(os, 'nice') else None; "
    f"sys.path.insert(0, {PACKAGE_ROOT!r}); "
    "from hrd_coder.analysis.child_process import serve; serve(sys.argv[2:])"
)


def call_here(function: Callable[..., Any], *args: Any) -> Any:
    """Run a call in this process (what a ChildProcess falls back to)."""
    return function(*args)


class ChildProcess:
    """A child Python that imports `modules` at once, then runs the calls it is sent, one at
    a time. Calls and answers travel pickled through its stdin and stdout. `later` modules
    are imported only while no call has come for QUIET_SECONDS: what few calls need must
    not hold up the first one (F7's tables waited 0.2 s for statsmodels, which only its
    released-by-day model, shown after them, needs).

    Use it as a context manager, or `close()` it: that ends the child, whatever happened. A
    child whose parent dies sees its input close and ends too, so none is left behind.
    """

    def __init__(
        self, modules: Sequence[str], niceness: int = NICENESS, later: Sequence[str] = ()
    ) -> None:
        self._lock = threading.Lock()
        self._closed = False
        self._child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(niceness), *modules, LATER, *later],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._child.pid

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` run in the child; an exception it raises is raised here.

        A child that cannot answer (it failed to start, or died) is ended and the call runs
        in this process instead: the caller gets the result, or the very error it would get
        here. After `close()` (the owner is quitting) a call is refused.
        """
        if self._closed:
            raise ProjectError("the child process was closed: its owner is quitting")
        with self._lock:
            answer = self._ask(function, args)
        if answer is None and self._closed:  # closed while it worked: no fitting here now
            raise ProjectError("the child process was closed: its owner is quitting")
        if answer is None:
            return function(*args)
        outcome, value = answer
        if outcome == "error":
            raise value
        return value

    def _ask(self, function: Callable[..., Any], args: tuple) -> tuple[str, Any] | None:
        stdin, stdout = self._child.stdin, self._child.stdout
        if self._child.poll() is not None or stdin is None or stdout is None or stdin.closed:
            return None
        try:
            pickle.dump((function, args), stdin)
            stdin.flush()
            return pickle.load(stdout)
        except Exception:  # no answer, or a garbled one: the caller runs the call here
            self._end()
            return None

    def close(self) -> None:
        """End the child if it still runs, and wait for it; later calls are refused."""
        self._closed = True
        self._end()

    def _end(self) -> None:
        if self._child.poll() is None:
            self._child.kill()
        self._child.wait()
        for pipe in (self._child.stdin, self._child.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()

    def __enter__(self) -> ChildProcess:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def serve(arguments: Sequence[str]) -> None:
    """The child: import the modules named before LATER in `arguments`, then answer each
    call read from stdin with ("ok", result) or ("error", exception) on stdout, until stdin
    closes; the modules named after LATER are imported while no call waits. A call that
    arrives between two imports is answered first (F7 needs lifelines, not the statsmodels
    imported after it)."""
    names = list(arguments)
    split = names.index(LATER) if LATER in names else len(names)
    try:
        for name in names[:split]:
            while _call_waiting():
                if not _serve_one():
                    return
            importlib.import_module(name)
        gc.freeze()  # what the imports made lives as long as the child: never collected
        gc.enable()
        for name in names[split + 1 :]:
            while _call_waiting(QUIET_SECONDS):
                if not _serve_one():
                    return
            importlib.import_module(name)
        while _serve_one():
            pass
    except (KeyboardInterrupt, BrokenPipeError):
        return  # the parent is gone or stopping: nothing to answer


def _call_waiting(within: float = 0.0) -> bool:
    """Whether stdin has something to read (a call, or its end) now or `within` seconds."""
    try:
        return bool(select.select([sys.stdin], [], [], within)[0])
    except (OSError, ValueError):  # a pipe select cannot watch (Windows): import first
        return False


def _serve_one() -> bool:
    """Read one call and answer it; False when there is nothing more to serve."""
    try:
        function, args = pickle.load(sys.stdin.buffer)
    except EOFError:
        return False
    answer = _answer(function, args)
    if answer is None:  # it cannot travel: the parent, seeing no answer, runs the call
        return False
    sys.stdout.buffer.write(answer)
    sys.stdout.flush()
    return True


def _answer(function: Callable[..., Any], args: tuple) -> bytes | None:
    try:
        answer: tuple[str, Any] = ("ok", function(*args))
    except Exception as error:  # sent to the parent, which raises it
        answer = ("error", error)
    try:
        return pickle.dumps(answer)
    except Exception:  # e.g. an exception that cannot be pickled
        return None
