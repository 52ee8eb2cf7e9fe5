"""The ontology as the loader's mapping: which YAML keys are properties, and how to read values.

Adding a property to ``ontology/tipkg.ttl`` is enough for curated data to use it: its kind
(object or datatype), range and functionality come from the ontology itself.

Every ontology file is read by :func:`read_turtle`, which reads nothing else: an ``owl:imports``
may name only the project's own ontologies (``ontology/tipkg.ttl``'s and ``ontology/shapes.ttl``'s,
which are read from those files), and any other is refused with its file and line before anything
is loaded. rdflib does not follow imports, but owlready2, which loads the graph for the reasoner,
downloads them over http(s) and reads ``file:`` ones, and a published build would pass them on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, QB, RDF, RDFS, SKOS

from tipkg.curation.records import Limits, read_input, shown_path
from tipkg.errors import DataError, TipkgError
from tipkg.namespaces import ONTOLOGY_IRI, SHAPES_IRI, TIPKG
from tipkg.relations import reachable

ONTOLOGY_FILES = ("tipkg.ttl", "concepts.ttl")
PROJECT_ONTOLOGIES = frozenset({URIRef(ONTOLOGY_IRI), URIRef(SHAPES_IRI)})


@dataclass(frozen=True)
class Property:
    iri: URIRef
    name: str
    is_object: bool
    range: URIRef | None
    functional: bool


@dataclass
class Schema:
    """Classes, properties and code lists of the tipkg ontology, by local name."""

    graph: Graph
    classes: dict[str, URIRef] = field(default_factory=dict)
    properties: dict[str, Property] = field(default_factory=dict)
    # range class -> notation -> concept
    concepts: dict[URIRef, dict[str, URIRef]] = field(default_factory=dict)
    # how sources are compared (tipkg.compare.values): bound property -> the exact property it bounds,
    # property -> the property its values are compared within, the key of a measure, flags not compared
    lower_bounds: dict[URIRef, URIRef] = field(default_factory=dict)
    approximations: dict[URIRef, URIRef] = field(default_factory=dict)  # approximate property -> the exact one
    compared_within: dict[URIRef, URIRef] = field(default_factory=dict)
    measure_key: tuple[URIRef, ...] = ()
    measured: frozenset[URIRef] = frozenset()  # qb:MeasureProperty: the figure of an observation
    not_compared: frozenset[URIRef] = frozenset()
    per_scheme: frozenset[URIRef] = frozenset()  # one value per concept scheme (tipkg:comparedPerScheme)
    schemes: dict[URIRef, URIRef] = field(default_factory=dict)  # concept -> its scheme (skos:inScheme)

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        """The class and all its named superclasses (reflexive, transitive)."""
        return superclasses(self.graph, cls)

    def is_concept_class(self, cls: URIRef) -> bool:
        return SKOS.Concept in self.superclasses(cls)

    def concept(self, cls: URIRef, notation: str, path: str, line: int, key: str) -> URIRef:
        """The member of the code list ``cls`` with this notation (``skos:notation``)."""
        members = self.concepts.get(cls, {})
        if notation not in members:
            raise DataError(path, line, key, f"unknown code {notation!r}: expected one of {', '.join(sorted(members))}")
        return members[notation]


def superclasses(ontology: Graph, cls: URIRef) -> set[URIRef]:
    """The class and all its named superclasses by ``rdfs:subClassOf`` (reflexive, transitive)."""
    return reachable(cls, lambda c: (sup for sup in ontology.objects(c, RDFS.subClassOf) if isinstance(sup, URIRef)))


def read_ontology(directory: Path, limits: Limits | None = None) -> Graph:
    """Parse the ontology files of ``directory`` into one rdflib graph."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        path = directory / name
        if not path.exists():
            raise TipkgError(f"{path}: ontology file missing")
        part = read_turtle(path, limits)
        graph += part
        for prefix, namespace in part.namespaces():
            graph.bind(prefix, namespace, override=False)
    return graph


