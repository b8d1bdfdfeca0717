"""Who is making changes, for the created / updated stamps and as an update's author."""

from __future__ import annotations

import getpass

_who: str | None = None


def current_user() -> str:
    """The name set with `set_current_user`, else the login name."""
    if _who:
        return _who
    try:
        return getpass.getuser()
    except Exception:  # no login name in some sandboxes; stamps still need a value
        return "unknown"


def set_current_user(name: str | None) -> None:
    global _who
    _who = name or None
