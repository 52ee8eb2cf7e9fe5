"""The ontology as the loader's mapping: which YAML keys are properties, and how to read values.

Adding a property to ``ontology/tipkg.ttl`` is enough for curated data to use it: its kind
(object or datatype), range and functionality come from the ontology itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, QB, RDF, RDFS, SKOS

from tipkg.errors import TipkgError
from tipkg.namespaces import TIPKG

ONTOLOGY_FILES = ("tipkg.ttl", "concepts.ttl")


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
    # how sources are compared (tipkg.comparison): bound property -> the exact property it bounds,
    # property -> the property its values are compared within, the key of a measure, flags not compared
    lower_bounds: dict[URIRef, URIRef] = field(default_factory=dict)
    compared_within: dict[URIRef, URIRef] = field(default_factory=dict)
    measure_key: tuple[URIRef, ...] = ()
    measured: frozenset[URIRef] = frozenset()  # qb:MeasureProperty: the figure of an observation
    not_compared: frozenset[URIRef] = frozenset()

    def superclasses(self, cls: URIRef) -> set[URIRef]:
        """The class and all its named superclasses (reflexive, transitive)."""
        out = {cls}
        todo = [cls]
        while todo:
            for sup in self.graph.objects(todo.pop(), RDFS.subClassOf):
                if isinstance(sup, URIRef) and sup not in out:
                    out.add(sup)
                    todo.append(sup)
        return out

    def is_concept_class(self, cls: URIRef) -> bool:
        return SKOS.Concept in self.superclasses(cls)


def read_ontology(directory: Path) -> Graph:
    """Parse the ontology files of ``directory`` into one rdflib graph."""
    graph = Graph()
    for name in ONTOLOGY_FILES:
        path = directory / name
        if not path.exists():
            raise TipkgError(f"{path}: ontology file missing")
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many kinds of parse errors
            raise TipkgError(f"{path}: not valid Turtle: {exc}") from None
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
        schema.lower_bounds[URIRef(bound)] = URIRef(exact)
    for prop, within in graph.subject_objects(TIPKG.comparedWithin):
        schema.compared_within[URIRef(prop)] = URIRef(within)
    key = graph.value(TIPKG.Measure, TIPKG.keyProperties)
    schema.measure_key = tuple(URIRef(p) for p in Collection(graph, key)) if key is not None else ()
    schema.measured = frozenset(URIRef(p) for p in graph.subjects(RDF.type, QB.MeasureProperty))
    schema.not_compared = frozenset(URIRef(p) for p, flag in graph.subject_objects(TIPKG.notCompared) if flag.toPython() is True)
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
def load_schema(directory: str) -> Schema:
    """The schema of an ontology directory, read once per process."""
    return schema_from_graph(read_ontology(Path(directory)))
