"""Engine set-up: SQLite in the project by default, any SQLAlchemy URL for teams."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from hrd_coder.problems import ProjectError

if TYPE_CHECKING:
    from hrd_coder.storage.schema import Upgrade

DB_ENV = "HRD_CODER_DB"
DEFAULT_DB = Path(".hrd_coder") / "project.sqlite"
BUSY_TIMEOUT_MS = 15_000
# A write that finds the database busy (a long import, a merge) waits its turn for this long
# in all, trying again every busy timeout, before it gives up with a plain message: a coder's
# write queues behind an import rather than fail (docs/storage.md).
WRITE_WAIT_SECONDS = 600
FIRST_PAUSE = 0.05  # seconds between those tries, doubling up to 2 s
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database
# Every hrd_coder database has one of these (`setting` alone before migrations existed).
OUR_MARK_TABLES = {"alembic_version", "setting"}
# SQLite's quick_check reads the whole file, ~3 ms per MB here (the demo's 1 MB: 8 ms with
# the connection; 200 MB: 0.6 s): done on every open up to this size, where it is cheap.
# A larger file gets the header and table checks only (docs/limits.md says how to check it).
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
_CHECKED: dict[tuple, set[str]] = {}  # files (and their -wal) this process found sound


def database_url(project_root: Path, url: str | None = None) -> str:
    """The URL to use: explicit, else $HRD_CODER_DB, else the SQLite file in the project."""
    chosen = url or os.environ.get(DB_ENV)
    if chosen:
        return chosen
    return f"sqlite:///{(project_root / DEFAULT_DB).resolve()}"


class Database:
    """One engine; short transactions for reading and for writing."""

    def __init__(self, url: str, create: bool = True):
        """`create`: make a new database if there is none (else refuse: for read-only use)."""
        try:
            self.url = make_url(url)
            if self.url.drivername in ("postgresql", "postgres"):
                # Plain postgresql:// would mean psycopg2; we ship psycopg 3.
                self.url = self.url.set(drivername="postgresql+psycopg")
            self.engine: Engine = create_engine(self.url)
        except ArgumentError:
            raise ProjectError(
                f"'{url}' is not a database URL: write e.g. "
                "sqlite:///path/to/file.sqlite or "
                "postgresql+psycopg://user@host/dbname"
            ) from None
        except (NoSuchModuleError, ModuleNotFoundError) as error:
            raise ProjectError(
                f"cannot use '{self.url.drivername}' databases ({error}): for "
                "PostgreSQL install the driver with "
                "pip install 'hrd-coder[postgres]'"
            ) from None
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.may_create = create
        self.upgrade: Upgrade | None = None
        # The SQLite file this engine writes to, and its identity (device, inode) when
        # opened: a file deleted or replaced under an open project is noticed, not refilled.
        self.file: Path | None = None
        self._identity: tuple[int, int] | None = None
        # Told (from the waiting thread) when a write starts waiting past the busy timeout,
        # so a screen can say why nothing happens yet.
        self.when_busy: Callable[[], None] | None = None
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            self.file = Path(self.url.database)
            if not create and _is_missing(self.file):
                raise ProjectError(missing_database_message(str(self.file)))
            check_sqlite_file(self.file)
            _create_private_file(self.file)
            self._identity = _identity(self.file)
        if self.is_sqlite:
            _tune_sqlite(self.engine)

    def create_schema(self) -> Upgrade | None:
        """Create a new database or upgrade an older one (after a backup); say which."""
        from hrd_coder.storage.schema import prepare_schema, schema_is_current, stored_revision

        if schema_is_current(self):  # the usual case: one query, no Alembic import
            self.upgrade = None
            return None
        if not self.may_create:
            with self.reading() as conn:
                if stored_revision(conn) is None:  # an empty file or server database
                    raise ProjectError(
                        missing_database_message(self.url.render_as_string(hide_password=True))
                    )
        self.upgrade = prepare_schema(self)
        return self.upgrade

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for reads (its transaction is rolled back at the end)."""
        self.require_same_file()
        with _plain_when_busy(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One committed transaction: everything inside is saved together or not at all.

        When another program is writing (a long import), this waits its turn, up to
        WRITE_WAIT_SECONDS, rather than fail; then it gives up with a plain message."""
        self.require_same_file()
        with _plain_when_busy(), self._write_transaction() as conn:
            yield conn
        # Committed, but into the file that is no longer the project's: say so, never "saved".
        self.require_same_file(committed=True)

    @contextmanager
    def _write_transaction(self) -> Iterator[Connection]:
        """A connection in a write transaction (begun once the database is free), committed
        at the end of the block or rolled back if it raises."""
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        pause = FIRST_PAUSE
        while True:
            conn = self.engine.connect()
            conn.execution_options(hrd_write=True)
            try:
                # SQLite takes the write lock here (BEGIN IMMEDIATE), before any of the
                # caller's statements have run, so trying again repeats nothing.
                transaction = conn.begin()
            except OperationalError as error:
                conn.close()
                if not is_busy(error) or time.monotonic() + pause > deadline:
                    raise
                if pause == FIRST_PAUSE and self.when_busy is not None:
                    self.when_busy()
                time.sleep(pause)
                pause = min(pause * 2, 2.0)
                continue
            break
        with conn, transaction:
            yield conn

    def file_problem(self) -> str | None:
        """Why this project's SQLite file is no longer the one opened (deleted, or replaced
        by another file), or None while it is."""
        if self.file is None or self._identity is None:
            return None
        now = _identity(self.file)
        if now == self._identity:
            return None
        what = "deleted" if now is None else "replaced by another file"
        return (
            f"the project database {self.file} was {what} while this program had it open. "
            "Stop here: anything saved from now on would not reach the project. Restore the "
            "file if you can (a copy made before a schema upgrade sits beside it, named "
            f"{self.file.stem}.before-*{self.file.suffix}), or start again with "
            "'hrd-coder import'"
        )

    def require_same_file(self, committed: bool = False) -> None:
        """Refuse to read or write through a file deleted or replaced under us."""
        problem = self.file_problem()
        if problem is None:
            return
        if committed:
            problem = f"not saved to the project: {problem}"
        raise DatabaseGone(problem)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()


class DatabaseGone(ProjectError):
    """The project's database file was deleted or replaced while it was open."""


