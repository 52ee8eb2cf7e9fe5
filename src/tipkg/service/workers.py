"""Worker processes that run queries: bounded in time and memory, without network, shared fairly.

Neither pyoxigraph nor rdflib can stop a running query, so queries run in worker processes. Each
worker is a fresh Python (``python -m tipkg.service.worker``, not ``multiprocessing``, which would
run the parent's main script again in each child), talks to the server through a socket pair,
opens the store read-only once, and then runs jobs (:mod:`tipkg.service.worker`): a job is a module-level function and its
arguments, called as ``function(store, *args)`` (see :mod:`tipkg.service.jobs`), whose return value
comes back through the socket.

- **Time**: the clock starts when a job reaches its worker (the wait for a free worker is not
  counted, but is bounded by ``queue_time_limit``: then 503, busy). At ``query_time_limit`` the
  worker is killed and a new one started in its place, while the others go on serving.
- **Memory**: while a job runs, the server reads the worker's resident memory every
  :data:`WATCH_INTERVAL` seconds and kills it past ``worker_memory_mb`` (503, replaced). A query
  grows by at most about 1 GB/s, so it is stopped within a few tens of MB of the limit. As a
  backstop for a server too busy to look, the worker's writable memory is capped by
  ``RLIMIT_DATA`` at :func:`backstop_mb` (not ``RLIMIT_AS``: RocksDB and glibc reserve hundreds of
  MB of address space they never use, and a worker under such a cap aborts at start). A worker
  left above 3/4 of the limit after a job (a heap keeps what a big answer took) is replaced too.
- **Network**: a worker locks itself (:func:`tipkg.sandbox.lock_network`) before it opens the
  store, so no query it runs can open a connection, whatever the guard let through. Only when
  ``service_allow_list`` names endpoints is one more worker started unlocked, for the queries that
  call them (:data:`Lane.NETWORK`).
- **Fairness**: queries wait in lanes. Saved queries (and the pages that show them) may use every
  locked worker, ``saved_query_workers`` of them only they use, so they are never stuck behind ad-hoc
  ``/sparql`` queries; each client address has at most ``client_queries`` ad-hoc queries running,
  the rest wait their turn, and addresses take turns (round-robin).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from tipkg.errors import TipkgError
from tipkg.service.streaming import Chunks, value_of

START_TIMEOUT = 60.0  # seconds a new worker may take to import its modules and open the store
RESTART_ATTEMPTS = 3
WATCH_INTERVAL = 0.025  # seconds between two readings of a busy worker's memory
_PAGE = os.sysconf("SC_PAGE_SIZE")


class QueryTimeout(TipkgError):
    """A query stopped at the time limit."""


class WorkerError(TipkgError):
    """A job that failed in its worker, or could not be run, with the HTTP status that fits."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Lane(StrEnum):
    """Where a job waits, and so which workers may take it."""

    SAVED = "saved"  # saved queries and the pages that show them: any locked worker
    SPARQL = "sparql"  # ad-hoc queries: the locked workers not kept for saved queries
    NETWORK = "network"  # queries calling an allow-listed SERVICE: the unlocked worker


# what each kind of worker takes, first lane first
GENERAL = (Lane.SPARQL, Lane.SAVED)
RESERVED = (Lane.SAVED,)
FEDERATION = (Lane.NETWORK,)


async def route(text: str, settings: Mapping[str, Any], lane: Lane) -> Lane:
    """``lane``, or :data:`Lane.NETWORK` for a query that calls an endpoint of ``service_allow_list``
    (decided by :func:`tipkg.sandbox.needs_network` from the query's tokens, off the event loop)."""
    from tipkg.sandbox import needs_network
    from tipkg.service.settings import allowed_services

    allowed = allowed_services(settings)
    if not allowed:
        return lane
    return Lane.NETWORK if await asyncio.to_thread(needs_network, text, allowed) else lane


