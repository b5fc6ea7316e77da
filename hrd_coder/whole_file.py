"""Write an output file whole or not at all: into a temporary file beside it, then rename.

A full disk, a file-size limit or a crash half-way leaves the old file (or none) at the
destination, never a truncated export that looks complete. A process killed while writing
cannot remove its temporary file; the next write to the same destination does, so killed
runs leave nothing behind for long.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from hrd_coder.problems import ProjectError

PARTIAL = ".partial"


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
    temporaries = [temporary_for(p, os.getpid()) for p in paths]
    try:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_left_behind(path)
        yield temporaries
        for temporary in temporaries:
            _flush_to_disk(temporary)
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
    for folder in {path.parent for path in paths}:
        _flush_folder(folder)


def temporary_for(path: Path, pid: int) -> Path:
    """The hidden file beside `path` that process `pid` writes before renaming it."""
    return path.with_name(f".{path.name}.{pid}{PARTIAL}")


def remove_left_behind(path: Path) -> list[Path]:
    """Remove the temporary files of `path` left by processes that died (killed, or the
    machine stopped) before renaming them; return them. A running writer's is kept."""
    prefix = f".{path.name}."
    removed = []
    with suppress(OSError):  # an unreadable folder: the write itself will say so
        for found in path.parent.iterdir():
            name = found.name
            pid = name[len(prefix) : -len(PARTIAL)]
            if not (name.startswith(prefix) and name.endswith(PARTIAL) and pid.isdigit()):
                continue
            if int(pid) != os.getpid() and not _running(int(pid)):
                with suppress(OSError):
                    found.unlink()
                    removed.append(found)
    return removed


def _running(pid: int) -> bool:
    """Whether a process `pid` runs on this machine (another user's counts too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _flush_to_disk(path: Path) -> None:
    """fsync a written file before renaming it, so that a power cut after we said "wrote"
    cannot leave an empty file where the old one was."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _flush_folder(folder: Path) -> None:
    """fsync the folder so the rename itself survives a power cut. Best effort: the file
    is already in place, and some systems cannot open or sync a folder."""
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
