"""Opening a desk: one SQLite file holding any number of plans.

Opening checks the file is a desk, refuses one written by a newer asbdesk, takes a copy
before migrating an older one, and runs the Alembic migrations in `db/`. Connections use
WAL and foreign keys, and every change goes through `Desk.transaction()`.

Reading an up-to-date desk needs only the standard library's sqlite3: SQLAlchemy and
Alembic are imported when the first change is written or a migration is due. Importing
them costs more than showing the window, so the plan is on screen before they load.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from asbdesk import paths
from asbdesk.lock import DeskLock, Holder

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

DESK_SUFFIX = ".asbdesk"
_SQLITE_MAGIC = b"SQLite format 3\x00"

# The schema revisions this program knows, oldest first; the last is what it writes.
# tests/test_desk.py checks these against the migrations in db/versions.
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]


def desk_file(path: str | Path) -> Path:
    """`path` as a desk's file: with .asbdesk added when a save dialog left it off."""
    path = Path(path)
    return path if path.suffix == DESK_SUFFIX else path.with_name(path.name + DESK_SUFFIX)


class DeskError(Exception):
    """A problem with a desk file that the user can act on; the message says what to do."""


class DeskTooNewError(DeskError):
    pass


class NotADeskError(DeskError):
    pass


class DeskReadOnlyError(DeskError):
    """A change asked of a desk opened read-only."""


class DeskInUseError(DeskError):
    """Another asbdesk has the desk open for editing."""

    def __init__(self, path: Path, holder: Holder) -> None:
        self.path = path
        self.holder = holder
        super().__init__(
            f"{path.name} is open for editing by {holder.describe()}. Only one person "
            "can change a desk at a time."
        )


