"""``tipkg serve`` beside rdflib-endpoint, in one run, on the same build: the same SPARQL texts, sent alike.

rdflib-endpoint (pinned :data:`PEER`) is the usual way to put a SPARQL endpoint over an RDF file in
Python; it answers from rdflib's default (in-memory) store and engine. It goes into a venv of its
own under the work folder (``<work>/peer-venv``, from PyPI, made once), never into tipkg's. It
serves the project's ``build/graph.nt`` (the union of the reports, which is tipkg's default graph).

Both servers run at once, as child processes on loopback; for each query (:func:`queries`: a
one-pattern lookup of an entity's label, and the saved ``ngo_consulate_partners`` join) and each
server, :data:`CLIENTS` threads send ``GET /sparql?query=...`` (rdflib-endpoint: ``GET /?query=...``)
with ``Accept: application/sparql-results+json`` on keep-alive connections (as browsers do), after
a warm-up. Both
answers are checked to have the same number of rows before anything is timed. The servers take
turns, :data:`ROUNDS` rounds each, so that the load of the machine (shared) falls on both alike.

    python -m benchmarks.peers /tmp/project [--work /tmp/peers]
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks.service import load, stop, wait_until_up
from benchmarks.startup import tipkg_command

PEER = "rdflib-endpoint[cli]==0.6.3"
SIZES = (10_000, 100_000)  # the projects measured: those of the run closest to these sizes
TARGETS = {"lookup": 1.5, "join": 10.0}  # tipkg's req/s over rdflib-endpoint's, at the larger size
ACCEPT = {"Accept": "application/sparql-results+json"}
CLIENTS = 8
REQUESTS = 1_600  # per query and server, at most ``limit`` seconds
ROUNDS = 4  # each server's requests in this many rounds, the servers taking turns
LOOKUP = "SELECT ?o WHERE { <https://w3id.org/tipkg/id/agency/fevimtra> <http://www.w3.org/2004/02/skos/core#prefLabel> ?o }"
JOIN = "ngo_consulate_partners"  # a saved query without parameters: its text is sent as it is


def queries(root: Path) -> dict[str, str]:
    """The SPARQL texts both servers answer: a lookup and a join (with its own PREFIX lines)."""
    return {"lookup": LOOKUP, "join": (root / "queries" / f"{JOIN}.rq").read_text(encoding="utf-8")}


def peer_python(work: Path) -> Path:
    """The Python of ``<work>/peer-venv``, with :data:`PEER` installed (made on first use)."""
    venv = work / "peer-venv"
    python = venv / "bin" / "python"
    if not (venv / "bin" / "rdflib-endpoint").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEER], check=True)
    return python


def time_sizes(sizes: dict[str, Any], work: Path) -> dict[str, Any]:
    """:func:`time_peers` on the projects under ``work`` (``work/<label>``) closest to :data:`SIZES`."""
    out = {}
    for wanted in SIZES:
        label = min(sizes, key=lambda k: abs(sizes[k]["build"]["triples"] - wanted))
        if label not in out:
            out[label] = {"triples": sizes[label]["build"]["triples"], **time_peers(work / label, work)}
    return out


def time_peers(root: Path, work: Path, requests: int = REQUESTS, limit: float = 30.0) -> dict[str, Any]:
    """Each query on each server: ``requests`` requests from :data:`CLIENTS` clients, at most
    ``limit`` seconds a run; req/s, p50, p99, and each answer's row count."""
    port = _free_port()
    servers = {
        "tipkg": subprocess.Popen(
            [*tipkg_command(), "serve", "--root", str(root), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ),
        "rdflib-endpoint": subprocess.Popen(
            [
                str(peer_python(work).parent / "rdflib-endpoint"),
                "serve",
                str(root / "build" / "graph.nt"),
                "--host",
                "127.0.0.1",
                "--port",
                str(port + 1),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    }
    # where each answers the protocol: rdflib-endpoint's `serve` mounts it at / (its help says /sparql)
    ports = {"tipkg": (port, "/sparql"), "rdflib-endpoint": (port + 1, "/")}
    try:
        started = time.perf_counter()
        for p, at in ports.values():
            wait_until_up("127.0.0.1", p, 600, f"{at}?query=" + quote("ASK {}"))
        out: dict[str, Any] = {"clients": CLIENTS, "requests": requests, "ready_s": time.perf_counter() - started, "runs": []}
        for kind, text in queries(root).items():
            paths = {name: f"{at}?query={quote(text)}" for name, (_p, at) in ports.items()}
            rows = {name: _rows("127.0.0.1", ports[name][0], path) for name, path in paths.items()}
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in ports}
            for name, path in paths.items():
                load("127.0.0.1", ports[name][0], path, CLIENTS, 4, limit, "keep-alive", ACCEPT)  # warm-up
            each = max(1, requests // CLIENTS // ROUNDS)
            for _ in range(ROUNDS):  # the servers in turn, so that a change in the machine's load falls on both
                for name, path in paths.items():
                    cpu = cpu_seconds(servers[name].pid)
                    run = load("127.0.0.1", ports[name][0], path, CLIENTS, each, limit / ROUNDS, "keep-alive", ACCEPT)
                    rounds[name].append({**run, "cpu_s": cpu_seconds(servers[name].pid) - cpu})
            out["runs"] += [{"query": kind, "server": name, "rows": rows[name], **_merged(runs)} for name, runs in rounds.items()]
        return out
    finally:
        for process in servers.values():
            stop(process)


def _merged(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one query on one server as one run: requests over seconds; the median round's
    p50 and the worst round's p99."""
    import statistics

    done = [r for r in rounds if r["requests"]]
    seconds = sum(r["seconds"] for r in rounds)
    return {
        "requests": sum(r["requests"] for r in rounds),
        "errors": [e for r in rounds for e in r["errors"]],
        "seconds": seconds,
        "requests_per_s": sum(r["requests"] for r in rounds) / seconds if done else None,
        "p50_s": statistics.median(r["p50_s"] for r in done) if done else None,
        "p99_s": max(r["p99_s"] for r in done) if done else None,
        "rounds_per_s": [r["requests_per_s"] for r in rounds],
        "cpu_ms_per_request": 1000 * sum(r["cpu_s"] for r in rounds) / max(1, sum(r["requests"] for r in rounds)),
    }


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of process ``pid`` and of its descendants now running (tipkg's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return total


def _rows(host: str, port: int, path: str) -> int:
    import http.client

    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.request("GET", path, headers=ACCEPT)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{host}:{port} answered {response.status}: {body[:300]!r}")
    return len(json.loads(body)["results"]["bindings"])


def _free_port() -> int:
    """A port free on loopback, with the next one free too."""
    for _ in range(50):
        with socket.socket() as a, socket.socket() as b:
            a.bind(("127.0.0.1", 0))
            try:
                b.bind(("127.0.0.1", a.getsockname()[1] + 1))
            except OSError:
                continue
            return int(a.getsockname()[1])
    raise RuntimeError("no two adjacent free ports on loopback")


# -- report ---------------------------------------------------------------------------------------


def targets(peers: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The targets of the side-by-side run: at its largest size, tipkg's req/s over rdflib-endpoint's."""
    out: list[dict[str, Any]] = []
    largest = max(peers.values(), key=lambda p: p["triples"]) if peers else {}
    for kind, wanted in TARGETS.items():
        text = f"{kind}s ≥ {wanted:g}× rdflib-endpoint's req/s at 100k triples ({CLIENTS} clients)"
        ratio = _ratio(largest, kind) if largest else None
        measured = "not measured" if ratio is None else f"{ratio:.1f}× at {largest['triples']:,} triples"
        out.append({"target": text, "measured": measured, "met": None if ratio is None else ratio >= wanted})
    return out


def section(peers: dict[str, Any] | None) -> list[str]:
    """The side-by-side tables, one row per query and server."""
    lines = ["## Service beside rdflib-endpoint", ""]
    if not peers:
        return [*lines, "Not measured (skipped).", ""]
    lines += [
        f"`tipkg serve` (default settings) and {PEER.replace('[cli]', '')} (rdflib's default store, serving `build/graph.nt`) run at",
        f"once on loopback; {CLIENTS} client threads on keep-alive connections send the same `GET` of the protocol with",
        "`Accept: application/sparql-results+json`: a one-pattern lookup (an entity's `skos:prefLabel`) and the",
        f"`{JOIN}` join, in {ROUNDS} rounds, the servers taking turns (p50: the median round's; p99: the worst round's).",
        "Both servers' uvicorn runs on uvloop and httptools (rdflib-endpoint's `cli` extra installs them; tipkg depends on",
        "them). Clients and both servers share the cores; *CPU ms / request*: the server's CPU time",
        "(with its worker processes) over its requests, which the machine's other load does not change much.",
        "",
        "| triples | query | server | rows | requests | requests/s | p50 ms | p99 ms | CPU ms / request | tipkg / peer | errors |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, run in peers.items():
        for r in run["runs"]:
            ratio = _ratio(run, r["query"]) if r["server"] == "tipkg" else None
            cells = [f"{run['triples']:,} ({label})", r["query"], r["server"], str(r["rows"]), str(r["requests"])]
            cells += [f"{r['requests_per_s']:.0f}" if r["requests_per_s"] else "—", _ms(r["p50_s"]), _ms(r["p99_s"])]
            cells.append(f"{r['cpu_ms_per_request']:.2f}" if "cpu_ms_per_request" in r else "—")
            cells += [f"{ratio:.1f}×" if ratio else "", ", ".join(r["errors"][:3]) or "—"]
            lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _ratio(run: dict[str, Any], kind: str) -> float | None:
    rates = {r["server"]: r["requests_per_s"] for r in run["runs"] if r["query"] == kind}
    if not rates.get("tipkg") or not rates.get("rdflib-endpoint"):
        return None
    return float(rates["tipkg"] / rates["rdflib-endpoint"])


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:.1f}"


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks.peers", description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("root", type=Path, help="A built project (tipkg build).")
    parser.add_argument("--work", type=Path, default=Path("/tmp/tipkg-peers"), help="Where the peer's venv goes (default: %(default)s).")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="Requests per query and server (default: %(default)s).")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    print(json.dumps(time_peers(args.root, args.work, args.requests), indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
