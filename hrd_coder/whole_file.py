"""Write an output file whole or not at all: into a temporary file beside it, then rename.

A full disk, a file-size limit or a crash half-way leaves the old file (or none) at the
destination, never a truncated export that looks complete.
"""

from __future__ import annotations

import errno
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
    with writing_all_whole([path]) as (temporary,):
        yield temporary


@contextmanager
def writing_all_whole(paths: list[Path]) -> Iterator[list[Path]]:
    """As `writing_whole`, for files that belong together: all are renamed, or none.

    An error names the first path (the file asked for; the others go with it).
    """
    temporaries = [p.with_name(f".{p.name}.{os.getpid()}.partial") for p in paths]
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
        yield temporaries
        for temporary, path in zip(temporaries, paths, strict=True):
            os.replace(temporary, path)
    except OSError as error:
        reason = error.strerror or str(error)
        if error.errno == errno.EFBIG:
            reason += ": a file-size limit (ulimit -f) or the file system's was reached"
        raise ProjectError(
            f"{paths[0]}: could not write it ({reason}); nothing was written there. "
            "Free some disk space, or choose another place with --out"
        ) from None
    finally:
        for temporary in temporaries:
            with suppress(OSError):
                temporary.unlink(missing_ok=True)
