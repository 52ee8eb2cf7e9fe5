"""The worker pool (:mod:`tipkg.service.workers`) with real worker processes: locked workers open no
connection and the federation worker does; the wait for a worker is bounded and not counted in the
time limit; each client address has its share, addresses take turns, and saved queries have a
worker of their own. The jobs are in ``worker_jobs.py``; the sleeping ones make the order exact."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import worker_jobs
from service_support import Listener, jobs_importable, listener, with_pool

from tipkg.service.settings import SettingError, resolve
from tipkg.service.workers import Lane, QueryTimeout, WorkerError, WorkerPool


@pytest.fixture(autouse=True)
def importable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers import the test jobs by name."""
    jobs_importable(monkeypatch)


@pytest.fixture
def trap() -> Iterator[Listener]:
    with listener() as found:
        yield found


def settle(trap: Listener) -> list[bytes]:
    time.sleep(0.3)  # the listener's thread records a connection it accepted
    return trap.connections


# -- network -----------------------------------------------------------------------------------------


def test_a_locked_worker_opens_no_connection(built_real: Path, trap: Listener) -> None:
    async def scenario(pool: WorkerPool) -> list[Any]:
        out: list[Any] = [await pool.run(worker_jobs.seccomp, lane=Lane.SPARQL)]
        for job, arg in ((worker_jobs.connect, trap.port), (worker_jobs.service, trap.url + "sparql")):
            with pytest.raises(WorkerError) as refused:
                await pool.run(job, arg, lane=Lane.SPARQL, client="127.0.0.1")
            out.append(refused.value.message)
        return out

    mode, connect, service = with_pool(built_real, {"workers": 1, "saved_query_workers": 0}, scenario)
    assert mode == "2"
    assert connect == "[Errno 13] Permission denied"
    assert service == "Permission denied (os error 13)"
    assert settle(trap) == []


def test_the_federation_worker_connects_and_the_others_do_not(built_real: Path, trap: Listener) -> None:
    """The positive control: with an allow-list, one worker more, unlocked, for the queries that call it."""

    async def scenario(pool: WorkerPool) -> list[Any]:
        out: list[Any] = [len(pool.pids)]
        out.append(await pool.run(worker_jobs.seccomp, lane=Lane.NETWORK))
        out.append(await pool.run(worker_jobs.connect, trap.port, lane=Lane.NETWORK, client="127.0.0.1"))
        with pytest.raises(WorkerError, match="Permission denied"):
            await pool.run(worker_jobs.connect, trap.port, lane=Lane.SAVED)
        return out

    settings = {"workers": 1, "saved_query_workers": 0, "service_allow_list": trap.url + "sparql"}
    assert with_pool(built_real, settings, scenario) == [2, "0", "connected"]
    assert len(settle(trap)) == 1


# -- time ----------------------------------------------------------------------------------------------


def test_the_wait_for_a_worker_is_not_counted_in_the_time_limit(built_real: Path) -> None:
    async def scenario(pool: WorkerPool) -> tuple[list[Any], float]:
        began = time.monotonic()
        naps = await asyncio.gather(*(pool.run(worker_jobs.nap, 0.6, lane=Lane.SPARQL, client="a") for _ in range(4)))
        with pytest.raises(QueryTimeout, match="time limit of 1 s"):  # the limit holds for the run itself
            await pool.run(worker_jobs.nap, 3.0, lane=Lane.SPARQL, client="a")
        return naps, began

    naps, began = with_pool(built_real, {"workers": 1, "saved_query_workers": 0, "query_time_limit": 1.0}, scenario)
    assert naps[-1][0] - began >= 1.8  # the last one waited longer than the limit, and was answered


def test_the_wait_for_a_worker_is_bounded(built_real: Path) -> None:
    async def scenario(pool: WorkerPool) -> tuple[str, float]:
        long = asyncio.create_task(pool.run(worker_jobs.nap, 2.0, lane=Lane.SPARQL, client="a"))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(WorkerError) as busy:
            await pool.run(worker_jobs.nap, 0.1, lane=Lane.SPARQL, client="b")
        waited = time.monotonic() - started
        await long
        assert busy.value.status == 503
        return busy.value.message, waited

    message, waited = with_pool(built_real, {"workers": 1, "saved_query_workers": 0, "queue_time_limit": 0.5}, scenario)
    assert message == "the service is busy: no query worker was free within 0.5 s"
    assert 0.5 <= waited < 1.5


