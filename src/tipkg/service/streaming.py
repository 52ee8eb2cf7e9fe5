"""A streamed answer read from its worker (:meth:`tipkg.service.workers.WorkerPool.stream`): the
chunks of its body as they come, and what becomes of the worker once they stop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tipkg.service.workers import Lane, WorkerError, WorkerPool, _Worker


def value_of(reply: tuple[Any, ...]) -> Any:
    """A worker's reply to a job: its value, or its error raised."""
    if reply[0] == "ok":
        return reply[1]
    raise error_of(reply)


def error_of(reply: tuple[Any, ...]) -> WorkerError:
    """The error a worker's reply (other than a value) stands for."""
    from tipkg.service.workers import WorkerError

    if reply[0] == "error":
        return WorkerError(reply[1], reply[2])
    return WorkerError(500, f"the query's worker answered {reply[0]!r} out of turn")


class Chunks:
    """The chunks of a streamed answer, read from its worker as they come (an async iterator), under
    the query's time limit (``deadline``) and memory watch. The worker goes back to the idle ones
    after the last chunk; when the stream fails (time, memory, an error after the head) or is
    closed before its end (:meth:`aclose`: the client went away), the worker is killed and replaced,
    so that none is reused with chunks unread in its socket."""

    def __init__(self, pool: WorkerPool, worker: _Worker, job: tuple[Lane, str], deadline: float) -> None:
        self.pool, self.worker, self.job, self.deadline = pool, worker, job, deadline
        self.open = True
        self.chunks = 0  # read so far

    def __aiter__(self) -> Chunks:
        return self

    async def __anext__(self) -> bytes:
        if not self.open:
            raise StopAsyncIteration
        try:
            reply = await self.pool.ask(self.worker.receive, self.deadline)
        except BaseException:
            self._close(healthy=False)
            raise
        if reply[0] == "chunk":
            self.chunks += 1
            chunk: bytes = reply[1]
            return chunk
        self._close(healthy=reply[0] == "end")
        if reply[0] == "end":
            raise StopAsyncIteration
        raise error_of(reply)  # an error after the head

    async def aclose(self) -> None:
        """Stop reading: a worker with chunks unread is replaced."""
        self._close(healthy=False)

    def _close(self, healthy: bool) -> None:
        if self.open:
            self.open = False
            self.pool.release(self.worker, *self.job, healthy)
