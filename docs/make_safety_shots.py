"""Screenshots of a read-only desk and of File ▸ Restore from backup…, for the README.

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python docs/make_safety_shots.py docs/screenshots
    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_QPA_PLATFORM=xcb QT_SCALE_FACTOR=1.5 \\
        .venv/bin/python docs/make_safety_shots.py docs/screenshots --suffix -150

The desk is a copy of the demo desk in a temporary folder, held by a second "program"
(a lock taken in this process) so the window opens read-only, as a colleague's would.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--suffix", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ASBDESK_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["ASBDESK_CONFIG_DIR"] = str(Path(tmp) / "config")
        from PySide6.QtWidgets import QApplication

        from asbdesk import backups
        from asbdesk.demo import write_demo
        from asbdesk.desk import open_desk

        app = QApplication(sys.argv)
        from asbdesk.gui.desk_safety import RestoreDialog
        from asbdesk.gui.main_window import MainWindow

        today = date(2019, 11, 15)
        path = Path(tmp) / "Team plan.asbdesk"
        write_demo(path, today).close()
        writer = open_desk(path, lock=True)
        now = datetime.now().replace(second=0, microsecond=0)
        for days in (9, 4, 2):
            backups.back_up_if_due(writer, now - timedelta(days=days))
        desk = open_desk(path, read_only=True)
        desk.read_only_reason = (
            f"jsmith on LAPTOP-ASB-07 (since {now:%d/%m/%Y at %H:%M}) has {path.name} open "
            "for editing; you see their saves as they make them."
        )
        desk.can_retry = True
        window = MainWindow(desk, today)
        window.resize(1366, 768)
        window.show()
        app.processEvents()
        _ = window.editor
        from asbdesk.gui.desk_safety import make_read_only

        make_read_only(window, desk.read_only_reason, can_retry=True)
        for _ in range(5):
            app.processEvents()
        args.out.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(args.out / f"read-only{args.suffix}.png"))
        dialog = RestoreDialog(path, window)
        dialog.show()
        for _ in range(5):
            app.processEvents()
        dialog.grab().save(str(args.out / f"restore{args.suffix}.png"))
        dialog.close()
        window.close()
        desk.close()
        writer.close()


if __name__ == "__main__":
    main()
