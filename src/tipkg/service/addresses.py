"""Addresses the service reads: UTF-8, and free of the code points tipkg refuses.

Starlette decodes a URL's percent-encoded bytes leniently: bytes that are not UTF-8 become U+FFFD,
so ``/id/x%FF`` would be read as another address, and NUL, U+FFFF or a control character reach
the pages, whose IRIs and literals the store then rejects. :class:`CheckedAddress` reads the path
and the query string strictly, before any page: an address that is not UTF-8, or holds a code
point :mod:`tipkg.sparql.codepoints` refuses, gets 400 with one line (an error page for a browser). The
SPARQL text of ``/sparql?query=`` is no value: like a ``POST``'s body, it must be UTF-8, and the
SPARQL grammar and the guard read the rest.

Given the service's address (the ``base_url`` setting), it also refuses, with 400, a request whose
``Host`` header names another: the descriptions of ``/sparql`` and ``/dataset`` name the address the
service is served at, never one a client made up.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote_to_bytes

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from tipkg.sparql.codepoints import CodePointError, clean, shown

SPARQL_TEXT = ("query", "update")  # parameters of /sparql that hold SPARQL text, not values


class CheckedAddress:
    """ASGI middleware: 400 for an address whose path or query is not UTF-8 or holds a refused code
    point, or whose ``Host`` is none of ``hosts`` (``None``: any)."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None = None) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = address_problem(scope.get("raw_path") or scope["path"].encode("utf-8", "surrogatepass"), scope["query_string"])
            hosts = [value.decode("latin-1").lower() for name, value in scope["headers"] if name == b"host"]
            if problem is None and self.hosts is not None and (len(hosts) != 1 or hosts[0] not in self.hosts):
                problem = f"the Host header does not name this service ({', '.join(sorted(self.hosts))})"  # one, and ours
            if problem is not None:
                await _refuse(scope, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def address_problem(raw_path: bytes, query_string: bytes) -> str | None:
    """What is wrong with an address (its path as sent, percent-encoded; its query string), if anything."""
    try:
        path = unquote_to_bytes(raw_path.split(b"?", 1)[0]).decode("utf-8")
    except UnicodeDecodeError:
        return "the address's path is not UTF-8 once its %-escapes are decoded"
    try:
        clean(path)
    except CodePointError as exc:
        return f"the address's path: {exc}"
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return "the address's query is not UTF-8 once its %-escapes are decoded"
    for name, value in pairs:
        try:
            clean(name)
        except CodePointError as exc:
            return f"a parameter's name: {exc}"
        if path == "/sparql" and name in SPARQL_TEXT:
            continue  # SPARQL text, which its grammar and the guard read, sent as a query string or a body alike
        try:
            clean(value)
        except CodePointError as exc:
            return f"parameter {shown(name)}: {exc}"
    return None


def _refuse(scope: Scope, problem: str) -> Response:
    from tipkg.service.views.plumbing import error_page, wants_html

    request = Request(scope)
    if "app" in scope and wants_html(request):
        return error_page(request, 400, problem)
    return Response(problem + "\n", 400, media_type="text/plain; charset=utf-8")
