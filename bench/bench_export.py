"""Exporting a large plan for partners, beside openpyxl's own write-only writing of the same
cells measured in the same run.

    python bench/bench_export.py [--actions 20000] [--runs 3] [--desk PATH] [--profile]

1. Generates a desk with one plan of `--actions` actions (`big_desk.make_big_desk`: 20
   commitments, their objectives, 10 updates per action), into a temporary folder or at
   `--desk` (an existing file there is reused).
2. Times, best of `--runs`:
   (a) the baseline: `Workbook(write_only=True)`, the header and every row of the plan's
       export table (`read_table`'s rows and columns) as plain values through `ws.append`,
       no styles, saved to a file;
   (b) `asbdesk.xlsx_export.write_workbook` of the whole plan, `for_partners=True`
       (target: at most 1.5x (a)).
3. Times the export's stages one by one in CPU time (read the table, the plan sheet, the
   colour key and indicator sheets, the hidden sheet with its fingerprints, saving the
   file; the export's record in the desk, one small transaction, is left out), so it
   shows where the time goes, and measures each side's peak memory in one more run with
   tracemalloc (slower, so not timed).

CPU time is printed beside the wall clock: on a shared 2-core machine it is the steadier.

Prints figures and ratios only; nothing here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from big_desk import make_big_desk  # noqa: E402
from common import best, peak_rss_mb, shown  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from asbdesk.desk import Desk, open_desk  # noqa: E402
from asbdesk.xlsx_export import (  # noqa: E402
    ExportOptions,
    ExportTable,
    _write_indicator_sheet,
    _write_key_sheet,
    _write_meta_sheet,
    _write_plan_sheet,
    fingerprint,
    read_table,
    write_workbook,
)

TODAY = date(2025, 11, 15)  # inside the generated plan's year, so RAG has work to do
TARGET = 1.5


def baseline(table: ExportTable, path: Path) -> int:
    """openpyxl alone: the export's header and rows, values only, write-only, no styles."""
    keys = [c.key for c in table.columns]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Plan")
    ws.append([c.heading for c in table.columns])
    for row in table.rows:
        values = row.values
        ws.append([values.get(k) for k in keys])
    wb.save(path)
    return len(table.rows) * len(keys)


def export(desk: Desk, plan_id: int, path: Path) -> Any:
    return write_workbook(desk, ExportOptions(plan_id, for_partners=True), path, today=TODAY)


def stages(desk: Desk, plan_id: int, path: Path, runs: int) -> dict[str, float]:
    """The steps `write_workbook` takes, each timed on its own in CPU time (best of
    `runs`). They call its private parts in its order; the hidden sheet gets a short
    stand-in for the export's details, which are a dozen cells."""
    options = ExportOptions(plan_id, for_partners=True)
    timings: dict[str, list[float]] = {}
    for _ in range(runs):
        gc.collect()
        clock = time.process_time()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.process_time()
            timings.setdefault(name, []).append(now - clock)
            clock = now

        table = read_table(desk.reader, options, TODAY)
        lap("read the table")
        wb = Workbook(write_only=True)
        _write_plan_sheet(wb, table, options, TODAY, None)
        lap("the plan sheet (styled cells)")
        _write_key_sheet(wb, table)
        _write_indicator_sheet(wb, desk.reader, plan_id)
        lap("colour key and indicators")
        _write_meta_sheet(wb, {"format": "bench"}, table)
        lap("the hidden sheet (fingerprints)")
        wb.save(path)
        lap("save (zip the parts)")
        del table, wb  # not alive during the next run, for the cycle collector to walk
    return {name: min(times) for name, times in timings.items()}


def fingerprints_alone(table: ExportTable) -> float:
    """Only the fingerprints the hidden sheet holds, without writing them."""
    keys = [c.key for c in table.columns if c.kind != "id"]
    t0 = time.process_time()
    for row in table.rows:
        ",".join(fingerprint(row.values.get(k)) for k in keys)
    return time.process_time() - t0


def peak(work: Callable[[], Any]) -> float:
    """Peak of Python's allocations during work(), in MB (tracemalloc: only what it
    allocates, not what was there before)."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def profile(desk: Desk, plan_id: int, path: Path) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    export(desk, plan_id, path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--desk", type=Path, help="where to write (or reuse) the desk")
    parser.add_argument("--profile", action="store_true", help="cProfile one whole export")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="asbdesk-bench-") as tmp:
        folder = Path(tmp)
        desk_path = args.desk or folder / f"big-{args.actions}.asbdesk"
        if not desk_path.exists():
            t0 = time.perf_counter()
            make_big_desk(desk_path, args.actions)
            print(f"generated {desk_path.name} ({time.perf_counter() - t0:.1f} s)")
        desk = open_desk(desk_path)
        try:
            (plan_id,) = desk.reader.execute(
                "SELECT id FROM plan WHERE deleted_at IS NULL ORDER BY position, id"
            ).fetchone()
            ours, theirs = folder / "asbdesk.xlsx", folder / "openpyxl.xlsx"
            if args.profile:
                profile(desk, plan_id, ours)
                return
            run(desk, plan_id, ours, theirs, args.runs)
        finally:
            desk.close()


def run(desk: Desk, plan_id: int, ours: Path, theirs: Path, runs: int) -> None:
    table = read_table(desk.reader, ExportOptions(plan_id, for_partners=True), TODAY)
    actions = sum(1 for r in table.rows if not r.item.children)
    print(
        f"plan of {len(table.rows):,} rows ({actions:,} actions) x {len(table.columns)} "
        f"columns, best of {runs}"
    )
    base, base_cpu, cells = best(runs, lambda i: baseline(table, theirs))
    took, took_cpu, result = best(runs, lambda i: export(desk, plan_id, ours))
    print(f"(a) openpyxl write-only, {cells:,} cells as values", shown(base, base_cpu))
    print(f"(b) asbdesk write_workbook, {result.rows:,} rows      ", shown(took, took_cpu))
    print(f"    ratio b/a {took / base:.2f}x (target <= {TARGET}x); CPU {took_cpu / base_cpu:.2f}x")
    print(
        f"file sizes: (a) {theirs.stat().st_size / 1e6:.1f} MB, "
        f"(b) {ours.stat().st_size / 1e6:.1f} MB"
    )

    print("stages of the export, CPU time (each best of its runs), against (a)'s CPU time:")
    parts = stages(desk, plan_id, ours, runs)
    for name, seconds in parts.items():
        print(f"    {name:<34} {seconds:7.3f} s  {seconds / base_cpu:5.2f}x (a)")
    print(f"    {'sum':<34} {sum(parts.values()):7.3f} s")
    alone = fingerprints_alone(table)
    print(f"    (of the hidden sheet, fingerprinting alone {alone:.3f} s)")
    written = sum(parts.values()) - parts["read the table"]
    print(f"    writing without reading the table: {written / base_cpu:.2f}x (a)")

    print("peak memory (tracemalloc, one untimed run each):")
    print(f"    (a) openpyxl write-only   {peak(lambda: baseline(table, theirs)):7.1f} MB")
    print(f"    (b) asbdesk write_workbook {peak(lambda: export(desk, plan_id, ours)):6.1f} MB")
    reading = peak(lambda: read_table(desk.reader, ExportOptions(plan_id), TODAY))
    print(f"        of which reading the table {reading:6.1f} MB")
    rss = peak_rss_mb()
    if rss is not None:
        print(f"    peak resident memory of this process: {rss:,.0f} MB")


if __name__ == "__main__":
    main()
