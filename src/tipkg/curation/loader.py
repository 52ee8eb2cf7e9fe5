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

import hashlib
from dataclasses import dataclass, field

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, QB, RDF, RDFS, SKOS

from tipkg.curation.documents import source_triples
from tipkg.curation.evidence import EvidenceRef, evidence_triples, find_quote, first_source, parse_evidence
from tipkg.curation.links import accepted_links, curated_links
from tipkg.curation.records import CuratedFile, Mapping, Sequence, Value
from tipkg.curation.schema import Property, Schema
from tipkg.curation.sources import Source
from tipkg.curation.statements import Claim, OnePerSource, statement_triples
from tipkg.curation.values import ID, as_list, lang_values, literal_values, nfc, suggest, text_of
from tipkg.errors import DataError
from tipkg.namespaces import TIPKG, Graphs

RESERVED = {"id", "about", "type", "label", "altLabel", "evidence", "facts", "note", "wikidata"}


@dataclass
class Declared:
    iri: URIRef
    types: set[URIRef]
    where: str
    source: str | None = None  # the source whose record declares the entity


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


class Loader:
    """Turns parsed curated files into a dataset, checking each value against the ontology."""

    def __init__(
        self, schema: Schema, sources: dict[str, Source], checked_qids: set[str], base: str, entities: dict[str, Declared] | None = None
    ) -> None:
        self.schema = schema
        self.sources = sources
        self.checked_qids = checked_qids
        self.graphs = Graphs(base)
        self.base = base
        self.out = Loaded(Dataset())
        if entities is not None:  # declared beforehand, by the whole corpus
            self.out.entities = entities
        self._quote_cache: dict[tuple[str, str], EvidenceRef] = {}
        self._single = OnePerSource(schema)

    # -- entry point --------------------------------------------------------------------------

    def load(self, files: list[CuratedFile]) -> Loaded:
        for f in files:
            self.declare(f)
        for source in self.sources.values():
            self.source_triples(source)
        return self.records(files)

    def records(self, files: list[CuratedFile]) -> Loaded:
        """The triples of the records of ``files``, whose entities are declared (by :meth:`declare`,
        or given to a loader that builds one part of a corpus: :mod:`tipkg.build.units`)."""
        for f in files:
            for record in f.records:
                self._record(f, record)
        return self.out

    # -- helpers ------------------------------------------------------------------------------

    def _graph(self, source_id: str):  # type: ignore[no-untyped-def]
        return self.out.dataset.graph(URIRef(self.graphs.source(source_id)))

    def iri(self, local: str) -> URIRef:
        return URIRef(self.base + local)

    # -- pass 1: ids and types ----------------------------------------------------------------

    def declare(self, f: CuratedFile) -> None:
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
            local = text_of(record.items["id"], f.path, "id")
            line = record.lines["id"]
            if not ID.match(local):
                raise DataError(f.path, line, "id", f"{local!r}: expected lower-case words joined by '/', like agency/fevimtra")
            if local in self.out.entities:
                raise DataError(f.path, line, "id", f"duplicate id {local!r}, already declared at {self.out.entities[local].where}")
            if "type" not in record.items:
                raise DataError(f.path, record.line, "type", "missing: expected an ontology class, like GovernmentBody")
            types = {self._class(v, f.path) for v in as_list(record.items["type"])}
            self.out.entities[local] = Declared(self.iri(local), types, f"{f.path}:{line}", first_source(record, f.source))
            self.out.locations[self.iri(local)] = f"{f.path}:{record.line}"  # the declaring record, wherever others add to it

    def _class(self, value: Value, path: str) -> URIRef:
        name = text_of(value, path, "type")
        if name not in self.schema.classes:
            raise DataError(path, value.line, "type", f"unknown class {name!r}{suggest(name, self.schema.classes)}")
        cls = self.schema.classes[name]
        if self.schema.is_concept_class(cls):
            raise DataError(path, value.line, "type", f"{name} is a code list: its members live in ontology/concepts.ttl")
        return cls

    # -- sources --------------------------------------------------------------------------------

    def source_iri(self, source_id: str) -> URIRef:
        return self.iri(f"source/{source_id}")

    def source_triples(self, source: Source) -> None:
        source_triples(self._graph(source.id), self.source_iri(source.id), source, self._reference, self.schema.concept)

    # -- evidence -------------------------------------------------------------------------------

    def _evidence(self, value: Value, f: CuratedFile, key: str) -> list[EvidenceRef]:
        """The quotes of an evidence field, each found once in its source (and annotated the first time)."""
        refs = []
        for cited in parse_evidence(value, f, key, self.sources):
            ref = self._quote_cache.get((cited.source, cited.quote))
            if ref is None:
                ref = find_quote(self.sources[cited.source], cited, f.path, key)
                if ref not in self.out.evidence:
                    self.out.evidence.add(ref)
                    evidence_triples(
                        self._graph(ref.source), self.evidence_iri(ref), ref, self.sources[ref.source], self.source_iri(ref.source)
                    )
                self._quote_cache[(cited.source, cited.quote)] = ref
            refs.append(ref)
        return refs

    def evidence_iri(self, ref: EvidenceRef) -> URIRef:
        return self.iri(f"evidence/{ref.source}/{ref.start}-{ref.end}")

    # -- records ------------------------------------------------------------------------------

    def _record(self, f: CuratedFile, record: Mapping) -> None:
        path = f.path
        if "about" in record.items:
            subject = self._reference(record.items["about"], path, "about")
            types: set[URIRef] = set()
        else:
            declared = self.out.entities[text_of(record.items["id"], path, "id")]
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
            for lit in lang_values(record.items["label"], path, "label", lang):
                self._assert(subject, SKOS.prefLabel, lit, evidence, f"{path}:{record.lines['label']}", key="label")
                self._assert(subject, RDFS.label, lit, evidence, where)
        if "altLabel" in record.items:
            for lit in lang_values(record.items["altLabel"], path, "altLabel", lang):
                self._assert(subject, SKOS.altLabel, lit, evidence, where)
        if "note" in record.items:
            note = Literal(nfc(text_of(record.items["note"], path, "note")), lang="en")
            self.out.dataset.graph(URIRef(self.graphs.curation)).add((subject, SKOS.editorialNote, note))
        if "wikidata" in record.items:
            curated_links(self.out.dataset.graph(URIRef(self.graphs.links)), subject, record.items["wikidata"], path, self.checked_qids)
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
            raise DataError(path, line, key, f"unknown property{suggest(key, self.schema.properties)}")
        values = as_list(value)
        for i, item in enumerate(values):
            if prop.is_object:
                obj = self._object_value(f, prop, item, subject, evidence, i if len(values) > 1 else None)
                self._assert(subject, prop.iri, obj, evidence, f"{path}:{line}", key=key)
            else:
                for lit in literal_values(prop.range, item, path, key, self.sources[evidence[0].source].language):
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
                self._single.check(source, s, p, o, where, key)
            st = self.iri(f"statement/{source}/{digest}")
            statement_triples(self._graph(source), st, (s, p, o), self.source_iri(source), map(self.evidence_iri, refs))
            self.out.locations.setdefault(st, where)
            claim = (source, s, p, o)
            if claim not in self.out.claims:
                self.out.claims[claim] = Claim(source, s, p, o, st, where)

    # -- values ---------------------------------------------------------------------------------

    def _reference(self, value: Value, path: str, key: str) -> URIRef:
        local = text_of(value, path, key)
        if local not in self.out.entities:
            raise DataError(path, value.line, key, f"unknown reference {local!r}{suggest(local, self.out.entities)}")
        return self.out.entities[local].iri

    def _value_base(self, subject: URIRef, source: str) -> str:
        """Where a record's structured values live: under the entity for the source that declares
        it, under ``<entity>/<source>`` for any other, so that two reports' amounts stay two nodes."""
        local = str(subject)[len(self.base) :]
        declared = self.out.entities.get(local)
        if declared is None or declared.source in (None, source):
            return str(subject)
        return f"{subject}/{source}"

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
        text = text_of(item, path, prop.name)
        if rng is not None and self.schema.is_concept_class(rng):
            return self.schema.concept(rng, text, path, item.line, prop.name)
        return self._reference(item, path, prop.name)

    def accepted_links(self, links: list[tuple[str, str, int]], path: str) -> None:
        """Link each entity to the Wikidata id a curator accepted (``tipkg link``'s review file)."""
        entities = {local: declared.iri for local, declared in self.out.entities.items()}
        accepted_links(self.out.dataset.graph(URIRef(self.graphs.links)), links, path, entities)