class _Gone(Exception):
    """The worker process died, outran its time or its memory: it is replaced."""


def backstop_mb(memory_mb: int) -> int:
    """The worker's ``RLIMIT_DATA`` in MB: well above the watched limit, and room to open the store."""
    return max(2 * memory_mb, memory_mb + 512)


class _Worker:
    def __init__(self, store_path: Path, lanes: tuple[Lane, ...], memory_mb: int) -> None:
        self.lanes = lanes
        self.memory = memory_mb << 20
        network = "network" if lanes == FEDERATION else "locked"
        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tipkg.service.worker", str(child.fileno()), str(store_path), network, str(backstop_mb(memory_mb))],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
        )
        child.close()
        self.conn = Connection(parent.detach())
        reply = self.conn.recv() if self.conn.poll(START_TIMEOUT) else ("error", 500, "the worker did not start in time")
        if reply[0] != "ready":
            self.kill()
            raise WorkerError(500, reply[2])

    def rss(self) -> int:
        """Resident memory of the worker, in bytes (0 once it is gone)."""
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], timeout: float, stream: bool = False) -> tuple[Any, ...]:
        """Send a job and wait for its reply (a streamed job's first: its head), watching the
        worker's memory meanwhile (:meth:`receive`)."""
        try:
            self.conn.send((function, args, stream))
        except OSError as exc:
            raise _Gone("died") from exc
        return self.receive(time.monotonic() + timeout)

    def receive(self, deadline: float) -> tuple[Any, ...]:
        """The worker's next message, watching its memory meanwhile.

        :class:`_Gone` with ``timeout`` when none comes by ``deadline`` (``time.monotonic``),
        ``memory`` when the worker grows past its limit (or ran out under its backstop), ``died``
        otherwise.
        """
        try:
            while not self.conn.poll(max(0.0, min(WATCH_INTERVAL, deadline - time.monotonic()))):
                if self.rss() > self.memory:
                    self.process.kill()  # here, at once: the pool replaces it
                    raise _Gone("memory")
                if time.monotonic() >= deadline:
                    self.process.kill()
                    raise _Gone("timeout")
            reply: tuple[Any, ...] = self.conn.recv()
        except (EOFError, OSError) as exc:
            # Rust aborts (SIGABRT) when an allocation fails under the backstop
            raise _Gone("memory" if self._exit_code() == -signal.SIGABRT else "died") from exc
        if reply[0] == "memory":
            raise _Gone("memory")
        return reply

    def _exit_code(self) -> int | None:
        try:
            return self.process.wait(1.0)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        self.conn.close()


@dataclass(eq=False)
class _Waiter:
    lane: Lane
    client: str
    future: asyncio.Future[_Worker]


