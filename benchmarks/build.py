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

_QUADS = re.compile(r"^loading \d+ quads into the store$")


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
        return sum(self.manifest["graphs"].values())

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


def load_rates(build_dir: Path, once_store: Path) -> dict[str, Any]:
    """Bulk-load the build into a new store, as the build does (graph.nq), then its union stored
    once into the default graph (graph.nt): the store of the ``once`` query path. In a child."""

    def load() -> dict[str, Any]:
        import shutil

        import pyoxigraph as ox

        if once_store.exists():
            shutil.rmtree(once_store)
        store = ox.Store(str(once_store))
        started = time.perf_counter()
        store.bulk_load(path=str(build_dir / "graph.nq"), format=ox.RdfFormat.N_QUADS)
        store.flush()
        quads_s = time.perf_counter() - started
        quads = len(store)
        started = time.perf_counter()
        store.bulk_load(path=str(build_dir / "graph.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        store.flush()
        triples_s = time.perf_counter() - started
        triples = len(store) - quads
        store.optimize()
        del store
        return {
            "quads": quads,
            "quads_s": quads_s,
            "quads_per_s": quads / quads_s,
            "union_triples": triples,
            "union_s": triples_s,
            "union_per_s": triples / triples_s,
            "store_mb": _size_mb(build_dir / "store"),
            "once_store_mb": _size_mb(once_store),
        }

    result: dict[str, Any] = run_in_child(load, 3600)
    return result


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
