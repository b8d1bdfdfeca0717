"""Timing helpers for the benches: the best of several runs, in wall clock and CPU time, and
the process's peak memory."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]


@dataclass
class Runs:
    """The wall-clock and CPU times of each run of one piece of work, and its last result."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    result: Any = None

    @property
    def wall(self) -> float:
        return min(self.walls)

    @property
    def cpu(self) -> float:
        return min(self.cpus)


def best(runs: int, work: Callable[[int], Any]) -> tuple[float, float, Any]:
    """The shortest of `runs` timings of work(i), wall clock and this process's CPU time
    (steadier than the wall clock on a shared machine), and its last result."""
    (timed,) = in_turn(runs, work)
    return timed.wall, timed.cpu, timed.result


def in_turn(runs: int, *works: Callable[[int], Any]) -> list[Runs]:
    """`runs` timings of each of `works`, taken in turn (a, b, a, b, ...) so that a change
    in the machine's load falls on each alike."""
    timed = [Runs() for _ in works]
    for i in range(runs):
        for work, times in zip(works, timed, strict=True):
            gc.collect()  # outside the timing
            t0, c0 = time.perf_counter(), time.process_time()
            times.result = work(i)
            times.walls.append(time.perf_counter() - t0)
            times.cpus.append(time.process_time() - c0)
    return timed


def paired_ratio(a: Runs, b: Runs) -> float:
    """The median of a's CPU time over b's run by run: runs taken in turn share the
    machine's load, so this moves less than the ratio of the bests when others use it."""
    return statistics.median(x / y for x, y in zip(a.cpus, b.cpus, strict=True))


def shown(wall: float, cpu: float) -> str:
    return f"{wall:7.3f} s (CPU {cpu:.3f} s)"


def peak_rss_mb() -> float | None:
    """This process's peak resident memory in MB, where the platform tells it."""
    if resource is None:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
