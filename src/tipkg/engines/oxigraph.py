"""The embedded Oxigraph store as a query engine: parameters bound by substitution, terms converted once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from tipkg.engines import SparqlError, one_line
from tipkg.namespaces import PREFIXES
from tipkg.sparql.results import Result, normalize

# The prologue and SELECT keyword of a query: where Oxigraph wants the parameters it binds named.
_SELECT = re.compile(
    r"(?:\s+|#[^\n]*|(?i:BASE)\s*<[^<>\s]*>|(?i:PREFIX)\s+[^\s:]*:\s*<[^<>\s]*>)*(?i:SELECT)(?:\s+(?i:DISTINCT|REDUCED))?(?=[\s?$*(])"
)
_NOT_PROJECTED = re.compile(r"variable \?([A-Za-z_][A-Za-z0-9_]*) in its SELECT projection")
_SYNTAX_AT = re.compile(r"^error at (\d+):(\d+):\s*")


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
    """:func:`from_ox` then :func:`~tipkg.sparql.results.normalize`, remembering each term: a result
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

        from tipkg.build.rdfio import to_ox

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


# --- for the network


def store_of(graph: Any) -> Any:
    """An in-memory store holding an rdflib ``Graph``, or a ``Dataset`` with the union of its named
    graphs as default graph (as in a built store), so both are read by the same queries."""
    import warnings

    import pyoxigraph as ox

    store = ox.Store()
    with warnings.catch_warnings():  # rdflib's N-Quads writer calls its own deprecated Dataset.contexts
        warnings.simplefilter("ignore", DeprecationWarning)
        if hasattr(graph, "quads") and hasattr(graph, "graphs"):
            store.load(graph.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
            store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def plain_rows(store: Any, query: str) -> list[dict[str, tuple[str, bool, str, str]]]:
    """A SELECT query's rows as plain Python: each bound IRI or literal as (value, is IRI, language,
    datatype); blank nodes are left out. Cheaper than rdflib terms, for readers of whole graphs."""
    import pyoxigraph as ox

    out = []
    solutions = store.query(query, prefixes=PREFIXES)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        row = {}
        for name in names:
            term = solution[name]
            if isinstance(term, ox.NamedNode):
                row[name] = (term.value, True, "", "")
            elif isinstance(term, ox.Literal):
                row[name] = (term.value, False, term.language or "", term.datatype.value)
        out.append(row)
    return out


def rdflib_term(value: Any) -> Any:
    """``value`` as an rdflib term if it is a pyoxigraph term, else ``value`` itself: code that takes
    rows from either engine then sees rdflib terms only."""
    import pyoxigraph as ox

    return from_ox(value) if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal) else value
