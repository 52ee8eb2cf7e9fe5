"""Where queries run: the embedded Oxigraph store (default) or rdflib's engine (for comparison).

Both see the union of all named graphs (asserted facts, links, ontology and inferred closure) as
the default graph, each triple once (the store keeps it so: ``tipkg.store``), and bind parameters
as RDF terms.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.term import Node

from tipkg.errors import TipkgError
from tipkg.namespaces import PREFIXES
from tipkg.results import Result, normalize


class SparqlError(TipkgError):
    """A query that does not parse or cannot run."""


# The prologue and SELECT keyword of a query: where Oxigraph wants the parameters it binds named.
_SELECT = re.compile(
    r"(?:\s+|#[^\n]*|(?i:BASE)\s*<[^<>\s]*>|(?i:PREFIX)\s+[^\s:]*:\s*<[^<>\s]*>)*(?i:SELECT)(?:\s+(?i:DISTINCT|REDUCED))?(?=[\s?$*(])"
)
_NOT_PROJECTED = re.compile(r"variable \?([A-Za-z_][A-Za-z0-9_]*) in its SELECT projection")
_SYNTAX_AT = re.compile(r"^error at (\d+):(\d+):\s*")


def one_line(message: object, limit: int = 240) -> str:
    """An engine's message on one line, cut to ``limit`` characters."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Engine(Protocol):
    name: str

    def run(self, text: str, bindings: dict[str, URIRef | Literal]) -> Result: ...


def from_ox(term: Any) -> Node | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value, datatype=None if dt == "http://www.w3.org/2001/XMLSchema#string" else URIRef(dt))
    raise TypeError(f"unexpected term {term!r}")


def term_converter() -> Callable[[Any], Node | None]:
    """:func:`from_ox` then :func:`~tipkg.results.normalize`, remembering each term: a result
    repeats its IRIs and values from row to row, and making an rdflib term is the costly part."""
    seen: dict[Any, Node | None] = {}

    def convert(term: Any) -> Node | None:
        if term is None:
            return None
        try:
            return seen[term]
        except KeyError:
            node = seen[term] = normalize(from_ox(term))
            return node

    return convert


class OxigraphEngine:
    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = store

    def run(self, text: str, bindings: dict[str, URIRef | Literal]) -> Result:
        import pyoxigraph as ox

        from tipkg.rdfio import to_ox

        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        added: list[str] = []
        while True:
            try:
                answer = self.store.query(text, substitutions=subs or None, prefixes=PREFIXES)
                break
            except SyntaxError as exc:
                if added:
                    raise SparqlError(
                        f"with the oxigraph engine, name the parameters {', '.join('?' + v for v in added)} in the SELECT clause"
                        " (and in GROUP BY, if the query groups)"
                    ) from None
                at = _SYNTAX_AT.match(str(exc))
                where = f" at line {at.group(1)}, column {at.group(2)}" if at else ""
                raise SparqlError(f"SPARQL syntax error{where}: {one_line(str(exc)[at.end() if at else 0 :])}") from None
            except (OSError, RuntimeError, ValueError) as exc:
                # Oxigraph binds a parameter of a SELECT query only if the SELECT clause names it:
                # name it there, and leave it out of the result.
                missing = _NOT_PROJECTED.search(str(exc))
                select = _SELECT.match(text)
                if missing is None or select is None or missing.group(1) in added or missing.group(1) not in bindings:
                    raise SparqlError(f"query failed: {one_line(exc)}") from None
                added.append(missing.group(1))
                text = f"{text[: select.end()]} ?{missing.group(1)}{text[select.end() :]}"
        if isinstance(answer, ox.QueryBoolean):
            return Result([], [], boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            keep = [i for i, v in enumerate(variables) if v not in added]
            convert = term_converter()
            rows = [tuple([convert(sol[i]) for i in keep]) for sol in answer]
            return Result([variables[i] for i in keep], rows)
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in answer]
        return Result([], [], triples=triples)  # type: ignore[arg-type]


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's own deprecation notice, which it raises on every triple lookup of a Dataset."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Dataset.default_context is deprecated", category=DeprecationWarning)
        yield


class RdflibEngine:
    name = "rdflib"

    def __init__(self, nquads: Path) -> None:
        import rdflib.plugins.sparql as sparql
        from rdflib import Dataset

        sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <...> graphs on a query's behalf
        self.dataset = Dataset(default_union=True)
        with open(nquads, "rb") as data, _quiet_rdflib():  # the file closed here, not by the garbage collector
            self.dataset.parse(data, format="nquads")
        for prefix, ns in PREFIXES.items():
            self.dataset.bind(prefix, ns, override=True)

    def run(self, text: str, bindings: dict[str, URIRef | Literal]) -> Result:
        from pyparsing import ParseException

        try:
            with _quiet_rdflib():
                answer = self.dataset.query(text, initBindings={Variable(k): v for k, v in bindings.items()})
                if answer.type == "ASK":
                    return Result([], [], boolean=bool(answer.askAnswer))
                if answer.type in ("CONSTRUCT", "DESCRIBE"):
                    return Result([], [], triples=list(answer.graph))  # type: ignore[arg-type, union-attr]
                variables = [str(v) for v in answer.vars or []]
                # rdflib evaluates lazily: read the rows here, where its errors are caught
                rows = [tuple(normalize(row[i]) for i in range(len(variables))) for row in answer]  # type: ignore[index, arg-type]
        except ParseException as exc:
            raise SparqlError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {one_line(exc.msg)}") from None
        except Exception as exc:  # rdflib raises many kinds of evaluation errors
            raise SparqlError(f"query failed: {one_line(exc)}") from None
        return Result(variables, rows)
