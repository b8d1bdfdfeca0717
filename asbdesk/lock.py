"""One writer per desk: a lock file beside the desk says who has it open for editing.

`Plan.asbdesk` in use has `Plan.asbdesk.lock` beside it, holding who, on which computer,
with which process, since when, and a token of its own. The holder touches the file
(`DeskLock.refresh`) every minute. A lock is stale, and is cleared, when its process is
gone from this computer, or when nobody has touched it for `STALE_AFTER` (the holder was
on another computer, on a shared drive, that crashed or lost the network).

Clearing is safe against two programs clearing at once: the stale file is renamed away
(only one rename of the same file can succeed), then the new lock is created with
O_EXCL, which only one program can do.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asbdesk import __version__
from asbdesk.who import current_user

# The holder refreshes every minute; a quarter of an hour without one means it is gone.
REFRESH_EVERY_S = 60
STALE_AFTER_S = 15 * 60


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as written in the lock file."""

    user: str
    host: str
    pid: int
    since: str  # ISO date and time, local
    token: str = ""

    def describe(self) -> str:
        try:
            when = datetime.fromisoformat(self.since).strftime("%d/%m/%Y at %H:%M")
        except ValueError:
            when = "an unknown time"
        where = "this computer" if self.host == socket.gethostname() else self.host
        return f"{self.user} on {where} (since {when})"


def lock_path(desk: Path) -> Path:
    return desk.with_name(desk.name + ".lock")


_UNKNOWN = Holder(user="someone", host="an unknown computer", pid=0, since="")


def _read_holder(path: Path) -> Holder | None:
    """The holder written in `path`; None if there is no lock file. A file that cannot be
    read as a lock (half-written by a crash) counts as an unknown holder. Raises OSError
    when the file cannot be read now (a network drive gone for a moment)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
        return Holder(
            user=str(data["user"]),
            host=str(data["host"]),
            pid=int(data["pid"]),
            since=str(data["since"]),
            token=str(data.get("token", "")),
        )
    except (ValueError, KeyError, TypeError):
        return _UNKNOWN


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes
        from ctypes import wintypes

        kernel = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        kernel.OpenProcess.restype = wintypes.HANDLE
        kernel.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            # Only "no such process" means gone: another user's process (a shared or
            # remote desktop) refuses us with "access denied", and is alive.
            return bool(ctypes.get_last_error() != 87)  # type: ignore[attr-defined]
        code = wintypes.DWORD()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, alive
    return True


def is_stale(path: Path, holder: Holder, now: float | None = None) -> bool:
    """True when the lock's holder is gone: its process has ended on this computer, or it
    has not refreshed the lock for STALE_AFTER_S. A lock that cannot be read as one (its
    program stopped while writing it, which takes a moment) is stale after a minute."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return True
    age = (now if now is not None else time.time()) - touched
    if age > STALE_AFTER_S or (holder is _UNKNOWN and age > 60):
        return True
    return holder.host == socket.gethostname() and not _process_alive(holder.pid)


def live_holder(desk: Path) -> Holder | None:
    """Who has `desk` open for editing now; None when nobody does (no lock, or a stale
    one, which the next program to open it will clear)."""
    path = lock_path(desk)
    try:
        holder = _read_holder(path)
    except OSError:
        return _UNKNOWN
    if holder is None or is_stale(path, holder):
        return None
    return holder


class DeskLock:
    """This program's hold on one desk for editing."""

    def __init__(self, desk: Path) -> None:
        self.desk = desk
        self.path = lock_path(desk)
        self.holder = Holder(
            user=current_user(),
            host=socket.gethostname(),
            pid=os.getpid(),
            since=datetime.now().isoformat(timespec="seconds"),
            token=uuid.uuid4().hex,
        )
        self.held = False

    def acquire(self) -> Holder | None:
        """Take the lock; returns None when taken, else who holds it. Clears a stale lock.

        Raises OSError when no lock file can be made there (read-only folder).
        """
        for _attempt in range(3):
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                try:
                    other = _read_holder(self.path)
                except OSError:
                    return _UNKNOWN  # there, but unreadable just now: in use
                if other is None:
                    continue  # released between the two calls: try again
                if not is_stale(self.path, other):
                    return other
                self._clear_stale(other)
                continue
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump({**self.holder.__dict__, "program": f"asbdesk {__version__}"}, f)
                    f.flush()
                    os.fsync(f.fileno())
            except BaseException:
                # A full disk: an empty lock would keep everyone out for a quarter hour.
                self.path.unlink(missing_ok=True)
                raise
            self.held = True
            return None
        try:
            return _read_holder(self.path) or _UNKNOWN
        except OSError:
            return _UNKNOWN

    def _clear_stale(self, seen: Holder) -> None:
        aside = self.path.with_name(f"{self.path.name}.stale-{uuid.uuid4().hex[:8]}")
        try:
            self.path.rename(aside)
        except FileNotFoundError:
            return  # another program cleared it first
        # Between reading and renaming, the stale lock may have been replaced by a live one.
        try:
            moved = _read_holder(aside)
        except OSError:
            moved = None
        if moved is not None and moved != seen:
            try:
                os.link(aside, self.path)  # put it back, unless a newer lock is there
            except OSError:
                pass
        aside.unlink(missing_ok=True)

    def still_ours(self) -> bool:
        """False once another program has taken the lock (after ours looked stale)."""
        if not self.held:
            return False
        try:
            current = _read_holder(self.path)
        except OSError:
            return True  # cannot read it just now (network blip): nobody else can either
        return current is not None and current.token == self.holder.token

    def refresh(self) -> bool:
        """Touch the lock so others see it is alive; False if it is no longer ours."""
        if not self.still_ours():
            self.held = False
            return False
        try:
            os.utime(self.path)
        except OSError:
            return True  # cannot touch it now (network blip); it is still ours
        return True

    def release(self) -> None:
        if self.held and self.still_ours():
            self.path.unlink(missing_ok=True)
        self.held = False