class WorkerPool:
    """The workers over the store at ``store_path``, sized and bounded by the service ``settings``."""

    def __init__(self, store_path: Path, settings: Mapping[str, Any]) -> None:
        from tipkg.service.settings import allowed_services

        self.store_path = store_path
        self.time_limit = float(settings["query_time_limit"])
        self.wait_limit = float(settings["queue_time_limit"])
        self.memory_mb = int(settings["worker_memory_mb"])
        self.per_client = int(settings["client_queries"])
        reserved = int(settings["saved_query_workers"])
        self.roles = [GENERAL] * (int(settings["workers"]) - reserved) + [RESERVED] * reserved
        if allowed_services(settings):
            self.roles.append(FEDERATION)
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        # per lane, each client's waiting jobs, oldest first; the order of the clients is their turn
        self._waiting: dict[Lane, dict[str, deque[_Waiter]]] = {lane: {} for lane in Lane}
        self._running: Counter[tuple[Lane, str]] = Counter()
        self._served: dict[tuple[Lane, str], int] = {}  # when each client last had a job started
        self._tick = 0
        self._threads = ThreadPoolExecutor(max_workers=len(self.roles) + 2, thread_name_prefix="tipkg-pool")
        self._pending: set[asyncio.Future[Any]] = set()
        self._stopped = False
        self.replaced = 0  # workers killed (time, memory) or found dead, and started again

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        workers = await asyncio.gather(*(loop.run_in_executor(None, _Worker, self.store_path, r, self.memory_mb) for r in self.roles))
        self._all.update(workers)
        self._idle.extend(workers)

    async def stop(self) -> None:
        """Kill the workers, and those being started in place of killed ones (once they are)."""
        self._stopped = True
        for w in list(self._all):
            w.kill()
        self._all.clear()
        if self._pending:
            await asyncio.wait(self._pending, timeout=START_TIMEOUT)
        self._threads.shutdown(wait=False, cancel_futures=True)

    @property
    def pids(self) -> list[int]:
        """The worker processes now running."""
        return sorted(w.process.pid for w in self._all)

    async def run(self, function: Callable[..., Any], *args: Any, lane: Lane = Lane.SAVED, client: str = "") -> Any:
        """``function(store, *args)`` in a worker of ``lane``, for the client at address ``client``.

        Raises :class:`QueryTimeout` at the time limit, :class:`WorkerError` (503) when no worker
        was free in time or the query outgrew the memory limit, or with the job's own error.
        """
        worker = await self._acquire(lane, client)
        healthy = False
        try:
            reply = await self.ask(worker.call, function, args, self.time_limit)
            healthy = True
        finally:
            self.release(worker, lane, client, healthy)
        return value_of(reply)

    async def stream(self, function: Callable[..., Any], *args: Any, lane: Lane = Lane.SAVED, client: str = "") -> tuple[Any, Chunks]:
        """``function(store, *args)``, a streamed job (:mod:`tipkg.service.worker`), in a worker of
        ``lane``: its head, and its :class:`Chunks` to read; errors as :meth:`run`'s, before the head.
        The time limit counts to the last chunk."""
        worker = await self._acquire(lane, client)
        deadline = time.monotonic() + self.time_limit
        try:
            reply = await self.ask(worker.call, function, args, self.time_limit, True)
            # the call's clock starts on a pool thread, a little later: a head that comes at the
            # limit would send a 200 with no time left for its body
            if reply[0] == "head" and time.monotonic() >= deadline:
                raise self._late()
        except BaseException:
            self.release(worker, lane, client, False)
            raise
        if reply[0] != "head":  # refused before the head: the worker is fine
            self.release(worker, lane, client, True)
            return value_of(reply)
        return reply[1], Chunks(self, worker, (lane, client), deadline)

    async def ask(self, call: Callable[..., tuple[Any, ...]], *args: Any) -> tuple[Any, ...]:
        """``call(*args)``, a worker's, on the pool's threads; :class:`_Gone` as the error that says why."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._threads, call, *args)
        except _Gone as exc:
            if str(exc) == "timeout":
                raise self._late() from None
            if str(exc) == "memory":
                raise WorkerError(503, f"the query used more than {self.memory_mb} MB of memory and was stopped") from None
            raise WorkerError(500, "the query's worker process ended unexpectedly; it has been replaced") from None

    def _late(self) -> QueryTimeout:
        return QueryTimeout(f"the query ran longer than the time limit of {self.time_limit:g} s and was stopped")

    def release(self, worker: _Worker, lane: Lane, client: str, healthy: bool) -> None:
        """A job of ``client`` left ``worker``: back to the idle ones if ``healthy``, else replaced."""
        self._done(lane, client)
        if healthy and worker.rss() <= worker.memory * 3 // 4:
            self._idle.append(worker)
            self._dispatch()
        else:  # stopped, dead, or grown near its limit (memory a heap keeps after a big answer): started afresh
            self._replace(worker)

    # -- scheduling ------------------------------------------------------------------------------

    async def _acquire(self, lane: Lane, client: str) -> _Worker:
        """A worker for a job of ``lane``, when its turn comes; 503 past ``queue_time_limit``."""
        if lane is Lane.NETWORK and FEDERATION not in self.roles:
            raise WorkerError(400, "no SERVICE endpoint is allowed on this service")
        waiter = _Waiter(lane, client, asyncio.get_running_loop().create_future())
        self._waiting[lane].setdefault(client, deque()).append(waiter)
        self._dispatch()
        try:
            return await asyncio.wait_for(asyncio.shield(waiter.future), self.wait_limit)
        except (TimeoutError, asyncio.CancelledError) as exc:
            if waiter.future.done():  # handed a worker at the last moment
                if isinstance(exc, TimeoutError):
                    return waiter.future.result()
                self._done(lane, client)
                self._idle.append(waiter.future.result())
                self._dispatch()
            else:
                self._forget(waiter)
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise WorkerError(503, f"the service is busy: no query worker was free within {self.wait_limit:g} s") from None

    def _forget(self, waiter: _Waiter) -> None:
        queue = self._waiting[waiter.lane].get(waiter.client)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._waiting[waiter.lane][waiter.client]
        self._tidy(waiter.lane, waiter.client)

    def _dispatch(self) -> None:
        """Hand idle workers to waiting jobs: each worker's lanes in order, clients in turn."""
        for worker in list(self._idle):
            waiter = self._next(worker.lanes)
            if waiter is None:
                continue
            self._idle.remove(worker)
            self._running[waiter.lane, waiter.client] += 1
            waiter.future.set_result(worker)

    def _next(self, lanes: tuple[Lane, ...]) -> _Waiter | None:
        """The next job for a worker of ``lanes``: of the clients under their share, the one with
        the fewest jobs running, then the one served longest ago (round-robin); its oldest job."""
        for lane in lanes:
            clients = self._waiting[lane]
            eligible = [c for c in clients if lane is Lane.SAVED or self._running[lane, c] < self.per_client]
            if not eligible:
                continue
            client = min(eligible, key=lambda c: (self._running[lane, c], self._served.get((lane, c), 0)))
            queue = clients[client]
            waiter = queue.popleft()
            if not queue:
                del clients[client]
            self._tick += 1
            self._served[lane, client] = self._tick
            return waiter
        return None

    def _done(self, lane: Lane, client: str) -> None:
        """A job of ``client`` left its worker."""
        self._running[lane, client] -= 1
        self._tidy(lane, client)

    def _tidy(self, lane: Lane, client: str) -> None:
        """Forget ``client`` once it has nothing running or waiting in ``lane``."""
        if self._running[lane, client] <= 0 and client not in self._waiting[lane]:
            del self._running[lane, client]
            self._served.pop((lane, client), None)

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in its place, in the background."""
        self._all.discard(worker)
        worker.process.kill()  # at once: the answer does not wait for the replacement
        self.replaced += 1
        loop = asyncio.get_running_loop()

        def restart() -> _Worker | None:
            worker.kill()
            for attempt in range(RESTART_ATTEMPTS):
                try:
                    new = _Worker(self.store_path, worker.lanes, self.memory_mb)
                except WorkerError as exc:
                    print(f"tipkg serve: a query worker did not start (attempt {attempt + 1}): {exc}", file=sys.stderr)
                    time.sleep(1.0)
                    continue
                if self._stopped:  # the server stopped meanwhile
                    new.kill()
                    return None
                return new
            raise WorkerError(500, "no query worker could be started")

        future = loop.run_in_executor(None, restart)
        self._pending.add(future)

        def done(f: asyncio.Future[_Worker | None]) -> None:
            self._pending.discard(f)
            if f.cancelled() or f.exception() is not None or (new := f.result()) is None:
                return
            if self._stopped:
                new.kill()
                return
            self._all.add(new)
            self._idle.append(new)
            self._dispatch()

        future.add_done_callback(done)
