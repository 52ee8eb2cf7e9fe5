"""Any SPARQL 1.1 endpoint as a store: queries, updates, and a query engine, through SPARQLWrapper.

Every request has a time limit, a User-Agent that names tipkg, and bounded retries with backoff on
429 and 5xx answers (``Retry-After`` honoured). Credentials come from the environment only
(``TIPKG_ENDPOINT_USER``, ``TIPKG_ENDPOINT_PASSWORD``, ``TIPKG_ENDPOINT_AUTH`` = basic or digest),
never from a file, a URL or a message. A partial answer (Virtuoso's row limit or time limit) is an
error, not a result.
"""

from __future__ import annotations

import ast
import email.utils
import os
import socket
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from rdflib import Literal, URIRef

from tipkg.engines import SparqlError, one_line
from tipkg.errors import TipkgError
from tipkg.sparql.codec import json_result
from tipkg.sparql.results import Result
from tipkg.sparql.text import substitute, with_prefixes

USER_ENV = "TIPKG_ENDPOINT_USER"
PASSWORD_ENV = "TIPKG_ENDPOINT_PASSWORD"
AUTH_ENV = "TIPKG_ENDPOINT_AUTH"
# "server": query the store's own default graph instead of naming the build's graphs
UNION_ENV = "TIPKG_ENDPOINT_UNION"
PROJECT_URL = "https://w3id.org/tipkg"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class RemoteError(TipkgError):
    """A remote SPARQL endpoint that could not answer, or answered with an error."""


class OfflineError(RemoteError):
    """The endpoint cannot be reached at all: no network, no such host, nothing listening."""


class PartialAnswerError(RemoteError):
    """The endpoint stopped early (a row or time limit) and sent only part of the answer."""


def user_agent() -> str:
    """``tipkg/<version> (+<project URL>)``, as the Wikimedia User-Agent policy asks."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("tipkg")
    except PackageNotFoundError:
        ours = "0"
    return f"tipkg/{ours} (+{PROJECT_URL})"


def check_url(url: str) -> str:
    """An http(s) URL with no credentials in it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"not an http(s) endpoint URL: {url!r}")
    if parts.username or parts.password:
        raise RemoteError(f"put credentials in {USER_ENV} and {PASSWORD_ENV}, not in the endpoint URL")
    return url


@dataclass
class Answer:
    """A successful response: its body, as SPARQLWrapper converted it, and its headers."""

    body: Any
    headers: dict[str, str]


