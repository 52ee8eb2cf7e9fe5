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
