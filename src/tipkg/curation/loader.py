"""Curated records to RDF: the pure core of the build (no file access).

Every triple a record asserts (the entity's types, its names, each fact, the triples of its
structured values) goes into the named graph of each source its evidence cites, and is described
there by one ``rdf:Statement`` *per source* (``statement/<source>/<digest>``) with
``dcterms:source`` that report and ``prov:wasDerivedFrom`` that report's quotes only. A statement
two reports make is two statements, each in its source's voice; the triple itself is one triple of
the union. Single-valued properties and preferred names hold per source: reports may disagree, and
the build compares what they say (:mod:`tipkg.compare.values`). Curators' notes are not a source's
word: they go to the curation graph.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, QB, RDF, RDFS, SKOS, VOID, XSD

from tipkg.curation.records import CuratedFile, Mapping, Scalar, Sequence, Value
from tipkg.curation.schema import Property, Schema
from tipkg.curation.sources import Source, meta_list
from tipkg.errors import DataError
from tipkg.namespaces import OA, TIPKG, WD, WIKIDATA, Graphs

RESERVED = {"id", "about", "type", "label", "altLabel", "evidence", "facts", "note", "wikidata"}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+$")
_DECIMAL = re.compile(r"^-?\d+(?:\.\d+)?$")
_INTEGER = re.compile(r"^\d+$")
_QID = re.compile(r"^Q[1-9]\d*$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")
_CONTEXT = 32  # characters of prefix/suffix kept with a quote


@dataclass(frozen=True)
class EvidenceRef:
    source: str
    start: int
    end: int


@dataclass
class Declared:
    iri: URIRef
    types: set[URIRef]
    where: str
    source: str | None = None  # the source whose record declares the entity


@dataclass(frozen=True)
class Claim:
    """One source's statement of one triple, and the curated record that makes it."""

    source: str
    s: URIRef
    p: URIRef
    o: URIRef | Literal
    statement: URIRef
    where: str


@dataclass
class Loaded:
    """The result of loading curated data: the dataset and what it holds."""

    dataset: Dataset
    entities: dict[str, Declared] = field(default_factory=dict)
    evidence: set[EvidenceRef] = field(default_factory=set)
    # every (source, triple) statement, in the order the records make them
    claims: dict[tuple[str, URIRef, URIRef, URIRef | Literal], Claim] = field(default_factory=dict)
    # "file:line" where each node (record, nested value, statement) is curated, for messages about it
    locations: dict[URIRef, str] = field(default_factory=dict)
    # the same per source: the record of that source that states something of the node
    source_locations: dict[tuple[str, URIRef], str] = field(default_factory=dict)

    @property
    def facts(self) -> int:
        """Distinct triples the curated data asserts (whatever the number of sources stating each)."""
        return len({(s, p, o) for _source, s, p, o in self.claims})

    @property
    def statements(self) -> int:
        """Statements: one per triple per source that states it."""
        return len(self.claims)


def parse_checked_qids(text: str) -> set[str]:
    """Wikidata ids from the reference list of checked ids (CSV with a ``wikidata_id`` column)."""
    return {row["wikidata_id"].strip() for row in csv.DictReader(io.StringIO(text)) if row.get("wikidata_id")}


def parse_accepted_links(text: str) -> list[tuple[str, str, int]]:
    """``(entity id, Wikidata id, line)`` of the rows a curator accepted in the candidates review file."""
    rows = csv.DictReader(io.StringIO(text))
    return [
        ((row.get("entity") or "").strip(), (row.get("candidate") or "").strip(), rows.line_num)
        for row in rows
        if (row.get("status") or "").strip() == "accepted"
    ]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_temporal(text: str) -> Literal | None:
    """A date at its given precision: ``2009`` gYear, ``2009-07`` gYearMonth, ``2009-10-07`` date."""
    if re.fullmatch(r"\d{4}", text):
        return Literal(text, datatype=XSD.gYear)
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
        return Literal(text, datatype=XSD.gYearMonth)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            date.fromisoformat(text)
        except ValueError:
            return None
        return Literal(text, datatype=XSD.date)
    return None


