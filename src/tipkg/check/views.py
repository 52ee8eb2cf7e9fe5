"""SHACL at corpus scale: each unit validated on its own view of the graph, and kept by content.

Every shape of ``ontology/shapes.ttl`` reads a focus node's own triples and, one or two steps
away, the types of its values, a statement's quotes, a quote's selectors, its source's text, and
the statements whose subject it is. So the union need not be validated as one graph: each unit of
the streaming build (:mod:`tipkg.build.units`) is validated on a **view** that holds

- the unit's own triples, and its nodes' computed labels and measures;
- every triple of the entities it declares, whichever unit states them, with the other units'
  statements of them (a report that adds a fact to another's entity is checked where the entity
  is declared, with all that is said of it);
- the types of every value, the ontology, and the sources it quotes with their text;

with the focus restricted to the unit's nodes, less the entities another unit declares. What
spans units (the sources' descriptions, the links, the comparisons, the labels) is one more view,
and each source's graph, as every unit that speaks in its voice wrote it, is checked against the
per-source shapes. A view's findings are kept under the digest of the view and the shapes:
editing one report validates that report again, and the units that declare the entities it
speaks of.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from rdflib.term import Node

from tipkg.check.findings import Finding, Locator, ontology_locations
from tipkg.namespaces import SHAPES, TIPKG, Graphs

if TYPE_CHECKING:
    from tipkg.build.units import Built, Corpus
    from tipkg.curation.statements import Claim
    from tipkg.project import Project

Triple = tuple[Node, Node, Node]


class Index:
    """What views borrow from other units: every triple of each declared entity, the types of
    every node, and the triples of what spans units by subject."""

    def __init__(self, corpus: Corpus, built: list[Built], claims: Iterable[Claim], spanning: Iterable[Triple]) -> None:
        from tipkg.build.units import unit_of

        self.declared = {d.iri: unit_of(d.where) for d in corpus.entities.values()}
        self.about: dict[Node, set[Triple]] = {}
        self.types: dict[Node, set[Node]] = {}
        documents = {sid: URIRef(f"{corpus.base}source/{sid}") for sid in corpus.sources}
        for c in claims:
            self._add((c.s, c.p, c.o))
            self.types.setdefault(c.statement, set()).add(RDF.Statement)  # what comparisons compare
            home = self.declared.get(c.s)
            if home is not None and home != unit_of(c.where):  # another folder's statement of the entity
                st = c.statement
                stated: list[Triple] = [(st, RDF.subject, c.s), (st, RDF.predicate, c.p), (st, RDF.object, c.o)]
                self.about[c.s].update([*stated, (st, DCTERMS.source, documents[c.source])])
        for b in built:
            for extra in b.extras():
                self._add(extra)
        self.spanning: dict[Node, set[Triple]] = {}
        for triple in spanning:
            self.spanning.setdefault(triple[0], set()).add(triple)
            if triple[1] == RDF.type:
                self.types.setdefault(triple[0], set()).add(triple[2])

    def _add(self, t: Triple) -> None:
        if t[0] in self.declared:
            self.about.setdefault(t[0], set()).add(t)
        if t[1] == RDF.type:
            self.types.setdefault(t[0], set()).add(t[2])


def require_units_conform(
    project: Project,
    corpus: Corpus,
    built: list[Built],
    index: Index,
    spanning: list[Triple],
    spanning_lines: list[bytes],
    ontology: Graph,
    say: Callable[[str], None],
    workers: int = 1,
) -> None:
    """Validate every unit's view (in ``workers`` processes) and what spans units; raise with the
    violations, if any."""
    from tipkg.build.units import digest, fork_map
    from tipkg.check.shacl import read_shapes, require_conformance, split_shapes

    shapes = read_shapes(project.ontology_dir, project.limits)
    union_shapes, source_shapes = split_shapes(shapes)
    settings = digest("shacl", corpus.settings)  # the ontology's files, shapes.ttl among them
    in_ontology = ontology_locations(project.ontology_dir, project.root)
    checker = Checker(corpus, index, ontology, settings, in_ontology)
    findings: list[Finding] = []
    for found in fork_map(lambda i: checker.unit(built[i], union_shapes), len(built), workers):
        findings += found
    writers: dict[str, list[Built]] = {}
    for b in built:
        for source in b.meta["sources"]:
            writers.setdefault(source, []).append(b)
    voices = sorted(writers)
    for found in fork_map(lambda i: checker.source(voices[i], writers[voices[i]], source_shapes), len(voices), workers):
        findings += found
    say("validating what spans units: the sources, the links, the comparisons, the labels")
    findings += checker.spanning(spanning, spanning_lines, union_shapes)
    require_conformance(sorted(set(findings), key=Finding.sort_key))


class Checker:
    """Builds the views and keeps their findings under ``.builds/cache/shacl/``."""

    def __init__(self, corpus: Corpus, index: Index, ontology: Graph, settings: str, in_ontology: dict[URIRef, str]) -> None:
        self.corpus = corpus
        self.index = index
        self.ontology = ontology
        self.settings = settings
        self.in_ontology = in_ontology
        self.hierarchy = list(ontology.triples((None, RDFS.subClassOf, None)))
        self.documents = {URIRef(f"{corpus.base}source/{sid}"): sid for sid in corpus.sources}

    def unit(self, b: Built, shapes: Graph) -> list[Finding]:
        """The unit's findings on its view, at its nodes."""
        from tipkg.build.rdfio import read_quads

        name, entry = b.meta["unit"], _entry(b)
        subjects, objects = _terms(b.triples)
        focus = sorted(s for s in subjects if self.index.declared.get(s, name) == name)
        added = self._added(focus, objects)
        key = self._key(entry, "union", *(str(f) for f in focus), *_n3(added))
        kept = self._kept(key)
        if kept is not None:
            return kept
        graph = Graph()
        for s, p, o, _g in read_quads(b.quads):
            graph.add((s, p, o))
        view = self._view(graph, added)
        located = {URIRef(k): v for k, v in b.part("locations").items()}
        located |= {n: self.corpus.declared_at[n] for n in focus if n in self.corpus.declared_at}
        return self._validate(key, view, focus, shapes, Locator(view, located, self.in_ontology))

    def source(self, source: str, writers: list[Built], shapes: Graph) -> list[Finding]:
        """The findings of the per-source shapes on one source's graph: what every unit that
        speaks in that source's voice wrote there (most often one), with the types of its nodes."""
        from tipkg.build.rdfio import read_quads

        key = self._key(*map(_entry, writers), "source", source)
        kept = self._kept(key)
        if kept is not None:
            return kept
        g = URIRef(Graphs(self.corpus.base).source(source))
        graph = Graph()
        located: dict[URIRef, str] = {}
        mine: dict[URIRef, str] = {}
        for b in writers:
            for s, p, o, qg in read_quads(b.quads):
                if qg == g:
                    graph.add((s, p, o))
            for node, where in b.part("locations").items():
                located.setdefault(URIRef(node), where)
            for src, node, where in b.part("source_locations"):
                if src == source:
                    mine.setdefault(URIRef(node), where)
        for node in set(graph.subjects()):
            for cls in self.index.types.get(node, ()):
                graph.add((node, RDF.type, cls))
        for axiom in self.hierarchy:
            graph.add(axiom)
        return self._validate(key, graph, None, shapes, Locator(graph, {**located, **mine}, self.in_ontology))

    def spanning(self, spanning: list[Triple], lines: list[bytes], shapes: Graph) -> list[Finding]:
        """The findings on what spans units (its triples, and as sorted N-Triples ``lines``): its
        nodes, with the types of what they speak of."""
        subjects = {s for s, _p, _o in spanning if isinstance(s, URIRef)}
        focus = sorted(s for s in subjects if s not in self.index.declared)
        added = self._added(focus, {o for _s, _p, o in spanning if isinstance(o, URIRef)})
        key = self._key("spanning", *(line.decode() for line in lines), *_n3(added))
        kept = self._kept(key)
        if kept is not None:
            return kept
        graph = Graph()
        for t in spanning:
            graph.add(t)
        view = self._view(graph, added)
        return self._validate(key, view, focus, shapes, Locator(view, dict(self.corpus.declared_at), self.in_ontology))

    def _added(self, focus: list[URIRef], objects: set[URIRef]) -> set[Triple]:
        """What a view borrows: all that is said of its focus entities, their labels and measures,
        the sources' descriptions, and the types of every value."""
        added: set[Triple] = set()
        for node in focus:
            added |= self.index.about.get(node, set()) | self.index.spanning.get(node, set())
        values = objects | {o for _s, _p, o in added if isinstance(o, URIRef)}
        for o in values:
            if o in self.documents:
                added |= self.index.spanning.get(o, set())
        for o in values | {o for _s, _p, o in added if isinstance(o, URIRef)}:
            added |= {(o, RDF.type, cls) for cls in self.index.types.get(o, ())}
        return added

    def _view(self, graph: Graph, added: set[Triple]) -> Graph:
        """``graph`` with ``added``, the ontology and the text of every source it describes."""
        for t in added:
            graph.add(t)
        for axiom in self.ontology:
            graph.add(axiom)
        for source, text_file in list(graph.subject_objects(TIPKG.textFile)):
            found = self.corpus.sources.get(self.documents.get(source, ""))  # type: ignore[call-overload]
            if found is not None and (self.corpus.root / str(text_file)).is_file():  # else the shapes warn
                graph.add((source, SHAPES.sourceText, Literal(found.text)))
        return graph

    def _key(self, *parts: str) -> str:
        from tipkg.build.units import digest

        texts = sorted(self.corpus.source_digests.values())
        return digest(self.settings, *texts, *parts)

    def _kept(self, key: str) -> list[Finding] | None:
        entry = self.corpus.cache / "shacl" / key[:40]
        if not entry.is_file():
            return None
        os.utime(entry)  # used now: kept by :func:`tipkg.build.units.prune`
        return [Finding(**item) for item in json.loads(entry.read_text(encoding="utf-8"))]

    def _validate(self, key: str, view: Graph, focus: list[URIRef] | None, shapes: Graph, locate: Locator) -> list[Finding]:
        from tipkg.build.lines import write_atomic
        from tipkg.check.shacl import validate

        found = validate(view, shapes, locate, focus) if focus is None or focus else []
        write_atomic(self.corpus.cache / "shacl" / key[:40], [json.dumps([asdict(f) for f in found]).encode()])
        return found


def _entry(b: Built) -> str:
    """A kept unit's name: its entries never change, so the name stands for its content."""
    return f"{b.folder.parent.name}/{b.folder.name}"


def _n3(triples: Iterable[Triple]) -> list[str]:
    """Triples as sorted text: what a view's key is made of."""
    return sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in triples)


def _terms(triples: Path) -> tuple[set[URIRef], set[URIRef]]:
    """The IRI subjects and IRI objects of a sorted N-Triples file, read as text."""
    from tipkg.build.lines import read_lines

    subjects: set[URIRef] = set()
    objects: set[bytes] = set()
    last = b""
    for line in read_lines(triples):
        subject, _predicate, rest = line.split(b" ", 2)  # an IRI or a blank node has no space
        if subject != last and subject.startswith(b"<"):
            subjects.add(URIRef(subject[1:-1].decode()))
            last = subject
        if rest.startswith(b"<"):
            objects.add(rest[1:-4])  # <iri> .\n
    return subjects, {URIRef(o.decode()) for o in objects}
