"""Importing a large plan workbook, beside openpyxl's own read-only reading of the same file
measured in the same run.

    python bench/bench_import.py [--rows 20000] [--runs 3] [--workbook PATH] [--profile]

1. Generates a plan workbook of `--rows` rows laid out as Welwyn Hatfield's (a title, a
   colour key, a banner merged across and the header repeated per commitment, lettered
   actions in a cell, fill-colour status), into a temporary folder or at `--workbook`
   (an existing file there is reused).
2. Times, best of `--runs` (each run a fresh desk):
   (a) the baseline: `load_workbook(read_only=True, data_only=True)` and every value of
       the sheet through `iter_rows(values_only=True)`;
   (b) `asbdesk.xlsx_import.import_workbook` into a fresh desk (target: at most 1.5x (a));
   (c) `soffice --headless --convert-to csv` of the file, where LibreOffice is installed.
3. Times the import's stages one by one (open, read the grid, propose the reading, build
   the plan, write it, count it as the window does), so it shows where the time goes.

Prints figures and ratios only; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import best, peak_rss_mb  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from plan_workbook import make_plan_workbook  # noqa: E402

from asbdesk.commands import next_plan_position  # noqa: E402
from asbdesk.desk import Desk, open_desk  # noqa: E402
from asbdesk.json_io import import_plan  # noqa: E402
from asbdesk.plan_tree import PlanTree  # noqa: E402
from asbdesk.xlsx_grid import find_header, read_grid  # noqa: E402
from asbdesk.xlsx_import import import_workbook  # noqa: E402
from asbdesk.xlsx_open import open_workbook  # noqa: E402
from asbdesk.xlsx_plan import build_plan  # noqa: E402
from asbdesk.xlsx_reading import propose_reading  # noqa: E402

TODAY = date(2025, 1, 15)
TARGET = 1.5


def baseline(path: Path) -> int:
    """openpyxl alone: every value of every row of the plan sheet, read-only."""
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        cells = 0
        for row in book["Action Plan"].iter_rows(values_only=True):
            cells += len(row)
        return cells
    finally:
        book.close()


def fresh_desk(folder: Path, name: str) -> Desk:
    path = folder / f"{name}.asbdesk"
    for leftover in folder.glob(f"{name}.asbdesk*"):
        leftover.unlink()
    return open_desk(path, create=True)


def whole_import(path: Path, folder: Path, runs: int) -> tuple[float, Any]:
    """`import_workbook` into fresh desks (it pauses the cycle collector itself)."""
    desks = [fresh_desk(folder, f"whole{i}") for i in range(runs)]  # made outside the timing

    def work(i: int) -> Any:
        try:
            return import_workbook(desks[i], path, today=TODAY)
        finally:
            gc.collect()  # outside the timing of the next run

    try:
        wall, _cpu, result = best(runs, work)
        return wall, result
    finally:
        for desk in desks:
            desk.close()


def stages(path: Path, folder: Path, runs: int) -> dict[str, float]:
    """Each step `import_workbook` takes, timed on its own (best of `runs`)."""
    timings: dict[str, list[float]] = {}
    for i in range(runs):
        desk = fresh_desk(folder, f"stages{i}")
        clock = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings.setdefault(name, []).append(now - clock)
            clock = now

        book = open_workbook(path)
        lap("open the workbook")
        grid = read_grid(book["Action Plan"])
        lap("read the grid")
        close = getattr(book, "close", None)
        if close is not None:
            close()
        assert find_header(grid) is not None
        reading = propose_reading(grid)
        lap("propose the reading")
        built = build_plan(grid, reading, TODAY)
        lap("build the plan")
        with desk.transaction() as s:
            plan = import_plan(s, built.plan, next_plan_position(s))
            plan_id = plan.id
        lap("write it (one transaction)")
        PlanTree.load(desk.reader, plan_id, TODAY).level_counts()
        lap("count it as the window does")
        desk.close()
    return {name: min(times) for name, times in timings.items()}


def soffice(path: Path, folder: Path, runs: int) -> float | None:
    office = shutil.which("soffice")
    if office is None:
        return None
    out = folder / "csv"
    out.mkdir(exist_ok=True)
    command = [office, "--headless", "--convert-to", "csv", "--outdir", str(out), str(path)]
    seconds, _cpu, _ = best(
        runs, lambda i: subprocess.run(command, check=True, capture_output=True)
    )
    return float(seconds)


def profile(path: Path, folder: Path) -> None:
    desk = fresh_desk(folder, "profile")
    profiler = cProfile.Profile()
    profiler.enable()
    import_workbook(desk, path, today=TODAY)
    profiler.disable()
    desk.close()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workbook", type=Path, help="where to write (or reuse) the workbook")
    parser.add_argument("--profile", action="store_true", help="cProfile one whole import")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="asbdesk-bench-") as tmp:
        folder = Path(tmp)
        path = args.workbook or folder / f"plan-{args.rows}.xlsx"
        if not path.exists():
            t0 = time.perf_counter()
            objectives = make_plan_workbook(path, args.rows)
            print(
                f"generated {path.name}: {args.rows:,} rows, {objectives:,} objectives "
                f"({time.perf_counter() - t0:.1f} s)"
            )
        print(f"workbook {path} ({path.stat().st_size / 1e6:.1f} MB), best of {args.runs}")
        if args.profile:
            profile(path, folder)
            return

        base, _cpu, cells = best(args.runs, lambda i: baseline(path))
        print(f"(a) openpyxl read-only, all {cells:,} values   {base:7.3f} s")
        took, result = whole_import(path, folder, args.runs)
        nodes = sum(result.counts.values())
        print(f"(b) asbdesk import, {nodes:,} nodes          {took:7.3f} s")
        print(f"    ratio b/a {took / base:.2f}x (target <= {TARGET}x)")
        office = soffice(path, folder, args.runs)
        if office is None:
            print("(c) soffice --headless --convert-to csv: skipped, LibreOffice is not installed")
        else:
            print(f"(c) soffice --headless --convert-to csv   {office:7.3f} s")
            print(f"    ratio b/c {took / office:.2f}x")

        print("stages of the import (each best of its runs):")
        parts = stages(path, folder, args.runs)
        for name, seconds in parts.items():
            print(f"    {name:<30} {seconds:7.3f} s  {seconds / base:5.2f}x (a)")
        print(f"    {'sum':<30} {sum(parts.values()):7.3f} s")
        peak = peak_rss_mb()
        if peak is not None:
            print(f"peak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
