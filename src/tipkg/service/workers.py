"""Worker processes that run queries, each killed and replaced when a query outruns the time limit.

Neither pyoxigraph nor rdflib can stop a running query, so queries run in worker processes. Each
worker is a fresh Python (``python -m tipkg.service.workers``, not ``multiprocessing``, which would
run the parent's main script again in each child), talks to the server through a socket pair,
opens the store read-only once, and then runs jobs: a job is a
module-level function and its arguments, called as ``function(store, *args)`` (see
:mod:`tipkg.service.jobs`), whose return value comes back through a pipe. When a job outruns the
time limit, its worker is killed and a new one started in its place, while the other workers go
on serving. Waiting for a free worker counts towards the time limit, so every answer comes within
the limit (plus the moment it takes to kill a process).
"""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tipkg.errors import TipkgError

START_TIMEOUT = 60.0  # seconds a new worker may take to import its modules and open the store
RESTART_ATTEMPTS = 3


class QueryTimeout(TipkgError):
    """A query stopped at the time limit."""


class WorkerError(TipkgError):
    """A job that failed in its worker, with the HTTP status that fits."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Gone(Exception):
    """The worker process died or did not answer in time: it is replaced."""


def _main(conn: Connection, store_path: str) -> None:
    """A worker: open the store read-only, then run jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    import pyoxigraph as ox

    try:
        store = ox.Store.read_only(store_path)
    except Exception as exc:
        conn.send(("error", 500, f"cannot open the store {store_path}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", function(store, *args))
        except RecursionError:
            reply = ("error", 400, "input nested too deeply")
        except Exception as exc:
            status = getattr(exc, "status", 400 if isinstance(exc, TipkgError) else 500)
            reply = ("error", status, str(exc) or type(exc).__name__)
        conn.send(reply)


class _Worker:
    def __init__(self, store_path: Path) -> None:
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tipkg.service.workers", str(child.fileno()), str(store_path)],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.conn = Connection(parent.detach())
        reply = self.conn.recv() if self.conn.poll(START_TIMEOUT) else ("error", 500, "the worker did not start in time")
        if reply[0] != "ready":
            self.kill()
            raise WorkerError(500, reply[2])

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> tuple[Any, ...]:
        """Send a job and wait for its reply; :class:`_Gone` when none comes in ``timeout`` seconds."""
        try:
            self.conn.send((function, args))
            if not self.conn.poll(max(0.0, timeout)):
                raise _Gone("timeout")
            reply: tuple[Any, ...] = self.conn.recv()
            return reply
        except (EOFError, OSError, BrokenPipeError) as exc:
            raise _Gone("died") from exc

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        self.conn.close()


class WorkerPool:
    """``size`` workers over the store at ``store_path``; :meth:`run` answers within ``time_limit``."""

    def __init__(self, store_path: Path, size: int, time_limit: float) -> None:
        self.store_path = store_path
        self.size = size
        self.time_limit = time_limit
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="tipkg-pool")
        self._pending: set[asyncio.Future[Any]] = set()
        self._stopped = False
        self.replaced = 0  # workers killed at the time limit (or found dead) and started again

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(None, _Worker, self.store_path) for _ in range(self.size)))
        for w in workers:
            self._all.add(w)
            self._idle.put_nowait(w)

    async def stop(self) -> None:
        self._stopped = True
        for task in self._pending:
            task.cancel()
        for w in list(self._all):
            w.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """``function(store, *args)`` in a worker; :class:`QueryTimeout` at the time limit."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.time_limit
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.time_limit)
        except TimeoutError:
            raise QueryTimeout(self._timeout_message()) from None
        healthy = False
        try:
            reply = await loop.run_in_executor(self._threads, worker.call, function, args, deadline - loop.time())
            healthy = True
        except _Gone as exc:
            if str(exc) == "timeout":
                raise QueryTimeout(self._timeout_message()) from None
            raise WorkerError(500, "the query's worker process ended unexpectedly; it has been replaced") from None
        finally:
            if healthy:
                self._idle.put_nowait(worker)
            else:
                self._replace(worker)
        if reply[0] == "ok":
            return reply[1]
        raise WorkerError(reply[1], reply[2])

    def _timeout_message(self) -> str:
        return f"the query ran longer than the time limit of {self.time_limit:g} s and was stopped"

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in its place, in the background."""
        self._all.discard(worker)
        worker.process.kill()  # at once: the answer does not wait for the replacement
        self.replaced += 1
        loop = asyncio.get_running_loop()

        def restart() -> _Worker:
            worker.kill()
            for attempt in range(RESTART_ATTEMPTS):
                try:
                    return _Worker(self.store_path)
                except WorkerError as exc:
                    print(f"tipkg serve: a query worker did not start (attempt {attempt + 1}): {exc}", file=sys.stderr)
                    time.sleep(1.0)
            raise WorkerError(500, "no query worker could be started")

        future = loop.run_in_executor(None, restart)
        self._pending.add(future)

        def done(f: asyncio.Future[_Worker]) -> None:
            self._pending.discard(f)
            if f.cancelled() or f.exception() is not None:
                return
            new = f.result()
            if self._stopped:
                new.kill()
                return
            self._all.add(new)
            self._idle.put_nowait(new)

        future.add_done_callback(done)


if __name__ == "__main__":
    _main(Connection(int(sys.argv[1])), sys.argv[2])
