"""The build folder: ``build`` is a link to ``.builds/<id>/`` switched by one rename; the next build
removes what earlier ones left, but never a folder a build writes or a reader holds; a ``build/``
folder of an older tipkg is migrated; and ``kill -9`` at random moments of the write and swap phases,
100 times, always leaves the complete old build or the complete new one.
"""

from __future__ import annotations

import gc
import json
import os
import random
import select
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import MINI, copy_project
from service_support import serve

import tipkg
from tipkg.build.pipeline import OUTPUTS, build
from tipkg.build.swap import pin
from tipkg.engines.oxigraph import has_union
from tipkg.errors import TipkgError
from tipkg.project import Project

A, B = "https://example.org/a/", "https://example.org/b/"
KILL_SUPPORT = Path(__file__).resolve().parents[1] / "kill_support.py"


def folders(root: Path) -> list[str]:
    """What lies in ``.builds/`` but the kept units (``cache``, never removed), and the ``.build*``
    names beside ``build``."""
    return sorted(set(os.listdir(root / ".builds")) - {"cache"}) + sorted(p.name for p in root.glob(".build.*"))


def current(root: Path) -> str:
    target = os.readlink(root / "build")
    assert target.startswith(".builds/") and (root / target).is_dir(), target
    return target.removeprefix(".builds/")


@contextmanager
def holder(path: Path, *, lock: bool = True) -> Iterator[int]:
    """Another process, which holds a shared lock on ``path`` (as a reader does) until it is killed."""
    code = "import fcntl, os, sys, time\nfd = os.open(sys.argv[1], os.O_RDONLY)\n"
    code += "fcntl.flock(fd, fcntl.LOCK_SH)\n" if lock else ""
    code += "print('holding', flush=True)\ntime.sleep(120)\n"
    process = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline() == "holding\n"
        yield process.pid
    finally:
        process.kill()
        process.wait()


def dead_pid() -> int:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(process.stdout)


def test_build_is_a_link_and_a_rebuild_leaves_one_folder(mini_project: Path) -> None:
    build(Project(mini_project), check=False)
    first = current(mini_project)
    before = {name: (mini_project / "build" / name).read_bytes() for name in OUTPUTS}
    build(Project(mini_project), check=False)
    assert current(mini_project) != first
    assert folders(mini_project) == [".lock", current(mini_project)]
    assert (mini_project / ".builds" / "cache" / "units").is_dir()  # what the next build reuses
    assert {name: (mini_project / "build" / name).read_bytes() for name in OUTPUTS} == before


def test_leftovers_are_removed_unless_a_process_holds_them(mini_project: Path) -> None:
    build(Project(mini_project), check=False)
    builds = mini_project / ".builds"
    held, dead = builds / "20200101T000000Z-0000held", builds / "20200101T000000Z-0000dead"
    for folder in (held, dead, mini_project / f".build.tmp-{dead_pid()}", mini_project / f".build.old-{dead_pid()}"):
        (folder / "store").mkdir(parents=True)
        (folder / "store" / "000001.sst").write_bytes(b"x" * 1000)
    (mini_project / ".build.link-20200101T000000Z-0000dead").symlink_to(".builds/20200101T000000Z-0000dead")
    with holder(held) as pid:
        alive = mini_project / f".build.tmp-{pid}"  # a build of an older tipkg, still running
        alive.mkdir()
        build(Project(mini_project), check=False)
        assert folders(mini_project) == [*sorted([".lock", held.name, current(mini_project)]), alive.name]
    build(Project(mini_project), check=False)
    assert folders(mini_project) == [".lock", current(mini_project)]


