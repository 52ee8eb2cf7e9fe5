"""``tipkg build``: curated data + ontology -> build/ (N-Quads, N-Triples, Turtle, JSON-LD, store).

The build is written to a new folder and switched in at the end (:mod:`tipkg.build.swap`), so a failed
or killed build leaves the previous ``build/`` as it was. Every input file is read within the size
and nesting limits of :class:`tipkg.curation.records.Limits`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from tipkg.curation.links import describe_linkset
from tipkg.curation.loader import Loaded, Loader
from tipkg.curation.records import CuratedFile, load_curated, read_input, shown_path
from tipkg.curation.schema import Schema, load_schema, read_ontology
from tipkg.curation.sources import load_sources
from tipkg.curation.statements import Claim
from tipkg.curation.values import parse_accepted_links, parse_checked_qids
from tipkg.namespaces import Graphs
from tipkg.project import MANIFEST, Project

Progress = Callable[[str], None]

OUTPUTS = ("graph.nq", "graph.nt", "graph.ttl", "graph.jsonld", "void.nq", MANIFEST)


@dataclass
class Summary:
    """What a build holds."""

    triples: int
    graphs: dict[str, int]
    entities: dict[str, int]
    facts: int
    statements: int
    evidence: int
    sources: dict[str, str]
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "triples": self.triples,
            "graphs": self.graphs,
            "entities": self.entities,
            "facts": self.facts,
            "statements": self.statements,
            "evidence": self.evidence,
            "sources": self.sources,
        }


def curated_files(data_dir: Path) -> list[Path]:
    """Every curated YAML file: graph_data/<folder>/**/*.yaml, except sources/ and reference/, and
    except files whose name starts with ``_`` (a draft under review, such as ``_draft.yaml``)."""
    out = []
    for path in sorted(data_dir.rglob("*.yaml")):
        top = path.relative_to(data_dir).parts[0]
        if top not in ("sources", "reference") and len(path.relative_to(data_dir).parts) > 1 and not path.name.startswith("_"):
            out.append(path)
    return out


def load_project(project: Project) -> Loaded:
    """Read and check the curated data of a project (no writes)."""
    limits = project.limits
    schema = load_schema(str(project.ontology_dir.resolve()), limits)
    sources = load_sources(project.sources_dir, project.root, limits)
    qids_path = project.reference_dir / "wikidata_qids.csv"
    qids = parse_checked_qids(_read(qids_path, project)) if qids_path.exists() else set()
    files: list[CuratedFile] = [load_curated(p, project.root, limits) for p in curated_files(project.data_dir)]
    loader = Loader(schema, sources, qids, project.base)
    loaded = loader.load(files)
    candidates = project.reference_dir / "wikidata_candidates.csv"  # tipkg link's review file
    if candidates.exists():
        loader.accepted_links(parse_accepted_links(_read(candidates, project)), str(candidates.relative_to(project.root)))
    describe_linkset(loaded.dataset, Graphs(project.base))
    compare_sources(loaded, schema, project.base)
    label_nodes(loaded, schema, project.base)
    return loaded


def compare_sources(loaded: Loaded, schema: Schema, base: str) -> None:
    """The comparisons graph: each observation's measure, and where sources differ or refine."""
    declared_by = {d.iri: d.source for d in loaded.entities.values()}
    graph = loaded.dataset.graph(URIRef(Graphs(base).comparisons))
    for triple in comparison_graph(loaded.claims.values(), declared_by, schema, base):
        graph.add(triple)


def comparison_graph(claims: Iterable[Claim], declared_by: Mapping[URIRef, str | None], schema: Schema, base: str) -> list[Any]:
    """The triples of the comparisons graph, from every source's claims (and which source declares
    each entity, whose names come first)."""
    from tipkg.compare.values import comparison_triples
    from tipkg.messages import languages

    claims = list(claims)
    langs = languages()
    names: dict[str, dict[URIRef, str]] = {lang: {} for lang in langs}
    # an entity's name in each language as the source that declares it gives it, else any source's
    for claim in sorted(claims, key=lambda c: (c.source != declared_by.get(c.s), c.source, str(c.o))):
        if claim.p == SKOS.prefLabel and isinstance(claim.o, Literal) and claim.o.language in names:
            names[claim.o.language].setdefault(claim.s, str(claim.o))
    for prop in (SKOS.prefLabel, RDFS.label):
        for s, o in schema.graph.subject_objects(prop):
            if isinstance(o, Literal) and o.language in names:
                names[o.language].setdefault(URIRef(str(s)), str(o))

    def label(term: URIRef | Literal, lang: str) -> str:
        """A term's name in ``lang``, else in English (a name a report gives in English only), else its id."""
        if not isinstance(term, URIRef):
            return str(term)
        return names[lang].get(term) or names["en"].get(term) or str(term).rsplit("/", 1)[-1]

    triples, _found = comparison_triples(claims, schema, base, label, langs)
    return triples


def label_nodes(loaded: Loaded, schema: Schema, base: str) -> None:
    """The labels graph: a name in each language for every node that has none (:mod:`tipkg.build.labels`)."""
    from rdflib.graph import ReadOnlyGraphAggregate

    from tipkg.build.labels import computed_labels

    data = ReadOnlyGraphAggregate(list(loaded.dataset.graphs()))  # the graphs so far, read in place, not copied
    graph = loaded.dataset.graph(URIRef(Graphs(base).labels))
    for triple in computed_labels(data, schema.graph):
        graph.add(triple)


def _read(path: Path, project: Project) -> str:
    return read_input(path, shown_path(path, project.root), project.limits.file_mb)


def assemble(project: Project, progress: Progress | None = None) -> tuple[Dataset, Loaded]:
    """The whole dataset: curated facts, sources, links and the ontology, each in its named graph."""
    say = progress or (lambda _msg: None)
    say("reading curated data")
    loaded = load_project(project)
    say("adding the ontology")
    from tipkg.build.rdfio import canonical

    ontology = canonical(read_ontology(project.ontology_dir, project.limits))
    graphs = Graphs(project.base)
    og = loaded.dataset.graph(URIRef(graphs.ontology))
    for triple in ontology:
        og.add(triple)
    say("computing the inferred closure")
    from tipkg.build.inference import entailed, schema_closure

    data = {(s, p, o) for s, p, o, g in loaded.dataset.quads((None, None, None, None)) if g != URIRef(graphs.ontology)}
    inferred = loaded.dataset.graph(URIRef(graphs.inferred))
    for triple in entailed(data, ontology) | schema_closure(ontology):
        inferred.add(triple)
    return loaded.dataset, loaded


def prepare(project: Project, progress: Progress | None = None, check: bool = True) -> Any:
    """Read and (with ``check``) validate a project, ready to write: :func:`tipkg.build.stream.prepare`."""
    from tipkg.build import stream

    return stream.prepare(project, progress, check)


def write_build(project: Project, prepared: Any, progress: Progress | None = None) -> Path:
    """Write a prepared build and switch ``build`` to it: :func:`tipkg.build.stream.write_build`."""
    from tipkg.build import stream

    return stream.write_build(project, prepared, progress)


def build(project: Project, progress: Progress | None = None, check: bool = True, workers: int | None = None) -> Summary:
    """Build the graph into ``project.build_dir``, atomically, as a stream of units kept by content
    (:mod:`tipkg.build.stream`, in ``workers`` processes); with ``check``, only if every unit passes SHACL."""
    from tipkg.build import stream

    return stream.build(project, progress, check, workers)