def read_turtle(path: Path, limits: Limits | None = None) -> Graph:
    """Parse one Turtle file of the ontology folder, within the size limit of data files, refusing
    an ``owl:imports`` of anything but the project's own ontologies."""
    shown = shown_path(path, path.parent.parent)  # ontology/<name>.ttl
    text = read_input(path, shown, (limits or Limits.from_env()).file_mb)
    try:
        graph = Graph().parse(data=text, format="turtle", publicID=path.absolute().as_uri())
    except Exception as exc:  # rdflib raises many kinds of parse errors
        raise TipkgError(f"{path}: not valid Turtle: {' '.join(str(exc).split())}") from None
    own = PROJECT_ONTOLOGIES | set(graph.subjects(RDF.type, OWL.Ontology))
    for imported in sorted(set(graph.objects(None, OWL.imports)) - own, key=str):
        lines = text.splitlines()
        at = next((n for n, line in enumerate(lines, 1) if f"<{imported}>" in line), None)
        at = at or next((n for n, line in enumerate(lines, 1) if "imports" in line), 1)
        raise DataError(
            shown,
            at,
            "owl:imports",
            f"<{imported}> is not one of the project's ontologies: expected {' or '.join(f'<{o}>' for o in sorted(PROJECT_ONTOLOGIES))} "
            "(tipkg reads ontologies from ontology/ only, never from the network or other files)",
        )
    return graph


def schema_from_graph(graph: Graph) -> Schema:
    """Index an ontology graph for the loader."""
    schema = Schema(graph)
    ns = str(TIPKG)
    for cls in graph.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and str(cls).startswith(ns):
            schema.classes[str(cls)[len(ns) :]] = cls
    for kind, is_object in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
        for prop in graph.subjects(RDF.type, kind):
            if not (isinstance(prop, URIRef) and str(prop).startswith(ns)):
                continue
            name = str(prop)[len(ns) :]
            rng = graph.value(prop, RDFS.range)
            schema.properties[name] = Property(
                iri=prop,
                name=name,
                is_object=is_object,
                range=rng if isinstance(rng, URIRef) else None,
                functional=(prop, RDF.type, OWL.FunctionalProperty) in graph,
            )
    for bound, exact in graph.subject_objects(TIPKG.lowerBoundOf):
        schema.lower_bounds[URIRef(str(bound))] = URIRef(str(exact))
    for approximate, exact in graph.subject_objects(TIPKG.approximationOf):
        schema.approximations[URIRef(str(approximate))] = URIRef(str(exact))
    for prop, within in graph.subject_objects(TIPKG.comparedWithin):
        schema.compared_within[URIRef(str(prop))] = URIRef(str(within))
    key = graph.value(TIPKG.Measure, TIPKG.keyProperties)
    schema.measure_key = tuple(URIRef(str(p)) for p in Collection(graph, key)) if key is not None else ()
    schema.measured = frozenset(URIRef(str(p)) for p in graph.subjects(RDF.type, QB.MeasureProperty))
    schema.not_compared = frozenset(URIRef(str(p)) for p, flag in graph.subject_objects(TIPKG.notCompared) if flag == Literal(True))
    schema.per_scheme = frozenset(URIRef(str(p)) for p, flag in graph.subject_objects(TIPKG.comparedPerScheme) if flag == Literal(True))
    schema.schemes = {c: s for c, s in graph.subject_objects(SKOS.inScheme) if isinstance(c, URIRef) and isinstance(s, URIRef)}
    for cls in schema.classes.values():
        if schema.is_concept_class(cls):
            members = {}
            for concept in graph.subjects(RDF.type, cls):
                notation = graph.value(concept, SKOS.notation)
                if isinstance(concept, URIRef) and notation is not None:
                    members[str(notation)] = concept
            schema.concepts[cls] = members
    return schema


@lru_cache(maxsize=4)
def load_schema(directory: str, limits: Limits | None = None) -> Schema:
    """The schema of an ontology directory, read once per process."""
    return schema_from_graph(read_ontology(Path(directory), limits))
