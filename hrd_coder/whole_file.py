"""Write an output file whole or not at all: into a temporary file beside it, then rename.

A full disk, a file-size limit or a crash half-way leaves the old file (or none) at the
destination, never a truncated export that looks complete.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from hrd_coder.problems import ProjectError


@contextmanager
def writing_whole(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path` to write; it becomes `path` when the block ends.

    Any OSError (disk full, file too large, no permission) becomes a ProjectError naming
    `path`, and the temporary file is removed: nothing is left at the destination.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield temporary
        os.replace(temporary, path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ProjectError(
            f"{path}: could not write it ({reason}); nothing was written there. "
            "Free some disk space, or choose another place with --out"
        ) from None
    finally:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
