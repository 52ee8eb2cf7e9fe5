"""``tipkg build`` as a stream: units built apart and kept by content, then merged line by line.

1. **Read** the ontology, the sources and every curated file's declarations (kept per file).
2. **Units**: each folder of ``graph_data/`` is built on its own, or taken from the cache when
   nothing it read changed (:mod:`tipkg.build.units`); each is then validated on its own
   (:mod:`tipkg.check.views`), also kept by content.
3. **What spans units**, made from the units' claims rather than from their graphs: the sources'
   descriptions and the accepted links, the comparisons between sources, the computed labels, and
   the inferred closure (each unit's, less what any unit asserts, with the ontology's own).
4. **Write**: graph.nq and graph.nt are k-way merges of sorted line files
   (:mod:`tipkg.build.lines`); graph.ttl, graph.jsonld and the store are written from them as
   streams. No step holds the whole graph: memory grows with the largest unit and with the
   claims, not with the triples.

The output is byte for byte the in-memory build's (:func:`tipkg.build.pipeline.assemble`); the
tests compare the two.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL

from tipkg.build import lines
from tipkg.build.pipeline import OUTPUTS, Progress, Summary, comparison_graph, curated_files
from tipkg.build.units import CACHE, FORMAT, Built, Corpus, build_units, digest, prune, units_of
from tipkg.curation.loader import Loader
from tipkg.curation.schema import Schema
from tipkg.curation.statements import Claim
from tipkg.namespaces import TIPKG, Graphs
from tipkg.project import MANIFEST, Project


@dataclass
class Part:
    """Sorted lines made in memory this build (what spans units)."""

    quads: list[bytes]
    triples: list[bytes]


@dataclass
class Prepared:
    """A build before its first write: where every sorted part is, and what the manifest says."""

    units: list[Built]
    parts: list[Part]  # sources and links, comparisons, labels
    ontology: Part
    inferred: Path  # sorted N-Triples of the inferred closure
    summary: Summary
    titles: dict[URIRef, list[Any]]  # each report's titles
    links: int
    graphs: Graphs
    rebuilt: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def quad_sources(self, scratch: Path) -> list[Iterable[bytes]]:
        return [
            *map(lines.read_lines, lines.fewer([u.quads for u in self.units], scratch / "quads")),
            *(p.quads for p in self.parts),
            self.ontology.quads,
            lines.in_graph(lines.read_lines(self.inferred), self.graphs.inferred),
        ]

    def triple_sources(self, scratch: Path) -> list[Iterable[bytes]]:
        return [
            *map(lines.read_lines, lines.fewer([u.triples for u in self.units], scratch / "triples")),
            *(p.triples for p in self.parts),
            self.ontology.triples,
            lines.read_lines(self.inferred),
        ]


def read_corpus(project: Project, workers: int = 1) -> tuple[Corpus, Graph]:
    """The sources, the checked ids and every file's declarations; the ontology's schema, from the
    graph of the ontology as it is now (not one a process read before), and that graph."""
    from importlib import metadata

    from tipkg.curation.records import read_input, shown_path
    from tipkg.curation.schema import read_ontology, schema_from_graph
    from tipkg.curation.sources import load_sources
    from tipkg.curation.values import parse_checked_qids

    limits, root = project.limits, project.root
    ontology_files = [read_input(p, shown_path(p, root), limits.file_mb) for p in sorted(project.ontology_dir.glob("*.ttl"))]
    graph = read_ontology(project.ontology_dir, limits)
    sources = load_sources(project.sources_dir, root, limits)
    qids_path = project.reference_dir / "wikidata_qids.csv"
    qids_text = read_input(qids_path, shown_path(qids_path, root), limits.file_mb) if qids_path.exists() else ""
    # what every kept unit and finding depends on, the code that made them included
    versions = [f"{name} {metadata.version(name)}" for name in ("tipkg", "rdflib", "pyoxigraph", "pyshacl", "PyYAML")]
    corpus = Corpus(
        root=root,
        base=project.base,
        schema=schema_from_graph(graph),
        sources=sources,
        source_digests={s.id: digest(read_input(root / s.meta_path, s.meta_path, limits.file_mb), s.sha256) for s in sources.values()},
        qids=parse_checked_qids(qids_text) if qids_text else set(),
        settings=digest(FORMAT, *versions, project.base, qids_text, *ontology_files),
    )
    corpus.declare(curated_files(project.data_dir), limits, workers)
    return corpus, graph


def prepare(project: Project, progress: Progress | None = None, check: bool = True, workers: int | None = None) -> Prepared:
    """Build or reuse every unit, make what spans them, and (with ``check``) validate each unit;
    ``workers`` processes build and validate units (default: one per core)."""
    from tipkg.build import rdfio
    from tipkg.build.inference import Rules, entailed_by, schema_closure

    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now

    say("reading the ontology, the sources and what each curated file declares")
    corpus, read = read_corpus(project, _workers(workers))
    graphs = Graphs(project.base)
    ontology = rdfio.canonical(read)
    rules = Rules(ontology)
    og = graphs.ontology
    onto = Part(rdfio.quad_lines((s, p, o, URIRef(og)) for s, p, o in ontology), rdfio.triple_lines(ontology))
    lap("read")
    units = units_of(project.data_dir, curated_files(project.data_dir))
    say(f"building {len(units)} units (each folder of graph_data/), reusing those unchanged")
    built, rebuilt = build_units(corpus, units, rules, project.limits, workers=_workers(workers))
    say(f"{rebuilt} of {len(units)} units built, {len(units) - rebuilt} unchanged")
    lap("units")

    say("describing the sources and the links, comparing the sources, naming the nodes")
    shared = _shared(project, corpus, built, graphs)
    claims = _claims(built, corpus.schema)
    declared_by = {d.iri: d.source for d in corpus.entities.values()}
    comparisons = [(s, p, o, URIRef(graphs.comparisons)) for s, p, o in comparison_graph(claims, declared_by, corpus.schema, project.base)]
    from tipkg.build.labels import TripleIndex, computed_labels

    data = TripleIndex([(c.s, c.p, c.o) for c in claims])
    data.add((s, p, o) for s, p, o, _g in (*shared, *comparisons))
    labelled = [(s, p, o, URIRef(graphs.labels)) for s, p, o in computed_labels(data, corpus.schema.graph)]
    parts = [_part(shared), _part(comparisons), _part(labelled)]
    facts, statements = len({(c.s, c.p, c.o) for c in claims}), len(claims)
    spanning = [(s, p, o) for s, p, o, _g in (*shared, *comparisons, *labelled)]
    index = None
    if check:  # what validation borrows from the claims, before they go
        from tipkg.check.views import Index

        index = Index(corpus, built, claims, spanning)
    del claims, data  # the corpus's claims, the largest thing held
    lap("spanning")

    say("computing the inferred closure")
    derived = rdfio.triple_lines(entailed_by({(s, p, o) for s, p, o, _g in (*shared, *comparisons, *labelled)}, rules))
    schema = rdfio.triple_lines(schema_closure(ontology))
    inferred = (
        corpus.cache
        / "inferred"
        / f"{digest(*(str(b.folder) for b in built), *derived, *schema, *(p for q in parts for p in q.triples))[:40]}.nt"
    )
    if not inferred.exists():  # kept by its inputs, like a unit: a prepared build reads it later
        scratch = corpus.cache / f"merging-{os.getpid()}"  # (left by a killed build: pruned)
        try:
            asserted = lines.merged(
                [*map(lines.read_lines, lines.fewer([b.triples for b in built], scratch / "asserted")), *(p.triples for p in parts)]
            )
            closure = lines.merged([*map(lines.read_lines, lines.fewer([b.entailed for b in built], scratch / "entailed")), derived])
            lines.write_atomic(inferred, lines.merged([lines.minus(closure, asserted), schema]))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    os.utime(inferred)
    lap("closure")

    if index is not None:
        say("validating each unit against ontology/shapes.ttl")
        from tipkg.check.views import require_units_conform

        spanned = lines.merged(p.triples for p in parts)
        require_units_conform(project, corpus, built, index, spanning, list(spanned), ontology, say, workers=_workers(workers))
        lap("shacl")
    summary = Summary(
        triples=0,
        graphs={},
        entities=dict(sorted(Counter(str(t)[len(str(TIPKG)) :] for d in corpus.entities.values() for t in d.types).items())),
        facts=facts,
        statements=statements,
        evidence=len({e for b in built for e in b.part("evidence")}),
        sources={str(s): str(o) for s, p, o, _g in shared if p == TIPKG.sha256},
    )
    summary.sources = dict(sorted(summary.sources.items()))
    # every title a report gives (one per language), in a fixed order whatever the order of ``shared``
    titles: dict[URIRef, list[Any]] = {URIRef(doc): [] for doc in summary.sources}
    for s, p, o, _g in shared:
        if p == DCTERMS.title and s in titles:
            titles[s].append(o)
    for given in titles.values():
        given.sort(key=lambda o: o.n3())
    links = len({(s, o) for s, p, o, g in shared if p == OWL.sameAs and g == URIRef(graphs.links)})
    return Prepared(built, parts, onto, inferred, summary, titles, links, graphs, rebuilt, timings)


def _workers(asked: int | None) -> int:
    """Processes that build and validate units: ``asked``, else one per core."""
    return max(1, asked or os.cpu_count() or 1)


def _shared(project: Project, corpus: Corpus, built: list[Built], graphs: Graphs) -> list[Any]:
    """The quads of the sources' descriptions, the accepted links and the links' description."""
    from tipkg.curation.links import describe_linkset
    from tipkg.curation.values import parse_accepted_links

    loader = Loader(corpus.schema, corpus.sources, corpus.qids, corpus.base, entities=corpus.entities)
    for source in corpus.sources.values():
        loader.source_triples(source)
    candidates = project.reference_dir / "wikidata_candidates.csv"  # tipkg link's review file
    if candidates.exists():
        from tipkg.curation.records import read_input, shown_path

        text = read_input(candidates, shown_path(candidates, project.root), project.limits.file_mb)
        loader.accepted_links(parse_accepted_links(text), str(candidates.relative_to(project.root)))
    links = loader.out.dataset.graph(URIRef(graphs.links))
    for b in built:
        for s, o in b.meta["links"]:
            links.add((URIRef(s), OWL.sameAs, URIRef(o)))
    describe_linkset(loader.out.dataset, graphs)
    return list(loader.out.dataset.quads((None, None, None, None)))


def _claims(built: list[Built], schema: Schema) -> list[Claim]:
    """Every unit's claims, in the order of their files, each (source, triple) once; a second value
    of a single-valued property (or name) in one source's word refused as the whole build refuses
    it, when the two come from different folders (within one, the unit's loader refused it)."""
    from rdflib.namespace import SKOS

    from tipkg.curation.statements import OnePerSource

    single = OnePerSource(schema)
    fields: dict[URIRef, str] = {}
    for name, prop in sorted(schema.properties.items()):
        if prop.functional:
            fields.setdefault(prop.iri, name)
    seen: dict[tuple[str, URIRef, URIRef, Any], Claim] = {}
    for b in built:
        for claim in b.claims():
            key = "label" if claim.p == SKOS.prefLabel else fields.get(claim.p)
            if key is not None:
                single.check(claim.source, claim.s, claim.p, claim.o, claim.where, key)
            seen.setdefault((claim.source, claim.s, claim.p, claim.o), claim)
    return list(seen.values())


def _part(quads: list[Any]) -> Part:
    from tipkg.build import rdfio

    return Part(rdfio.quad_lines(quads), rdfio.triple_lines((s, p, o) for s, p, o, _g in quads))


def write_build(project: Project, prepared: Prepared, progress: Progress | None = None) -> Path:
    """Write a prepared build into a new folder and switch ``build`` to it (:func:`tipkg.build.swap.install`)."""
    from tipkg.build.swap import install

    return install(project.root, lambda folder: write_outputs(folder, prepared, progress), progress)


def build(project: Project, progress: Progress | None = None, check: bool = True, workers: int | None = None) -> Summary:
    """Build the graph into ``project.build_dir``, atomically; with ``check``, only if every unit passes SHACL."""
    started = time.perf_counter()
    prepared = prepare(project, progress, check, workers)
    write_build(project, prepared, progress)
    prune(project.root / CACHE)
    summary = prepared.summary
    summary.seconds = time.perf_counter() - started
    out = project.build_dir
    summary.files = [str(out / name) for name in OUTPUTS] + [str(out / "store")]
    return summary


def write_outputs(folder: Path, prepared: Prepared, progress: Progress | None = None) -> None:
    """Write a build's files and store into an empty ``folder``, each as a stream."""
    from tipkg.build import rdfio

    say = progress or (lambda _msg: None)
    say("writing graph.nq, graph.nt, graph.ttl, graph.jsonld, void.nq, manifest.json")
    per_graph: Counter[bytes] = Counter()
    scratch = folder / "merging"  # intermediate merges of many units, removed when written
    quads = lines.write_lines(folder / "graph.nq", _counted(lines.merged(prepared.quad_sources(scratch)), per_graph))
    lines.write_lines(folder / "graph.nt", lines.merged(prepared.triple_sources(scratch)))
    shutil.rmtree(scratch, ignore_errors=True)
    n, subjects, classes = lines.profile(lines.read_lines(folder / "graph.nt"))
    summary = prepared.summary
    summary.triples = n
    summary.graphs = {g.decode(): c for g, c in sorted(per_graph.items())}
    void = _description(prepared, subjects, classes)
    (folder / "void.nq").write_bytes(b"".join(void))
    say(f"loading {quads} quads and their union, {n} triples, and the description into the store")
    # the store loads in a thread (pyoxigraph's bulk load lets go of the GIL) while Turtle and
    # JSON-LD are written: the two take about as long
    failed: list[BaseException] = []
    store = threading.Thread(target=_loaded, args=(folder, failed), daemon=True)
    store.start()
    try:
        rdfio.write_turtle(folder / "graph.nt", folder / "graph.ttl")
        with (folder / "graph.jsonld").open("wb", buffering=1 << 20) as out:
            rdfio.write_jsonld(lines.read_lines(folder / "graph.nq"), out)
        manifest = {"base": prepared.graphs.base, **summary.as_dict(), "description": len(void)}
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    finally:
        store.join()  # also when writing failed: the folder is removed only once the store is closed
    if failed:
        raise failed[0]


def _loaded(folder: Path, failed: list[BaseException]) -> None:
    from tipkg.engines.oxigraph import write_store

    try:
        write_store(folder / "store", folder / "graph.nq", folder / "graph.nt", folder / "void.nq")
    except BaseException as error:  # raised again by the thread that writes the files
        failed.append(error)


def _counted(quad_lines: Iterator[bytes], per_graph: Counter[bytes]) -> Iterator[bytes]:
    for line in quad_lines:
        per_graph[lines.graph_of(line)] += 1
        yield line


def _description(prepared: Prepared, subjects: int, classes: dict[bytes, int]) -> list[bytes]:
    from tipkg.build import rdfio
    from tipkg.build.description import Counts, describe

    s = prepared.summary
    counts = Counts(s.triples, subjects, {URIRef(c.decode()): n for c, n in sorted(classes.items())}, s.graphs, prepared.links)
    void = URIRef(prepared.graphs.void)
    return rdfio.quad_lines((a, b, c, void) for a, b, c in describe(counts, prepared.graphs, prepared.titles))