@dataclass
class Endpoint:
    """A SPARQL endpoint (and its update endpoint) with the request policy tipkg uses."""

    url: str
    update_url: str | None = None
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_wait: float = 60.0  # a Retry-After longer than this ends the retries
    params: dict[str, str] = field(default_factory=dict)  # extra protocol parameters (Virtuoso: timeout)
    agent: str = field(default_factory=user_agent)
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        check_url(self.url)
        if self.update_url:
            check_url(self.update_url)

    # -- public ------------------------------------------------------------------------------------

    def select(self, text: str, default_graphs: list[str] | None = None) -> Answer:
        """A SELECT or ASK query: the SPARQL JSON results."""
        from SPARQLWrapper import JSON

        return self._send(self._wrapper(self.url, text, JSON, default_graphs))

    def construct(self, text: str, default_graphs: list[str] | None = None) -> Answer:
        """A CONSTRUCT or DESCRIBE query: the Turtle text."""
        from SPARQLWrapper import TURTLE

        return self._send(self._wrapper(self.url, text, TURTLE, default_graphs))

    def update(self, text: str) -> None:
        """A SPARQL 1.1 Update request, to the update endpoint (or the query endpoint)."""
        from SPARQLWrapper import JSON

        wrapper = self._wrapper(self.update_url or self.url, text, JSON, None)
        if not wrapper.isSparqlUpdateRequest():
            raise RemoteError("not a SPARQL update")
        self._send(wrapper)

    # -- requests ----------------------------------------------------------------------------------

    def _wrapper(self, url: str, text: str, fmt: str, default_graphs: list[str] | None) -> Any:
        from SPARQLWrapper import BASIC, DIGEST, POST, SPARQLWrapper

        wrapper = SPARQLWrapper(url, updateEndpoint=url, agent=self.agent)
        wrapper.setMethod(POST)
        wrapper.setTimeout(max(1, round(self.timeout)))  # SPARQLWrapper has no time limit unless given one
        wrapper.setReturnFormat(fmt)
        wrapper.setOnlyConneg(True)  # no format=... parameter: the Accept header says it
        for name, value in self.params.items():
            wrapper.addParameter(name, value)
        for graph in default_graphs or []:
            wrapper.addDefaultGraph(graph)
            wrapper.addNamedGraph(graph)
        user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
        if user and password:
            auth = os.environ.get(AUTH_ENV, "basic").lower()
            if auth not in ("basic", "digest"):
                raise RemoteError(f"{AUTH_ENV} must be basic or digest, not {auth!r}")
            wrapper.setHTTPAuth(DIGEST if auth == "digest" else BASIC)
            wrapper.setCredentials(user, password)
        wrapper.setQuery(text)
        return wrapper

    def _send(self, wrapper: Any) -> Answer:
        url = wrapper.updateEndpoint if wrapper.isSparqlUpdateRequest() else wrapper.endpoint
        for attempt in range(self.retries + 1):
            status, wait, message = self._attempt(wrapper, url)
            if status == 0:
                return message  # type: ignore[return-value]
            if status not in RETRY_STATUSES or attempt == self.retries:
                break
            delay = self.backoff * 2**attempt if wait is None else wait
            if delay > self.max_wait:
                message = f"{message}; it asks to wait {delay:.0f} s"
                break
            self.sleep(delay)
        raise RemoteError(message)

    def _attempt(self, wrapper: Any, url: str) -> tuple[int, float | None, Any]:
        """``(0, None, answer)``, or ``(status, Retry-After seconds, message)`` of a failed request."""
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            SPARQLWrapperException,
            Unauthorized,
        )

        try:
            result = wrapper.query()
            headers = {k.lower(): v for k, v in result.response.headers.items()}
            check_complete(url, result.response.status, headers)
            return 0, None, Answer(result.convert(), headers)
        except QueryBadFormed as exc:
            raise SparqlError(f"{url} refused the query: {_said(exc)}") from None
        except Unauthorized:
            raise RemoteError(f"{url} refused the credentials (HTTP 401): set {USER_ENV} and {PASSWORD_ENV}") from None
        except EndPointNotFound:
            raise RemoteError(f"no SPARQL endpoint at {url} (HTTP 404)") from None
        except EndPointInternalError as exc:
            return 500, None, f"{url} failed (HTTP 500): {_said(exc)}"
        except SPARQLWrapperException as exc:
            raise RemoteError(f"{url}: {_said(exc)}") from None
        except urllib.error.HTTPError as exc:
            body = one_line(exc.read().decode("utf-8", "replace"), 160)
            return exc.code, retry_after(exc.headers.get("Retry-After")), f"{url} answered HTTP {exc.code}" + (f": {body}" if body else "")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise RemoteError(f"no answer from {url} within {self.timeout:g} s") from None
            raise OfflineError(f"cannot reach {url}: {_reason(exc.reason)} (no network, or the endpoint is down)") from None
        except TimeoutError:
            raise RemoteError(f"no answer from {url} within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            return 503, None, f"{url}: connection failed: {_reason(exc)}"


def check_complete(url: str, status: int, headers: dict[str, str]) -> None:
    """Refuse a partial answer: HTTP 206, Virtuoso's ``X-SQL-State: S1TAT`` or ``X-SPARQL-MaxRows``."""
    state = headers.get("x-sql-state", "")
    if status == 206 or state == "S1TAT":
        raise PartialAnswerError(
            f"{url} sent a partial answer (HTTP {status}, X-SQL-State {state or '-'}): it stopped at its time limit;"
            " narrow the query or raise the store's limit (Virtuoso: MaxQueryExecutionTime)"
        )
    if "x-sparql-maxrows" in headers:
        raise PartialAnswerError(
            f"{url} sent only the first {headers['x-sparql-maxrows']} rows (its row limit):"
            " add LIMIT/OFFSET or raise the store's limit (Virtuoso: ResultSetMaxRows)"
        )


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _said(exc: Exception) -> str:
    """What the server said, from a SPARQLWrapper exception (whose text ends with the body's repr)."""
    text = str(exc)
    _, sep, body = text.partition("Response:\n")
    if sep:
        try:
            raw = ast.literal_eval(body)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        except (ValueError, SyntaxError):
            text = body
    return one_line(text, 200)


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "unknown host"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return one_line(reason, 120)


# -- results -----------------------------------------------------------------------------------------


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read by a SPARQL query parser: an update never passes."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        raise SparqlError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {one_line(exc.msg)}") from None
    return str(parsed[1].name).removesuffix("Query").upper()


class RemoteEngine:
    """Runs queries on a remote endpoint; the default graph is the union of the build's graphs."""

    name = "remote"

    def __init__(self, endpoint: Endpoint, graphs: list[str] | None = None) -> None:
        self.endpoint = endpoint
        self.graphs = graphs  # None: the store's own default graph

    def run(self, text: str, bindings: dict[str, URIRef | Literal]) -> Result:
        text = substitute(text, bindings)
        form = query_form(text)
        text = with_prefixes(text)
        if form in ("SELECT", "ASK"):
            return json_result(self.endpoint.select(text, self.graphs).body, normalized=True)
        from rdflib import Graph

        data = self.endpoint.construct(text, self.graphs).body
        graph = Graph().parse(data=data, format="turtle")
        return Result([], [], triples=list(graph))  # type: ignore[arg-type]


def open_engine(url: str, manifest: dict[str, Any] | None) -> RemoteEngine:
    """The engine for ``--engine URL``: the build's graphs (from its manifest) as the default graph."""
    graphs = sorted(manifest.get("graphs", {})) if manifest else None
    if os.environ.get(UNION_ENV, "").lower() == "server":
        graphs = None
    return RemoteEngine(Endpoint(url), graphs or None)