# -- turns ---------------------------------------------------------------------------------------------


def test_addresses_take_turns(built_real: Path) -> None:
    """Three queries from one address, then one from another: the other's runs second, not fourth."""

    async def scenario(pool: WorkerPool) -> list[tuple[str, float]]:
        first = [asyncio.create_task(pool.run(worker_jobs.nap, 0.3, lane=Lane.SPARQL, client="a")) for _ in range(3)]
        await asyncio.sleep(0.1)
        other = pool.run(worker_jobs.nap, 0.3, lane=Lane.SPARQL, client="b")
        runs = await asyncio.gather(*first, other)
        return [(who, start) for who, (start, _end) in zip("aaab", runs, strict=True)]

    runs = with_pool(built_real, {"workers": 1, "saved_query_workers": 0}, scenario)
    assert [who for who, _start in sorted(runs, key=lambda r: r[1])] == ["a", "b", "a", "a"]


def test_an_address_waits_for_its_earlier_queries_not_refused(built_real: Path) -> None:
    """Two workers, one query at a time per address: a's second waits for its first while b's runs."""

    async def scenario(pool: WorkerPool) -> list[tuple[float, float]]:
        a1, a2 = (asyncio.create_task(pool.run(worker_jobs.nap, 0.5, lane=Lane.SPARQL, client="a")) for _ in range(2))
        await asyncio.sleep(0.1)
        b = pool.run(worker_jobs.nap, 0.5, lane=Lane.SPARQL, client="b")
        return list(await asyncio.gather(a1, a2, b))

    (_, a1_end), (a2_start, _), (b_start, _) = with_pool(built_real, {"workers": 2, "saved_query_workers": 0}, scenario)
    assert a2_start >= a1_end
    assert b_start < a1_end


def test_saved_queries_have_a_worker_ad_hoc_queries_cannot_take(built_real: Path) -> None:
    async def scenario(pool: WorkerPool) -> tuple[list[tuple[float, float]], tuple[float, float]]:
        adhoc = [asyncio.create_task(pool.run(worker_jobs.nap, 1.0, lane=Lane.SPARQL, client=c)) for c in ("a", "b")]
        await asyncio.sleep(0.2)
        saved = await pool.run(worker_jobs.nap, 0.1, lane=Lane.SAVED)
        return list(await asyncio.gather(*adhoc)), saved

    (first, second), saved = with_pool(built_real, {"workers": 2, "saved_query_workers": 1}, scenario)
    assert second[0] >= first[1]  # one worker for the ad-hoc queries: one after the other
    assert saved[1] < first[1]  # the saved query ran meanwhile


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"workers": 2, "saved_query_workers": 2}, "saved_query_workers: expected 0 to 1 (fewer than workers), got 2"),
        ({"worker_memory_mb": 64}, "worker_memory_mb: expected at least 128"),
        ({"client_queries": 0}, "client_queries: expected a positive number"),
        ({"queue_time_limit": "0"}, "queue_time_limit: expected a positive number"),
    ],
)
def test_settings_that_leave_a_query_no_worker_are_refused(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingError, match=re.escape(message)):
        resolve(settings)


def test_a_worker_left_near_its_memory_limit_is_started_afresh(built_real: Path) -> None:
    """A job may end with memory its worker keeps (a heap does not shrink): past 3/4 of the limit,
    the worker is replaced after answering; below, it is kept."""

    async def scenario(pool: WorkerPool) -> list[int]:
        pid, base = await pool.run(worker_jobs.resident)
        kept = await pool.run(worker_jobs.hold, 1)
        after_small = (await pool.run(worker_jobs.resident))[0]
        held = await pool.run(worker_jobs.hold, 3 * 256 // 4 - base + 16)  # past 3/4, under the limit
        after_big = (await pool.run(worker_jobs.resident))[0]
        return [pid, kept, after_small, held, after_big]

    pid, kept, after_small, held, after_big = with_pool(
        built_real, {"workers": 1, "saved_query_workers": 0, "worker_memory_mb": 256}, scenario
    )
    assert pid == kept == after_small == held
    assert after_big != held
