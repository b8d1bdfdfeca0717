"""Opening a desk: one SQLite file holding any number of plans.

Opening checks the file is a desk, refuses one written by a newer asbdesk, takes a copy
before migrating an older one, and runs the Alembic migrations in `db/`. Connections use
WAL and foreign keys, and every change goes through `Desk.transaction()`.

Reading an up-to-date desk needs only the standard library's sqlite3: SQLAlchemy and
Alembic are imported when the first change is written or a migration is due. Importing
them costs more than showing the window, so the plan is on screen before they load.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asbdesk import paths

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

DESK_SUFFIX = ".asbdesk"
_SQLITE_MAGIC = b"SQLite format 3\x00"

# The schema revisions this program knows, oldest first; the last is what it writes.
# tests/test_desk.py checks these against the migrations in db/versions.
KNOWN_REVISIONS = ("0001", "0002", "0003")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]


class DeskError(Exception):
    """A problem with a desk file that the user can act on; the message says what to do."""


class DeskTooNewError(DeskError):
    pass


class NotADeskError(DeskError):
    pass


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.db_dir()))
    return cfg


def head_revision() -> str:
    """The newest revision in db/versions, as Alembic sees it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "db/versions holds no migration"
    return head


def _on_connect(dbapi_connection: Any, _record: Any = None) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # FULL makes each commit survive power loss. WAL is set once the file is known to be a
    # desk (`open_desk`): it is written into the file, and another program's must not change.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}")

    def connect(dbapi_connection: Any, record: Any) -> None:
        # Python's sqlite3 starts transactions only before INSERT, UPDATE and DELETE, so a
        # migration's CREATE and DROP would commit one by one. SQLAlchemy's recipe: let
        # the driver autocommit and say BEGIN ourselves, so every transaction is whole.
        dbapi_connection.isolation_level = None
        _on_connect(dbapi_connection, record)

    event.listen(engine, "connect", connect)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    return engine


class Desk:
    """An open desk file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._reader: sqlite3.Connection | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.path)
        return self._engine

    def session(self) -> Session:
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole when the block ends, rolled back on error."""
        with self.session() as session, session.begin():
            yield session

    @property
    def reader(self) -> sqlite3.Connection:
        """A plain sqlite3 connection for the window's reads (fast, and no ORM to load).

        In autocommit mode, so each read sees the latest committed change.
        """
        if self._reader is None:
            self._reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            _on_connect(self._reader)
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_header(path: Path) -> None:
    with path.open("rb") as f:
        head = f.read(len(_SQLITE_MAGIC))
    if head and head != _SQLITE_MAGIC:
        raise NotADeskError(
            f"{path.name} is not an asbdesk desk (it is not a database file). "
            "Open a .asbdesk file instead."
        )


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a desk with SQLite's backup API, safe while the desk is in use.

    Written beside the target first and renamed into place, so a failed copy never leaves
    a half-written file under the target's name.
    """
    if target.resolve() == source.resolve():
        raise ValueError("Choose a different file: that is the desk itself.")
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    part.replace(target)


def _backup_copy(path: Path, revision: str | None) -> Path:
    """The copy taken before a migration, so a failed migration loses nothing."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(
        f"{path.stem}.before-migration-{revision or 'none'}-{stamp}{path.suffix}"
    )
    copy_database(path, target)
    return target


def open_desk(path: str | Path, *, create: bool = True) -> Desk:
    """Open (or create) the desk at `path`, migrated to this program's schema."""
    path = Path(path).expanduser().resolve()
    if path.exists():
        if path.is_dir():
            raise DeskError(f"{path} is a folder, not a desk file.")
        _check_header(path)
    elif not create:
        raise DeskError(f"There is no desk at {path}.")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        current = _schema_revision(path)
        if current != SCHEMA_HEAD:
            if current is not None:
                _backup_copy(path, current)
            _upgrade(path)
        con = sqlite3.connect(path)
        try:
            # WAL keeps the window's reads and a save apart, and survives a crash mid-write.
            con.execute("PRAGMA journal_mode=WAL")
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DeskError(f"{path.name} could not be opened: {exc}") from exc
    return Desk(path)


def _schema_revision(path: Path) -> str | None:
    """The desk's schema revision; None for a new, empty file. Refuses what is not a desk."""
    # mode=rw: never creates the file. Reading writes nothing to another program's database;
    # (read-only mode would leave -wal and -shm files beside a desk in WAL mode).
    uri = f"{path.as_uri()}?mode=rw"
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.OperationalError:
        return None  # the file does not exist yet
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            if tables:
                raise NotADeskError(
                    f"{path.name} is a database, but not an asbdesk desk. "
                    "Open a .asbdesk file instead."
                )
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    current = row[0] if row else None
    if current is not None and current not in KNOWN_REVISIONS:
        raise DeskTooNewError(
            f"{path.name} was saved by a newer version of asbdesk (schema {current}). "
            "Install the newer asbdesk to open it; this copy has not changed it."
        )
    return current


def _upgrade(path: Path) -> None:
    from alembic import command
    from sqlalchemy.exc import DBAPIError

    engine = make_engine(path)
    try:
        cfg = _alembic_config()
        with engine.connect() as conn:
            # Batch migrations rebuild a table by dropping the old one: with foreign keys
            # on, that drop would cascade to every row that points at it. They are off for
            # the migration (set outside any transaction, where SQLite honours it) and
            # checked before it commits.
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute("PRAGMA foreign_keys=OFF")
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DeskError(
                        f"{path.name} could not be brought up to date: the new schema would "
                        f"leave {len(broken)} broken links. The desk has not been changed."
                    )
    except DBAPIError as exc:
        raise DeskError(f"{path.name} could not be brought up to date: {exc.orig}") from exc
    finally:
        engine.dispose()
