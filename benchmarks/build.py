"""``tipkg build`` as a child process: wall time, peak memory, time per phase; the store's load rate.

The phases are timed from the progress lines the build prints as it starts each one.
"""

from __future__ import annotations

import contextlib
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
    """Run ``tipkg build`` on ``root`` in a child process and measure it. Peak memory is the
    largest sum, sampled every 0.2 s, of the proportional set sizes (PSS: a page shared by n
    processes counts 1/n in each) of the build and its worker processes."""
    args = [sys.executable, "-m", "tipkg", "build", "--root", str(root), *([] if check else ["--no-check"])]
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert process.stderr is not None
    sampler = PeakMemory(process.pid)
    sampler.start()
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
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"tipkg build failed on {root}: {' '.join(messages)[-500:]}")
    phases = {name: (marks[i + 1][0] if i + 1 < len(marks) else ended) - at for i, (at, name) in enumerate(marks)}
    manifest = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))
    peak = max(sampler.peak_mb, usage.ru_maxrss / 1024)  # a peak between two samples is the largest process's at least
    return BuildRun(check, ended - started, peak, phases, manifest)


EDITED = "actors.yaml"


def timed_edit(root: Path, check: bool) -> dict[str, Any]:
    """Edit one report of a built project (the middle one: a name in its first records file) and
    time ``tipkg build`` again: what a curator waits for after changing one report."""
    folders = sorted(p for p in (root / "graph_data").iterdir() if (p / EDITED).is_file())
    path = folders[len(folders) // 2] / EDITED
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^(\s+en: )(.+)$", r"\1\2 (edited)", text, count=1)
    assert edited != text, f"nothing to edit in {path}"
    path.write_text(edited, encoding="utf-8")
    run = timed_build(root, check)
    rebuilt = next((m for m in run.phases if re.match(r"\d+ of \d+ units built", m)), "")
    return {**run.as_dict(), "edited": str(path.relative_to(root)), "units": rebuilt}


class PeakMemory:
    """The largest total PSS of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        import threading

        self.pid = pid
        self.interval = interval
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self.interval):
            total = sum(_pss_kb(pid) for pid in _tree(self.pid))
            self.peak_mb = max(self.peak_mb, total / 1024)


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # ended meanwhile
                todo += [int(c) for c in task.read_text().split()]
    return out


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:  # ended meanwhile
        pass
    return 0


def load_rates(build_dir: Path, scratch: Path) -> dict[str, Any]:
    """Load the build into a new store at ``scratch`` as the build does (``tipkg.engines.oxigraph.write_store``:
    graph.nq's named graphs, graph.nt's union into the default graph and void.nq's description, in bulk loads
    of 200,000 lines). In a child."""

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


# -- the report's build section and targets --------------------------------------------------

# the build's progress messages, by their first words, and the phase each begins
PHASES = (
    ("reading", "read"),
    ("building", "units"),
    ("describing", "spanning"),
    ("computing", "closure"),
    ("validating", "SHACL"),
    ("writing", "write"),
    ("loading", "store"),
    ("flushing", "swap"),
    ("switching", "swap"),
    ("removing", "swap"),
)
MEMORY_PER_TRIPLE = 1_000  # bytes, at 10M triples
EDIT_LIMIT = 10.0  # seconds, one report edited in the 1M project
FULL_LIMIT = 90.0  # seconds, the 1M project from nothing
BIG = 10_000_000
TARGET = 1_000_000


def phase_times(phases: dict[str, float]) -> dict[str, float]:
    """Seconds per phase name, from the build's messages (a message of no phase is left out)."""
    out: dict[str, float] = {}
    for message, seconds in phases.items():
        name = next((n for prefix, n in PHASES if message.startswith(prefix)), None)
        if name is not None:
            out[name] = out.get(name, 0.0) + seconds
    return out


def per_triple(run: dict[str, Any]) -> float:
    return float(run["peak_rss_mb"] * 2**20 / run["triples"])


def section(sizes: dict[str, Any]) -> list[str]:
    names = list(dict.fromkeys(n for _p, n in PHASES))
    head = ["size", "reports", "triples", "quads", "build", "peak memory", "per triple", *names, "store load"]
    lines = [
        "`tipkg build` from nothing (no kept units) as a child process: wall time; peak memory, the largest total PSS",
        "of the build and its worker processes sampled every 0.2 s; the time of each phase. SHACL validation is run only",
        "up to the size given by `--check-up-to` (—: built with `--no-check`). *quads*: quads of the named graphs.",
        "*write*: graph.nq and graph.nt merged from the units; *store*: the store's bulk loads, graph.ttl and graph.jsonld",
        "written meanwhile. *store load*: the store's loading run again into a new store, in statements per second.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for label, size in sizes.items():
        b, load = size["build"], size["load"]
        phases = phase_times(b["phases"])
        cells = [
            label,
            str(size["reports"] or "part of 1"),
            f"{b['triples']:,}",
            f"{b['quads']:,}",
            f"{b['seconds']:.1f} s",
            f"{b['peak_rss_mb']:,.0f} MB",
            f"{per_triple(b):,.0f} B",
            *[f"{phases[p]:.1f} s" if p in phases else "—" for p in names],
            f"{load['quads']:,} in {load['seconds']:.1f} s: {load['quads_per_s']:,.0f}/s ({load['store_mb']:,.0f} MB)",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    edits = {label: size["edit"] for label, size in sizes.items() if size.get("edit")}
    if edits:
        lines += [
            "",
            "### One report edited",
            "",
            "`tipkg build` again after a name is changed in one report's records (the middle report's first",
            "records file): the units kept from the build above are reused where nothing they read changed.",
            "",
            "| size | edited | units | build | peak memory | " + " | ".join(names) + " |",
            "|" + "---|" * (5 + len(names)),
        ]
        for label, e in edits.items():
            phases = phase_times(e["phases"])
            cells = [label, f"`{e['edited']}`", e["units"], f"{e['seconds']:.1f} s", f"{e['peak_rss_mb']:,.0f} MB"]
            lines.append("| " + " | ".join([*cells, *[f"{phases[p]:.1f} s" if p in phases else "—" for p in names]]) + " |")
    return lines


def targets(sizes: dict[str, Any]) -> list[dict[str, Any]]:
    """The build's targets: memory per triple at 10M, one report edited and the whole project at 1M."""
    out: list[dict[str, Any]] = []
    big = [s for s in sizes.values() if s["target_triples"] >= BIG]
    text = f"a build of 10M triples with peak memory ≤ {MEMORY_PER_TRIPLE:,} bytes per triple"
    if not big:
        out.append({"target": text, "measured": "no size of 10M triples was built", "met": None})
    else:
        b = min(big, key=lambda s: s["target_triples"])["build"]
        checked = "with SHACL" if b["checked"] else "without SHACL"
        shown = (
            f"{per_triple(b):,.0f} B per triple ({b['peak_rss_mb']:,.0f} MB for {b['triples']:,} triples, {b['seconds']:.0f} s, {checked})"
        )
        out.append({"target": text, "measured": shown, "met": per_triple(b) <= MEMORY_PER_TRIPLE})
    at = [s for s in sizes.values() if s["target_triples"] == TARGET]
    size = at[0] if at else None
    text = f"one report edited in the 1M project rebuilt in ≤ {EDIT_LIMIT:g} s"
    if size is None or not size.get("edit"):
        out.append({"target": text, "measured": "not measured", "met": None})
    else:
        e = size["edit"]
        checked = "with SHACL" if e["checked"] else "without SHACL"
        out.append({"target": text, "measured": f"{e['seconds']:.1f} s ({checked}; {e['units']})", "met": e["seconds"] <= EDIT_LIMIT})
    text = f"the 1M project built from nothing in ≤ {FULL_LIMIT:g} s"
    if size is None:
        out.append({"target": text, "measured": "not measured", "met": None})
    else:
        b = size["build"]
        checked = "with SHACL" if b["checked"] else "without SHACL"
        out.append(
            {"target": text, "measured": f"{b['seconds']:.1f} s ({checked}, {b['triples']:,} triples)", "met": b["seconds"] <= FULL_LIMIT}
        )
    return out
