"""What a desk holds, in brief: its plans, node counts per level, RAG counts, and the
counts of its indicators, logged sessions and risks (with overdue reviews)."""

from __future__ import annotations

from datetime import date
from typing import Any

from asbdesk.desk import Desk
from asbdesk.plan_tree import PLAN_IDS_SQL, PlanTree
from asbdesk.rag import STATUS_ORDER
from asbdesk.words import count, plural


def desk_info(desk: Desk, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    plans = []
    con = desk.reader
    for plan_id, _title in con.execute(PLAN_IDS_SQL).fetchall():
        t = PlanTree.load(con, plan_id, today)
        counts = t.rag_counts()
        per_level = t.level_counts()
        indicators, sessions, contacts, risks, overdue = con.execute(
            "SELECT (SELECT count(*) FROM indicator WHERE plan_id = :p),"
            " (SELECT count(*) FROM field_session WHERE plan_id = :p AND deleted_at IS NULL),"
            " (SELECT coalesce(sum(contacts), 0) FROM field_session"
            "  WHERE plan_id = :p AND deleted_at IS NULL),"
            " (SELECT count(*) FROM risk WHERE plan_id = :p AND deleted_at IS NULL),"
            " (SELECT count(*) FROM risk WHERE plan_id = :p AND deleted_at IS NULL"
            "  AND review_date < :today)",
            {"p": plan_id, "today": today.isoformat()},
        ).fetchone()
        plans.append(
            {
                "id": plan_id,
                "title": t.settings.title,
                "levels": {
                    name: per_level.get(name, 0) for name in dict.fromkeys(t.settings.level_names)
                },
                "rag": {
                    **{st.value: counts.get(st, 0) for st in STATUS_ORDER},
                    "not_set": counts.get(None, 0),
                },
                "indicators": indicators,
                "sessions": sessions,
                "contacts": contacts,
                "risks": risks,
                "risks_overdue_for_review": overdue,
            }
        )
    totals = {
        key: sum(p[key] for p in plans)
        for key in ("indicators", "sessions", "contacts", "risks", "risks_overdue_for_review")
    }
    return {"desk": str(desk.path), "plans": plans, **totals}


def format_info(info: dict[str, Any]) -> str:
    lines = [f"Desk: {info['desk']}", f"Plans: {len(info['plans'])}"]
    for p in info["plans"]:
        lines.append("")
        lines.append(p["title"])
        lines.append("  " + ", ".join(count(n, name.lower()) for name, n in p["levels"].items()))
        rag = p["rag"]
        words = {"not_started": "Not started", "not_set": "Not set"}
        lines.append(
            f"  {plural(list(p['levels'])[-1]).capitalize()} by status: "
            + ", ".join(f"{words.get(k, k.capitalize())} {v}" for k, v in rag.items())
        )
        field_work = [
            count(p["indicators"], "indicator"),
            f"{count(p['sessions'], 'session')} ({count(p['contacts'], 'contact')})",
            count(p["risks"], "risk"),
        ]
        if p["risks_overdue_for_review"]:
            field_work[-1] += f" ({p['risks_overdue_for_review']} overdue for review)"
        lines.append("  " + ", ".join(field_work))
    return "\n".join(lines)
