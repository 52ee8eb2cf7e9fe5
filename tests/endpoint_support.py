"""Real HTTP servers on free loopback ports that stand in for remote SPARQL endpoints: a handler
class says what they answer; :func:`serving` runs one for the length of a ``with`` block."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

SPARQL_JSON = "application/sparql-results+json"


class EndpointHandler(http.server.BaseHTTPRequestHandler):
    """A handler that answers in one call and keeps the test output quiet."""

    def reply(self, status: int, body: bytes, content_type: str = SPARQL_JSON, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serving(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded server answering with ``handler`` on 127.0.0.1; its ``/sparql`` URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
