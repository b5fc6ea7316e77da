"""codebook.yaml and the database change together in a rename, merge or split, even if the
process is killed half-way.

A file and a database cannot share one transaction, so a change goes in this order: the
new codebook.yaml is written aside (`.hrd_coder/codebook.yaml.new`) and a journal
(`.hrd_coder/codebook-change.json`) names the codebook hashes before and after; the
database transaction commits; the new file replaces codebook.yaml; the journal goes. A
process killed anywhere leaves the journal, and the next open of the project settles it
by the codebook the database holds: the one after the change (the commit happened) →
finish the swap; the one before → drop the new file; neither → stop with advice, since
only a person can tell which codebook their codings now follow.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hrd_coder.problems import InvalidInput, ProjectError

CODEBOOK = "codebook.yaml"
FOLDER = ".hrd_coder"
JOURNAL = f"{FOLDER}/codebook-change.json"
ASIDE = f"{FOLDER}/codebook.yaml.new"
LOCK = f"{FOLDER}/codebook-change.lock"


@contextmanager
def changing_codebook(
    root: Path, database: Any, operation: str, before: str | None, after: str, text: str
) -> Iterator[None]:
    """Around the database transaction of a codebook change: the new `text` becomes
    codebook.yaml once the block (the commit) is done, or on the next open if killed."""
    with _locked(root, wait=True):
        _write_aside(root, text)
        _write_journal(
            root,
            {
                "operation": operation,
                "before": before,
                "after": after,
                "started": datetime.now(UTC).isoformat(timespec="seconds"),
            },
        )
        try:
            yield
        except BaseException:
            # Almost always the transaction rolled back: drop the new file. Were the database
            # unreachable, the journal stays for the next open to settle.
            with suppress(Exception):
                _settle(root, database)
            raise
        _swap(root)
        _forget(root)


def finish_interrupted_change(root: Path, database: Any) -> bool:
    """On open: settle a codebook change a killed process left; True if codebook.yaml was
    replaced. A change another process is making right now is left alone."""
    if not (root / JOURNAL).exists():
        return False
    with _locked(root, wait=False) as free:
        return free and _settle(root, database)


def _settle(root: Path, database: Any) -> bool:
    """Finish or roll back the journal's change by the codebook the database holds."""
    journal = _read_journal(root)
    if journal is None:
        return False
    held = _held_hash(database)
    replaced = False
    if held == journal["after"]:
        replaced = _finish(root, database, journal["after"])
    elif held != journal["before"]:
        raise ProjectError(_undecided(root, journal))
    (root / ASIDE).unlink(missing_ok=True)
    _forget(root)
    return replaced


def _finish(root: Path, database: Any, after: str) -> bool:
    """Make codebook.yaml the committed codebook, from the file aside or the database's copy."""
    if _hash_of(root / CODEBOOK) == after:
        return False  # killed after the swap: only the journal was left
    text = (
        _text_of(root / ASIDE) if _hash_of(root / ASIDE) == after else _stored_text(database, after)
    )
    _write_codebook(root / CODEBOOK, text)
    return True


def _undecided(root: Path, journal: dict[str, Any]) -> str:
    aside = root / ASIDE
    after = (
        f"{aside} (after it)"
        if aside.exists()
        else "the codebook after it (stored in the database: 'hrd-coder log' shows the change)"
    )
    return (
        f"{root / CODEBOOK}: a 'codebook {journal['operation']}' started {journal['started']} "
        "was interrupted, and the database now holds a codebook from neither before nor after "
        "it (was the codebook imported from elsewhere since?). Nothing was changed. Compare "
        f"{CODEBOOK} (before the {journal['operation']}) with {after}, keep the one your "
        f"codings follow as {CODEBOOK}, delete {root / JOURNAL}, then run 'hrd-coder import'"
    )


def _held_hash(database: Any) -> str | None:
    from hrd_coder.storage.codebook_versions import current_codebook_hash

    with database.reading() as conn:
        return current_codebook_hash(conn)


def _stored_text(database: Any, codebook_hash: str) -> str:
    from hrd_coder.storage.codebook_versions import stored_codebook_text

    with database.reading() as conn:
        return stored_codebook_text(conn, codebook_hash)


def _hash_of(path: Path) -> str | None:
    from hrd_coder.codebook import parse_codebook

    try:
        return parse_codebook(_text_of(path), str(path)).hash
    except (OSError, InvalidInput):
        return None


def _text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _write_aside(root: Path, text: str) -> None:
    _write_whole(root / ASIDE, text)


def _write_journal(root: Path, journal: dict[str, Any]) -> None:
    _write_whole(root / JOURNAL, json.dumps(journal, indent=2) + "\n")


def _read_journal(root: Path) -> dict[str, Any] | None:
    try:
        return json.loads(_text_of(root / JOURNAL))
    except FileNotFoundError:
        return None  # settled by another process just now
    except (OSError, ValueError) as error:
        raise ProjectError(
            f"{root / JOURNAL}: cannot read this record of an interrupted codebook change "
            f"({error}); delete it, check that {CODEBOOK} holds the codebook you want, then "
            "run 'hrd-coder import'"
        ) from None


def _swap(root: Path) -> None:
    _write_codebook(root / CODEBOOK, _text_of(root / ASIDE))
    (root / ASIDE).unlink()


def _forget(root: Path) -> None:
    (root / JOURNAL).unlink(missing_ok=True)


def _write_whole(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_codebook(path, text)


def _write_codebook(path: Path, text: str) -> None:
    # Imported here: every open of a project checks for a journal, and the codebook's
    # model and YAML writer are needed only when there is one (issue 15).
    from hrd_coder.codebook.yaml_file import write_codebook

    write_codebook(path, text)


@contextmanager
def _locked(root: Path, *, wait: bool) -> Iterator[bool]:
    """Hold the project's codebook-change lock (yield False if busy and not `wait`). The
    operating system releases it when its process dies, so a killed change never blocks."""
    import fcntl  # POSIX only: imported where a lock is taken, not by every open

    path = root / LOCK
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise ProjectError(
            f"{path}: cannot create it ({error.strerror or error}); codebook changes need to "
            "write in the project folder: check its permissions"
        ) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(descriptor)
