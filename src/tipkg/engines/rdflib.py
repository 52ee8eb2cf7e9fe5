"""rdflib's SPARQL engine over the build's N-Quads, for comparison with Oxigraph."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import Literal, URIRef, Variable

from tipkg.engines import SparqlError, one_line
from tipkg.namespaces import PREFIXES
from tipkg.sparql.results import Result, normalize


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
