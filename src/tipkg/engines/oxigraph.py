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


# --- for the service
# The service's workers and pages answer from the store itself, in pyoxigraph's own formats; these
# keep pyoxigraph's objects behind plain names (results formats, graph formats, SPARQL JSON).

GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")  # what serialize_triples writes
RESULTS_FORMATS = ("xml", "csv", "tsv")  # what serialize_results writes, besides SPARQL JSON
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def named_graphs(store: Any) -> set[str]:
    """The IRIs of the store's named graphs."""
    import pyoxigraph as ox

    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}


def query_store(
    store: Any,
    text: str,
    bindings: dict[str, URIRef] | None = None,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
) -> Any:
    """pyoxigraph's own answer to ``text`` (with the usual prefixes): ``bindings`` substituted, and
    the dataset given by ``default_graphs`` / ``named_graphs`` when either is (the SPARQL
    Protocol's, which replaces the query's ``FROM``); read it with :func:`answer_kind`."""
    import pyoxigraph as ox

    options: dict[str, Any] = {}
    if bindings:
        options["substitutions"] = {ox.Variable(k): ox.NamedNode(str(v)) for k, v in bindings.items()}
    if default_graphs or named_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return store.query(text, prefixes=PREFIXES, **options)


def answer_kind(answer: Any) -> str:
    """``boolean`` (an ASK's), ``solutions`` (a SELECT's: rows of terms, with ``variables``) or ``triples``."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return "boolean"
    return "solutions" if isinstance(answer, ox.QuerySolutions) else "triples"


def variables(answer: Any) -> list[str]:
    """The variable names of a SELECT's answer."""
    return [v.value for v in answer.variables]


def term_json(term: Any) -> dict[str, Any]:
    """A pyoxigraph term in SPARQL 1.1 JSON results."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate), "object": term_json(term.object)},
        }
    raise TypeError(f"unexpected term {term!r}")


def serialize_results(answer: Any, fmt: str) -> bytes:
    """An ASK's answer in one of :data:`RESULTS_FORMATS` (or in SPARQL JSON for any other name)."""
    out: bytes = answer.serialize(format=_results_format(fmt))
    return out


def reserialize_results(sparql_json: bytes, fmt: str) -> bytes:
    """SPARQL JSON results in one of :data:`RESULTS_FORMATS`, through pyoxigraph's parser and serializer."""
    import pyoxigraph as ox

    out = ox.parse_query_results(sparql_json, format=ox.QueryResultsFormat.JSON).serialize(format=_results_format(fmt))
    assert out is not None  # no output file given: the bytes are returned
    return out


def _results_format(fmt: str) -> Any:
    import pyoxigraph as ox

    return {"xml": ox.QueryResultsFormat.XML, "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}.get(
        fmt, ox.QueryResultsFormat.JSON
    )


def store_triples(triples: list[tuple[Node, Node, Node]]) -> list[Any]:
    """rdflib triples as pyoxigraph ones, each once, in a stable order: ready for :func:`serialize_triples`."""
    import pyoxigraph as ox

    from tipkg.build.rdfio import to_ox

    return sorted({ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples}, key=str)


def serialize_triples(triples: list[Any], fmt: str) -> bytes:
    """pyoxigraph triples in one of :data:`GRAPH_FORMATS` (Turtle and RDF/XML with the usual prefixes)."""
    import pyoxigraph as ox

    formats = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }
    used = PREFIXES if fmt in ("turtle", "rdfxml") else None
    out = ox.serialize(triples, format=formats[fmt], prefixes=used or None)
    assert out is not None  # no output file given: the bytes are returned
    return out


def open_read_only(path: str) -> Any:
    """The store at ``path``, read-only: several processes (the server, its workers) read it at once."""
    import pyoxigraph as ox

    return ox.Store.read_only(path)
