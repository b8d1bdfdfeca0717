"""Renders Help ▸ About asbdesk, its About and Licences tabs, to PNG, for looking at.

    xvfb-run -a -s "-screen 0 1366x768x24" python docs/make_about_screenshots.py [OUT_DIR]
    xvfb-run -a -s "-screen 0 1920x1080x24" env QT_SCALE_FACTOR=1.5 \
        python docs/make_about_screenshots.py [OUT_DIR]

writes about.png and about-licences.png (with -150 before .png at 150 %).
"""

from __future__ import annotations

import sys

from make_screenshots import start  # beside this script

from asbdesk import __version__, settings
from asbdesk.gui.about_dialog import LIBRARIES, AboutDialog


def main() -> int:
    out, app, suffix = start()
    dialog = AboutDialog(settings.data_dir() / "demo.asbdesk", __version__)
    dialog.show()
    for tab, name in ((0, "about"), (1, "about-licences")):
        dialog.tabs.setCurrentIndex(tab)
        if tab == 1:
            qt_row = next(i for i, lib in enumerate(LIBRARIES) if lib.name == "Qt")
            dialog.table.setCurrentCell(qt_row, 0)
        app.processEvents()
        path = out / f"{name}{suffix}.png"
        dialog.grab().save(str(path))
        print(path)
    dialog.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
