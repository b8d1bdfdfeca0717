"""Start-up and large-desk timings, each beside a bare QMainWindow measured in the same run.

    QT_QPA_PLATFORM=offscreen python bench/bench_open.py [--runs 5]

1. Process start to the main window painted with the demo desk, against a process that
   shows a bare QMainWindow (target: at most 2x the baseline).
2. Opening a generated desk of 20,000 actions and 200,000 updates and showing its tree
   (target: at most 0.3 s), with the process's peak memory.

Prints medians of several runs; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BARE = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
class P(QObject):
    # As asbdesk's own hook does: the time is taken once the paint pass has finished.
    def eventFilter(self, w, e):
        if e.type() == QEvent.Type.Paint:
            w.removeEventFilter(self)
            QTimer.singleShot(0, self.done)
        return False
    def done(self):
        print(f"first-paint {time.time():.6f}", flush=True)
        QApplication.quit()
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1366, 768)
p = P(); w.installEventFilter(p); w.show()
app.exec()
"""

OPEN_BIG = r"""
import resource, sys, time
t0 = time.perf_counter()
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
painted = {}
class P(QObject):
    def eventFilter(self, w, e):
        if e.type() == QEvent.Type.Paint and w not in painted:
            painted[w] = None
            QTimer.singleShot(0, lambda: (painted.__setitem__(w, time.perf_counter()), app.quit()))
        return False
filt = P()
def show(w, watched=None):
    w.resize(1366, 768); (watched or w).installEventFilter(filt); w.show(); app.exec()
t = time.perf_counter(); bare = QMainWindow(); show(bare); bare_s = painted[bare] - t
from asbdesk.desk import open_desk
from asbdesk.gui.main_window import MainWindow
t = time.perf_counter()
desk = open_desk(sys.argv[1], create=False)
win = MainWindow(desk)
show(win, win.view.viewport())
open_s = painted[win.view.viewport()] - t
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"bare {bare_s:.4f} open {open_s:.4f} rss {rss_mb:.0f}", flush=True)
"""


def _first_paint(cmd: list[str], env: dict[str, str]) -> float:
    started = time.time()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=True)
    for line in out.stdout.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - started
    raise RuntimeError(f"no first-paint line from {cmd}: {out.stdout}\n{out.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        env["ASBDESK_DATA_DIR"] = str(Path(tmp) / "data")
        env["ASBDESK_CONFIG_DIR"] = str(Path(tmp) / "config")
        env["ASBDESK_BENCH_FIRST_PAINT"] = "1"
        # One untimed run writes the demo desk, so the timed runs measure opening it.
        _first_paint([sys.executable, "-m", "asbdesk", "--demo"], env)
        bare, app = [], []
        for _ in range(args.runs):
            bare.append(_first_paint([sys.executable, "-c", BARE], env))
            app.append(_first_paint([sys.executable, "-m", "asbdesk", "--demo"], env))
        b, a = statistics.median(bare), statistics.median(app)
        print("1. Process start to first paint (median of", args.runs, "runs)")
        print(f"   bare QMainWindow        {b * 1000:7.0f} ms")
        print(f"   asbdesk with demo desk  {a * 1000:7.0f} ms")
        print(f"   ratio                   {a / b:7.2f}x   (target <= 2x)")

        from big_desk import make_big_desk

        big = Path(tmp) / "big.asbdesk"
        t = time.perf_counter()
        make_big_desk(big)
        print(
            "\n2. Large desk: 20,000 actions, 200,000 updates "
            f"(generated in {time.perf_counter() - t:.1f} s)"
        )
        rows = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", OPEN_BIG, str(big)],
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
            line = [x for x in out.stdout.splitlines() if x.startswith("bare ")][-1].split()
            rows.append((float(line[1]), float(line[3]), float(line[5])))
        bare_s = statistics.median(r[0] for r in rows)
        open_s = statistics.median(r[1] for r in rows)
        rss = max(r[2] for r in rows)
        print(f"   bare QMainWindow shown   {bare_s * 1000:7.0f} ms")
        print(f"   open desk and show tree  {open_s * 1000:7.0f} ms   (target <= 300 ms)")
        print(f"   ratio to bare window     {open_s / bare_s:7.2f}x")
        print(f"   peak memory (process)    {rss:7.0f} MB")


if __name__ == "__main__":
    main()
