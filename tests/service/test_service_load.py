"""Requests per second of a running ``tipkg serve`` for three saved queries, 8 clients at once on
loopback. A measurement, printed; not a timed assertion (only that every answer was right)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from service_support import Server

CLIENTS = 8
SECONDS = 3.0
QUERIES = {
    "ngo_consulate_partners": {},
    "figures_at_least": {"minimum": "1000"},
    "entity_facts": {"entity": "agency/fevimtra"},
}


def measure(server: Server, name: str, params: dict[str, str]) -> tuple[float, int, list[int]]:
    """(requests per second, answers, statuses that were not 200) over SECONDS with CLIENTS threads."""
    url = f"{server.url}queries/{name}.json"
    expected = httpx.get(url, params=params, timeout=30).json()
    counts = [0] * CLIENTS
    bad: list[int] = []
    start = threading.Barrier(CLIENTS + 1)
    stop_at: list[float] = []

    def client(i: int) -> None:
        with httpx.Client(timeout=30) as http:
            start.wait()
            while time.monotonic() < stop_at[0]:
                r = http.get(url, params=params)
                if r.status_code != 200 or r.json() != expected:
                    bad.append(r.status_code)
                counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    began = time.monotonic()
    stop_at.append(began + SECONDS)
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    return sum(counts) / elapsed, sum(counts), bad


@pytest.mark.parametrize("name", list(QUERIES))
def test_requests_per_second(server: Server, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    rate, answers, bad = measure(server, name, QUERIES[name])
    with capsys.disabled():
        print(f"\n{name}: {rate:.0f} requests/s ({answers} answers, {CLIENTS} clients, {SECONDS:g} s, /queries/{name}.json)")
    assert bad == [] and answers > 0
