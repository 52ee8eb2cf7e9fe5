"""Cold start: wall time of a new ``tipkg`` process, median of several."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SMALL_QUERY = "cases_handled_abroad"  # one row, no parameters


def tipkg_command() -> list[str]:
    """The installed ``tipkg`` script beside this Python, else ``python -m tipkg``."""
    script = Path(sys.executable).parent / "tipkg"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tipkg"]


def cold(args: list[str], times: int, shown: str) -> dict[str, Any]:
    runs = []
    for _ in range(times):
        started = time.perf_counter()
        subprocess.run([*tipkg_command(), *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs.append(time.perf_counter() - started)
    return {"command": shown, "median_s": statistics.median(runs), "runs_s": runs}


def time_startup(root: Path, times: int = 7) -> dict[str, Any]:
    """``tipkg --help`` and ``tipkg query run <a one-row query>`` on the project at ``root``."""
    return {
        "help": cold(["--help"], times, "tipkg --help"),
        "query_run": cold(["query", "run", SMALL_QUERY, "--root", str(root)], times, f"tipkg query run {SMALL_QUERY} --root <project>"),
    }
