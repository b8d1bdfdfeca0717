"""The demo desk: the Broxtowe 2019/20 and Welwyn Hatfield 2019 plans, from `resources/demo/`."""

from __future__ import annotations

import json
from pathlib import Path

from asbdesk import paths
from asbdesk.desk import Desk, DeskError, open_desk
from asbdesk.json_io import import_plan

DEMO_PLANS = ("broxtowe-2019-20.json", "welwyn-hatfield-2019.json")


def demo_plan_data(name: str) -> dict[str, object]:
    with paths.resource("demo", name).open(encoding="utf-8") as f:
        data: dict[str, object] = json.load(f)
    return data


def write_demo(path: str | Path) -> Desk:
    """Write the demo desk to `path`, a file that must not exist yet; returns it open."""
    path = Path(path)
    if path.exists():
        raise DeskError(f"{path} already exists; the demo desk is only written to a new file.")
    desk = open_desk(path)
    with desk.transaction() as s:
        for position, name in enumerate(DEMO_PLANS):
            import_plan(s, demo_plan_data(name), position=position)
    return desk
