"""Renders the main window with the demo desk, and the Excel import wizard's reading and
preview pages over the Welwyn Hatfield workbook, to PNG, for the README and for looking at.

    xvfb-run -s "-screen 0 1366x768x24" python docs/make_screenshots.py [OUT_DIR]
    xvfb-run -s "-screen 0 1920x1080x24" env QT_SCALE_FACTOR=1.5 SHOT_SIZE=1280x720 \
        python docs/make_screenshots.py [OUT_DIR]

The first is a 1366×768 laptop at 100 %; the second a 1920×1080 laptop at 150 %, the
Windows default for that screen, where the window has 1280×720 device-independent pixels.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QApplication

from asbdesk.demo import write_demo
from asbdesk.gui.main_window import MainWindow


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    suffix = "" if scale in ("1", "1.0") else f"-{int(float(scale) * 100)}"
    with tempfile.TemporaryDirectory() as tmp:
        desk = write_demo(Path(tmp) / "demo.asbdesk")
        window = MainWindow(desk, today=date(2019, 11, 15))
        width, height = (int(x) for x in os.environ.get("SHOT_SIZE", "1366x768").split("x"))
        window.resize(width, height)
        window.show()
        plan = int(os.environ.get("SHOT_PLAN", "1"))
        window.plan_combo.setCurrentIndex(plan)
        window.view.expandAll()
        _ = window.editor  # built on first paint in real use; now, for the picture
        window.select_node(_node_by_ref(window, os.environ.get("SHOT_REF", "1.3")))
        app.processEvents()
        path = out / f"main-window{suffix}.png"
        window.grab().save(str(path))
        print(path)
        _wizard_shots(window, out, suffix)
        window.close()
        desk.close()
    return 0


def _wizard_shots(window: MainWindow, out: Path, suffix: str) -> None:
    from asbdesk.gui.import_wizard import ImportWizard

    workbook = Path(__file__).parent.parent / "tests" / "data" / "welwyn-hatfield-2019.xlsx"
    wizard = ImportWizard([(1, "Broxtowe")], date(2019, 11, 15), window)
    wizard.show()
    wizard.source_page.choose(str(workbook))
    for name in ("import-reading", "import-preview"):
        wizard.next()
        QApplication.processEvents()
        path = out / f"{name}{suffix}.png"
        wizard.grab().save(str(path))
        print(path)
    wizard.reject()


def _node_by_ref(window: MainWindow, ref: str) -> int | None:
    tree = window.model.tree
    assert tree is not None
    for item in tree.walk():
        if item.ref == ref:
            return item.id
    return None


if __name__ == "__main__":
    sys.exit(main())
