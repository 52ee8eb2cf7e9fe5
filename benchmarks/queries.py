"""Every saved query, timed on four paths over the same build.

- ``tipkg``: the library's default path, ``tipkg.open(root).query(name)`` (Oxigraph, rows of rdflib
  terms; the labels are looked up when first read);
- ``labels``: the same, with the result's labels read (what the CLI and the service do);
- ``page``: the answer's first page, ``kg.query(name, window=Window(0, PAGE_ROWS))`` (what the site
  and the API show first): the engine computes and counts the whole answer, but only the page's
  rows are made rdflib terms;
- ``floor``: raw pyoxigraph running the same text on the same store, as tipkg calls it (its
  default graph, the same substitutions and prefixes), every value of every solution read;
- ``rdflib``: ``tipkg.open(root, engine="rdflib").query(name)``, in a worker process that loads
  the graph once (``python -m benchmarks.queries``).

Parameters take their saved defaults. Each path runs in a child killed after ``limit`` seconds.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.timing import Timing, measure


def query_names(root: Path) -> list[str]:
    from tipkg.sparql.saved import load_saved_queries

    return sorted(load_saved_queries(root / "queries"))


def tipkg_path(
    root: Path, name: str, engine: str = "oxigraph", labels: bool = False, page: bool = False
) -> Callable[[], Callable[[], int]]:
    """``kg.query(name)``; with ``labels``, its labels read too (looked up on first read); with
    ``page``, only the answer's first page."""

    def make() -> Callable[[], int]:
        import tipkg
        from tipkg.sparql.paging import PAGE_ROWS, Window

        kg = tipkg.open(root, engine=engine)
        assert name in kg.queries  # read the saved queries before timing
        window = Window(0, PAGE_ROWS) if page else None

        def run() -> int:
            result = kg.query(name, window=window)
            if labels:
                result.labels  # noqa: B018 - the lookup is what is timed
            return len(result)

        return run

    return make


def floor_path(root: Path, name: str) -> Callable[[], Callable[[], int]]:
    def make() -> Callable[[], int]:
        import pyoxigraph as ox

        from tipkg.build.rdfio import to_ox
        from tipkg.namespaces import DEFAULT_BASE, PREFIXES
        from tipkg.sparql.saved import bind, load_saved_queries

        saved = load_saved_queries(root / "queries")[name]
        base = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8")).get("base", DEFAULT_BASE)
        subs = {ox.Variable(k): to_ox(v) for k, v in bind(saved, {}, base).items()} or None
        store = ox.Store.read_only(str(root / "build" / "store"))

        def run() -> int:
            answer = store.query(saved.text, substitutions=subs, prefixes=PREFIXES)
            if isinstance(answer, ox.QueryBoolean):
                return 1
            if isinstance(answer, ox.QuerySolutions):
                width = len(answer.variables)
                n = 0
                for solution in answer:
                    for i in range(width):
                        solution[i]
                    n += 1
                return n
            return sum(1 for _ in answer)

        return run

    return make


def time_oxigraph_paths(root: Path, names: list[str], repeat: int, limit: float, budget: float) -> dict[str, dict[str, Timing]]:
    """The Oxigraph paths of each query, one after the other. Where the floor goes over the limit,
    the tipkg paths (which run the same query, and more) are not run and count as over it too."""
    _preload(root, names)
    out: dict[str, dict[str, Timing]] = {}
    for name in names:
        floor = measure(floor_path(root, name), repeat, limit, budget)
        if floor.over is None:
            tipkg = measure(tipkg_path(root, name), repeat, limit, budget)
            labels = measure(tipkg_path(root, name, labels=True), repeat, limit, budget)
            page = measure(tipkg_path(root, name, page=True), repeat, limit, budget)
        else:
            tipkg, labels, page = (Timing(over=limit, error="not run: the floor went over the limit") for _ in range(3))
        out[name] = {"tipkg": tipkg, "labels": labels, "page": page, "floor": floor}
    return out


def _preload(root: Path, names: list[str]) -> None:
    """Make, here, what every path's child would make again before its warm-up run: each child is
    forked from this process and starts with it. The imports (rdflib and its SPARQL parser among
    them), and each query as the guard reads it (it keeps what it read of a text; kg.query asks it
    in these words). None of it is timed: the timed runs already found it done."""
    import pyoxigraph  # noqa: F401

    import tipkg.engines.oxigraph
    import tipkg.kg  # noqa: F401
    from tipkg.sparql.federation import SERVICES_ENV, allowed_services
    from tipkg.sparql.guard import check_query
    from tipkg.sparql.saved import load_saved_queries

    graphs = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8")).get("graphs")
    known = None if graphs is None else frozenset(graphs)
    queries = load_saved_queries(root / "queries")
    for name in names:
        check_query(queries[name].text, graphs=known, services=allowed_services(), allow_list=SERVICES_ENV)


def time_rdflib_path(root: Path, names: list[str], repeat: int, limit: float, budget: float, load_limit: float) -> dict[str, Any]:
    """The ``rdflib`` path of each query, in a worker process; with the worker's load time and memory."""
    args = [sys.executable, "-m", "benchmarks.queries", str(root), str(repeat), str(limit), str(budget), *names]
    timeout = load_limit + len(names) * (limit + budget + 60)
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"the rdflib worker took more than {timeout:.0f} s", "queries": {}}
    if done.returncode != 0:
        return {"error": " ".join(done.stderr.split())[-300:], "queries": {}}
    report: dict[str, Any] = json.loads(done.stdout)
    report["queries"] = {n: Timing(**t) for n, t in report["queries"].items()}
    return report


def _loaded(kg: Any, name: str) -> Callable[[], Callable[[], int]]:
    """A query on a graph already loaded: the child that measure() forks shares it."""
    return lambda: lambda: len(kg.query(name))


def _rdflib_worker(argv: list[str]) -> None:
    root, repeat, limit, budget, names = Path(argv[0]), int(argv[1]), float(argv[2]), float(argv[3]), argv[4:]
    import tipkg

    started = time.perf_counter()
    kg = tipkg.open(root, engine="rdflib")
    loaded = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    _preload(root, names)
    queries: dict[str, Any] = {}
    for name in names:
        timing = measure(_loaded(kg, name), repeat, limit, budget)
        queries[name] = {"runs": timing.runs, "over": timing.over, "error": timing.error, "rows": timing.rows}
    json.dump({"load_s": loaded, "peak_rss_mb": peak_mb, "queries": queries}, sys.stdout)


if __name__ == "__main__":
    _rdflib_worker(sys.argv[1:])
