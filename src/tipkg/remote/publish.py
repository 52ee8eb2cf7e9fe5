"""``tipkg publish``: upload a build's named graphs to a SPARQL 1.1 store, replacing what was there.

Each graph is dropped (``DROP SILENT GRAPH``) and loaded again with ``INSERT DATA`` requests of at
most ``batch`` triples, so a republish replaces rather than adds. The triples of one blank-node
structure (an OWL restriction, a list) travel in the same request: a blank node means one node only
within one request. Readers may see a graph half loaded while it is replaced.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, URIRef
from rdflib.term import Node

from tipkg.errors import NotBuiltError
from tipkg.relations import UnionFind
from tipkg.remote.endpoint import Endpoint
from tipkg.sparql.text import iri_text, sparql_term

Triple = tuple[Node, Node, Node]
Progress = Callable[[str], None]
BATCH = 500  # Virtuoso refuses much larger INSERT DATA requests (its SQL text limit)


@dataclass
class Published:
    """What a publish sent, how long it took, and what the store then holds in each graph."""

    graphs: dict[str, int] = field(default_factory=dict)  # triples sent, per graph
    stored: dict[str, int] = field(default_factory=dict)  # triples the store counts, per graph
    requests: int = 0
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())

    @property
    def rate(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0


def read_build(build_dir: Path) -> dict[str, list[Triple]]:
    """The triples of each named graph of ``build_dir/graph.nq``."""
    from tipkg.engines.oxigraph import named_graph_triples

    path = build_dir / "graph.nq"
    if not path.exists():
        raise NotBuiltError(f"no built graph in {build_dir}: run 'tipkg build' first")
    return named_graph_triples(path)


def batches(triples: Iterable[Triple], size: int) -> list[list[Triple]]:
    """Triples in groups of at most ``size`` (a larger blank-node structure goes whole, alone)."""
    structures = UnionFind[Node]()
    items = list(triples)
    for s, _p, o in items:
        if isinstance(s, BNode) and isinstance(o, BNode):
            structures.union(s, o)
    groups: dict[object, list[Triple]] = defaultdict(list)
    for i, (s, p, o) in enumerate(items):
        bnode = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        groups[structures.find(bnode) if bnode is not None else i].append((s, p, o))
    out: list[list[Triple]] = []
    current: list[Triple] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            out.append(current)
            current = []
        current.extend(group)
    if current:
        out.append(current)
    return out


def insert_data(graph: str, triples: list[Triple]) -> str:
    """``INSERT DATA { GRAPH <graph> { ... } }`` with every term written safely.

    With blank nodes, ``INSERT { GRAPH <graph> { ... } } WHERE { }``: the same triples, with blank
    nodes new to the store.
    """
    labels: dict[Node, str] = {}

    def term(node: Node) -> str:
        if isinstance(node, BNode):
            return labels.setdefault(node, f"_:b{len(labels)}")
        return sparql_term(node)

    body = "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in triples)
    if labels:  # some stores (Virtuoso) refuse blank nodes in INSERT DATA: a template makes them fresh
        return f"INSERT {{ GRAPH {iri_text(graph)} {{\n{body}}} }} WHERE {{ }}"
    return f"INSERT DATA {{ GRAPH {iri_text(graph)} {{\n{body}}} }}"


def count(endpoint: Endpoint, graph: str) -> int:
    answer = endpoint.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri_text(graph)} {{ ?s ?p ?o }} }}")
    bindings = answer.body["results"]["bindings"]
    return int(bindings[0]["n"]["value"]) if bindings else 0


def publish(
    build_dir: Path, endpoint: Endpoint, only: list[str] | None = None, batch: int = BATCH, progress: Progress | None = None
) -> Published:
    """Replace the build's named graphs (or the ``only`` ones) in the store behind ``endpoint``."""
    say = progress or (lambda _msg: None)
    graphs = read_build(build_dir)
    if only:
        unknown = sorted(set(only) - set(graphs))
        if unknown:
            raise NotBuiltError(f"the build has no graph {unknown[0]} (its graphs: {', '.join(sorted(graphs))})")
        graphs = {g: graphs[g] for g in only}
    done = Published()
    started = time.perf_counter()
    for graph, triples in sorted(graphs.items()):
        endpoint.update(f"DROP SILENT GRAPH {iri_text(graph)}")
        done.requests += 1
        sent = 0
        for group in batches(triples, batch):
            endpoint.update(insert_data(graph, group))
            done.requests += 1
            sent += len(group)
            say(f"{graph}: {sent}/{len(triples)} triples")
        done.graphs[graph] = sent
    done.seconds = time.perf_counter() - started
    for graph in done.graphs:
        done.stored[graph] = count(endpoint, graph)
    return done


def graph_iri(value: str) -> str:
    """A ``--graph`` value checked as an IRI."""
    iri_text(value)
    return str(URIRef(value))