def test_a_reader_keeps_its_build_while_later_ones_are_switched_in(mini_project: Path) -> None:
    build(Project(mini_project, A), check=False)
    kg = tipkg.open(mini_project)
    assert kg.build is not None
    read, answer = kg.build.path, kg.query("counts_by_class").to_dicts()
    assert read.parent == mini_project / ".builds"
    build(Project(mini_project, B), check=False)
    build(Project(mini_project, B), check=False)
    assert read.is_dir() and kg.query("counts_by_class").to_dicts() == answer
    assert folders(mini_project) == sorted([".lock", read.name, current(mini_project)])
    assert tipkg.open(mini_project).base == B
    del kg
    gc.collect()
    build(Project(mini_project, B), check=False)
    assert folders(mini_project) == [".lock", current(mini_project)]


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), '^(a+)+$')) }"


def test_a_server_keeps_serving_its_build_while_later_ones_are_switched_in(mini_project: Path, tmp_path: Path) -> None:
    """Its one worker (shared by saved and ad-hoc queries), stopped by a slow query, is replaced by one
    that opens the same store again."""
    build(Project(mini_project, A), check=False)
    served = current(mini_project)
    with serve(mini_project, tmp_path, ("workers", "1"), ("saved_query_workers", "0"), ("query_time_limit", "1")) as server:
        before = server.get("/queries/counts_by_class.json").json()
        build(Project(mini_project, B), check=False)
        build(Project(mini_project, B), check=False)
        assert (mini_project / ".builds" / served / "store").is_dir()
        assert server.get("/sparql", params={"query": SLOW}).status_code == 503
        ask = {"query": f"ASK {{ GRAPH <{A}graph/demo> {{ ?s ?p ?o }} }}"}
        deadline = time.monotonic() + 30  # the new worker may take longer to start than a query may wait for it
        while (answer := server.get("/sparql", params=ask, headers={"accept": "application/json"})).status_code != 200:
            assert answer.status_code == 503 and time.monotonic() < deadline, answer.text
            time.sleep(0.2)
        assert answer.json()["boolean"] is True
        assert server.get("/queries/counts_by_class.json").json() == before
    build(Project(mini_project, B), check=False)
    assert folders(mini_project) == [".lock", current(mini_project)]


def test_a_build_folder_of_an_older_tipkg_is_migrated(mini_project: Path) -> None:
    build(Project(mini_project, A), check=False)
    legacy = mini_project / "build"
    folder = legacy.resolve()
    legacy.unlink()
    folder.rename(legacy)  # build/ a real folder, as older versions wrote it, beside their leftovers
    shutil.rmtree(mini_project / ".builds")
    (mini_project / f".build.old-{dead_pid()}").mkdir()
    reader = pin(mini_project)  # a reader of the old folder
    assert reader.path == legacy
    inode = legacy.stat().st_ino
    build(Project(mini_project, B), check=False)
    assert (mini_project / "build").is_symlink()
    assert json.loads((mini_project / "build" / "manifest.json").read_text())["base"] == B
    (kept,) = [p for p in (mini_project / ".builds").iterdir() if p.name.endswith("-migrated")]
    assert kept.stat().st_ino == inode  # moved, not copied, and kept while it is read
    reader.release()
    build(Project(mini_project, B), check=False)
    assert folders(mini_project) == [".lock", current(mini_project)]


def test_a_build_file_is_refused(mini_project: Path) -> None:
    (mini_project / "build").write_text("not a build\n")
    with pytest.raises(TipkgError, match=r"/build exists and is not a folder$"):
        build(Project(mini_project), check=False)
    assert (mini_project / "build").read_text() == "not a build\n"


# -- kill -9 ---------------------------------------------------------------------------------------

SEED, KILLS = 12, 100
PHASES = ["start", "writing", "loading", "flushing", "switching", "removing"]  # as the build announces them


