"""Jobs for worker processes in tests (``function(store, *args)``, see :mod:`tipkg.service.jobs`).

Workers import them by name, so a test that sends them puts this folder on the workers'
``PYTHONPATH``."""

from __future__ import annotations

import os
import socket
import time
from typing import Any


def connect(store: Any, port: int) -> str:
    """Open a TCP connection to ``port`` on loopback, as a query on the loose would."""
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        return "connected"


def service(store: Any, url: str) -> int:
    """A SERVICE query run on the store directly, with no guard before it."""
    return len(list(store.query(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")))


def nap(store: Any, seconds: float) -> tuple[float, float]:
    """Sleep; (start, end) on the machine's monotonic clock, which all processes share."""
    started = time.monotonic()
    time.sleep(seconds)
    return started, time.monotonic()


def seccomp(store: Any) -> str:
    """The ``Seccomp:`` mode of the worker (0: none, 2: a filter)."""
    with open(f"/proc/{os.getpid()}/status", encoding="ascii") as status:
        return next(line.split()[1] for line in status if line.startswith("Seccomp:"))


HELD: list[bytes] = []


def hold(store: Any, mb: int) -> int:
    """Keep ``mb`` MB written (so resident) after the job; the worker's pid."""
    HELD.append(b"x" * (mb << 20))
    return os.getpid()


def resident(store: Any) -> tuple[int, int]:
    """(pid, resident MB) of the worker."""
    with open(f"/proc/{os.getpid()}/statm", "rb") as statm:
        return os.getpid(), int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20


def counted(store: Any, count: int, fail: str = "", pause: float = 0.0) -> tuple[str, Any]:
    """A streamed job: the head ``"head"``, then ``count`` chunks (``b"0,"``, ``b"1,"`` ...),
    ``pause`` seconds apart; then a ``ValueError`` if ``fail`` says so (``"before"``: before the
    head, as a refused query is; ``"after"``: after the chunks)."""
    if fail == "before":
        raise ValueError("refused before the head")

    def chunks() -> Any:
        for i in range(count):
            time.sleep(pause)
            yield b"%d," % i
        if fail == "after":
            raise ValueError("broken after the head")

    return "head", chunks()
