"""``python -m benchmarks.soak``: ``tipkg serve`` under a steady mixed load for a while, then stopped.

    python -m benchmarks.soak --duration 600          # the project's own build, 10 minutes, 8 clients

``tipkg serve`` runs on the built graph of ``--root`` (default settings but ``worker_memory_mb``
1024, and any ``--setting``), in a session of its own. ``--clients`` threads on loopback send
requests one after the other until ``--duration`` seconds have passed: saved queries as JSON, cheap ad-hoc SPARQL, and pages
(``/``, ``/id/…``, ``/sources/…``, ``/queries/…``). Every ``--over-every`` seconds one client sends
a query that outruns the time limit, and every ``--bomb-every`` seconds one that outgrows the
memory limit: their 503s are expected refusals, counted apart. An error is anything else that is
not the expected answer (0 expected). Then the server is stopped (SIGINT, then SIGKILL for its whole
session) and no process of it may be left.

The figures (requests, errors, p50 / p99 per kind, resident memory of the server and its workers
at the start and the end) go into ``benchmarks.json`` under ``soak`` and into the ``Soak`` section
of ``benchmarks.md`` in ``--out``, beside the other figures there, which are kept.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote, urlencode

from benchmarks import report
from benchmarks.service import wait_until_up
from benchmarks.startup import tipkg_command
from benchmarks.timing import percentile

REPO = Path(__file__).resolve().parent.parent
_URL = re.compile(r"http://([^\s/:]+):(\d+)/")
CHEAP_SPARQL = (
    "ASK { ?s ?p ?o }",
    "SELECT ?body ?name WHERE { ?body a schema:GovernmentOrganization ; skos:prefLabel ?name } LIMIT 20",
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 10",
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(CONTAINS(LCASE(STR(?label)), 'trata')) } LIMIT 10",
)
OVER_TIME = """SELECT (COUNT(*) AS ?n) WHERE {
  ?a ?b ?c . ?d ?e ?f . ?g ?h ?i .
  FILTER(REGEX(CONCAT(STR(?c), STR(?f), STR(?i)), "^(a+)+$"))
}"""
OVER_MEMORY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
# kind -> share of the ordinary requests
MIX = {"saved": 0.35, "sparql": 0.25, "page_entity": 0.2, "page_query": 0.1, "page_home": 0.05, "page_source": 0.05}
EXPECTED_REFUSALS = {"over_time": "time limit", "over_memory": "MB of memory"}
# a bomb grows by 150 MB/s or more on a busy machine: 1 GB is reached well before the time limit
SETTINGS = {"worker_memory_mb": "1024"}


@dataclass
class Request:
    kind: str
    method: str
    path: str
    body: bytes | None = None
    status: int = 200  # the expected answer
    says: str | None = None  # a text the answer must contain


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)  # the first few errors, to say what they were
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: Request, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[request.kind].append(seconds)
            if error is not None:
                self.errors[request.kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{request.kind} {request.path[:80]}: {error}")
            elif request.status != 200:
                self.refused[request.kind] += 1


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=REPO, help="Project folder with a built graph (default: this repository).")
    parser.add_argument("--duration", type=float, default=600.0, help="Seconds of load (default: %(default)s).")
    parser.add_argument("--clients", type=int, default=8, help="Client threads (default: %(default)s).")
    parser.add_argument("--over-every", type=float, default=60.0, help="Seconds between two over-time queries (default: %(default)s).")
    parser.add_argument("--bomb-every", type=float, default=150.0, help="Seconds between two memory bombs (default: %(default)s).")
    parser.add_argument(
        "--setting",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help=f"A tipkg serve setting (repeatable), over the defaults and {' '.join(' '.join(s) for s in SETTINGS.items())}.",
    )
    parser.add_argument("--seed", type=int, default=12, help="Seed of the clients' choices (default: %(default)s).")
    parser.add_argument("--out", type=Path, default=REPO / "docs", help="Folder of benchmarks.md and benchmarks.json (default: docs/).")
    args = parser.parse_args(argv)
    args.settings = {**SETTINGS, **dict(args.setting)}
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = arguments(sys.argv[1:] if argv is None else argv)
    root = args.root.resolve()
    manifest = root / "build" / "manifest.json"
    if not manifest.exists():
        raise SystemExit(f"no built graph in {root / 'build'}: run 'tipkg build' first")
    requests = ordinary_requests(root)
    figures = soak(root, requests, args)
    figures["command"] = "python -m benchmarks.soak " + shlex.join(sys.argv[1:] if argv is None else argv)
    figures["triples"] = json.loads(manifest.read_text(encoding="utf-8")).get("triples")
    md, js = write(args.out, figures)
    print(f"soak: {figures['requests']} requests, {figures['errors']} errors; written {md} and {js}", file=sys.stderr)
    return figures


def ordinary_requests(root: Path) -> dict[str, list[Request]]:
    """The requests of each kind of the mix, from the project's saved queries and its graph."""
    from tipkg.engines.oxigraph import open_store
    from tipkg.namespaces import DEFAULT_BASE, PREFIXES
    from tipkg.sparql.saved import load_saved_queries

    saved = {}
    for name, query in sorted(load_saved_queries(root / "queries").items()):
        values = {p.name: p.default or p.example for p in query.params}
        if all(values.values()):
            saved[name] = "?" + urlencode(values) if values else ""
    base = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8")).get("base", DEFAULT_BASE)
    store = open_store(root / "build")
    entities = sorted(
        {str(row[0].value) for row in store.query("SELECT DISTINCT ?s WHERE { ?s a ?class }", prefixes=PREFIXES)}  # type: ignore[union-attr]
    )
    sources = [str(row[0].value) for row in store.query("SELECT ?doc WHERE { ?doc a tipkg:SourceDocument }", prefixes=PREFIXES)]  # type: ignore[union-attr]
    del store
    entity_paths = ["/id/" + quote(e[len(base) :], safe="/:@!$&'()*+,;=-._~") for e in entities if e.startswith(base)][:300]
    return {
        "saved": [Request("saved", "GET", f"/queries/{n}.json{q}") for n, q in saved.items()],
        "page_query": [Request("page_query", "GET", f"/queries/{n}{q}") for n, q in saved.items()],
        "sparql": [Request("sparql", "POST", "/sparql", urlencode({"query": t}).encode()) for t in CHEAP_SPARQL],
        "page_entity": [Request("page_entity", "GET", p) for p in entity_paths],
        "page_home": [Request("page_home", "GET", "/"), Request("page_home", "GET", "/?q=trata")],
        "page_source": [Request("page_source", "GET", "/sources/" + s.rstrip("/").rsplit("/", 1)[-1]) for s in sources],
    }


