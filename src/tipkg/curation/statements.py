"""Statements: each source's word on a triple, described by reification, and held to one value.

A triple two reports make is two ``rdf:Statement``s, one in each source's graph, each citing only
that source's quotes. Single-valued properties (``owl:FunctionalProperty``) and preferred names
(one per language) hold per source: two reports may disagree, one report may not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SKOS

from tipkg.curation.schema import Schema
from tipkg.errors import DataError

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Claim:
    """One source's statement of one triple, and the curated record that makes it."""

    source: str
    s: URIRef
    p: URIRef
    o: URIRef | Literal
    statement: URIRef
    where: str


def statement_triples(
    g: Graph, st: URIRef, triple: tuple[URIRef, URIRef, URIRef | Literal], source: URIRef, quotes: Iterable[URIRef]
) -> None:
    """``triple`` in ``g``, and ``st`` saying that ``source`` states it with ``quotes``."""
    s, p, o = triple
    g.add((s, p, o))
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, p))
    g.add((st, RDF.object, o))
    g.add((st, DCTERMS.source, source))
    for quote in quotes:
        g.add((st, PROV.wasDerivedFrom, quote))


class OnePerSource:
    """Refuses a second value of a single-valued property (or name) in one source's word."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        # (source, subject, property, language) -> the first value and where it was given
        self._first: dict[tuple[str, URIRef, URIRef, str], tuple[URIRef | Literal, str]] = {}

    def check(self, source: str, s: URIRef, p: URIRef, o: URIRef | Literal, where: str, key: str) -> None:
        """Remember ``o`` as the value of ``s p`` in ``source``, or raise if another was given."""
        if p == SKOS.prefLabel:
            assert isinstance(o, Literal)
            slot: tuple[str, URIRef, URIRef, str] = (source, s, p, o.language or "")
            what = f"two preferred labels in language {o.language!r} in source {source} (put the other in altLabel): the first is"
        else:
            prop = self.schema.properties.get(key)
            if prop is None or not prop.functional:
                return
            slot = (source, s, p, "")
            what = f"takes a single value per source (functional property): source {source} already gives"
        first = self._first.setdefault(slot, (o, where))
        if first[0] != o:
            file, _, line = where.rpartition(":")
            raise DataError(file, int(line), key, f"{what} {first[0]} at {first[1]}")
