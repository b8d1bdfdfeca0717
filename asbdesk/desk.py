"""Opening a desk: one SQLite file holding any number of plans.

Opening checks the file is a desk, refuses one written by a newer asbdesk, takes a copy
before migrating an older one, and runs the Alembic migrations in `db/`. Connections use
WAL and foreign keys, and every change goes through `Desk.transaction()`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from asbdesk import paths

DESK_SUFFIX = ".asbdesk"
_SQLITE_MAGIC = b"SQLite format 3\x00"


class DeskError(Exception):
    """A problem with a desk file that the user can act on; the message says what to do."""


class DeskTooNewError(DeskError):
    pass


class NotADeskError(DeskError):
    pass


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.db_dir()))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "db/versions holds no migration"
    return head


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # FULL makes each commit survive power loss. WAL is set once the file is known to be a
    # desk (`open_desk`): it is written into the file, and another program's must not change.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    return engine


class Desk:
    """An open desk file."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: committed whole when the block ends, rolled back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()

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
            "Open a .asbdesk file, or use File ▸ New desk."
        )


def _backup_copy(path: Path, revision: str | None) -> Path:
    """A copy of the file taken with SQLite's backup API, so a failed migration loses nothing."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(
        f"{path.stem}.before-migration-{revision or 'none'}-{stamp}{path.suffix}"
    )
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
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

    engine = make_engine(path)
    try:
        _migrate(path, engine)
        with engine.connect() as conn:
            # WAL keeps the window's reads and a save apart, and survives a crash mid-write.
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    except DeskError:
        engine.dispose()
        raise
    except (OperationalError, DatabaseError) as exc:
        engine.dispose()
        raise DeskError(f"{path.name} could not be opened: {exc.orig}") from exc
    return Desk(path, engine)


def _migrate(path: Path, engine: Engine) -> None:
    head = head_revision()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    if current is None and tables - {"alembic_version"}:
        raise NotADeskError(
            f"{path.name} is a database, but not an asbdesk desk. "
            "Open a .asbdesk file, or use File ▸ New desk."
        )
    if current is not None and current not in _known_revisions():
        raise DeskTooNewError(
            f"{path.name} was saved by a newer version of asbdesk (schema {current}). "
            "Install the newer asbdesk to open it; this copy has not changed it."
        )
    if current == head:
        return
    if current is not None:
        _backup_copy(path, current)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
