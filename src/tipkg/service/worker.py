"""One query worker process, from start to end: started by :class:`tipkg.service.workers.WorkerPool`
as ``python -m tipkg.service.worker FD STORE network|locked DATA_MB``, it runs in its own Python,
away from the server, so that the server can kill it at the time or memory limit.

It locks the network first (unless it is the federation worker), caps its writable memory, opens
the store read-only and says ``ready``; then it runs jobs, ``function(store, *args)`` (see
:mod:`tipkg.service.jobs`), and sends back each one's value or error, until the socket closes. A
streamed job's function returns (head, chunks): the worker sends ``("head", head)``, then
``("chunk", bytes)`` for each chunk as it is written, then ``("end",)``; an error before the head
is the usual error reply, one after it (an error reply instead of the end) ends the stream.
"""

from __future__ import annotations

import resource
import signal
import sys
from multiprocessing.connection import Connection
from typing import Any

from tipkg.errors import TipkgError


def main(conn: Connection, store_path: str, network: bool, data_mb: int) -> None:
    """A worker: lock the network (unless it is the federation worker), open the store read-only,
    then run jobs until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops its workers
    try:
        if not network:
            from tipkg.sandbox import lock_network

            lock_network()
        resource.setrlimit(resource.RLIMIT_DATA, (data_mb << 20, data_mb << 20))
        # what the jobs import, now: a replacement's first job does not wait for it
        import rdflib.plugins.sparql.algebra
        import rdflib.plugins.sparql.parser  # noqa: F401

        import tipkg.service.jobs  # noqa: F401
        from tipkg.engines.oxigraph import open_read_only

        store = open_read_only(store_path)
    except Exception as exc:
        conn.send(("error", 500, f"cannot start a query worker on {store_path}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            function, args, streamed = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[Any, ...] = ("ok", function(store, *args))
            if streamed:  # the function gave (head, chunks): each one a message, then the end
                head, chunks = reply[1]
                conn.send(("head", head))
                for chunk in chunks:
                    conn.send(("chunk", chunk))
                reply = ("end",)
        except MemoryError:
            conn.send(("memory",))  # what the job held is garbage now, but the heap may be in pieces: start afresh
            return
        except RecursionError:
            reply = ("error", 400, "input nested too deeply")
        except Exception as exc:
            status = getattr(exc, "status", 400 if isinstance(exc, TipkgError) else 500)
            reply = ("error", status, str(exc) or type(exc).__name__)
        conn.send(reply)


if __name__ == "__main__":
    main(Connection(int(sys.argv[1])), sys.argv[2], sys.argv[3] == "network", int(sys.argv[4]))
