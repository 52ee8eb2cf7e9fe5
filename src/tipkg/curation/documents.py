"""A source's metadata file to RDF: the ``tipkg:SourceDocument``, its annexes and its sections."""

from __future__ import annotations

import re
from collections.abc import Callable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from tipkg.curation.records import Mapping, Value
from tipkg.curation.sources import Source, meta_list
from tipkg.curation.values import ID, lang_values, nfc, parse_temporal, text_of
from tipkg.errors import DataError
from tipkg.namespaces import TIPKG

# an entity of the graph by its id (the field's value, file, field name)
Reference = Callable[[Value, str, str], URIRef]
# a code-list member by its notation (class, notation, file, line, field name)
Concept = Callable[[URIRef, str, str, int, str], URIRef]
# metadata fields naming an agent: the property for an entity of the graph, the one for a free-text name
_AGENTS = (
    ("creator", DCTERMS.creator, TIPKG.creatorName),
    ("author", DCTERMS.creator, TIPKG.creatorName),
    ("publisher", DCTERMS.publisher, TIPKG.publisherName),
)


def source_triples(g: Graph, s: URIRef, source: Source, reference: Reference, concept: Concept) -> None:
    """Describe ``source`` as ``s`` in its graph ``g``, checking its metadata fields."""
    path = source.meta_path
    g.add((s, RDF.type, TIPKG.SourceDocument))
    g.add((s, TIPKG.textFile, Literal(source.text_file)))
    g.add((s, TIPKG.sha256, Literal(source.sha256)))
    g.add((s, DCTERMS.language, Literal(source.language)))
    title = source.meta.items.get("title")
    if title is None:
        raise DataError(path, source.meta.line, "title", "missing: required in source metadata")
    for lit in lang_values(title, path, "title", source.language):
        g.add((s, DCTERMS.title, lit))
        g.add((s, RDFS.label, lit))
    issued = source.meta.items.get("issued")
    if issued is not None:
        issued_lit = parse_temporal(text_of(issued, path, "issued"))
        if issued_lit is None:
            raise DataError(path, issued.line, "issued", "expected a date like 2011, 2011-03 or 2011-03-15")
        g.add((s, DCTERMS.issued, issued_lit))
    note = source.meta.items.get("note")
    if note is not None:
        g.add((s, SKOS.editorialNote, Literal(nfc(text_of(note, path, "note")), lang="en")))
    for key, entity_property, name_property in _AGENTS:
        value = source.meta.items.get(key)
        if value is not None:
            text = text_of(value, path, key)
            # an author or publisher: an entity of the graph by its id, or a name as free text
            if ID.match(text):
                g.add((s, entity_property, reference(value, path, key)))
            else:
                g.add((s, name_property, Literal(nfc(text))))
    url = source.meta.items.get("url")
    if url is not None:
        text = text_of(url, path, "url")
        if not re.match(r"^https?://\S+$", text):
            raise DataError(path, url.line, "url", f"{text!r}: expected an http(s) address")
        g.add((s, TIPKG.url, Literal(text, datatype=XSD.anyURI)))
    _annexes(g, s, source)
    for i, section in enumerate(source.sections, 1):
        sec = URIRef(f"{s}/section/{i}")
        g.add((sec, RDF.type, TIPKG.Section))
        g.add((sec, RDFS.label, Literal(section.label, lang=source.language)))
        g.add((sec, TIPKG.sectionOf, s))
        g.add((sec, TIPKG.start, Literal(section.start, datatype=XSD.nonNegativeInteger)))
        g.add((sec, TIPKG.end, Literal(section.end, datatype=XSD.nonNegativeInteger)))
        if section.area:
            g.add((sec, TIPKG.area, concept(TIPKG.Area, section.area, path, 0, "sections.area")))


def _annexes(g: Graph, s: URIRef, source: Source) -> None:
    """The documents annexed to a report, each with its address and title."""
    path = source.meta_path
    for i, annex in enumerate(meta_list(source, "annexes"), 1):
        if not isinstance(annex, Mapping) or "url" not in annex.items:
            raise DataError(path, annex.line, "annexes", "expected a mapping {url, title}")
        a = URIRef(f"{s}/annex/{i}")
        g.add((s, TIPKG.annex, a))
        g.add((a, RDF.type, TIPKG.Document))
        g.add((a, TIPKG.url, Literal(text_of(annex.items["url"], path, "url"), datatype=XSD.anyURI)))
        if "title" in annex.items:
            t = Literal(nfc(text_of(annex.items["title"], path, "title")))
            g.add((a, DCTERMS.title, t))
            g.add((a, RDFS.label, t))
