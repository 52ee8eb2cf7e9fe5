"""The dataset's description as served (``/.well-known/void``, ``/dataset``): the VoID graph the
build wrote into the store (:mod:`tipkg.build.description`: counts, subsets, class partitions, the
Wikidata linkset), with what only the running service knows added here: the SPARQL endpoint as a
``dcat:DataService``, the distributions (the endpoint and the built files), the licence setting and
when the build was made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from tipkg.messages import text
from tipkg.namespaces import Graphs

SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
DOWNLOADS = {
    "graph.nq": "application/n-quads",
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.jsonld": "application/ld+json",
}
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Site:
    """Where the service is: its root URL (``http://127.0.0.1:8000/``) and the endpoint's."""

    root: str
    endpoint: str


def stored(store: Any, graphs: Graphs) -> list[Any]:
    """The description's triples the build wrote in the store, as the store holds them."""
    from tipkg.engines.oxigraph import query_store

    return list(query_store(store, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graphs.void}> {{ ?s ?p ?o }} }}"))


def served(graphs: Graphs, site: Site, licence: str, modified: datetime) -> list[tuple[Any, Any, Any]]:
    """The triples true of the dataset as this service serves it: its endpoint, files and licence."""
    ds = URIRef(graphs.dataset)
    endpoint = URIRef(site.endpoint)
    t: list[tuple[Any, Any, Any]] = [
        (ds, DCTERMS.license, URIRef(licence)),
        (ds, DCTERMS.modified, Literal(modified.isoformat(timespec="seconds"), datatype=XSD.dateTime)),
        (ds, VOID.sparqlEndpoint, endpoint),
        (ds, FOAF.homepage, URIRef(site.root)),
        (ds, DCAT.landingPage, URIRef(site.root)),
        (endpoint, RDF.type, DCAT.DataService),
        (endpoint, DCAT.endpointURL, endpoint),
        (endpoint, DCAT.servesDataset, ds),
        (endpoint, DCTERMS.conformsTo, SPARQL_PROTOCOL),
        (endpoint, DCTERMS.title, Literal(text("site.dataset.endpoint"), lang="en")),
    ]
    sparql = BNode("sparql")
    t += [
        (ds, DCAT.distribution, sparql),
        (sparql, RDF.type, DCAT.Distribution),
        (sparql, DCAT.accessURL, endpoint),
        (sparql, DCAT.accessService, endpoint),
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


@dataclass(frozen=True)
class Readable:
    """What the ``/dataset`` page shows, read from the description's triples (nothing else)."""

    title: str
    description: str
    licence: str
    modified: str
    counts: dict[str, int]  # triples, subjects, classes, links
    sources: list[tuple[str, str]]  # (IRI, title)
    graphs: list[tuple[str, int]]  # (IRI, triples)
    classes: list[tuple[str, int]]  # (IRI, instances), most first
    endpoint: str
    downloads: list[tuple[str, str]]  # (URL, media type)


def readable(triples: list[tuple[Any, Any, Any]], graphs: Graphs, lang: str) -> Readable:
    """The description's values for a page in ``lang`` (a title or description in another language if it has none in ``lang``)."""
    from rdflib import Graph

    g = Graph()
    for triple in triples:
        g.add(triple)
    ds = URIRef(graphs.dataset)

    def in_lang(p: URIRef) -> str:
        found = {o.language: str(o) for o in g.objects(ds, p) if isinstance(o, Literal)}
        return found.get(lang) or found.get("en") or next(iter(found.values()), "")

    def number(s: Any, p: URIRef) -> int:
        return int(g.value(s, p) or 0)  # type: ignore[call-overload]

    linkset = next(iter(g.subjects(RDF.type, VOID.Linkset)), None)
    parts = [(str(g.value(part, VOID["class"])), number(part, VOID.entities)) for part in g.objects(ds, VOID.classPartition)]
    return Readable(
        title=in_lang(DCTERMS.title),
        description=in_lang(DCTERMS.description),
        licence=str(g.value(ds, DCTERMS.license) or ""),
        modified=str(g.value(ds, DCTERMS.modified) or ""),
        counts={
            "triples": number(ds, VOID.triples),
            "subjects": number(ds, VOID.distinctSubjects),
            "classes": number(ds, VOID.classes),
            "links": number(linkset, VOID.triples) if linkset is not None else 0,
        },
        sources=sorted((str(doc), str(g.value(doc, DCTERMS.title) or doc)) for doc in g.objects(ds, DCTERMS.source)),
        graphs=sorted((str(sub), number(sub, VOID.triples)) for sub in g.objects(ds, VOID.subset) if sub != linkset),
        classes=sorted(parts, key=lambda part: (-part[1], part[0])),
        endpoint=str(g.value(ds, VOID.sparqlEndpoint) or ""),
        downloads=sorted((str(d), str(g.value(d, DCAT.mediaType) or "").removeprefix(IANA)) for d in g.objects(ds, VOID.dataDump)),
    )
