"""Where queries run: the embedded Oxigraph store (default) or rdflib's engine (for comparison).

Both see the union of all named graphs (asserted facts, links, ontology and inferred closure) as
the default graph, and bind parameters as RDF terms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.term import Node

from tipkg.errors import TipkgError
from tipkg.namespaces import PREFIXES
from tipkg.results import Result, normalize


class SparqlError(TipkgError):
    """A query that does not parse or cannot run."""


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


class OxigraphEngine:
    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = store

    def run(self, text: str, bindings: dict[str, URIRef | Literal]) -> Result:
        import pyoxigraph as ox

        from tipkg.rdfio import to_ox

        subs = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        try:
            answer = self.store.query(text, use_default_graph_as_union=True, substitutions=subs or None, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise SparqlError(f"SPARQL syntax error: {exc}") from None
        except (OSError, RuntimeError, ValueError) as exc:
            raise SparqlError(f"query failed: {exc}") from None
        if isinstance(answer, ox.QueryBoolean):
            return Result([], [], boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [tuple(normalize(from_ox(sol[i])) for i in range(len(variables))) for sol in answer]
            return Result(variables, rows)
        triples = [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in answer]
        return Result([], [], triples=triples)  # type: ignore[arg-type]


class RdflibEngine:
    name = "rdflib"

    def __init__(self, nquads: Path) -> None:
        import rdflib.plugins.sparql as sparql
        from rdflib import Dataset

        sparql.SPARQL_LOAD_GRAPHS = False  # never fetch FROM <...> graphs on a query's behalf
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(nquads, format="nquads")
        for prefix, ns in PREFIXES.items():
            self.dataset.bind(prefix, ns, override=True)

    def run(self, text: str, bindings: dict[str, URIRef | Literal]) -> Result:
        from pyparsing import ParseException

        try:
            answer = self.dataset.query(text, initBindings={Variable(k): v for k, v in bindings.items()})
        except ParseException as exc:
            raise SparqlError(f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {exc.msg}") from None
        except Exception as exc:  # rdflib raises many kinds of evaluation errors
            raise SparqlError(f"query failed: {exc}") from None
        if answer.type == "ASK":
            return Result([], [], boolean=bool(answer.askAnswer))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return Result([], [], triples=list(answer.graph))  # type: ignore[arg-type, union-attr]
        variables = [str(v) for v in answer.vars or []]
        rows = [tuple(normalize(row[i]) for i in range(len(variables))) for row in answer]  # type: ignore[index, arg-type]
        return Result(variables, rows)
