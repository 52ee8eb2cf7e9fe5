"""Repeated timings in a child process that is killed when a run goes over a time limit.

A query cannot be interrupted from Python once an engine runs it, so each measured path runs in a
forked child; the parent reads each run's time from a pipe and kills the child when one takes
longer than the limit. The parent must not hold an open store when it forks (only the child opens
one), so no engine thread is copied into the child.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SETUP_LIMIT = 120.0  # seconds a child may take to open what it measures, on top of the run limit


def percentile(samples: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0-100) of ``samples``."""
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


@dataclass
class Timing:
    """The measured runs of one path (seconds), after a warm-up run that is not counted."""

    runs: list[float] = field(default_factory=list)
    over: float | None = None  # the limit a run went over (the child was killed)
    error: str | None = None
    rows: int | None = None

    @property
    def ok(self) -> bool:
        return bool(self.runs) and self.over is None and self.error is None

    @property
    def p50(self) -> float | None:
        return percentile(self.runs, 50) if self.ok else None

    @property
    def p95(self) -> float | None:
        return percentile(self.runs, 95) if self.ok else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "p50_s": self.p50,
            "p95_s": self.p95,
            "runs_s": self.runs,
            "over_limit_s": self.over,
            "error": self.error,
            "rows": self.rows,
        }


def measure(make: Callable[[], Callable[[], int]], repeat: int, limit: float, budget: float) -> Timing:
    """Time ``make()()`` in a forked child: one warm-up run, then up to ``repeat`` runs, stopping
    early once ``budget`` seconds are spent. ``make`` runs in the child (it opens the store); the
    function it returns does one run and returns its number of rows."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(make, repeat, budget, child), daemon=True)
    process.start()
    child.close()
    timing = Timing()
    wait = limit + SETUP_LIMIT
    try:
        while True:
            if not parent.poll(wait):
                timing.over = limit
                break
            kind, value = parent.recv()
            wait = limit
            if kind == "run":
                timing.runs.append(value)
            elif kind == "rows":
                timing.rows = value
            elif kind == "error":
                timing.error = value
                break
            elif kind == "done":
                break
    except EOFError:
        timing.error = timing.error or f"the child process died (exit code {process.exitcode})"
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if timing.over is not None:
        timing.runs = []
    return timing


def run_in_child(fn: Callable[[], Any], limit: float) -> Any:
    """``fn()`` in a forked child (so the memory and threads it uses go with the child); its value,
    or ``None`` if it took longer than ``limit`` seconds."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_call, args=(fn, child), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(limit):
            return None
        kind, value = parent.recv()
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if kind == "error":
        raise RuntimeError(value)
    return value


def _child(make: Callable[[], Callable[[], int]], repeat: int, budget: float, out: Any) -> None:
    try:
        run = make()
        out.send(("rows", run()))  # the warm-up run
        spent = 0.0
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            took = time.perf_counter() - started
            out.send(("run", took))
            spent += took
            if spent > budget:
                break
        out.send(("done", None))
    except Exception as exc:  # reported, not raised: the parent records the error for this path
        out.send(("error", " ".join(f"{type(exc).__name__}: {exc}".split())[:300]))


def _call(fn: Callable[[], Any], out: Any) -> None:
    try:
        out.send(("value", fn()))
    except Exception as exc:
        out.send(("error", f"{type(exc).__name__}: {exc}"))
