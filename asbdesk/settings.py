"""Where desks live by default, and the recent-desks list (a small JSON file, no Qt).

Kept outside Qt's QSettings so the command line and tests read the same list the
window writes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

from asbdesk import APP_NAME

MAX_RECENT = 8


def data_dir() -> Path:
    override = os.environ.get("ASBDESK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    override = os.environ.get("ASBDESK_CONFIG_DIR")
    base = (
        Path(override)
        if override
        else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    )
    return base / "settings.json"


def demo_desk_path() -> Path:
    return data_dir() / "demo.asbdesk"


def default_new_desk_path() -> Path:
    return data_dir() / "My plans.asbdesk"


def _read() -> dict[str, object]:
    try:
        data = json.loads(config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(data: dict[str, object]) -> None:
    path = config_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only profile must not stop anyone working; the list is a convenience


def recent_desks() -> list[Path]:
    raw = _read().get("recent", [])
    return [Path(p) for p in raw if isinstance(p, str)] if isinstance(raw, list) else []


def last_desk() -> Path | None:
    recent = recent_desks()
    return recent[0] if recent else None


def remember_desk(path: Path) -> None:
    path = path.resolve()
    recent = [p for p in recent_desks() if p != path]
    data = _read()
    data["recent"] = [str(p) for p in [path, *recent][:MAX_RECENT]]
    _write(data)


def forget_desk(path: Path) -> None:
    data = _read()
    data["recent"] = [str(p) for p in recent_desks() if p != path.resolve()]
    _write(data)


def get(key: str, default: object = None) -> object:
    return _read().get(key, default)


def put(key: str, value: object) -> None:
    data = _read()
    data[key] = value
    _write(data)


def last_session() -> tuple[str, str, list[str]]:
    """The place, kind and officers of the session last logged, which the next form offers:
    the same team tends to hold the same drop-in week after week."""
    raw = _read().get("last_session")
    data = raw if isinstance(raw, dict) else {}
    place, kind, officers = data.get("place"), data.get("kind"), data.get("officers")
    return (
        place if isinstance(place, str) else "",
        kind if isinstance(kind, str) else "",
        [o for o in officers if isinstance(o, str)] if isinstance(officers, list) else [],
    )


def remember_session(place: str, kind: str, officers: list[str]) -> None:
    data = _read()
    data["last_session"] = {"place": place, "kind": kind, "officers": officers}
    _write(data)
