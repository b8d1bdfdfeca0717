"""Renders the detail editor's Change history (the audit trail of one action) to PNG, for
the README and for looking at: the demo desk's Welwyn Hatfield action 1.1 a) after a few
officers' changes (the target date, the leads, a milestone added, undone and redone, the
action moved down a row and back up, and a status with its reason).

    xvfb-run -s "-screen 0 1366x768x24" python docs/make_history_shots.py [OUT_DIR]
    xvfb-run -s "-screen 0 1920x1080x24" env QT_SCALE_FACTOR=1.5 SHOT_SIZE=1280x720 \
        python docs/make_history_shots.py [OUT_DIR]

As docs/make_screenshots.py: 1366×768 at 100 %, and 1920×1080 at 150 % (1280×720
device-independent pixels). The changes are made now and then dated back into November
2019, the demo plan's own time, so the picture reads as a plan in use.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from make_screenshots import start  # beside this script

from asbdesk.demo import write_demo
from asbdesk.gui.main_window import MainWindow
from asbdesk.rag import Status
from asbdesk.who import set_current_user

TODAY = date(2019, 11, 15)


def main() -> int:
    out, app, suffix = start()
    with tempfile.TemporaryDirectory() as tmp:
        desk = write_demo(Path(tmp) / "demo.asbdesk", today=TODAY)
        window = MainWindow(desk, today=TODAY)
        width, height = (int(x) for x in os.environ.get("SHOT_SIZE", "1366x768").split("x"))
        window.resize(width, height)
        window.show()
        window.plan_combo.setCurrentIndex(1)  # Welwyn Hatfield
        window.view.expandAll()
        editor = window.editor
        row = desk.reader.execute(
            "SELECT n.id FROM node n JOIN node p ON p.id = n.parent_id "
            "WHERE n.plan_id = 2 AND p.ref = '1.1' AND n.ref = 'a)'"
        ).fetchone()
        action = int(row[0])
        window.select_node(action)
        app.processEvents()
        first = int(
            desk.reader.execute("SELECT coalesce(max(id), 0) FROM audit_entry").fetchone()[0]
        )
        _changes(window, action)
        _date_back(window, first)
        editor.history.toggle.setChecked(True)
        editor.show_node(action)
        app.processEvents()
        bar = window.editor_scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        app.processEvents()
        path = out / f"history{suffix}.png"
        window.grab().save(str(path))
        print(path)
        window.close()
        desk.close()
    set_current_user(None)
    return 0


def _changes(window: MainWindow, action: int) -> None:
    """What two officers did to the action over a fortnight."""
    ops = window.ops
    cmd = ops.commands()
    set_current_user("Jo Bloggs")
    ops.run(cmd.EditNode(action, {"target_date": date(2020, 3, 31)}, label="Edit target date"))
    ops.run(cmd.SetPeople(action, ["ASB Team Leader", "Community Safety Officer"], None, None))
    # A long name wraps in its column rather than pushing the change out of sight.
    set_current_user("Samantha Patel-Okonkwo (Community Safety Partnership Officer)")
    ops.run(cmd.AddMilestone(action, text="Policy to Cabinet", target_count=1, done_count=0))
    ops.undo_stack.undo()  # added to the wrong action, then thought better of it
    ops.undo_stack.redo()
    down = cmd.shift(window.desk, action, +1)  # moved down a row, and back up
    ops.run(down)
    ops.run(cmd.shift(window.desk, action, -1))
    set_current_user("Jo Bloggs")
    reason = "Cabinet date moved to January; consultation responses still coming in"
    ops.run(cmd.ChangeStatus(action, Status.AMBER, reason, TODAY))


def _date_back(window: MainWindow, after: int) -> None:
    """Each change made above, dated two days after the one before, from 5/11/2019."""
    con = window.desk.reader
    moments = [
        r[0] for r in con.execute("SELECT DISTINCT at FROM audit_entry WHERE id > ?", (after,))
    ]
    first = datetime(2019, 11, 5, 9, 40)
    for i, at in enumerate(sorted(moments)):
        when = first + timedelta(days=2 * i, minutes=37 * i)
        con.execute("UPDATE audit_entry SET at = ? WHERE at = ?", (when.isoformat(" "), at))


if __name__ == "__main__":
    sys.exit(main())