def soak(root: Path, requests: dict[str, list[Request]], args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryFile("w+") as log:  # the server's messages (and Ctrl-C's), shown if it fails
        return _soak(root, requests, args, log)


def _soak(root: Path, requests: dict[str, list[Request]], args: argparse.Namespace, log: IO[str]) -> dict[str, Any]:
    command = [*tipkg_command(), "serve", "--root", str(root), "--port", "0"]
    for name, value in args.settings.items():
        command += ["--setting", name, value]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True)
    try:
        assert server.stdout is not None
        found = _URL.search(server.stdout.readline())
        if found is None:
            server.wait(20)
            log.seek(0)
            raise SystemExit(f"tipkg serve did not say where it listens: {log.read()[-2000:]}")
        host, port = found.group(1), int(found.group(2))
        wait_until_up(host, port, 60, "/static/site.css")
        tally = Tally()
        for kind, items in requests.items():  # warm-up, not counted: each kind answers once
            unexpected = _send(host, port, items[0], 60)[1] if items else None
            if unexpected is not None:
                raise SystemExit(f"the service does not answer {kind} requests as expected: {unexpected}")
        start_rss = memory(server.pid)
        peak = [start_rss["total_mb"]]
        began = time.monotonic()
        deadline = began + args.duration
        due = {"over_time": began + args.over_every / 2, "over_memory": began + args.bomb_every / 2}
        due_lock = threading.Lock()

        def special() -> Request | None:
            now = time.monotonic()
            with due_lock:
                for kind, when in due.items():
                    if now >= when:
                        due[kind] = now + (args.over_every if kind == "over_time" else args.bomb_every)
                        text = OVER_TIME if kind == "over_time" else OVER_MEMORY
                        return Request(kind, "POST", "/sparql", urlencode({"query": text}).encode(), 503, EXPECTED_REFUSALS[kind])
            return None

        def client(i: int) -> None:
            rng = random.Random(args.seed * 1000 + i)
            kinds, weights = zip(*((k, w) for k, w in MIX.items() if requests[k]), strict=True)
            conn: http.client.HTTPConnection | None = None
            while time.monotonic() < deadline:
                request = special() or rng.choice(requests[rng.choices(kinds, weights)[0]])
                started = time.perf_counter()
                conn, error = _send(host, port, request, 90, conn)
                tally.add(request, time.perf_counter() - started, error)
            if conn is not None:
                conn.close()

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(args.clients)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads) and time.monotonic() < deadline + 120:
            time.sleep(min(5.0, max(0.1, deadline - time.monotonic())))
            peak.append(memory(server.pid)["total_mb"])
        stuck = sum(t.is_alive() for t in threads)
        end_rss = memory(server.pid)
        elapsed = time.monotonic() - began
    finally:
        leftover = stop(server)
    return summarize(tally, elapsed, args, start_rss, end_rss, max(peak), leftover, stuck)


