"""Generates a large desk (20,000 actions, 200,000 updates) for benchmarks.

    python bench/big_desk.py OUT.asbdesk [--actions 20000] [--updates-per-action 10]

Rows go in with executemany in one transaction; the desk is made by `open_desk` first,
so it carries the real schema and migrations.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from asbdesk.desk import open_desk
from asbdesk.periods import Quarter

STATUSES = ["red", "amber", "green", "blue", "grey", "not_started", None]


def make_big_desk(path: Path, actions: int = 20_000, updates_per_action: int = 10) -> None:
    if path.exists():
        path.unlink()
    open_desk(path).close()
    rnd = random.Random(7)
    now = datetime(2026, 1, 1).isoformat(sep=" ")
    stamp = (now, "bench", now, "bench")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=ON")
    with con:
        con.execute(
            "INSERT INTO plan (id, title, council, start_date, end_date, level_names, colour_key,"
            " amber_lag, red_lag, rollup_status, rollup_percent, position, uuid, created_at,"
            " created_by, updated_at, updated_by) VALUES (1, 'Big plan', 'Bench council',"
            " '2025-04-01', '2026-03-31', '[\"Commitment\", \"Objective\", \"Action\"]', '{}',"
            " 0.0, 0.2, 'worst', 'mean', 0, ?, ?, ?, ?, ?)",
            (str(uuid.uuid4()), *stamp),
        )
        con.executemany(
            "INSERT INTO officer (id, name, uuid, created_at, created_by, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(i, f"Officer {i}", str(uuid.uuid4()), *stamp) for i in range(1, 51)],
        )
        commitments, per_objective = 20, 20
        objectives = max(actions // (commitments * per_objective), 1)
        nodes, links, milestones, updates = [], [], [], []
        next_id = 1
        update_id = 1
        day0 = date(2025, 4, 1)
        for c in range(commitments):
            cid = next_id
            next_id += 1
            nodes.append((cid, None, c, f"{c + 1}", f"Commitment {c + 1}", None, None))
            for o in range(objectives):
                oid = next_id
                next_id += 1
                nodes.append(
                    (oid, cid, o, f"{c + 1}.{o + 1}", f"Objective {c + 1}.{o + 1}", None, None)
                )
                for a in range(per_objective):
                    aid = next_id
                    next_id += 1
                    target = day0 + timedelta(days=rnd.randrange(0, 365))
                    nodes.append(
                        (
                            aid,
                            oid,
                            a,
                            f"{chr(97 + a)})",
                            f"Action {aid} for objective {c + 1}.{o + 1}",
                            target.isoformat(),
                            rnd.choice(STATUSES),
                        )
                    )
                    links.append((aid, rnd.randrange(1, 51), 0))
                    milestones.append(
                        (
                            aid,
                            f"{rnd.randrange(2, 40)} x sessions",
                            rnd.randrange(2, 40),
                            rnd.randrange(0, 20),
                        )
                    )
                    for u in range(updates_per_action):
                        on = day0 + timedelta(days=rnd.randrange(0, 365))
                        updates.append(
                            (
                                update_id,
                                aid,
                                on.isoformat(),
                                Quarter.of(on).label,
                                f"Progress note {u} on action {aid}",
                                f"Officer {rnd.randrange(1, 51)}",
                            )
                        )
                        update_id += 1
        con.executemany(
            "INSERT INTO node (id, plan_id, parent_id, position, ref, title, description, outcome,"
            " target_date, status, status_reason, uuid, created_at, created_by, updated_at,"
            " updated_by) VALUES (?, 1, ?, ?, ?, ?, '', '', ?, ?, '', ?, ?, ?, ?, ?)",
            [(*n, str(uuid.uuid4()), *stamp) for n in nodes],
        )
        con.executemany(
            "INSERT INTO node_officer (node_id, officer_id, position) VALUES (?, ?, ?)", links
        )
        con.executemany(
            "INSERT INTO milestone (node_id, position, text, target_count, done_count, uuid,"
            " created_at, created_by, updated_at, updated_by)"
            " VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*m, str(uuid.uuid4()), *stamp) for m in milestones],
        )
        con.executemany(
            "INSERT INTO progress_update (id, node_id, date, period, text, author, kind, uuid,"
            " created_at, created_by, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?, ?, 'progress', ?, ?, ?, ?, ?)",
            [(*u, str(uuid.uuid4()), *stamp) for u in updates],
        )
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--updates-per-action", type=int, default=10)
    args = parser.parse_args()
    make_big_desk(args.out, args.actions, args.updates_per_action)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
