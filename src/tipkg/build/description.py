"""The dataset's VoID description, made by the build in its own named graph (``<base>graph/void``),
so a SPARQL query reads it: ``SELECT ?p ?o { GRAPH ?g { ?ds a void:Dataset ; ?p ?o } }``.

Why the build, not the service: the store is read-only once built (the service and its workers open
it read-only), and the counts are this build's own, taken from the triples it writes. Made from
those triples alone, with no time and no address, the description is the same on every run (the
blank nodes of class partitions are labelled from their class). What depends on how the graph is
served (the endpoint's and downloads' URLs, the licence setting, when the build was switched in) is
added by the service (:mod:`tipkg.service.dataset`), where it is true.

The description's graph is kept out of the default graph (the union of the data graphs): a query
of the default graph answers as before, and ``void:triples`` (the manifest's ``triples``, the count
the site shows) counts the data, not the description.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, VOID
from rdflib.term import Node

from tipkg.messages import languages, text
from tipkg.namespaces import ONTOLOGY_IRI, SD, TIPKG, WD, WIKIDATA, Graphs

Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class Counts:
    """What the description counts, read from a build's triples (:func:`tipkg.build.lines.profile`)."""

    triples: int  # in the default graph: the union of the named graphs, each triple once
    subjects: int  # distinct subjects of those triples
    classes: dict[URIRef, int]  # each IRI class -> its distinct instances
    graphs: dict[str, int]  # each named graph -> its triples
    links: int  # owl:sameAs triples of the links graph


def describe(counts: Counts, graphs: Graphs, sources: dict[URIRef, list[Node]]) -> list[Triple]:
    """The VoID triples of a build (its ``sources``: each report with its titles, one per language)."""
    ds = URIRef(graphs.dataset)
    t: list[Triple] = [
        (ds, RDF.type, VOID.Dataset),
        (ds, RDF.type, DCAT.Dataset),
        *((ds, DCTERMS.title, Literal(text("site.dataset.title", lang), lang=lang)) for lang in languages()),
        *((ds, DCTERMS.description, Literal(text("site.dataset.description", lang), lang=lang)) for lang in languages()),
        (ds, VOID.uriSpace, Literal(graphs.base)),
        (ds, VOID.triples, Literal(counts.triples)),
        (ds, VOID.distinctSubjects, Literal(counts.subjects)),
        (ds, VOID.classes, Literal(len(counts.classes))),
        (ds, VOID.vocabulary, URIRef(ONTOLOGY_IRI)),
        (ds, VOID.vocabulary, URIRef(str(TIPKG))),
        (ds, VOID.rootResource, ds),
    ]
    for doc, titles in sorted(sources.items()):
        t.append((ds, DCTERMS.source, doc))
        t += [(doc, DCTERMS.title, title) for title in titles]
    for graph, n in counts.graphs.items():
        g = URIRef(graph)
        t += [(ds, VOID.subset, g), (g, RDF.type, VOID.Dataset), (g, VOID.triples, Literal(n)), (g, SD.name, g)]
    for cls, n in counts.classes.items():
        part = BNode("class" + hashlib.sha256(str(cls).encode("utf-8")).hexdigest()[:20])
        t += [(ds, VOID.classPartition, part), (part, VOID["class"], cls), (part, VOID.entities, Literal(n))]
    links = URIRef(f"{graphs.base}linkset/wikidata")
    t += [
        (ds, VOID.subset, links),
        (links, RDF.type, VOID.Linkset),
        (links, VOID.linkPredicate, OWL.sameAs),
        (links, VOID.subjectsTarget, ds),
        (links, VOID.objectsTarget, WIKIDATA),
        (links, VOID.target, ds),
        (links, VOID.target, WIKIDATA),
        (links, VOID.triples, Literal(counts.links)),
        (WIKIDATA, RDF.type, VOID.Dataset),
        (WIKIDATA, VOID.uriSpace, Literal(str(WD))),
        (WIKIDATA, RDFS.label, Literal("Wikidata", lang="en")),
    ]
    return t