def _send(
    host: str, port: int, request: Request, timeout: float, conn: http.client.HTTPConnection | None = None
) -> tuple[http.client.HTTPConnection | None, str | None]:
    """Send ``request`` (on ``conn``, kept alive, or a new connection); (the connection, what was unexpected)."""
    try:
        conn = conn or http.client.HTTPConnection(host, port, timeout=timeout)
        headers = {"Accept": "application/sparql-results+json"} if request.method == "POST" else {}
        if request.body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(request.method, request.path, body=request.body, headers=headers)
        response = conn.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as exc:
        if conn is not None:
            conn.close()
        return None, f"{type(exc).__name__}: {exc}"
    if response.status != request.status:
        return conn, f"{response.status} (expected {request.status}): {body[:160].decode('utf-8', 'replace').strip()}"
    if request.says is not None and request.says.encode() not in body:
        return conn, f"{response.status} without {request.says!r}: {body[:160].decode('utf-8', 'replace').strip()}"
    return conn, None


def memory(pid: int) -> dict[str, float]:
    """Resident memory (MB) of the process ``pid`` and of its children (the query workers)."""
    children = [p for p in _processes() if p[1] == pid]
    server = _rss_mb(pid)
    workers = sum(_rss_mb(child) for child, _parent, _group in children)
    return {"server_mb": server, "workers_mb": workers, "total_mb": server + workers, "workers": len(children)}


def _processes() -> list[tuple[int, int, int]]:
    """(pid, parent pid, process group) of every process."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out.append((int(stat.parent.name), int(fields[1]), int(fields[2])))
    return out


def _rss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) / 1024 if found else 0.0


def stop(server: subprocess.Popen[str]) -> int:
    """Stop the server (Ctrl-C, as a user would), then kill what is left of its session; how many
    of its processes were still there to kill."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(20)
    left = [pid for pid, _parent, group in _processes() if group == server.pid]
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.wait()
    return len(left)


def summarize(
    tally: Tally,
    elapsed: float,
    args: argparse.Namespace,
    start: dict[str, float],
    end: dict[str, float],
    peak: float,
    leftover: int,
    stuck: int,
) -> dict[str, Any]:
    kinds = {}
    for kind in [*MIX, *EXPECTED_REFUSALS]:
        times = tally.latencies.get(kind, [])
        kinds[kind] = {
            "requests": len(times),
            "errors": tally.errors.get(kind, 0),
            "refused_as_expected": tally.refused.get(kind, 0),
            "p50_ms": percentile(times, 50) * 1000 if times else None,
            "p99_ms": percentile(times, 99) * 1000 if times else None,
            "max_ms": max(times) * 1000 if times else None,
        }
    errors = sum(tally.errors.values()) + stuck + leftover
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.machine(),
        "duration_s": elapsed,
        "clients": args.clients,
        "settings": args.settings,
        "requests": sum(k["requests"] for k in kinds.values()),
        "errors": errors,
        "refused_as_expected": sum(tally.refused.values()),
        "error_samples": tally.samples + ([f"{stuck} clients still waiting at the end"] if stuck else []),
        "kinds": kinds,
        "rss_start": start,
        "rss_end": end,
        "rss_peak_mb": peak,
        "leftover_processes": leftover,
    }


def write(out: Path, soak_figures: dict[str, Any]) -> tuple[Path, Path]:
    """The figures into ``out/benchmarks.json`` under ``soak``, the rest of it as it was; then the
    report written again from it."""
    path = out / "benchmarks.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    else:
        m = soak_figures["machine"]
        data = {"command": "(no run)", "date": soak_figures["date"], "machine": m, "repeat": 0, "limit": 0, "budget": 0, "sizes": {}}
    data["soak"] = soak_figures
    return report.write(out, data)


if __name__ == "__main__":
    main()
