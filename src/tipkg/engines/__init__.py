"""Where queries run: the embedded Oxigraph store (default, :mod:`tipkg.engines.oxigraph`), rdflib's
engine (for comparison, :mod:`tipkg.engines.rdflib`), or a remote SPARQL store (:mod:`tipkg.remote.endpoint`).

Each sees the union of all named graphs (asserted facts, links, ontology and inferred closure) as
the default graph, each triple once (the store keeps it so: ``tipkg.engines.oxigraph``), and binds
parameters as RDF terms.
"""

from __future__ import annotations

from typing import Protocol

from rdflib import Literal, URIRef

from tipkg.errors import TipkgError
from tipkg.sparql.results import Result


class SparqlError(TipkgError):
    """A query that does not parse or cannot run."""


def one_line(message: object, limit: int = 240) -> str:
    """An engine's message on one line, cut to ``limit`` characters."""
    text = " ".join(str(message).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Engine(Protocol):
    name: str

    def run(self, text: str, bindings: dict[str, URIRef | Literal]) -> Result: ...
