"""The `hrd-coder` command: thin click commands, each parsing and calling one service.

The commands' modules are imported when a command runs (cli/command_index.py lists them).
"""

import gc

from hrd_coder.cli.base import main, start_up_done

__all__ = ["main", "run"]


def run() -> None:
    """The `hrd-coder` program (and `python -m hrd_coder`).

    Python's cyclic garbage collector is off while the program starts (imports create
    hundreds of thousands of objects and no garbage) and `start_up_done` turns it back on
    once the project is open, before any command's own work. At the end, every object is
    frozen out of the collection Python makes as it exits: that one looked through all of
    them again and took about 15% of `hrd-coder status` (docs/benchmarks.md)."""
    gc.disable()
    try:
        main()
    finally:
        start_up_done()
        gc.freeze()
