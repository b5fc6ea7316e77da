"""Another copy's database, read without writing to it, and the rows a merge adds here.

A copy is a coder's offline hrd-coder database (a file or URL); services/merging.py
decides what of it to take.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Engine, Table, create_engine, inspect, select
from sqlalchemy.exc import DatabaseError

from hrd_coder.problems import ProjectError
from hrd_coder.safe_text import safe_text
from hrd_coder.storage import core_tables
from hrd_coder.storage.database import Database
from hrd_coder.storage.foreign_guids import read_foreign_guids
from hrd_coder.storage.schema import known_revisions, stored_revision

Held = Literal["coding", "document_memo", "decision"]
TABLES: dict[str, Table] = {
    "coding": core_tables.CODING,
    "document_memo": core_tables.DOCUMENT_MEMO,
    "decision": core_tables.DECISION,
}
CODERS: Table = core_tables.CODER
EVENTS: Table = core_tables.EVENT
Read = TypeVar("Read")


def read_copy(other: str, read: Callable[[Connection], Read]) -> Read:
    """Run `read` on the copy at `other`, opened read-only (a merge must never change, or
    upgrade, the copy it reads from) after checking its schema is one we know."""
    engine = _engine_for(other)
    try:
        with engine.connect() as conn:
            _check_revision(conn, other)
            return read(conn)
    except DatabaseError as error:
        raise ProjectError(
            f"cannot read {other} as an hrd-coder database ({error.orig}): give the "
            "project.sqlite file of the other copy (in its .hrd_coder folder) or a URL"
        ) from None
    except (ValueError, TypeError) as error:  # SQLite keeps any value in any column
        raise ProjectError(
            f"{other}: a row holds a value its column cannot ({safe_text(error, limit=120)}); "
            "the copy was changed outside hrd-coder: restore it from a backup, or merge "
            "the coder's codings as a file ('codings list' there, 'codings load' here)"
        ) from None
    finally:
        engine.dispose()


def _engine_for(other: str) -> Engine:
    if other.startswith("sqlite:"):  # a file either way: opened read-only below
        other = other.split(":///", 1)[-1]
    elif "://" in other:  # the same URL handling (and driver advice) as our own database
        return Database(other).engine
    path = Path(other)
    if not path.is_file():
        raise ProjectError(f"{other}: no such database file (give the other copy's project.sqlite)")
    return create_engine(f"sqlite:///file:{path.resolve()}?mode=ro&uri=true")


def _check_revision(conn: Connection, other: str) -> None:
    revision = stored_revision(conn)
    if revision is None or revision not in known_revisions():
        raise ProjectError(
            f"{other} is not an hrd-coder database this version can read "
            f"(schema {revision or 'missing'}): give the project.sqlite of a copy made "
            "with hrd-coder, or upgrade hrd-coder if a newer one wrote it"
        )


def rows(conn: Connection, held: Held, coder: str | None = None) -> list[dict[str, Any]]:
    """Every coding, memo or decision (a coder's only, when given), as plain dicts."""
    table = TABLES[held]
    query = table.select() if coder is None else table.select().where(table.c.coder == coder)
    return [dict(row) for row in conn.execute(query).mappings()]


def coder_names(conn: Connection) -> list[str]:
    """Every coder row's name (the consensus layer's too)."""
    return list(conn.execute(select(CODERS.c.name)).scalars())


def ever_removed(conn: Connection) -> set[str]:
    """The ids of codings a 'coding.remove' event names (some may have been put back)."""
    query = select(EVENTS.c.entity_id).where(EVENTS.c.action == "coding.remove")
    return set(conn.execute(query).scalars())


def foreign_guids_of_copy(conn: Connection) -> dict[tuple[str, str], str]:
    """The copy's GUIDs from imported files (none in a copy from before schema 0005)."""
    return read_foreign_guids(conn) if inspect(conn).has_table("foreign_guid") else {}


def add_coders(conn: Connection, names: Iterable[str]) -> None:
    """Add coders with the default role (the caller records the events)."""
    for name in names:
        conn.execute(CODERS.insert().values(name=name, created_at=core_tables.utc_now()))


def add_rows(conn: Connection, held: Held, new: Sequence[dict[str, Any]]) -> None:
    """Insert whole rows taken from the copy (the caller records the events)."""
    if new:
        conn.execute(TABLES[held].insert(), list(new))


def replace_coding(conn: Connection, row: dict[str, Any]) -> None:
    """Overwrite our coding with the copy's version (same id)."""
    codings = TABLES["coding"]
    conn.execute(codings.update().where(codings.c.id == row["id"]).values(**row))


def replace_memo_text(conn: Connection, row: dict[str, Any]) -> None:
    """Take the copy's text (and time) of a coder's memo on a document."""
    memos = TABLES["document_memo"]
    conn.execute(
        memos.update()
        .where((memos.c.document_id == row["document_id"]) & (memos.c.coder == row["coder"]))
        .values(text=row["text"], updated_at=row["updated_at"])
    )


def ids(conn: Connection, held: Held) -> set[str]:
    """The ids of every coding or decision here."""
    return set(conn.execute(select(TABLES[held].c.id)).scalars())
