"""Kill asbdesk mid-edit, again and again, and check that no confirmed edit is lost.

    python bench/bench_kill.py [--trials 200] [--seed N] [--max-delay 0.4]

Each trial copies a small desk (the demo desk, written once), starts a child process
that makes edits in a loop, each one a command in its own transaction (an update added,
a node's title changed, a status changed, a session logged), and prints a line naming
each edit only after its commit has returned: that line is the edit "confirmed on
screen". The child holds the desk's lock, as the window does. After a random moment the
child is killed with SIGKILL. Then the desk is opened as the program opens it to edit
(which must clear the dead child's lock as stale), `PRAGMA integrity_check` must say
"ok", and every confirmed edit must be in it. An edit made but not yet confirmed may be
there or not; both are fine.

Prints the trials, the edits confirmed, any failure, and the time taken.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import sys
from datetime import date
from asbdesk.commands import AddUpdate, ChangeStatus, EditNode
from asbdesk.desk import open_desk
from asbdesk.rag import Status
from asbdesk.sessions import LogSession, SessionFields

desk = open_desk(sys.argv[1], create=False, lock=True)
plan, = desk.reader.execute("SELECT id FROM plan ORDER BY position LIMIT 1").fetchone()
nodes = [r[0] for r in desk.reader.execute("SELECT id FROM node WHERE plan_id = ?", (plan,))]
print("ready", flush=True)
i = 0
while True:
    i += 1
    node = nodes[i % len(nodes)]
    kind = i % 4
    if kind == 0:
        AddUpdate(node, date(2019, 11, 15), "Q3 2019/20", f"edit-{i}", "bench", None).do(desk)
    elif kind == 1:
        EditNode(node, {"title": f"edit-{i}"}).do(desk)
    elif kind == 2:
        ChangeStatus(node, Status.AMBER, f"edit-{i}", date(2019, 11, 15)).do(desk)
    else:
        LogSession(plan, SessionFields(date(2019, 11, 15), f"edit-{i}")).do(desk)
    print(kind, i, node, flush=True)  # confirmed: the commit has returned
"""

# Where each kind of confirmed edit must be found: (sql, parameters from (i, node)).
CHECKS = {
    0: ("SELECT count(*) FROM progress_update WHERE text = ?", lambda i, n: (f"edit-{i}",)),
    # A title is overwritten by later edits: it must be this edit's or a later one's.
    1: (
        "SELECT count(*) FROM node WHERE id = ? AND title LIKE 'edit-%'"
        " AND CAST(substr(title, 6) AS INTEGER) >= ?",
        lambda i, n: (n, i),
    ),
    2: ("SELECT count(*) FROM progress_update WHERE text LIKE ?", lambda i, n: (f"%: edit-{i}",)),
    3: ("SELECT count(*) FROM field_session WHERE place = ?", lambda i, n: (f"edit-{i}",)),
}


def trial(base: Path, folder: Path, delay: float) -> tuple[int, list[str]]:
    """One kill; the number of confirmed edits and what went wrong (nothing, if right)."""
    desk = folder / "kill.asbdesk"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{desk}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, desk)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(desk)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    if child.stdout.readline().strip() != "ready":
        return 0, [f"the child did not start: {child.stderr.read() if child.stderr else ''}"]
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, _err = child.communicate()
    confirmed = [line.split() for line in out.splitlines() if line.strip()]
    # A line cut short by the kill was never confirmed whole: it does not count.
    confirmed = [c for c in confirmed if len(c) == 3]
    problems = []
    from asbdesk.desk import DeskError, open_desk
    from asbdesk.lock import lock_path

    if not lock_path(desk).exists():
        problems.append("the child held no lock")
    try:
        # The killed child's lock is left behind: opening to edit must clear it as stale.
        opened = open_desk(desk, create=False, lock=True)
    except DeskError as exc:
        return len(confirmed), [*problems, f"reopening to edit: {exc}"]
    with opened:
        con: sqlite3.Connection = opened.reader
        check = con.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            problems.append(f"integrity_check: {check}")
        for kind, i, node in confirmed:
            sql, params = CHECKS[int(kind)]
            if con.execute(sql, params(int(i), int(node))).fetchone()[0] < 1:
                problems.append(f"confirmed edit {i} (kind {kind}) is missing")
    return len(confirmed), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-delay", type=float, default=0.4, help="seconds before the kill")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    from asbdesk.demo import write_demo

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "base.asbdesk"
        write_demo(base).close()
        con = sqlite3.connect(base)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        edits, failures = 0, []
        for n in range(1, args.trials + 1):
            confirmed, problems = trial(base, folder, rng.uniform(0, args.max_delay))
            edits += confirmed
            failures += [f"trial {n}: {p}" for p in problems]
            if n % 25 == 0:
                print(f"  {n} trials, {edits} confirmed edits, {len(failures)} failures")
    took = time.perf_counter() - started
    print(
        f"{args.trials} trials (seed {seed}), kill after 0–{args.max_delay:g} s of editing:"
        f" {edits} confirmed edits, all checked; {len(failures)} failures; {took:.0f} s"
    )
    for failure in failures[:20]:
        print("  " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
