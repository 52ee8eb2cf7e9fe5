"""Links to Wikidata: the ids curators give or accept, and the ``void:Linkset`` that describes them.

Links go to their own named graph: they are the project's word, not a source's.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID, XSD

from tipkg.curation.records import Value
from tipkg.curation.values import QID, as_list, suggest, wikidata_id
from tipkg.errors import DataError
from tipkg.namespaces import TIPKG, WD, WIKIDATA, Graphs


def link(graph: Graph, subject: URIRef, qid: str) -> None:
    """``subject`` is the Wikidata item ``qid`` (``owl:sameAs``, and ``tipkg:wikidata`` for queries)."""
    graph.add((subject, OWL.sameAs, WD[qid]))
    graph.add((subject, TIPKG.wikidata, WD[qid]))


def curated_links(graph: Graph, subject: URIRef, value: Value, path: str, checked_qids: set[str]) -> None:
    """The ``wikidata:`` field of a record: ids from the reference list of checked ids only."""
    for item in as_list(value):
        qid = wikidata_id(item, path, "wikidata")
        if qid not in checked_qids:
            raise DataError(path, item.line, "wikidata", f"{qid} is not in graph_data/reference/wikidata_qids.csv: link only checked ids")
        link(graph, subject, qid)


def accepted_links(graph: Graph, links: list[tuple[str, str, int]], path: str, entities: Mapping[str, URIRef]) -> None:
    """Link each entity to the Wikidata id a curator accepted (``tipkg link``'s review file)."""
    for local, qid, line in links:
        if local not in entities:
            raise DataError(path, line, "entity", f"unknown entity {local!r}{suggest(local, entities)}")
        if not QID.match(qid):
            raise DataError(path, line, "candidate", f"{qid!r}: expected a Wikidata id like Q96")
        link(graph, entities[local], qid)


def describe_linkset(dataset: Dataset, graphs: Graphs) -> None:
    """A ``void:Linkset`` in the links graph: the owl:sameAs links from this dataset to Wikidata."""
    links = dataset.graph(URIRef(graphs.links))
    count = sum(1 for _ in links.triples((None, OWL.sameAs, None)))
    if not count:
        return
    linkset = URIRef(f"{graphs.base}linkset/wikidata")
    links.add((linkset, RDF.type, VOID.Linkset))
    links.add((linkset, RDFS.label, Literal("links to Wikidata", lang="en")))
    links.add((linkset, VOID.subjectsTarget, URIRef(graphs.dataset)))
    links.add((linkset, VOID.objectsTarget, WIKIDATA))
    links.add((linkset, VOID.linkPredicate, OWL.sameAs))
    links.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
