"""SPARQL Protocol queries, run where they cost least: bounded ones in the server, the rest in workers.

A text is parsed once, in a worker: the first request for it goes to the workers as every query
does (:func:`tipkg.service.jobs.answer_planned`), where it is checked
(:func:`tipkg.sparql.guard.check_query`, under the time limit: no text is parsed in the server)
and planned (:mod:`tipkg.service.bounded`), and the worker sends back with its answer the
query's :class:`tipkg.service.jobs.Plan`. The server keeps the plans of the :data:`PLANS` texts
asked last. A later request for a bounded text runs in the server process, on one of
:data:`THREADS` threads each locked by :class:`tipkg.sandbox.LockedThreads` (no socket but a Unix
one), over the server's read-only store, with the function the worker runs once a query is
checked (:func:`tipkg.service.jobs.answer_checked`): the same answer, byte for byte, without the
hop to a worker. Any other text goes to the workers with its plan, and is not parsed there again.

A ``/sparql`` answer (but an HTML page's) is streamed from its worker (:meth:`LocalLane.stream`);
a bounded one, answered here, stays whole.

A bounded query holds no worker, so the per-client share of workers (``client_queries``) does not
apply to it; the threads take the bounded queries in their order of arrival.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from tipkg.service.jobs import Answer, Plan, SparqlRequest, answer_checked, answer_planned, stream_planned
from tipkg.service.streaming import Chunks
from tipkg.service.workers import Lane, WorkerPool, route
from tipkg.sparql.guard import CheckedQuery

PLANS = 1024  # texts whose plan the server keeps (a plan holds the canonical text and a few fields)
THREADS = 2  # threads running bounded queries in the server process


class LocalLane:
    """The plans of the texts seen, and the locked threads that run the bounded ones."""

    def __init__(self, store: Any, pool: WorkerPool, settings: Mapping[str, Any]) -> None:
        from tipkg.sandbox import LockedThreads

        self.store = store
        self.pool = pool
        self.settings = settings
        self._plans: OrderedDict[str, Plan] = OrderedDict()
        self.threads = LockedThreads(THREADS, "tipkg-bounded")
        self.ran = 0  # bounded queries answered in this process

    async def answer(self, job: SparqlRequest, client: str) -> Answer:
        """The answer to ``job`` from the client at address ``client``, here or in a worker."""
        plan, lane = await self._lane(job)
        if lane is None:
            assert plan is not None
            return await self.here(job, plan.checked)
        answer, plan = await self.pool.run(answer_planned, job, plan, lane=lane, client=client)
        self._keep(job.query, plan)
        return answer

    async def stream(self, job: SparqlRequest, client: str) -> tuple[Answer, Chunks | None]:
        """:meth:`answer`, streamed from a worker: the answer's head and its :class:`Chunks`; a
        bounded query's answer stays whole (``None``, the body in the answer): it is read on a
        locked thread of this process, whose rows are few enough (its work is bounded) to hold."""
        plan, lane = await self._lane(job)
        if lane is None:
            assert plan is not None
            return await self.here(job, plan.checked), None
        (head, plan), chunks = await self.pool.stream(stream_planned, job, plan, lane=lane, client=client)
        self._keep(job.query, plan)
        return head, chunks

    async def _lane(self, job: SparqlRequest) -> tuple[Plan | None, Lane | None]:
        """The plan kept for ``job``'s text, if any, and the workers' lane to run it (``None``: here)."""
        plan = self._plans.get(job.query)
        if plan is None:
            return None, await route(job.query, self.settings, Lane.SPARQL)
        self._plans.move_to_end(job.query)
        if plan.bound is not None:
            return plan, None
        return plan, Lane.NETWORK if plan.checked.services else Lane.SPARQL

    def _keep(self, text: str, plan: Plan) -> None:
        self._plans[text] = plan
        while len(self._plans) > PLANS:
            self._plans.popitem(last=False)

    async def here(self, job: SparqlRequest, checked: CheckedQuery) -> Answer:
        """The answer to ``job``, whose query ``checked`` is, from a locked thread of this process."""
        self.ran += 1
        return await asyncio.wrap_future(self.threads.submit(answer_checked, self.store, job, checked))

    def stop(self) -> None:
        self.threads.shutdown()
