"""Write the demo desk's committee report and the page images in docs/screenshots.

    .venv/bin/python docs/make_report_pages.py docs/screenshots

Needs pdftoppm (Debian's poppler-utils). Pages: the summary (counts, chart, direction of
travel), a page of the plan's tables, and the indicators.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from asbdesk.demo import write_demo
from asbdesk.report import ReportOptions, write_report

TODAY = date(2019, 11, 15)  # the demo plans' reporting quarter, Q3 2019/20
PAGES = {"report-summary": 2, "report-plan-table": 3, "report-indicators": 7}


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp, write_demo(Path(tmp) / "demo.asbdesk") as desk:
        plan = desk.reader.execute("SELECT id FROM plan WHERE title LIKE 'Broxtowe%'").fetchone()
        pdf = Path(tmp) / "report.pdf"
        options = ReportOptions(plan[0], prepared_by="ASB Team Leader")
        result = write_report(desk, options, pdf, today=TODAY)
        print(f"{result.pages} pages")
        for name, page in PAGES.items():
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(page), "-l", str(page)]
                + [str(pdf), str(out / name)],
                check=True,
            )
            print(out / f"{name}.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
