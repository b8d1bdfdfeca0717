"""The one place that finds asbdesk's data folders: `resources/`, `ui/` and `db/`.

They sit beside the package in a source checkout (and in an editable install), and at
the root of the PyInstaller bundle (`sys._MEIPASS`), where `build.spec` puts them.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_FOLDERS = ("resources", "ui", "db")


@cache
def app_root() -> Path:
    """The folder holding `resources/`, `ui/` and `db/`."""
    candidates: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle))
    candidates.append(Path(__file__).resolve().parent.parent)
    for root in candidates:
        if all((root / name).is_dir() for name in _FOLDERS):
            return root
    raise FileNotFoundError(
        "asbdesk cannot find its data folders (resources, ui, db) in "
        + ", ".join(str(c) for c in candidates)
    )


def resources_dir() -> Path:
    return app_root() / "resources"


def ui_dir() -> Path:
    return app_root() / "ui"


def db_dir() -> Path:
    return app_root() / "db"


def ui_file(name: str) -> Path:
    return ui_dir() / name


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