class Builds:
    """The kill helper (``tests/kill_support.py``) and what each version's build holds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, str(KILL_SUPPORT), str(root), A, B], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == "ready\n"
        self.expected: dict[str, dict[str, bytes]] = {}
        self.store_size: dict[str, int] = {}
        self.polls = 0

    def run(self, version: str, phase: str = "-", delay: float = 0.0) -> dict[str, object]:
        """One forked build, killed as told; while it runs, ``build/`` is looked at without pause."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{version} {phase} {delay if phase != '-' else '-'}\n")
        self.process.stdin.flush()
        while not select.select([self.process.stdout], [], [], 0.0005)[0]:
            self.polls += 1
            assert (self.root / "build" / "manifest.json").is_file() or not self.expected, "build/ missing"
            assert (self.root / "build" / "store" / "CURRENT").is_file() or not self.expected, "build/ incomplete"
        answer: dict[str, object] = json.loads(self.process.stdout.readline())
        return answer

    def complete(self) -> str:
        """The version of the complete build that ``build`` names (or, the first time, learn it)."""
        folder = self.root / ".builds" / current(self.root)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        version = {A: "a", B: "b"}[manifest["base"]]
        files = {name: (folder / name).read_bytes() for name in OUTPUTS}
        assert sum(manifest["graphs"].values()) == files["graph.nq"].count(b"\n")
        assert manifest["triples"] == files["graph.nt"].count(b"\n")
        store = ox.Store.read_only(str(folder / "store"))
        size = len(store)
        assert has_union(store)
        del store
        assert self.expected.setdefault(version, files) == files
        assert self.store_size.setdefault(version, size) == size
        return version

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def test_kill_9_at_random_moments_leaves_the_old_or_the_new_build(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "mini", MINI / "graph_data")
    builds = Builds(root)
    try:
        # calibration: each phase's length, measured on builds that finish
        spans: dict[str, list[float]] = {p: [] for p in PHASES}
        for version in "abab":
            answer = builds.run(version)
            assert answer["exit"] == 0 and builds.complete() == version
            at = answer["phases"]
            assert isinstance(at, dict) and list(at) == [*PHASES, "done"]
            for phase, after in zip(PHASES, [*PHASES[1:], "done"], strict=True):
                spans[phase].append(at[after] - at[phase])
        length = {p: sorted(s)[len(s) // 2] for p, s in spans.items()}

        rng = random.Random(SEED)
        now, outcomes = "b", Counter[tuple[str, str]]()
        started = time.perf_counter()
        for _ in range(KILLS):
            target = "a" if now == "b" else "b"
            phase = rng.choice(PHASES)
            answer = builds.run(target, phase, rng.uniform(0, 1.2 * length[phase]))
            assert answer["killed"] or answer["exit"] == 0, answer
            after = builds.complete()
            assert after in (now, target)
            at = answer["phases"]
            assert isinstance(at, dict)
            last = "finished" if not answer["killed"] else max(at, key=lambda p: at[p])
            outcomes[(last, "new" if after == target else "old")] += 1
            now = after
            assert len(folders(root)) <= 4, folders(root)  # what a killed build leaves is removed by the next
        seconds = time.perf_counter() - started

        answer = builds.run("a" if now == "b" else "b")
        assert answer["exit"] == 0 and builds.complete() != now
        assert folders(root) == [".lock", current(root)]
    finally:
        builds.close()
    print(f"\n{KILLS} kills in {seconds:.1f} s, build/ looked at {builds.polls} times; phase lengths (ms):")
    print("  " + ", ".join(f"{p} {length[p] * 1000:.1f}" for p in PHASES))
    print("  killed in (phase, build found): " + ", ".join(f"{p}/{v} {n}" for (p, v), n in sorted(outcomes.items())))
    swap = sum(n for (p, _v), n in outcomes.items() if p in ("switching", "removing"))
    assert {v for _p, v in outcomes} == {"old", "new"} and swap >= 10 and outcomes[("start", "old")] >= 1, outcomes


def test_the_migration_swaps_a_link_and_a_folder_in_one_step(tmp_path: Path) -> None:
    """Linux's renameat2(RENAME_EXCHANGE): no moment without ``build/`` even when migrating."""
    from tipkg.build.swap import _exchange

    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "old").write_text("old")
    (tmp_path / "new").symlink_to(".builds/x")
    assert _exchange(tmp_path / "new", tmp_path / "build")
    assert os.readlink(tmp_path / "build") == ".builds/x"
    assert (tmp_path / "new" / "old").read_text() == "old"
