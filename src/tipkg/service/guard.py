"""What a query sent to the service may do, decided by parsing it, never by searching its text.

:func:`check_query` parses the text with rdflib's SPARQL *query* parser and walks the algebra:

- ``SERVICE`` is refused unless its endpoint is in the allow-list (a variable endpoint never is)
- ``FROM`` / ``FROM NAMED`` must name graphs the store holds, and so must the protocol's
  ``default-graph-uri`` / ``named-graph-uri`` (:func:`check_graphs`)
- text that is not a query is refused: with 403 when it parses as an update (an update disguised
  as a query, such as ``PREFIX a: <http://x/\\u003E DROP ALL #> SELECT ...``), with 400 when it
  is a ``LOAD`` (which fetches a URL) or does not parse at all

SPARQL expands ``\\uXXXX`` escapes before parsing. rdflib does so and Oxigraph does not, so the
same text could read as two different queries; the escapes are expanded here, once, and the
expanded text is what the engine runs (:attr:`CheckedQuery.text`), so both parsers see the same
query. Deep nesting, which makes rdflib raise ``RecursionError``, is a 400 like any bad query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tipkg.engines import one_line
from tipkg.errors import TipkgError
from tipkg.namespaces import PREFIXES

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEFT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
KINDS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}


class Refused(TipkgError):
    """A request the service will not run, with the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        return (Refused, (self.status, self.message))


@dataclass(frozen=True)
class CheckedQuery:
    """A query that may run: its text (escapes expanded), its form, and whether it names a dataset."""

    text: str
    kind: str
    has_dataset: bool


def expand_escapes(text: str) -> str:
    """Replace ``\\uXXXX`` and ``\\UXXXXXXXX`` by their characters, as SPARQL does before parsing."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(400, f"invalid escape {m.group(0)}: not a Unicode character")
        return chr(code)

    expanded = _ESCAPE.sub(char, text)
    if _LEFT_ESCAPE.search(expanded):
        raise Refused(400, "escapes that produce escapes (such as \\u005Cu0041) are refused")
    return expanded


def check_query(text: str, *, graphs: Iterable[str], services: Iterable[str] = (), max_bytes: int | None = None) -> CheckedQuery:
    """The query ``text`` checked against the store's ``graphs`` and the allowed ``services``.

    Raises :class:`Refused` (400, 403 or 413) for anything the service does not run.
    """
    if max_bytes is not None and len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise Refused(413, f"query larger than {max_bytes} bytes")
    return _check(text, frozenset(graphs), frozenset(services))


@lru_cache(maxsize=256)
def _check(text: str, graphs: frozenset[str], services: frozenset[str]) -> CheckedQuery:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    expanded = expand_escapes(text)
    if not expanded.strip():
        raise Refused(400, "empty query")
    try:
        parsed = parseQuery(expanded)
    except ParseException as exc:
        _refuse_not_a_query(expanded, exc)
    except RecursionError:
        raise Refused(400, "query nested too deeply") from None
    try:
        query = translateQuery(parsed, initNs=PREFIXES)
    except RecursionError:
        raise Refused(400, "query nested too deeply") from None
    except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes and bad aggregates
        raise Refused(400, f"bad query: {one_line(exc)}") from None
    algebra = query.algebra
    kind = KINDS.get(algebra.name)
    if kind is None:
        raise Refused(400, f"not a query: {algebra.name}")
    try:
        nodes = list(_walk(algebra))
    except RecursionError:
        raise Refused(400, "query nested too deeply") from None
    for node in nodes:
        if getattr(node, "name", None) == "ServiceGraphPattern":
            endpoint = dict.get(node, "term")
            if not _is_iri(endpoint) or str(endpoint) not in services:
                raise Refused(400, f"SERVICE {_show(endpoint)} is refused: the endpoint is not in the service allow-list")
    dataset = _dataset(dict.get(algebra, "datasetClause"))
    for keyword, iri in dataset:
        check_graphs([iri], graphs, keyword)
    return CheckedQuery(expanded, kind, has_dataset=bool(dataset))


def check_graphs(iris: Iterable[str], graphs: Iterable[str], where: str) -> None:
    """Refuse a dataset (``FROM`` or the protocol's graph IRIs) naming a graph the store does not hold."""
    known = set(graphs)
    for iri in iris:
        if iri not in known:
            raise Refused(400, f"{where} <{iri}> is refused: not a graph of this store (its graphs: {', '.join(sorted(known))})")


def _refuse_not_a_query(text: str, error: Exception) -> None:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        update = parseUpdate(text)
    except Exception:  # not an update either: report the query parser's error
        raise Refused(400, f"SPARQL syntax error: {one_line(error)}") from None
    operations = [getattr(op, "name", "") for op in update.get("request") or []]
    if "Load" in operations:
        raise Refused(400, "LOAD is refused: this endpoint reads no URL on a query's behalf, and is read-only")
    raise Refused(403, f"updates are refused: this endpoint is read-only (the text is a {', '.join(operations) or 'update'})")


def _dataset(clauses: Any) -> list[tuple[str, str]]:
    """(``FROM`` or ``FROM NAMED``, graph IRI) of each dataset clause."""
    out = []
    for clause in clauses or []:
        for key, keyword in (("default", "FROM"), ("named", "FROM NAMED")):
            if key in clause:  # not clause.get(key): a CompValue answers a missing key with the key itself
                out.append((keyword, str(dict.__getitem__(clause, key))))
    return out


def _walk(node: Any) -> Iterator[Any]:
    """Every node of an rdflib algebra tree (CompValues, lists, expressions), depth first."""
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, dict):  # CompValue is a dict (an OrderedDict)
            stack.extend(current.values())
        elif isinstance(current, list | tuple | set | frozenset) or type(current).__name__ == "ParseResults":
            stack.extend(current)


def _is_iri(term: Any) -> bool:
    from rdflib import URIRef

    return isinstance(term, URIRef)


def _show(term: Any) -> str:
    from rdflib import URIRef, Variable

    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Variable):
        return f"?{term}"
    return str(term)