class DeskDamagedError(DeskError):
    """The file is a desk, but SQLite finds it damaged."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        super().__init__(
            f"{path.name} is damaged and cannot be opened safely (SQLite says: {detail}). "
            "It has not been changed."
        )


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


def sqlite_uri(path: Path, query: str = "") -> str:
    """`path` as an SQLite URI (names with %, ? or # stay as they are). A Windows network
    path (\\\\server\\share) gets four slashes, file:////server/share/…: SQLite refuses a
    URI that names a host."""
    uri = path.as_uri()
    if uri.startswith("file://") and not uri.startswith("file:///"):
        uri = "file:////" + uri[len("file://") :]
    return f"{uri}?{query}" if query else uri


def make_engine(path: Path, *, uri: str | None = None) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import QueuePool

    target = uri or sqlite_uri(path)
    # The connection is made here, not from a URL SQLAlchemy would read: it decodes %XX
    # and splits at ?, so "Plan%41.asbdesk" or "a?b.asbdesk" would open another file.
    engine = create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(target, uri=True, check_same_thread=False),
        poolclass=QueuePool,
    )

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
    """An open desk file.

    `read_only` desks (in use by another asbdesk, or on media that cannot be written) read
    as usual and refuse every change with DeskReadOnlyError; `read_only_reason` says why.
    `lock` is this program's hold on the desk for editing, when it took one.
    """

    def __init__(
        self,
        path: Path,
        *,
        read_only_reason: str | None = None,
        immutable: bool = False,
        lock: DeskLock | None = None,
    ) -> None:
        self.path = path
        self.read_only_reason = read_only_reason
        self._immutable = immutable
        self.lock = lock
        self.can_retry = False  # read-only because in use: editing may be tried again
        self.checked = True  # False: too big to check at open; the window checks it later
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._reader: sqlite3.Connection | None = None

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def uri(self) -> str:
        """The file as an SQLite URI; read-only desks are opened mode=ro (immutable on
        read-only media, where SQLite cannot make the WAL's shared-memory file)."""
        query = "mode=ro&immutable=1" if self._immutable else "mode=ro" if self.read_only else ""
        return sqlite_uri(self.path, query)

    def reading_uri(self) -> str:
        """The file as a URI that can only read it (for checks on another connection)."""
        return self.uri() if self.read_only else sqlite_uri(self.path, "mode=ro")

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if self.read_only:
                self._engine = make_engine(self.path, uri=self.uri())
            else:
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
        self.check_writable()
        with self.session() as session, session.begin():
            yield session

    def check_writable(self) -> None:
        """Raises DeskReadOnlyError, saying why, when no change may be written."""
        if self.read_only_reason is not None:
            raise DeskReadOnlyError(f"Nothing was saved: {self.read_only_reason}")
        if self.lock is not None and not self.lock.still_ours():
            self.read_only_reason = (
                f"{self.path.name} was taken over by another asbdesk while this one was "
                "not heard from (the computer was asleep, or the network was lost)."
            )
            raise DeskReadOnlyError(f"Nothing was saved: {self.read_only_reason}")

    @property
    def reader(self) -> sqlite3.Connection:
        """A plain sqlite3 connection for the window's reads (fast, and no ORM to load).

        In autocommit mode, so each read sees the latest committed change.
        """
        if self._reader is None:
            self._reader = sqlite3.connect(
                self.uri(), isolation_level=None, check_same_thread=False, uri=True
            )
            _on_connect(self._reader)
        return self._reader

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None
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


def copy_database(source: Path, target: Path, *, source_uri: str | None = None) -> None:
    """A consistent copy of a desk with SQLite's backup API, safe while the desk is in use.

    Written beside the target first and renamed into place, so a failed copy never leaves
    a half-written file under the target's name. `source_uri` reads the source another way
    (read-only, from read-only media: `Desk.reading_uri`).
    """
    if target.resolve() == source.resolve():
        raise ValueError("Choose a different file: that is the desk itself.")
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(source_uri or sqlite_uri(source), uri=True)
        try:
            dst = sqlite3.connect(part)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)  # a full disk leaves no half-written copy behind
        raise


def _backup_copy(path: Path, revision: str | None) -> Path:
    """The copy taken before a migration, so a failed migration loses nothing."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(
        f"{path.stem}.before-migration-{revision or 'none'}-{stamp}{path.suffix}"
    )
    copy_database(path, target)
    return target


# Checking a desk at open reads all of it: about 5 ms a megabyte. Above this size the
# window opens first and checks in the background (`Desk.checked` says which).
CHECK_AT_OPEN_MAX_BYTES = 16 * 1024 * 1024


def open_desk(
    path: str | Path,
    *,
    create: bool = True,
    lock: bool = False,
    read_only: bool = False,
    check: bool | None = None,
) -> Desk:
    """Open (or create) the desk at `path`, migrated to this program's schema.

    `lock`: hold the desk for editing; raises DeskInUseError when another asbdesk does.
    `read_only`: open it to look at only. A desk that cannot be written here (read-only
    media, a file or folder without write permission) opens read-only whatever is asked,
    with `Desk.read_only_reason` saying so. The file is checked with SQLite's quick_check
    (`check`; by default when it is at most CHECK_AT_OPEN_MAX_BYTES); a damaged one raises
    DeskDamagedError.
    """
    path = Path(path).expanduser().resolve()
    if path.exists():
        if path.is_dir():
            raise DeskError(f"{path} is a folder, not a desk file.")
        _check_header(path)
    elif not create:
        raise DeskError(f"There is no desk at {path}.")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeskError(f"A desk cannot be made in {path.parent}: {exc.strerror}.") from exc
    writable = _can_write(path)
    if not writable and not path.exists():
        raise DeskError(f"A desk cannot be made in {path.parent}: it is read-only.")
    if check is None:
        check = not path.exists() or path.stat().st_size <= CHECK_AT_OPEN_MAX_BYTES
    reason = None if writable else _read_only_media(path)
    if reason is not None or read_only:
        return _open_read_only(path, reason or "it is open read-only.", check)
    holder: DeskLock | None = None
    if lock:
        holder = DeskLock(path)
        try:
            other = holder.acquire()
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                return _open_read_only(path, _read_only_media(path), check)
            raise DeskError(
                f"{path.name} could not be opened for editing: the lock file beside it "
                f"could not be written ({exc.strerror or exc}). Check the disk or the "
                "connection to the drive, and try again."
            ) from exc
        if other is not None:
            raise DeskInUseError(path, other)
    try:
        try:
            current = _schema_revision(path)
            if current != SCHEMA_HEAD:
                if current is not None:
                    _check_integrity(path, sqlite_uri(path, "mode=ro"))
                    _backup_copy(path, current)
                _upgrade(path)
            con = sqlite3.connect(path)
            try:
                # WAL keeps the window's reads and a save apart, and survives a crash
                # mid-write.
                con.execute("PRAGMA journal_mode=WAL")
            finally:
                con.close()
            if check:
                _check_integrity(path, sqlite_uri(path))
        except sqlite3.DatabaseError as exc:
            raise _damaged_or(path, exc) from exc
    except BaseException:
        if holder is not None:
            holder.release()
        raise
    desk = Desk(path, lock=holder)
    desk.checked = check
    return desk


def _folder_writable(folder: Path) -> bool:
    """Whether a file can be made in `folder`, found by making one: os.access says yes to
    any folder on Windows, and to root on Linux, read-only media aside."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".asbdesk-probe-"):
            return True
    except OSError:
        return False


def _can_write(path: Path) -> bool:
    """Whether SQLite can write the desk here: the file, and the folder for its WAL files."""
    return _folder_writable(path.parent) and (not path.exists() or os.access(path, os.W_OK))


def _read_only_media(path: Path) -> str:
    return (
        f"{path.name} is on a disk or folder that cannot be written to here (read-only "
        "media, or no permission), so it is open read-only. To change it, save a copy "
        "somewhere you can write to (File ▸ Save a copy as…) and open that."
    )


def _open_read_only(path: Path, reason: str, check: bool) -> Desk:
    if not path.exists():
        raise DeskError(f"There is no desk at {path}.")
    # Without the WAL's shared-memory file, which a read-only folder cannot hold, SQLite
    # reads the file as it stands ("immutable"); with it, it reads the latest commit.
    shm = path.with_name(path.name + "-shm")
    immutable = not shm.exists() and not _folder_writable(path.parent)
    desk = Desk(path, read_only_reason=reason, immutable=immutable)
    try:
        current = _schema_revision(path, uri=desk.uri())
        if current != SCHEMA_HEAD:
            desk.close()
            raise DeskError(
                f"{path.name} was saved by an earlier asbdesk and must be brought up to "
                "date before it can be opened, which cannot be done where it is (it is "
                "read-only here). Copy it somewhere you can write to and open the copy."
            )
        if check:
            _check_integrity(path, desk.uri())
    except sqlite3.DatabaseError as exc:
        desk.close()
        raise _damaged_or(path, exc) from exc
    desk.checked = check
    return desk


def integrity_problem(uri: str) -> str | None:
    """What SQLite's quick_check (every page and record, not the indexes' contents) finds
    wrong with the database at `uri`; None when it is sound. Safe to call from a thread."""
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows != ["ok"]:
        return str(rows[0]) if rows else "no answer from the check"
    return None


def _check_integrity(path: Path, uri: str) -> None:
    problem = integrity_problem(uri)
    if problem is not None:
        raise DeskDamagedError(path, problem)


def _damaged_or(path: Path, exc: sqlite3.DatabaseError) -> DeskError:
    text = str(exc)
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return DeskDamagedError(path, text)
    if "locked" in text or "busy" in text:
        return DeskError(
            f"{path.name} is busy: another program is writing to it. Try again in a moment."
        )
    return DeskError(f"{path.name} could not be opened: {text}")


def _schema_revision(path: Path, uri: str | None = None) -> str | None:
    """The desk's schema revision; None for a new, empty file. Refuses what is not a desk."""
    # mode=rw: never creates the file. Reading writes nothing to another program's database;
    # (read-only mode would leave -wal and -shm files beside a desk in WAL mode).
    uri = uri or sqlite_uri(path, "mode=rw")
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
