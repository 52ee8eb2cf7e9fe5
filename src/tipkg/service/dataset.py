"""The VoID and DCAT description of the served dataset (``/.well-known/void``, ``/dataset``).

The dataset is ``<base>dataset``: its named graphs are VoID subsets with their triple counts, the
Wikidata links a ``void:Linkset``, each class a class partition; the DCAT side gives its
distributions (the SPARQL endpoint and the built files) and the endpoint as a ``dcat:DataService``.
Its titles are the site's, in each language of :mod:`tipkg.messages` (its description in English).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, VOID, XSD

from tipkg.messages import languages, text
from tipkg.namespaces import ONTOLOGY_IRI, TIPKG, WD, Graphs

SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
SD = "http://www.w3.org/ns/sparql-service-description#"
DOWNLOADS = {
    "graph.nq": "application/n-quads",
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.jsonld": "application/ld+json",
}
IANA = "https://www.iana.org/assignments/media-types/"
Q_CLASSES = "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class . FILTER(isIRI(?class)) } GROUP BY ?class ORDER BY ?class"
Q_SOURCES = "SELECT ?doc ?title WHERE { ?doc a tipkg:SourceDocument . OPTIONAL { ?doc dcterms:title ?title } } ORDER BY ?doc"
Q_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"


@dataclass(frozen=True)
class Site:
    """Where the service is: its root URL (``http://127.0.0.1:8000/``) and the endpoint's."""

    root: str
    endpoint: str


def describe(kg: Any, manifest: dict[str, Any], site: Site, licence: str, modified: datetime) -> list[tuple[Any, Any, Any]]:
    """The VoID + DCAT triples of the dataset built in ``manifest``, read through ``kg``."""
    base = manifest.get("base", kg.base)
    graphs = Graphs(base)
    ds = URIRef(graphs.dataset)
    endpoint = URIRef(site.endpoint)
    classes = kg.query(Q_CLASSES).rows
    sources = kg.query(Q_SOURCES).rows
    subjects = kg.query(Q_SUBJECTS).rows[0][0]
    t: list[tuple[Any, Any, Any]] = [
        (ds, RDF.type, VOID.Dataset),
        (ds, RDF.type, DCAT.Dataset),
        *((ds, DCTERMS.title, Literal(text("site.dataset.title", lang), lang=lang)) for lang in languages()),
        (ds, DCTERMS.description, Literal(text("site.dataset.description"), lang="en")),
        (ds, DCTERMS.license, URIRef(licence)),
        (ds, DCTERMS.modified, Literal(modified.isoformat(timespec="seconds"), datatype=XSD.dateTime)),
        (ds, VOID.uriSpace, Literal(base)),
        (ds, VOID.sparqlEndpoint, endpoint),
        (ds, VOID.triples, Literal(int(manifest.get("triples", 0)))),
        (ds, VOID.distinctSubjects, Literal(int(str(subjects)))),
        (ds, VOID.classes, Literal(len(classes))),
        (ds, VOID.vocabulary, URIRef(ONTOLOGY_IRI)),
        (ds, VOID.vocabulary, URIRef(str(TIPKG))),
        (ds, VOID.rootResource, URIRef(graphs.dataset)),
        (ds, FOAF.homepage, URIRef(site.root)),
        (ds, DCAT.landingPage, URIRef(site.root)),
    ]
    for doc, title in sources:
        t.append((ds, DCTERMS.source, doc))
        if title is not None:
            t.append((doc, DCTERMS.title, title))
    for graph, count in sorted(manifest.get("graphs", {}).items()):
        g = URIRef(graph)
        t += [(ds, VOID.subset, g), (g, RDF.type, VOID.Dataset), (g, VOID.triples, Literal(int(count))), (g, URIRef(SD + "name"), g)]
    for cls, count in classes:
        part = BNode()
        t += [(ds, VOID.classPartition, part), (part, VOID["class"], cls), (part, VOID.entities, Literal(int(str(count))))]
    links = URIRef(f"{base}linkset/wikidata")
    wikidata = URIRef("http://www.wikidata.org/")
    same_as = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graphs.links}> {{ ?s owl:sameAs ?o }} }}").rows
    t += [
        (ds, VOID.subset, links),
        (links, RDF.type, VOID.Linkset),
        (links, VOID.linkPredicate, OWL.sameAs),
        (links, VOID.subjectsTarget, ds),
        (links, VOID.objectsTarget, wikidata),
        (links, VOID.target, ds),
        (links, VOID.target, wikidata),
        (links, VOID.triples, Literal(int(str(same_as[0][0])) if same_as else 0)),
        (wikidata, RDF.type, VOID.Dataset),
        (wikidata, VOID.uriSpace, Literal(str(WD))),
        (wikidata, RDFS.label, Literal("Wikidata", lang="en")),
    ]
    service = endpoint
    t += [
        (service, RDF.type, DCAT.DataService),
        (service, DCAT.endpointURL, endpoint),
        (service, DCAT.servesDataset, ds),
        (service, DCTERMS.conformsTo, SPARQL_PROTOCOL),
        (service, DCTERMS.title, Literal(text("site.dataset.endpoint"), lang="en")),
    ]
    sparql = BNode()
    t += [
        (ds, DCAT.distribution, sparql),
        (sparql, RDF.type, DCAT.Distribution),
        (sparql, DCAT.accessURL, endpoint),
        (sparql, DCAT.accessService, service),
        (sparql, DCTERMS.license, URIRef(licence)),
    ]
    for name, media in DOWNLOADS.items():
        dist = URIRef(f"{site.root}downloads/{name}")
        t += [
            (ds, DCAT.distribution, dist),
            (ds, VOID.dataDump, dist),
            (dist, RDF.type, DCAT.Distribution),
            (dist, DCAT.downloadURL, dist),
            (dist, DCAT.mediaType, URIRef(IANA + media)),
            (dist, DCTERMS.license, URIRef(licence)),
        ]
    return t
