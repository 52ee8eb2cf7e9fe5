"""``tipkg build`` as a child process: wall time, peak memory, time per phase; the store's load rate.

The phases are timed from the progress lines the build prints as it starts each one.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.timing import run_in_child

_QUADS = re.compile(r"^loading \d+ quads .*into the store$")


@dataclass
class BuildRun:
    checked: bool
    seconds: float
    peak_rss_mb: float
    phases: dict[str, float] = field(default_factory=dict)  # phase -> seconds, in order
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def triples(self) -> int:
        return int(self.manifest["triples"])

    @property
    def quads(self) -> int:
        """The store's named quads: the data's graphs and the dataset's description (its own graph)."""
        return sum(self.manifest["graphs"].values()) + int(self.manifest.get("description", 0))

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["manifest"]
        return {**out, "triples": self.triples, "quads": self.quads, "triples_per_s": self.triples / self.seconds}


def timed_build(root: Path, check: bool) -> BuildRun:
    """Run ``tipkg build`` on ``root`` in a child process and measure it."""
    args = [sys.executable, "-m", "tipkg", "build", "--root", str(root), *([] if check else ["--no-check"])]
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    marks: list[tuple[float, str]] = []
    messages: list[str] = []
    for line in process.stderr:
        text = line.strip()
        if text.startswith("…"):
            phase = text.removeprefix("…").strip()
            marks.append((time.perf_counter(), "loading into the store" if _QUADS.match(phase) else phase))
        else:
            messages.append(text)
    _pid, status, usage = os.wait4(process.pid, 0)
    ended = time.perf_counter()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"tipkg build failed on {root}: {' '.join(messages)[-500:]}")
    phases = {name: (marks[i + 1][0] if i + 1 < len(marks) else ended) - at for i, (at, name) in enumerate(marks)}
    manifest = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))
    return BuildRun(check, ended - started, usage.ru_maxrss / 1024, phases, manifest)


def load_rates(build_dir: Path, scratch: Path) -> dict[str, Any]:
    """Load the build into a new store at ``scratch`` as the build does (``tipkg.engines.oxigraph.write_store``:
    graph.nq's named graphs, graph.nt's union into the default graph and void.nq's description, one bulk load). In a child."""

    def load() -> dict[str, Any]:
        import shutil

        import pyoxigraph as ox

        from tipkg.engines.oxigraph import write_store

        if scratch.exists():
            shutil.rmtree(scratch)
        started = time.perf_counter()
        write_store(scratch, build_dir / "graph.nq", build_dir / "graph.nt", build_dir / "void.nq")
        seconds = time.perf_counter() - started
        store = ox.Store.read_only(str(scratch))
        quads = len(store)
        union = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        del store
        size = _size_mb(scratch)
        shutil.rmtree(scratch)
        return {
            "quads": quads,
            "named_quads": quads - union,
            "union_triples": union,
            "seconds": seconds,
            "quads_per_s": quads / seconds,
            "store_mb": size,
        }

    result: dict[str, Any] = run_in_child(load, 3600)
    return result


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
