"""The demo desk: the Broxtowe 2019/20 and Welwyn Hatfield 2019 plans, from `resources/demo/`,
with Broxtowe's field work (its drop-ins and other sessions) and a risk register, so a new
user sees sessions, indicators and risks filled."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from asbdesk import paths
from asbdesk.desk import Desk, DeskError, open_desk
from asbdesk.json_io import import_plan
from asbdesk.models import Milestone

DEMO_PLANS = ("broxtowe-2019-20.json", "welwyn-hatfield-2019.json")
FIELD_WORK = {"broxtowe-2019-20.json": "broxtowe-field-work.json"}


def demo_plan_data(name: str) -> dict[str, object]:
    with paths.resource("demo", name).open(encoding="utf-8") as f:
        data: dict[str, object] = json.load(f)
    return data


def write_demo(path: str | Path, today: date | None = None) -> Desk:
    """Write the demo desk to `path`, a file that must not exist yet; returns it open.
    Risks' review dates are counted from `today`."""
    path = Path(path)
    if path.exists():
        raise DeskError(f"{path} already exists; the demo desk is only written to a new file.")
    desk = open_desk(path)
    plans = {}
    with desk.transaction() as s:
        for position, name in enumerate(DEMO_PLANS):
            plans[name] = import_plan(s, demo_plan_data(name), position=position).id
    for name, work in FIELD_WORK.items():
        add_field_work(desk, plans[name], demo_plan_data(work), today or date.today())
    return desk


def add_field_work(desk: Desk, plan_id: int, data: dict[str, Any], today: date) -> None:
    """Log the sessions and add the risks of `data` (resources/demo/*-field-work.json)."""
    from asbdesk.risks import AddRisk, RiskFields
    from asbdesk.sessions import LogSession, SessionFields

    drop_ins = data["drop_ins"]
    milestones = dict(
        desk.reader.execute(
            "SELECT m.text, m.id FROM milestone m JOIN node n ON n.id = m.node_id"
            " WHERE n.plan_id = ?",
            (plan_id,),
        ).fetchall()
    )
    counted = [milestones[text] for text in drop_ins["places"].values()]
    with desk.transaction() as s:  # the sessions logged below make up these counts
        for ms_id in counted:
            ms = s.get(Milestone, ms_id)
            assert ms is not None
            ms.done_count = 0
    for on, place, contacts, categories in drop_ins["sessions"]:
        fields = SessionFields(
            on=date.fromisoformat(on),
            place=place,
            kind=drop_ins["kind"],
            officers=tuple(drop_ins["officers"]),
            partners=tuple(drop_ins["partners"]),
            contacts=contacts,
            categories=tuple(categories),
            milestone_id=milestones[drop_ins["places"][place]],
        )
        LogSession(plan_id, fields).do(desk)
    for other in data["other_sessions"]:
        values = dict(other, on=date.fromisoformat(other["on"]))
        for key in ("officers", "partners", "categories"):
            values[key] = tuple(values[key])
        LogSession(plan_id, SessionFields(**values)).do(desk)
    refs = dict(
        desk.reader.execute(
            "SELECT ref, id FROM node WHERE plan_id = ? AND deleted_at IS NULL", (plan_id,)
        ).fetchall()
    )
    for risk in data["risks"]:
        fields_ = RiskFields(
            risk["description"],
            risk["severity"],
            risk["likelihood"],
            risk["owner"],
            today + timedelta(days=risk["review_in_days"]),
            tuple(refs[ref] for ref in risk["actions"]),
        )
        AddRisk(plan_id, fields_).do(desk)
