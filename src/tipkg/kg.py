"""The Python API: ``kg = tipkg.open(); kg.query("ngo_consulate_partners")``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from tipkg.build.swap import Pin, pin
from tipkg.engines import Engine
from tipkg.errors import NotBuiltError
from tipkg.namespaces import DEFAULT_BASE, Graphs
from tipkg.project import Project, read_manifest
from tipkg.sparql.entities import check_entities
from tipkg.sparql.paging import Window
from tipkg.sparql.results import Result
from tipkg.sparql.saved import SavedQuery, bind, find, load_saved_queries, parameter_names

if TYPE_CHECKING:
    from tipkg.sparql.guard import CheckedQuery

PREPARED_KEPT = 1024  # prepared queries a graph keeps (each a few hundred bytes)
_SAVED_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LABELS_QUERY = """
SELECT ?s ?label WHERE {
  VALUES ?s { %s }
  { ?s skos:prefLabel ?label } UNION { ?s rdfs:label ?label }
}"""


class KnowledgeGraph:
    """A built graph with its saved queries, on one engine."""

    build: Pin | None = None  # the build folder read, kept from removal by later builds while this lives

    def __init__(self, root: Path, engine: Engine, base: str = DEFAULT_BASE, graphs: Iterable[str] | None = None) -> None:
        self.root = root
        self.engine = engine
        self.base = base
        self.graphs = None if graphs is None else frozenset(graphs)  # what FROM may name (None: not known)
        self._queries: dict[str, SavedQuery] | None = None
        self._prepared_queries: dict[Any, tuple[CheckedQuery, dict[str, URIRef | Literal]]] = {}

    def _repr_html_(self) -> str:
        """In Jupyter: what the graph holds, by class."""
        from html import escape

        counts = self.query(
            "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } "
            "FILTER(STRSTARTS(STR(?class), STR(tipkg:))) FILTER(!CONTAINS(STR(?g), '/graph/ontology')) "
            "FILTER(!CONTAINS(STR(?g), '/graph/inferred')) } GROUP BY ?class ORDER BY DESC(?n)"
        )
        rows = "".join(f"<tr><td>{escape(counts.label(r['class']))}</td><td>{r['n']}</td></tr>" for r in counts)
        return f"<p>tipkg graph at {escape(str(self.root))} ({self.engine.name})</p><table>{rows}</table>"

    @property
    def queries(self) -> dict[str, SavedQuery]:
        """The saved queries of ``queries/``, by id."""
        if self._queries is None:
            self._queries = load_saved_queries(Project(self.root).queries_dir)
        return self._queries

    def query(self, query: str, *, lang: str = "en", window: Window | None = None, **params: Any) -> Result:
        """Run a saved query by id, or SPARQL text; ``params`` are bound as typed RDF terms.

        With a ``window``, only its rows are kept (and labelled), in a stable order
        (:mod:`tipkg.sparql.paging`); ``total`` then counts the whole answer. A query is prepared
        (checked, its parameters bound) once per parameters and kept.

        The query is checked and canonicalized by :func:`tipkg.sparql.guard.check_query` (SERVICE only to
        the endpoints of ``TIPKG_SERVICES``, FROM only graphs of the build), and its canonical text
        is what the engine runs. A refusal raises :class:`tipkg.sparql.guard.Refused`.
        """
        checked, bindings = self._prepared(query, params)
        if window is not None and getattr(self.engine, "cuts_windows", False):
            result = self.engine.run(checked.text, bindings, window=window, ordered=checked.ordered)  # type: ignore[call-arg]
        else:
            result = self.engine.run(checked.text, bindings)  # the text the guard read, parameters bound by the engine
            if window is not None:
                window.apply(result, ordered=checked.ordered)
        result.defer_labels(partial(self.labels_of, result.rows, lang))
        return result

    def _prepared(self, query: str, params: dict[str, Any]) -> tuple[CheckedQuery, dict[str, URIRef | Literal]]:
        """The checked text and bound parameters of a query, kept by (query, parameters, allowed
        services): the store is read-only, so what passed once (the guard, an entity parameter's
        check) passes again, and a cheap query is not made dearer by its preparation."""
        from tipkg.sparql.federation import SERVICES_ENV, allowed_services

        try:
            key: Any = (query, tuple(sorted(params.items())), os.environ.get(SERVICES_ENV))
            hash(key)
        except TypeError:  # a parameter value that cannot be a key: prepared each time
            key = None
        if key is not None and key in self._prepared_queries:
            return self._prepared_queries[key]
        from tipkg.sparql.guard import check_query

        saved = find(self.queries, query) if _SAVED_NAME.match(query) else None
        text = saved.text if saved else query
        if saved is None:
            missing = parameter_names(text) - set(params)
            bindings = bind(None, {k: v for k, v in params.items() if k not in missing}, self.base)
        else:
            bindings = bind(saved, params, self.base)
            check_entities(self.engine, saved, bindings, self.base)  # an entity parameter must name one
        checked = check_query(text, graphs=self.graphs, services=allowed_services(), allow_list=SERVICES_ENV)
        if key is not None:
            if len(self._prepared_queries) >= PREPARED_KEPT:
                self._prepared_queries.clear()
            self._prepared_queries[key] = checked, bindings
        return checked, bindings

    def add_labels(self, result: Result, lang: str) -> None:
        """Fill ``result.labels`` with each IRI's name in ``lang`` (then English, then any)."""
        result.labels.update(self.labels_of(result.rows, lang))

    def labels_of(self, rows: list[tuple[Node | None, ...]], lang: str) -> dict[URIRef, str]:
        """The name in ``lang`` (then English, then any) of each IRI in ``rows``."""
        from tipkg.sparql.text import TermError, iri_text

        written = {}
        for iri in {v for row in rows for v in row if isinstance(v, URIRef)}:
            try:
                written[iri] = iri_text(str(iri))
            except TermError:  # an IRI that could end the VALUES block (a remote store's answer) has no label here
                continue
        if not written:
            return {}
        values = " ".join(written[i] for i in sorted(written))
        found = self.engine.run(LABELS_QUERY % values, {})
        best: dict[URIRef, tuple[int, str]] = {}
        for s, label in found.rows:
            if not isinstance(s, URIRef) or not isinstance(label, Literal):
                continue
            tag = (label.language or "").lower()
            rank = 0 if tag == lang else 1 if tag == "en" else 2 if not tag else 3
            current = best.get(s)
            if current is None or (rank, str(label)) < current:
                best[s] = (rank, str(label))
        return {s: text for s, (_rank, text) in best.items()}


