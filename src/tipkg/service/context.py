"""What the service holds while it runs: the graph, the worker pool, the settings, and what the
pages compute once from the (read-only) store: the network, the sources and their evidence.

Internal queries (labels, an entity's facts, a source's evidence) are the project's own, bounded
ones: they run in the server process on its own read-only store. Everything a client writes, and
the saved queries, run in the worker pool, under the time limit, except the ``/sparql`` queries
that the planner bounds (:mod:`tipkg.service.local`).
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import networkx as nx
from rdflib import URIRef

from tipkg.curation.sources import Source
from tipkg.errors import NotBuiltError
from tipkg.kg import KnowledgeGraph
from tipkg.namespaces import DEFAULT_BASE, Graphs
from tipkg.project import MANIFEST, Project, read_manifest
from tipkg.service.local import LocalLane
from tipkg.service.workers import WorkerPool
from tipkg.sparql.results import Result

T = TypeVar("T")
MOUNT = "/id/"  # entity pages: /id/<rest> is the entity <base><rest>
Q_EVIDENCE = """SELECT ?ev ?doc ?start ?end ?quote WHERE {
  ?ev a tipkg:Evidence ; oa:hasSource ?doc ; oa:hasSelector ?pos, ?sel .
  ?pos oa:start ?start ; oa:end ?end . ?sel oa:exact ?quote . }"""
Q_SOURCES = """SELECT ?doc ?title ?file WHERE { ?doc a tipkg:SourceDocument .
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc tipkg:textFile ?file } } ORDER BY ?doc"""


@dataclass(frozen=True)
class Quote:
    """An evidence quote: where it lies in which source."""

    evidence: str
    source: str  # the source's id, like mx-2011
    start: int
    end: int
    text: str


MEMO_ENTRIES = 128  # pages' computed parts kept (a class's ordered members: ~300 bytes a member)


class Context:
    """The state of one running service (one per app)."""

    def __init__(self, root: Path, settings: dict[str, Any]) -> None:
        from tipkg.build.swap import pin
        from tipkg.engines.oxigraph import OxigraphEngine, open_store

        self.root = root
        self.settings = settings
        # the current build's folder, held while the service runs: its workers open the store
        # again when they are replaced, and a later build must not remove it meanwhile
        self.build = pin(root)
        self.build_dir = self.build.path
        self.store = open_store(self.build_dir)
        self.manifest: dict[str, Any] = read_manifest(self.build_dir)
        if "description" not in self.manifest:
            raise NotBuiltError(f"the build in {self.build_dir} has no VoID description (built by an older tipkg): run 'tipkg build' again")
        self.built = datetime.fromtimestamp((self.build_dir / MANIFEST).stat().st_mtime, tz=UTC)
        self.base: str = self.manifest.get("base", DEFAULT_BASE)
        self.graphs = Graphs(self.base)
        self.kg = KnowledgeGraph(root, OxigraphEngine(self.store), self.base)
        self.pool = WorkerPool(self.build_dir / "store", settings)
        self.local = LocalLane(self.store, self.pool, settings)  # bounded /sparql queries run here, the rest in the pool
        self.view_pages: dict[tuple[str, str], str] = {}  # (file, lang) -> a network page
        self._memo: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    # -- addresses -------------------------------------------------------------------------------

    def entity_path(self, iri: str) -> str | None:
        """The page of an IRI under the data's base (``/id/agency/fevimtra``), else ``None``."""
        if iri.startswith(self.base) and len(iri) > len(self.base):
            return MOUNT + quote(iri[len(self.base) :], safe="/:@!$&'()*+,;=-._~")
        return None

    def iri_at(self, rest: str) -> str:
        return self.base + rest

    def source_id(self, doc: str) -> str:
        return doc.rstrip("/").rsplit("/", 1)[-1]

    # -- computed once ---------------------------------------------------------------------------

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``key``: the store is read-only while the service runs. The
        :data:`MEMO_ENTRIES` used last are kept: a key per URL a visitor may make up (a class page's
        filters) must not grow the server without end."""
        if key in self._memo:
            self._memo.move_to_end(key)
        else:
            self._memo[key] = compute()
            while len(self._memo) > MEMO_ENTRIES:
                self._memo.popitem(last=False)
        found: T = self._memo[key]
        return found

    @cached_property
    def network(self) -> nx.MultiDiGraph:
        from tipkg.network.reading import from_store

        with self._lock:
            return from_store(self.store, self.base)

    @cached_property
    def entity_files(self) -> dict[str, str]:
        """Each entity's neighbourhood page file (``entity-agency-fevimtra.html``) -> the entity."""
        from tipkg.viz.views import entity_file

        g = self.network
        files: dict[str, str] = {}
        for node in sorted(g):
            if g.nodes[node]["kind"] == "entity":
                files.setdefault(entity_file(g, node), node)
        return files

    @cached_property
    def source_docs(self) -> list[dict[str, str]]:
        """Each source report: id, IRI, title and text file, from the graph."""
        rows = self.kg.query(Q_SOURCES).rows
        return [
            {"id": self.source_id(str(doc)), "iri": str(doc), "title": str(title or self.source_id(str(doc))), "file": str(file or "")}
            for doc, title, file in rows
        ]

    @cached_property
    def sources(self) -> dict[str, Source]:
        """The source reports with their text and metadata (from graph_data/sources)."""
        from tipkg.curation.sources import load_sources

        with self._lock:
            return load_sources(Project(self.root).sources_dir, self.root)

    @cached_property
    def quotes(self) -> list[Quote]:
        out = []
        for ev, doc, start, end, text in self.kg.query(Q_EVIDENCE).rows:
            out.append(Quote(str(ev), self.source_id(str(doc)), int(str(start)), int(str(end)), str(text)))
        return sorted(out, key=lambda q: (q.source, q.start, q.end))

    @cached_property
    def _quotes_by_text(self) -> dict[str, list[Quote]]:
        out: dict[str, list[Quote]] = defaultdict(list)
        for q in self.quotes:
            out[" ".join(q.text.split())].append(q)
        return out

    @cached_property
    def sentence_starts(self) -> dict[str, list[tuple[int, int]]]:
        """Each source's sentence spans, for finding the sentence a quote starts in."""
        from tipkg.curation import sentences

        return {sid: sentences.split(s.text, s.language) for sid, s in self.sources.items()}

    def quote_href(self, text: str) -> str | None:
        """Where a quote is: its sentence on its source page."""
        found = self._quotes_by_text.get(" ".join(text.split()))
        if not found:
            return None
        q = found[0]
        return f"/sources/{q.source}#s-{self.sentence_at(q.source, q.start)}"

    def sentence_at(self, source: str, offset: int) -> int:
        spans = self.sentence_starts.get(source, [])
        i = bisect.bisect_right([a for a, _b in spans], offset) - 1
        return spans[i][0] if i >= 0 else offset

    # -- search ----------------------------------------------------------------------------------

    def search(self, text: str, lang: str, limit: int = 50) -> list[dict[str, str]]:
        """Entities with every word of ``text`` in their names (any language) or id, accents and case
        aside, best first (:func:`tipkg.network.search.search`), each with its page."""
        from tipkg.network.search import search

        return [{**hit, "href": self.entity_path(hit["iri"]) or ""} for hit in search(self.network, text, lang, limit)]

    def label(self, iri: str, lang: str) -> str:
        from tipkg.network.describe import label

        if iri in self.network:
            return label(self.network, iri, lang)
        result = Result(["x"], [(URIRef(iri),)])
        self.kg.add_labels(result, lang)
        return result.label(URIRef(iri))
