"""The embedded Oxigraph store: the one module (with :mod:`tipkg.build.rdfio`, which writes the
canonical files) that imports pyoxigraph. The rest of tipkg sees rdflib terms.

- the build's store: :func:`write_store` (one bulk load), :func:`open_store` (read-only),
  :func:`add_union` / :func:`has_union`
- terms: :func:`from_ox`, :func:`is_iri`, :func:`named_graph_triples` (a build's N-Quads)
- queries: :class:`OxigraphEngine`, parameters bound by substitution, terms converted once
  (:func:`convert_rows`)
- answers in the store's own formats, for the service: :func:`query_store`, :func:`serialize_results`,
  :func:`serialize_triples`, :func:`term_json` (through :mod:`tipkg.sparql.codec`)
- stores made in memory and rows as plain values, for the network's reader: :func:`store_of`,
  :func:`plain_rows`, :func:`rdflib_term`

The store holds every named graph of the build, and in its default graph their union, each
triple once. Readers query the default graph; none uses ``use_default_graph_as_union``: Oxigraph's
union default graph is the multiset of the named graphs' quads, so a fact that k reports state
would match k times (k⁴ rows for a join over its reification), where SPARQL's default graph, an
RDF merge, holds it once, as rdflib's does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import islice
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from tipkg.engines import SparqlError, one_line
from tipkg.errors import NotBuiltError
from tipkg.namespaces import PREFIXES
from tipkg.sparql.paging import Window
from tipkg.sparql.results import Result, normalize

# The prologue and SELECT keyword of a query: where Oxigraph wants the parameters it binds named.
_SELECT = re.compile(
    r"(?:\s+|#[^\n]*|(?i:BASE)\s*<[^<>\s]*>|(?i:PREFIX)\s+[^\s:]*:\s*<[^<>\s]*>)*(?i:SELECT)(?:\s+(?i:DISTINCT|REDUCED))?(?=[\s?$*(])"
)
_NOT_PROJECTED = re.compile(r"variable \?([A-Za-z_][A-Za-z0-9_]*) in its SELECT projection")
_SYNTAX_AT = re.compile(r"^error at (\d+):(\d+):\s*")


def open_store(build_dir: Path) -> Any:
    """Open ``build_dir/store`` read-only (several processes may read it at once)."""
    path = build_dir / "store"
    if not path.is_dir():
        raise NotBuiltError(f"no built graph in {build_dir}: run 'tipkg build' first")
    store = open_read_only(str(path))
    if not has_union(store):
        raise NotBuiltError(f"the store in {build_dir} has no union default graph (built by an older tipkg): run 'tipkg build' again")
    return store


def open_read_only(path: str) -> Any:
    """The store at ``path``, read-only: several processes (the server, its workers) read it at once."""
    import pyoxigraph as ox

    return ox.Store.read_only(path)


def write_store(path: Path, nquads: Path, ntriples: Path, *more: Path) -> None:
    """Create the store at ``path`` from the build's N-Quads (the named graphs) and N-Triples (their
    union, into the default graph), and ``more`` N-Quads (named graphs left out of that union), by
    bulk loads of :data:`LOAD_CHUNK` lines: Oxigraph's bulk loader holds what one call gives it, so
    the memory stays some 250 MB whatever the size of the graph (one call for 2M statements took
    1.8 GB). A bulk load names the blank nodes of each call anew, so every line with one (the
    ontology's, a few thousand) goes into one last call: ``_:x`` of graph.nt stays graph.nq's."""
    import pyoxigraph as ox

    store = ox.Store(str(path))
    blank: list[bytes] = []
    chunk: list[bytes] = []
    for file in (nquads, ntriples, *more):
        with file.open("rb", buffering=1 << 20) as f:
            for line in f:
                (blank if b"_:" in line else chunk).append(line)
                if len(chunk) >= LOAD_CHUNK:
                    store.bulk_load(b"".join(chunk), ox.RdfFormat.N_QUADS, lenient=True)  # lenient: the build's own terms
                    chunk.clear()
    store.bulk_load(b"".join(chunk + blank), ox.RdfFormat.N_QUADS, lenient=True)
    store.flush()


LOAD_CHUNK = 200_000


def add_union(store: Any) -> None:
    """Copy the union of ``store``'s named graphs into its default graph (a store made in memory)."""
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def has_union(store: Any) -> bool:
    """Whether ``store``'s default graph holds something, or it has no named graph to unite."""
    import pyoxigraph as ox

    default = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    return default is not None or next(iter(store.named_graphs()), None) is None


def is_iri(text: str) -> bool:
    """Whether ``text`` is an absolute IRI by RFC 3987, read as the Oxigraph engine reads it."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def named_graph_triples(nquads: Path) -> dict[str, list[tuple[Node, Node, Node]]]:
    """The triples of each named graph of the N-Quads file ``nquads`` (those of the default graph left out)."""
    import pyoxigraph as ox

    graphs: dict[str, list[tuple[Node, Node, Node]]] = defaultdict(list)
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs[quad.graph_name.value].append((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))  # type: ignore[arg-type]
    return dict(graphs)


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


class _Terms(dict[Any, Node | None]):
    """rdflib terms of pyoxigraph terms (:func:`from_ox` then :func:`~tipkg.sparql.results.normalize`),
    each made once: answers repeat their IRIs and values from row to row and from query to query,
    and making an rdflib term (a literal above all) costs more than the engine's reading of it. The
    conversion depends on the term alone, so one table serves every store of the process; it is
    emptied when it holds :data:`TERMS_KEPT` terms."""

    def __missing__(self, term: Any) -> Node | None:
        if len(self) >= TERMS_KEPT:
            self.clear()
            self[None] = None
        node = self[term] = normalize(from_ox(term))
        return node


TERMS_KEPT = 1 << 16
_terms = _Terms({None: None})  # an unbound value is None


def convert_rows(solutions: Any, keep: list[int] | None = None) -> list[tuple[Node | None, ...]]:
    """The rows of ``solutions`` (pyoxigraph's, or lists of its terms) as rdflib terms; only the
    columns ``keep`` when given."""
    term = _terms.__getitem__
    if keep is None:
        return [tuple(map(term, solution)) for solution in solutions]
    return [tuple([term(solution[i]) for i in keep]) for solution in solutions]


def term_json(term: Any) -> dict[str, Any]:
    """A pyoxigraph term's SPARQL JSON binding, by the rules of :mod:`tipkg.sparql.codec` (a literal
    read without making an rdflib term: the service writes every row this way)."""
    import pyoxigraph as ox

    from tipkg.sparql import codec

    if isinstance(term, ox.Literal):
        return codec.literal_json(term.value, term.language, term.datatype.value)
    if isinstance(term, ox.Triple):
        return codec.triple_json(term_json(term.subject), term_json(term.predicate), term_json(term.object))
    node = from_ox(term)
    assert node is not None
    return codec.term_json(node)


class OxigraphEngine:
    name = "oxigraph"
    cuts_windows = True  # run() takes a window: the rows outside it are counted, never converted

    def __init__(self, store: Any) -> None:
        self.store = store

    def run(self, text: str, bindings: dict[str, URIRef | Literal], window: Window | None = None, ordered: bool = False) -> Result:
        """The answer to ``text``; with a ``window``, only its rows, as :meth:`Window.apply` keeps
        them. The engine still computes the whole answer (its count is the result's ``total``), but
        an ordered answer's rows outside the window are never made rdflib terms."""
        import pyoxigraph as ox

        from tipkg.build.rdfio import to_ox

        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()} if bindings else None
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
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            keep = [i for i, v in enumerate(variables) if v not in added]
            names, columns = [variables[i] for i in keep], keep if added else None
            if window is not None and ordered:
                solutions = list(answer)
                result = Result(names, convert_rows(window.cut(solutions, ordered=True), columns))
                result.total, result.offset = len(solutions), window.offset
                return result
            result = Result(names, convert_rows(answer, columns))
        elif isinstance(answer, ox.QueryBoolean):
            result = Result([], [], boolean=bool(answer))
        else:
            triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in answer]
            result = Result([], [], triples=triples)  # type: ignore[arg-type]
        return result if window is None else window.apply(result, ordered=ordered)


# --- answers in the store's own formats
# The service's workers and pages answer from the store itself, in pyoxigraph's own formats; these
# keep pyoxigraph's objects behind plain names (results formats, graph formats, SPARQL JSON).

GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")  # what serialize_triples writes
RESULTS_FORMATS = ("xml", "csv", "tsv")  # what serialize_results writes, besides SPARQL JSON


def named_graphs(store: Any) -> set[str]:
    """The IRIs of the store's named graphs."""
    import pyoxigraph as ox

    return {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}


def count_quads(store: Any, s: str | None, p: str | None, o: str | None, limit: int) -> int:
    """How many quads of ``store`` (every graph) match the IRIs given (None: any term), read up to ``limit`` + 1."""
    import pyoxigraph as ox

    terms = (None if t is None else ox.NamedNode(t) for t in (s, p, o))
    return sum(1 for _ in islice(store.quads_for_pattern(*terms, None), limit + 1))


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


# --- stores made in memory, and rows as plain values (the network's reader)


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
            add_union(store)
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
