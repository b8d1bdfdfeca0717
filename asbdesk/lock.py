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


def _read_holder(path: Path) -> Holder | None:
    """The holder written in `path`; None if there is no lock file. A file that cannot be
    read as a lock (half-written by a crash) counts as an unknown holder."""
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
        return Holder(user="someone", host="an unknown computer", pid=0, since="")


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
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
    has not refreshed the lock for STALE_AFTER_S."""
    try:
        touched = path.stat().st_mtime
    except FileNotFoundError:
        return True
    if (now if now is not None else time.time()) - touched > STALE_AFTER_S:
        return True
    return holder.host == socket.gethostname() and not _process_alive(holder.pid)


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
                other = _read_holder(self.path)
                if other is None:
                    continue  # released between the two calls: try again
                if not is_stale(self.path, other):
                    return other
                self._clear_stale(other)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({**self.holder.__dict__, "program": f"asbdesk {__version__}"}, f)
                f.flush()
                os.fsync(f.fileno())
            self.held = True
            return None
        other = _read_holder(self.path)
        return other or Holder(user="someone", host="an unknown computer", pid=0, since="")

    def _clear_stale(self, seen: Holder) -> None:
        aside = self.path.with_name(f"{self.path.name}.stale-{uuid.uuid4().hex[:8]}")
        try:
            self.path.rename(aside)
        except FileNotFoundError:
            return  # another program cleared it first
        # Between reading and renaming, the stale lock may have been replaced by a live one.
        if _read_holder(aside) != seen:
            if not self.path.exists():
                aside.rename(self.path)  # put it back: it is someone's new, live lock
            return
        aside.unlink(missing_ok=True)

    def still_ours(self) -> bool:
        """False once another program has taken the lock (after ours looked stale)."""
        if not self.held:
            return False
        current = _read_holder(self.path)
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
