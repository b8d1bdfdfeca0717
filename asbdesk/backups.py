"""Rotated backups of each desk, and restoring one into a new file.

A backup is taken with SQLite's backup API (a consistent copy even while the desk is in
use) when a desk is opened for editing, at most once a day, into a folder of its own
under the user data folder: `backups/<desk name>-<8 hex of its path>/`. Backups older
than the days kept (`settings` key "backup_days", 14 by default) are removed, except the
newest, so there is always one to go back to.

A backup is restored into a new file, never over a desk: the damaged or unwanted desk
stays as it was.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from asbdesk import settings
from asbdesk.desk import DESK_SUFFIX, Desk, copy_database

DEFAULT_DAYS = 14
MIN_DAYS, MAX_DAYS = 1, 365
BACKUP_EVERY = timedelta(days=1)
_STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"-(\d{8}-\d{6})" + re.escape(DESK_SUFFIX) + "$")


@dataclass(frozen=True)
class PlanCount:
    title: str
    actions: int  # the plan's leaves: what officers report on


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    size: int
    plans: tuple[PlanCount, ...] | None  # None: the copy cannot be read (damaged)

    @property
    def good(self) -> bool:
        return self.plans is not None


def keep_days() -> int:
    value = settings.get("backup_days", DEFAULT_DAYS)
    if isinstance(value, int) and not isinstance(value, bool):
        return max(MIN_DAYS, min(MAX_DAYS, value))
    return DEFAULT_DAYS


def set_keep_days(days: int) -> None:
    settings.put("backup_days", max(MIN_DAYS, min(MAX_DAYS, int(days))))


def folder_for(desk_path: Path) -> Path:
    """The backups folder of one desk. The hash of its full path keeps two desks of the
    same name (a copy on a memory stick, say) apart."""
    resolved = Path(desk_path).expanduser().resolve()
    tag = hashlib.sha256(str(resolved).encode("utf-8")).hexdigest()[:8]
    return settings.data_dir() / "backups" / f"{resolved.stem}-{tag}"


def _taken_at(path: Path) -> datetime | None:
    m = _NAME.search(path.name)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1), _STAMP)
    except ValueError:
        return None


def _files(desk_path: Path) -> list[tuple[datetime, Path]]:
    folder = folder_for(desk_path)
    if not folder.is_dir():
        return []
    found = []
    for p in folder.glob(f"*{DESK_SUFFIX}"):
        at = _taken_at(p)
        if at is not None:
            found.append((at, p))
    return sorted(found, reverse=True)


def plan_counts(path: Path) -> tuple[PlanCount, ...] | None:
    """Each plan's title and action count in the desk file at `path`, read-only; None if
    the file is damaged or not a desk."""
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        if con.execute("PRAGMA quick_check(1)").fetchone() != ("ok",):
            return None
        rows = con.execute(
            """
            SELECT p.title,
                   (SELECT count(*) FROM node n
                     WHERE n.plan_id = p.id AND n.deleted_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM node c
                                        WHERE c.parent_id = n.id AND c.deleted_at IS NULL))
              FROM plan p WHERE p.deleted_at IS NULL ORDER BY p.id
            """
        ).fetchall()
    except sqlite3.Error:
        return None
    finally:
        con.close()
    return tuple(PlanCount(str(title), int(n)) for title, n in rows)


def _read_backups(desk_path: Path) -> Iterator[Backup]:
    """The desk's backups, newest first, each read (and checked) as it is reached."""
    for at, p in _files(desk_path):
        try:
            size = p.stat().st_size
        except OSError:
            continue
        yield Backup(p, at, size, plan_counts(p))


def list_backups(desk_path: Path) -> list[Backup]:
    """The desk's backups, newest first, each with its plans (or None when unreadable)."""
    return list(_read_backups(desk_path))


def latest_good(desk_path: Path) -> Backup | None:
    """The newest backup that reads as sound; older ones are not read (each is checked
    whole, which takes a while for a big desk)."""
    return next((b for b in _read_backups(desk_path) if b.good), None)


def back_up_if_due(desk: Desk, now: datetime | None = None) -> Path | None:
    """Back the desk up unless its newest backup is less than a day old; then prune.

    Returns the new backup's path, or None when none was due. Raises OSError or
    sqlite3.Error when the copy cannot be written (the caller says so; the desk is
    untouched either way).
    """
    now = now or datetime.now()
    # One dated in the future (the clock was wrong when it was taken) does not count.
    taken = [at for at, _p in _files(desk.path) if at <= now]
    if taken and now - taken[0] < BACKUP_EVERY:
        return None
    folder = folder_for(desk.path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{desk.path.stem}-{now.strftime(_STAMP)}{DESK_SUFFIX}"
    copy_database(desk.path, target)
    prune(desk.path, now)
    return target


def to_prune(desk_path: Path, now: datetime | None = None, days: int | None = None) -> list[Path]:
    """The backups older than the days kept, the newest aside (it is always kept)."""
    now = now or datetime.now()
    limit = now - timedelta(days=days if days is not None else keep_days())
    return [p for at, p in _files(desk_path)[1:] if at < limit]


def prune(desk_path: Path, now: datetime | None = None, days: int | None = None) -> list[Path]:
    """Remove backups older than the days kept, always keeping the newest. Returns those
    removed."""
    removed = []
    for p in to_prune(desk_path, now, days):
        try:
            p.unlink()
        except OSError:
            continue
        removed.append(p)
    return removed


def restore(backup: Path, target: Path, *, open_desk_path: Path | None = None) -> Path:
    """Copy `backup` into the new file `target`; never over an existing file or the open
    desk. Written whole or not at all (copy_database writes beside it and renames)."""
    target = Path(target).expanduser().resolve()
    if open_desk_path is not None and target == Path(open_desk_path).resolve():
        raise ValueError("Choose a new file: a backup is never restored over the open desk.")
    if target.exists():
        raise ValueError(f"{target.name} already exists. Choose a new file to restore into.")
    if plan_counts(backup) is None:
        raise ValueError(f"The backup {backup.name} is damaged too. Choose an earlier one.")
    copy_database(backup, target)
    return target


def restored_name(desk_path: Path, backup: Backup) -> str:
    """A name for the restored file that says what it is."""
    return f"{desk_path.stem} restored from {backup.taken_at:%Y-%m-%d %H%M}{DESK_SUFFIX}"