class Loader:
    """Turns parsed curated files into a dataset, checking each value against the ontology."""

    def __init__(self, schema: Schema, sources: dict[str, Source], checked_qids: set[str], base: str) -> None:
        self.schema = schema
        self.sources = sources
        self.checked_qids = checked_qids
        self.graphs = Graphs(base)
        self.base = base
        self.out = Loaded(Dataset())
        self._quote_cache: dict[tuple[str, str], EvidenceRef] = {}
        # (source, subject, property, language) -> the first value and where it was given
        self._single: dict[tuple[str, URIRef, URIRef, str], tuple[URIRef | Literal, str]] = {}

    # -- entry point --------------------------------------------------------------------------

    def load(self, files: list[CuratedFile]) -> Loaded:
        for f in files:
            self._declare(f)
        for source in self.sources.values():
            self._source_triples(source)
        for f in files:
            for record in f.records:
                self._record(f, record)
        return self.out

    # -- helpers ------------------------------------------------------------------------------

    def _graph(self, source_id: str):  # type: ignore[no-untyped-def]
        return self.out.dataset.graph(URIRef(self.graphs.source(source_id)))

    def iri(self, local: str) -> URIRef:
        return URIRef(self.base + local)

    @staticmethod
    def _text(value: Value, path: str, key: str) -> str:
        if not isinstance(value, Scalar) or value.text is None or value.text == "":
            raise DataError(path, value.line, key, "expected a single non-empty value")
        return value.text

    # -- pass 1: ids and types ----------------------------------------------------------------

    def _declare(self, f: CuratedFile) -> None:
        for record in f.records:
            if "id" in record.items and "about" in record.items:
                raise DataError(f.path, record.line, "id", "a record has either 'id' (new entity) or 'about' (existing one), not both")
            if "id" not in record.items:
                if "about" not in record.items:
                    raise DataError(f.path, record.line, "id", "missing: expected 'id' (or 'about' to add to an existing entity)")
                if "type" in record.items:
                    raise DataError(
                        f.path, record.lines["type"], "type", "an 'about' record adds facts; its type is set where the entity is declared"
                    )
                continue
            local = self._text(record.items["id"], f.path, "id")
            line = record.lines["id"]
            if not _ID.match(local):
                raise DataError(f.path, line, "id", f"{local!r}: expected lower-case words joined by '/', like agency/fevimtra")
            if local in self.out.entities:
                raise DataError(f.path, line, "id", f"duplicate id {local!r}, already declared at {self.out.entities[local].where}")
            if "type" not in record.items:
                raise DataError(f.path, record.line, "type", "missing: expected an ontology class, like GovernmentBody")
            types = {self._class(v, f.path) for v in _as_list(record.items["type"])}
            self.out.entities[local] = Declared(self.iri(local), types, f"{f.path}:{line}", _first_source(record, f.source))
            self.out.locations[self.iri(local)] = f"{f.path}:{record.line}"  # the declaring record, wherever others add to it

    def _class(self, value: Value, path: str) -> URIRef:
        name = self._text(value, path, "type")
        if name not in self.schema.classes:
            raise DataError(path, value.line, "type", f"unknown class {name!r}{_suggest(name, self.schema.classes)}")
        cls = self.schema.classes[name]
        if self.schema.is_concept_class(cls):
            raise DataError(path, value.line, "type", f"{name} is a code list: its members live in ontology/concepts.ttl")
        return cls

    # -- sources --------------------------------------------------------------------------------

    def source_iri(self, source_id: str) -> URIRef:
        return self.iri(f"source/{source_id}")

    def _source_triples(self, source: Source) -> None:
        g = self._graph(source.id)
        s = self.source_iri(source.id)
        path = source.meta_path
        g.add((s, RDF.type, TIPKG.SourceDocument))
        g.add((s, TIPKG.textFile, Literal(source.text_file)))
        g.add((s, TIPKG.sha256, Literal(source.sha256)))
        g.add((s, DCTERMS.language, Literal(source.language)))
        title = source.meta.items.get("title")
        if title is None:
            raise DataError(path, source.meta.line, "title", "missing: required in source metadata")
        for lit in self._lang_values(title, path, "title", source.language):
            g.add((s, DCTERMS.title, lit))
            g.add((s, RDFS.label, lit))
        issued = source.meta.items.get("issued")
        if issued is not None:
            issued_lit = parse_temporal(self._text(issued, path, "issued"))
            if issued_lit is None:
                raise DataError(path, issued.line, "issued", "expected a date like 2011, 2011-03 or 2011-03-15")
            g.add((s, DCTERMS.issued, issued_lit))
        note = source.meta.items.get("note")
        if note is not None:
            g.add((s, SKOS.editorialNote, Literal(nfc(self._text(note, path, "note")), lang="en")))
        for key, entity_property, name_property in (
            ("creator", DCTERMS.creator, TIPKG.creatorName),
            ("author", DCTERMS.creator, TIPKG.creatorName),
            ("publisher", DCTERMS.publisher, TIPKG.publisherName),
        ):
            value = source.meta.items.get(key)
            if value is not None:
                g.add((s, *self._agent(value, path, key, entity_property, name_property)))
        url = source.meta.items.get("url")
        if url is not None:
            text = self._text(url, path, "url")
            if not re.match(r"^https?://\S+$", text):
                raise DataError(path, url.line, "url", f"{text!r}: expected an http(s) address")
            g.add((s, TIPKG.url, Literal(text, datatype=XSD.anyURI)))
        for i, annex in enumerate(meta_list(source, "annexes"), 1):
            if not isinstance(annex, Mapping) or "url" not in annex.items:
                raise DataError(path, annex.line, "annexes", "expected a mapping {url, title}")
            a = URIRef(f"{s}/annex/{i}")
            g.add((s, TIPKG.annex, a))
            g.add((a, RDF.type, TIPKG.Document))
            g.add((a, TIPKG.url, Literal(self._text(annex.items["url"], path, "url"), datatype=XSD.anyURI)))
            if "title" in annex.items:
                t = Literal(nfc(self._text(annex.items["title"], path, "title")))
                g.add((a, DCTERMS.title, t))
                g.add((a, RDFS.label, t))
        for i, section in enumerate(source.sections, 1):
            sec = URIRef(f"{s}/section/{i}")
            g.add((sec, RDF.type, TIPKG.Section))
            g.add((sec, RDFS.label, Literal(section.label, lang=source.language)))
            g.add((sec, TIPKG.sectionOf, s))
            g.add((sec, TIPKG.start, Literal(section.start, datatype=XSD.nonNegativeInteger)))
            g.add((sec, TIPKG.end, Literal(section.end, datatype=XSD.nonNegativeInteger)))
            if section.area:
                g.add((sec, TIPKG.area, self._concept_by_notation(TIPKG.Area, section.area, path, 0, "sections.area")))

    def _agent(self, value: Value, path: str, key: str, entity_property: URIRef, name_property: URIRef) -> tuple[URIRef, URIRef | Literal]:
        """An author or publisher: an entity of the graph by its id, or a name as free text."""
        text = self._text(value, path, key)
        if _ID.match(text):
            return entity_property, self._reference(value, path, key)
        return name_property, Literal(nfc(text))

    # -- evidence -------------------------------------------------------------------------------

    def _evidence(self, value: Value, f: CuratedFile, key: str) -> list[EvidenceRef]:
        refs = []
        for item in _as_list(value):
            source_id = f.source
            if isinstance(item, Mapping):
                if "quote" not in item.items:
                    raise DataError(f.path, item.line, key, "expected {source: ID, quote: ...}")
                if "source" in item.items:
                    source_id = self._text(item.items["source"], f.path, f"{key}.source")
                quote = self._text(item.items["quote"], f.path, f"{key}.quote")
            else:
                quote = self._text(item, f.path, key)
            if source_id is None:
                raise DataError(f.path, item.line, key, "no source: give 'source:' at the top of the file or in the evidence")
            if source_id not in self.sources:
                raise DataError(f.path, item.line, key, f"unknown source {source_id!r}{_suggest(source_id, self.sources)}")
            refs.append(self._quote(source_id, quote, f.path, item.line, key))
        if not refs:
            raise DataError(f.path, value.line, key, "expected at least one quote")
        return refs

    def _quote(self, source_id: str, quote: str, path: str, line: int, key: str) -> EvidenceRef:
        cached = self._quote_cache.get((source_id, quote))
        if cached:
            return cached
        source = self.sources[source_id]
        spans = source.locate(quote)
        if not spans:
            raise DataError(path, line, key, f"quote not found in source {source_id} ({source.text_file}): {_short(quote)!r}")
        if len(spans) > 1:
            raise DataError(
                path, line, key, f"quote occurs {len(spans)} times in source {source_id}: lengthen it to one place: {_short(quote)!r}"
            )
        ref = EvidenceRef(source_id, *spans[0])
        if ref not in self.out.evidence:
            self.out.evidence.add(ref)
            self._evidence_triples(ref)
        self._quote_cache[(source_id, quote)] = ref
        return ref

    def evidence_iri(self, ref: EvidenceRef) -> URIRef:
        return self.iri(f"evidence/{ref.source}/{ref.start}-{ref.end}")

    def _evidence_triples(self, ref: EvidenceRef) -> None:
        source = self.sources[ref.source]
        text = source.text
        g = self._graph(ref.source)
        ev = self.evidence_iri(ref)
        quote, pos = URIRef(f"{ev}/quote"), URIRef(f"{ev}/position")
        g.add((ev, RDF.type, TIPKG.Evidence))
        g.add((ev, RDF.type, OA.SpecificResource))
        g.add((ev, OA.hasSource, self.source_iri(ref.source)))
        g.add((ev, OA.hasSelector, quote))
        g.add((ev, OA.hasSelector, pos))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(text[ref.start : ref.end])))
        g.add((quote, OA.prefix, Literal(text[max(0, ref.start - _CONTEXT) : ref.start])))
        g.add((quote, OA.suffix, Literal(text[ref.end : ref.end + _CONTEXT])))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        g.add((pos, OA.start, Literal(ref.start, datatype=XSD.nonNegativeInteger)))
        g.add((pos, OA.end, Literal(ref.end, datatype=XSD.nonNegativeInteger)))
        for i, section in enumerate(source.sections, 1):
            if section.start <= ref.start < section.end:
                g.add((ev, TIPKG.section, URIRef(f"{self.source_iri(ref.source)}/section/{i}")))

    # -- records ------------------------------------------------------------------------------

    def _record(self, f: CuratedFile, record: Mapping) -> None:
        path = f.path
        if "about" in record.items:
            subject = self._reference(record.items["about"], path, "about")
            types: set[URIRef] = set()
        else:
            declared = self.out.entities[self._text(record.items["id"], path, "id")]
            subject, types = declared.iri, declared.types
        if "evidence" not in record.items:
            raise DataError(path, record.line, "evidence", "missing: every record cites a quote of its source")
        evidence = self._evidence(record.items["evidence"], f, "evidence")
        self._node(f, record, subject, types, evidence)

    def _node(self, f: CuratedFile, record: Mapping, subject: URIRef, types: set[URIRef], evidence: list[EvidenceRef]) -> None:
        """The triples of one record (or nested value): its types and names cite the record's own
        evidence, each fact its own; each goes to the graphs of the sources those quotes are in."""
        path = f.path
        where = f"{path}:{record.line}"
        self.out.locations.setdefault(subject, where)
        for source in dict.fromkeys(ref.source for ref in evidence):
            self.out.source_locations.setdefault((source, subject), where)
        primary = evidence[0].source
        for t in sorted(types):
            self._assert(subject, RDF.type, t, evidence, where)
            if TIPKG.Observation in self.schema.superclasses(t):
                # the report's data set: structure the build gives every observation it declares
                g = self._graph(primary)
                ds = self.iri(f"dataset/{primary}")
                g.add((subject, QB.dataSet, ds))
                g.add((ds, RDF.type, QB.DataSet))
                g.add((ds, RDFS.label, Literal(f"statistics of source {primary}", lang="en")))
                g.add((ds, DCTERMS.source, self.source_iri(primary)))
        lang = self.sources[primary].language
        if "label" in record.items:
            for lit in self._lang_values(record.items["label"], path, "label", lang):
                self._assert(subject, SKOS.prefLabel, lit, evidence, f"{path}:{record.lines['label']}", key="label")
                self._assert(subject, RDFS.label, lit, evidence, where)
        if "altLabel" in record.items:
            for lit in self._lang_values(record.items["altLabel"], path, "altLabel", lang):
                self._assert(subject, SKOS.altLabel, lit, evidence, where)
        if "note" in record.items:
            note = Literal(nfc(self._text(record.items["note"], path, "note")), lang="en")
            self.out.dataset.graph(URIRef(self.graphs.curation)).add((subject, SKOS.editorialNote, note))
        if "wikidata" in record.items:
            self._wikidata(record.items["wikidata"], path, subject)
        for key, value in record.items.items():
            if key in RESERVED:
                continue
            self._fact(f, key, record.lines[key], value, subject, evidence)
        if "facts" in record.items:
            facts = record.items["facts"]
            if not isinstance(facts, Sequence):
                raise DataError(path, facts.line, "facts", "expected a list of {property: value, evidence: quote}")
            for fact in facts.items:
                if not isinstance(fact, Mapping) or not (set(fact.items) - {"evidence"}):
                    raise DataError(path, fact.line, "facts", "expected {property: value, evidence: quote}")
                fact_evidence = self._evidence(fact.items["evidence"], f, "evidence") if "evidence" in fact.items else evidence
                for key, value in fact.items.items():
                    if key != "evidence":
                        self._fact(f, key, fact.lines[key], value, subject, fact_evidence)

    def _fact(self, f: CuratedFile, key: str, line: int, value: Value, subject: URIRef, evidence: list[EvidenceRef]) -> None:
        path = f.path
        prop = self.schema.properties.get(key)
        if prop is None:
            raise DataError(path, line, key, f"unknown property{_suggest(key, self.schema.properties)}")
        values = _as_list(value)
        for i, item in enumerate(values):
            if prop.is_object:
                obj = self._object_value(f, prop, item, subject, evidence, i if len(values) > 1 else None)
                self._assert(subject, prop.iri, obj, evidence, f"{path}:{line}", key=key)
            else:
                for lit in self._literal_values(prop, item, path, evidence):
                    self._assert(subject, prop.iri, lit, evidence, f"{path}:{line}", key=key)

    def _assert(self, s: URIRef, p: URIRef, o: URIRef | Literal, evidence: list[EvidenceRef], where: str, key: str | None = None) -> None:
        """State ``s p o`` in the graph of each source ``evidence`` cites, with that source's quotes.

        ``key`` names the curated field for the per-source checks: a functional property takes one
        value per source, a preferred name one per language per source.
        """
        digest = hashlib.sha1(f"{s.n3()} {p.n3()} {o.n3()}".encode()).hexdigest()[:16]
        by_source: dict[str, list[EvidenceRef]] = {}
        for ref in evidence:
            by_source.setdefault(ref.source, []).append(ref)
        for source, refs in by_source.items():
            if key is not None:
                self._one_per_source(source, s, p, o, where, key)
            st = self.iri(f"statement/{source}/{digest}")
            g = self._graph(source)
            g.add((s, p, o))
            g.add((st, RDF.type, RDF.Statement))
            g.add((st, RDF.subject, s))
            g.add((st, RDF.predicate, p))
            g.add((st, RDF.object, o))
            g.add((st, DCTERMS.source, self.source_iri(source)))
            for ref in refs:
                g.add((st, PROV.wasDerivedFrom, self.evidence_iri(ref)))
            self.out.locations.setdefault(st, where)
            claim = (source, s, p, o)
            if claim not in self.out.claims:
                self.out.claims[claim] = Claim(source, s, p, o, st, where)

    def _one_per_source(self, source: str, s: URIRef, p: URIRef, o: URIRef | Literal, where: str, key: str) -> None:
        """Refuse a second value of a single-valued property (or name) in one source's word."""
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
        first = self._single.setdefault(slot, (o, where))
        if first[0] != o:
            file, _, line = where.rpartition(":")
            raise DataError(file, int(line), key, f"{what} {first[0]} at {first[1]}")

    # -- values ---------------------------------------------------------------------------------

    def _reference(self, value: Value, path: str, key: str) -> URIRef:
        local = self._text(value, path, key)
        if local not in self.out.entities:
            raise DataError(path, value.line, key, f"unknown reference {local!r}{_suggest(local, self.out.entities)}")
        return self.out.entities[local].iri

    def _value_base(self, subject: URIRef, source: str) -> str:
        """Where a record's structured values live: under the entity for the source that declares
        it, under ``<entity>/<source>`` for any other, so that two reports' amounts stay two nodes."""
        local = str(subject)[len(self.base) :]
        declared = self.out.entities.get(local)
        if declared is None or declared.source in (None, source):
            return str(subject)
        return f"{subject}/{source}"

    def _concept_by_notation(self, cls: URIRef, notation: str, path: str, line: int, key: str) -> URIRef:
        members = self.schema.concepts.get(cls, {})
        if notation not in members:
            choices = ", ".join(sorted(members))
            raise DataError(path, line, key, f"unknown code {notation!r}: expected one of {choices}")
        return members[notation]

    def _object_value(
        self, f: CuratedFile, prop: Property, item: Value, subject: URIRef, evidence: list[EvidenceRef], index: int | None
    ) -> URIRef:
        path = f.path
        rng = prop.range
        if isinstance(item, Mapping):
            if rng is None or self.schema.is_concept_class(rng) or rng not in self.schema.classes.values():
                raise DataError(path, item.line, prop.name, "expected a reference (an id), not a mapping")
            child = URIRef(f"{self._value_base(subject, evidence[0].source)}/{prop.name}" + (f"-{index + 1}" if index is not None else ""))
            if "type" in item.items:
                types = {self._class(item.items["type"], path)}
                if not any(rng in self.schema.superclasses(t) for t in types):
                    raise DataError(path, item.line, prop.name, f"type must be a subclass of {rng.fragment}")
            else:
                types = {rng}
            for key in ("id", "about", "evidence", "facts"):
                if key in item.items:
                    raise DataError(path, item.lines[key], key, "not allowed in a nested value: it shares the record's evidence")
            self._node(f, item, child, types, evidence)
            return child
        text = self._text(item, path, prop.name)
        if rng is not None and self.schema.is_concept_class(rng):
            return self._concept_by_notation(rng, text, path, item.line, prop.name)
        return self._reference(item, path, prop.name)

    def _literal_values(self, prop: Property, item: Value, path: str, evidence: list[EvidenceRef]) -> list[Literal]:
        rng = prop.range
        if rng == RDF.langString:
            return self._lang_values(item, path, prop.name, self.sources[evidence[0].source].language)
        text = self._text(item, path, prop.name)
        if rng == TIPKG.TemporalValue:
            lit = parse_temporal(text)
            if lit is None:
                raise DataError(
                    path, item.line, prop.name, f"{text!r}: expected a date at the report's precision: 2009, 2009-07 or 2009-10-07"
                )
            return [lit]
        if rng == XSD.decimal:
            if not _DECIMAL.match(text):
                raise DataError(path, item.line, prop.name, f'{text!r}: expected a decimal number without separators, like "17926386.00"')
            return [Literal(text, datatype=XSD.decimal)]
        if rng in (XSD.integer, XSD.nonNegativeInteger):
            if not _INTEGER.match(text):
                raise DataError(path, item.line, prop.name, f"{text!r}: expected a whole number without separators")
            return [Literal(text, datatype=rng)]
        if rng == XSD.boolean:
            if text not in ("true", "false"):
                raise DataError(path, item.line, prop.name, f"{text!r}: expected true or false")
            return [Literal(text, datatype=XSD.boolean)]
        if rng == XSD.anyURI:
            if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text):
                raise DataError(path, item.line, prop.name, f"{text!r}: expected an absolute URL")
            return [Literal(text, datatype=XSD.anyURI)]
        return [Literal(nfc(text))]

    def _lang_values(self, value: Value, path: str, key: str, default_lang: str) -> list[Literal]:
        out = []
        for item in _as_list(value):
            if isinstance(item, Mapping):
                for lang, text_value in item.items.items():
                    tag = lang.lower()
                    if not _LANG.match(tag):
                        raise DataError(path, item.lines[lang], key, f"{lang!r}: expected a language tag like en or es")
                    out.append(Literal(nfc(self._text(text_value, path, key)), lang=tag))
            else:
                out.append(Literal(nfc(self._text(item, path, key)), lang=default_lang))
        return out

    def accepted_links(self, links: list[tuple[str, str, int]], path: str) -> None:
        """Link each entity to the Wikidata id a curator accepted (``tipkg link``'s review file)."""
        graph = self.out.dataset.graph(URIRef(self.graphs.links))
        for local, qid, line in links:
            if local not in self.out.entities:
                raise DataError(path, line, "entity", f"unknown entity {local!r}{_suggest(local, self.out.entities)}")
            if not _QID.match(qid):
                raise DataError(path, line, "candidate", f"{qid!r}: expected a Wikidata id like Q96")
            graph.add((self.out.entities[local].iri, OWL.sameAs, WD[qid]))
            graph.add((self.out.entities[local].iri, TIPKG.wikidata, WD[qid]))

    def _wikidata(self, value: Value, path: str, subject: URIRef) -> None:
        links = self.out.dataset.graph(URIRef(self.graphs.links))
        for item in _as_list(value):
            qid = self._text(item, path, "wikidata")
            if not _QID.match(qid):
                raise DataError(path, item.line, "wikidata", f"{qid!r}: expected a Wikidata id like Q96")
            if qid not in self.checked_qids:
                raise DataError(
                    path, item.line, "wikidata", f"{qid} is not in graph_data/reference/wikidata_qids.csv: link only checked ids"
                )
            links.add((subject, OWL.sameAs, WD[qid]))
            links.add((subject, TIPKG.wikidata, WD[qid]))


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


def _first_source(record: Mapping, default: str | None) -> str | None:
    """The source of a record's first quote (``{source: ID, quote: ...}`` or the file's source)."""
    evidence = record.items.get("evidence")
    if evidence is None:
        return default
    first = _as_list(evidence)[0] if _as_list(evidence) else None
    if isinstance(first, Mapping) and isinstance(first.items.get("source"), Scalar):
        source = first.items["source"]
        assert isinstance(source, Scalar)
        return source.text or default
    return default


def _as_list(value: Value) -> list[Value]:
    return value.items if isinstance(value, Sequence) else [value]


def _suggest(name: str, known: object) -> str:
    close = difflib.get_close_matches(name, list(known), n=3)  # type: ignore[call-overload]
    return f"; did you mean {', '.join(close)}?" if close else ""


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
