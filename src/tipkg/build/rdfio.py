"""Deterministic serialization: rdflib terms to sorted canonical lines, and the build's Turtle and
JSON-LD written from them as streams.

rdflib's own writers change with PYTHONHASHSEED once blank nodes are involved, so every output is
written by pyoxigraph from sorted lines (:mod:`tipkg.build.lines`) whose blank nodes were
canonically relabelled. The build's door to pyoxigraph, with :mod:`tipkg.engines.oxigraph`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from tipkg.namespaces import PREFIXES


def to_ox(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def canonical(graph: Graph) -> Graph:
    """The graph with its blank nodes relabelled canonically (same data, same labels)."""
    return to_canonical_graph(graph)


def _serialize(items: list[Any], fmt: Any, **kwargs: Any) -> bytes:
    data = ox.serialize(items, None, fmt, **kwargs)
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    return data


def quad_lines(quads: Iterable[tuple[Node, Node, Node, Any]]) -> list[bytes]:
    """rdflib quads as the sorted distinct N-Quads lines of the build (:mod:`tipkg.build.lines`)."""
    return _lines([ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g)) for s, p, o, g in quads], ox.RdfFormat.N_QUADS)


def triple_lines(triples: Iterable[tuple[Node, Node, Node]]) -> list[bytes]:
    """rdflib triples as sorted distinct N-Triples lines."""
    return _lines([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples], ox.RdfFormat.N_TRIPLES)


def _lines(items: list[Any], fmt: Any) -> list[bytes]:
    return sorted({line + b"\n" for line in _serialize(items, fmt).splitlines() if line})


def write_turtle(ntriples: Path, out: Path) -> None:
    """graph.ttl from the sorted N-Triples of graph.nt, read and written as a stream: the text
    :func:`pyoxigraph.serialize` writes from the same triples in memory."""
    ox.serialize(ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES), str(out), ox.RdfFormat.TURTLE, prefixes=PREFIXES)


def write_jsonld(lines: Iterable[bytes], out: BinaryIO, batch: int = 20_000) -> None:
    """graph.jsonld from sorted N-Quads lines, with sorted keys (the text as stable as the data),
    a batch at a time: the text ``json.dumps(..., sort_keys=True, indent=1)`` makes of pyoxigraph's
    JSON-LD of all the quads at once.

    pyoxigraph writes a run of quads of one graph as one ``{"@id": graph, "@graph": [...]}``
    object, so a batch ends only where the graph changes and each object is written as
    ``json.dumps`` writes an item of the whole list (one more level of indentation)."""
    first = True
    pending: list[bytes] = []

    def flush() -> None:
        nonlocal first
        if not pending:
            return
        quads = list(ox.parse(b"".join(pending), format=ox.RdfFormat.N_QUADS))
        for item in json.loads(_serialize(quads, ox.RdfFormat.JSON_LD)):
            text = json.dumps(item, ensure_ascii=False, sort_keys=True, indent=1)
            out.write(("[\n " if first else ",\n ").encode() + text.replace("\n", "\n ").encode())
            first = False
        pending.clear()

    last = b""
    for line in lines:
        graph = line[line.rindex(b" <", 0, len(line) - 3) :]
        if len(pending) >= batch and graph != last:
            flush()
        pending.append(line)
        last = graph
    flush()
    out.write(b"[]\n" if first else b"\n]\n")


def read_quads(path: Path) -> Iterator[tuple[Node, Node, Node, Node | None]]:
    """The quads of an N-Quads file of the build as rdflib terms (the graph ``None`` for the
    default graph): pyoxigraph parses, each distinct term is made once."""
    seen: dict[Any, Node] = {}

    def term(t: Any) -> Node:
        found = seen.get(t)
        if found is None:
            found = seen[t] = _from_ox(t)
        return found

    for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        g = q.graph_name
        yield term(q.subject), term(q.predicate), term(q.object), None if isinstance(g, ox.DefaultGraph) else term(g)


def _from_ox(t: Any) -> Node:
    """A pyoxigraph term as rdflib makes it when it reads the same N-Triples."""
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if t.language:
        return Literal(t.value, lang=t.language)
    return Literal(t.value, datatype=None if t.datatype.value == _XSD_STRING else URIRef(t.datatype.value))


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def select_in_memory(triples: Iterable[tuple[Node, Node, Node]], queries: list[str]) -> list[list[Node]]:
    """Each SELECT query's first column, as rdflib terms, over an in-memory store of ``triples``:
    validation finds the focus nodes of its SPARQL targets with Oxigraph, where rdflib's engine
    takes seconds to scan every literal of a graph."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in triples)
    out = []
    for query in queries:
        answer = store.query(query)
        assert isinstance(answer, ox.QuerySolutions)
        first = answer.variables[0]
        out.append([_from_ox(row[first]) for row in answer if row[first] is not None])
    return out
