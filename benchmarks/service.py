"""``tipkg serve`` on loopback: requests per second and latency with 1 and 8 concurrent clients.

The service runs as a child process (``tipkg serve --port 0``, default settings); each client is a
thread that asks for a saved query's JSON a bounded number of times, on one keep-alive connection
(as browsers do) or on a new connection per request. The clients share the machine's cores with the
service.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks.startup import tipkg_command
from benchmarks.timing import percentile

QUERIES = ("cases_handled_abroad", "funding_flows", "timeline")
CLIENTS = (1, 8)
CONNECTIONS = ("keep-alive", "new")
_URL = re.compile(r"(http://[^\s/]+)/")


def time_service(root: Path, requests: int = 40, limit: float = 60.0, queries: tuple[str, ...] = QUERIES) -> dict[str, Any]:
    """Each query with 1 and 8 clients: ``requests`` requests in all (each client its share), at
    most ``limit`` seconds per query and client count."""
    process = subprocess.Popen([*tipkg_command(), "serve", "--root", str(root), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        found = _URL.search(process.stdout.readline())
        if found is None:
            return {"error": "tipkg serve did not say where it listens"}
        where = urlsplit(found.group(1))
        host, port = where.hostname or "127.0.0.1", where.port or 80
        wait_until_up(host, port, 60)
        out = []
        for name in queries:
            path = f"/queries/{name}.json"
            for connection in CONNECTIONS:
                for clients in CLIENTS:
                    load(host, port, path, 1, 2, limit, connection)  # warm-up
                    each = max(1, requests // clients)
                    run = load(host, port, path, clients, each, limit, connection)
                    out.append({"query": name, "clients": clients, "connection": connection, **run})
        return {"url": found.group(1), "runs": out}
    finally:
        stop(process)


def stop(process: subprocess.Popen[Any]) -> None:
    """End a server: asked first, killed after 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_up(host: str, port: int, limit: float, path: str = "/") -> None:
    """Until the server at ``host:port`` answers ``GET path``, or ``limit`` seconds have passed."""
    deadline = time.monotonic() + limit
    while True:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def load(
    host: str, port: int, path: str, clients: int, each: int, limit: float, connection: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """``clients`` threads, each sending ``each`` requests one after the other (stopping at ``limit`` s),
    on one keep-alive connection or (``connection="new"``) on a new one per request."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + limit

    def client() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=limit)
        try:
            for _ in range(each):
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                if connection == "new":
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=limit)
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
                took = time.perf_counter() - started
                with lock:
                    if response.status == 200:
                        latencies.append(took)
                    else:
                        errors.append(str(response.status))
        except OSError as exc:
            with lock:
                errors.append(type(exc).__name__)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": wall,
        "requests_per_s": len(latencies) / wall if latencies else None,
        "p50_s": percentile(latencies, 50) if latencies else None,
        "p95_s": percentile(latencies, 95) if latencies else None,
        "p99_s": percentile(latencies, 99) if latencies else None,
    }