def missing_database_message(where: str) -> str:
    return f"no project database at {where}: run `hrd-coder import` first"


def is_busy(error: OperationalError) -> bool:
    """SQLite's "database is locked" (or "busy"): another connection holds the write lock."""
    text = str(error.orig).lower()
    return "database is locked" in text or "database is busy" in text


@contextmanager
def _plain_when_busy() -> Iterator[None]:
    """A database still locked after the wait becomes a plain message, never a raw
    OperationalError (the CLI and the workbench both show ProjectError messages)."""
    try:
        yield
    except OperationalError as error:
        if not is_busy(error):
            raise
        raise ProjectError(
            "the project database is busy: another program (an import, a merge or a load) "
            f"kept it locked for over {WRITE_WAIT_SECONDS // 60} minutes; this action changed "
            "nothing. Try again when that program has finished"
        ) from None


def _is_missing(path: Path) -> bool:
    """No database there yet: no file, or the empty file a new database starts as."""
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False  # e.g. a path under a file: check_sqlite_file says what is wrong


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or a damaged one, before any connection
    of ours opens it: ours switch the journal to WAL, which writes to the file."""
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return  # a new database
    except OSError as error:
        raise ProjectError(
            f"cannot open the database {path}: {error.strerror or error}; give the "
            "project's .hrd_coder/project.sqlite, or a new file name, with --db"
        ) from None
    if not header:
        return  # an empty file is a new database (we create one that way)
    if header != SQLITE_HEADER:
        raise ProjectError(
            f"{path} is not an hrd_coder database (not an SQLite file); nothing was "
            "written to it. Give the project's .hrd_coder/project.sqlite, or a new file "
            "name, with --db"
        )
    damage, tables = _read_only_look(path, full=path.stat().st_size <= QUICK_CHECK_MAX_BYTES)
    if damage:
        raise ProjectError(
            f"the database {path} is damaged (SQLite's quick_check: {damage}); nothing was "
            "read from it. Keep the damaged file and restore the latest backup copy (the "
            "copies hrd-coder makes before a schema upgrade sit beside it, named "
            f"{path.stem}.before-*{path.suffix}), or rescue what is readable with: "
            f"sqlite3 {path} .recover | sqlite3 recovered{path.suffix}"
        )
    if tables and not tables & OUR_MARK_TABLES:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise ProjectError(
            f"{path} is not an hrd_coder database (it holds other tables: {shown}); nothing "
            "was written to it. Give the project's .hrd_coder/project.sqlite, or a new file "
            "name, with --db"
        )


def _read_only_look(path: Path, full: bool) -> tuple[str | None, set[str]]:
    """Read-only: SQLite's quick_check of every page and index when `full` (the first
    problem found, or None), and the table names. Unchanged files already checked by this
    process are not checked again."""
    seen = (str(path.resolve()), *_size_and_time(path), *_size_and_time(Path(f"{path}-wal")))
    if seen in _CHECKED:
        return None, _CHECKED[seen]
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        return str(error), set()
    try:
        first = connection.execute("PRAGMA quick_check(1)").fetchone()[0] if full else "ok"
        if first != "ok":  # e.g. "*** in database main ***\nOn tree page 114 cell 3: ..."
            lines = str(first).splitlines()
            return " ".join(line for line in lines if not line.startswith("***")), set()
        names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = {name for (name,) in names}
    except sqlite3.DatabaseError as error:
        return str(error), set()
    finally:
        connection.close()
    if full:
        _CHECKED[seen] = tables
    return None, tables


def _size_and_time(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return -1, -1
    return stat.st_size, stat.st_mtime_ns


def _create_private_file(path: Path) -> None:
    """Coders' words are research data: a new database is readable by its owner only.
    (SQLite gives its -wal and -shm files the same permissions as the database.)"""
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process created it first
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _tune_sqlite(engine: Engine) -> None:
    """WAL (readers never block the writer), foreign keys, a busy timeout, and
    BEGIN IMMEDIATE for writes so two writers queue instead of failing mid-transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode loses nothing when a process dies; only an OS crash or
        # power cut can drop the last transactions (see docs/storage.md).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("hrd_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