def open(path: str | Path = ".", *, engine: str = "oxigraph") -> KnowledgeGraph:
    """Open the graph built under ``path`` (a project folder with ``build/`` and ``queries/``).

    ``engine`` is ``oxigraph`` (the embedded store), ``rdflib``, or the URL of a SPARQL endpoint
    the build was published to (``tipkg publish``).
    """
    project = Project(Path(path))
    root = project.root
    if engine.startswith(("http://", "https://")):
        # a remote SPARQL endpoint; a local build, if any, names the graphs to query as the default graph
        from tipkg.remote.endpoint import open_engine

        info = read_manifest(project.build_dir) if project.manifest_path.exists() else None
        graphs = info.get("graphs") if info else None
        return KnowledgeGraph(root, open_engine(engine, info), (info or {}).get("base", DEFAULT_BASE), graphs)
    held = pin(root)  # one build throughout, even if another is switched in meanwhile
    build = held.path
    info = read_manifest(build, project.build_dir)
    base, graphs = info.get("base", DEFAULT_BASE), info.get("graphs")
    if engine == "oxigraph":
        from tipkg.engines.oxigraph import OxigraphEngine, open_store

        if graphs is not None and "description" in info:  # the description's graph: in the store, not in graph.nq
            graphs = [*graphs, Graphs(base).void]
        kg = KnowledgeGraph(root, OxigraphEngine(open_store(build)), base, graphs)
    elif engine == "rdflib":
        from tipkg.engines.rdflib import RdflibEngine

        kg = KnowledgeGraph(root, RdflibEngine(build / "graph.nq"), base, graphs)
    else:
        raise NotBuiltError(f"unknown engine {engine!r}: expected oxigraph, rdflib or an http(s) SPARQL endpoint URL")
    kg.build = held
    return kg
