"""The SPARQL 1.1 Service Description of ``/sparql`` (https://www.w3.org/TR/sparql11-service-description/),
the answer to ``GET /sparql`` without a query.

Each statement is read from what the endpoint does, not written beside it: the result formats are the
endpoint's offers (:data:`tipkg.service.formats.RESULTS` and ``GRAPHS``), federation is a feature
only when ``service_allow_list`` names an endpoint, and the dataset's graphs and counts are the
build's. ``sd:UnionDefaultGraph`` is not claimed: the default graph is the union of the data's
graphs, and the VoID description's graph (:mod:`tipkg.build.description`) is a named graph outside it.
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID

from tipkg.messages import text
from tipkg.namespaces import FORMATS, SD, Graphs
from tipkg.service.formats import GRAPHS, RESULTS

# each format the endpoint answers in -> its IRI in http://www.w3.org/ns/formats/
W3C_FORMATS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}


def describe(root: str, manifest: dict[str, Any], federated: bool) -> list[tuple[Any, Any, Any]]:
    """The description of the endpoint at ``root`` + ``sparql`` serving the build of ``manifest``;
    ``federated``: whether ``SERVICE`` may call some endpoint (the allow-list is not empty)."""
    graphs = Graphs(manifest["base"])
    endpoint = URIRef(root + "sparql")
    void = URIRef(root + ".well-known/void")
    dataset, default = BNode("dataset"), BNode("default")
    t: list[tuple[Any, Any, Any]] = [
        (endpoint, RDF.type, SD.Service),
        (endpoint, SD.endpoint, endpoint),
        (endpoint, SD.supportedLanguage, SD.SPARQL11Query),
        (endpoint, DCTERMS.title, Literal(text("site.dataset.endpoint"), lang="en")),
        (endpoint, RDFS.seeAlso, void),
        *((endpoint, SD.resultFormat, FORMATS[W3C_FORMATS[f.name]]) for f in (*RESULTS, *GRAPHS)),
        (endpoint, SD.defaultDataset, dataset),
        (dataset, RDF.type, SD.Dataset),
        (dataset, RDFS.seeAlso, void),
        (dataset, SD.defaultGraph, default),
        (default, RDF.type, SD.Graph),
        (default, VOID.triples, Literal(int(manifest["triples"]))),
    ]
    if federated:
        t.append((endpoint, SD.feature, SD.BasicFederatedQuery))
    named = {**manifest["graphs"], graphs.void: manifest["description"]}
    for i, (name, triples) in enumerate(sorted(named.items())):
        entry, graph = BNode(f"named{i}"), BNode(f"graph{i}")
        t += [
            (dataset, SD.namedGraph, entry),
            (entry, RDF.type, SD.NamedGraph),
            (entry, SD.name, URIRef(name)),
            (entry, SD.graph, graph),
            (graph, RDF.type, SD.Graph),
            (graph, VOID.triples, Literal(int(triples))),
        ]
    return t
