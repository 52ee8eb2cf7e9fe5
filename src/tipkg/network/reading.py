"""The knowledge graph as a network: entities are nodes, object-property facts between them edges.

Read from the built store (``load_network``) or from any rdflib graph (``from_rdf``), through the
same SPARQL queries. Only asserted facts become edges: each is read from its reified
``rdf:Statement``, with the quotes it is derived from, so the inferred closure (inverse and
super-properties) does not double every edge.

Node attributes (the node key is the entity's IRI):

- ``cls``: local name of its most specific tipkg class; ``lineage``: that class and its tipkg
  superclasses, most specific first; ``kind``: ``"entity"``, or ``"nary"`` for the nodes that
  stand for a relation (funding allocations, memberships, statistical observations)
- ``labels``: ``{lang: preferred label}``; ``names``: every name (preferred and alternative, all
  languages); ``cls_labels``: the class label by language
- ``evidence``: the quotes the entity is derived from; ``areas``: areas of action (prevention,
  prosecution, protection) of the report sections its quotes lie in
- ``facts``: its literal and code-list facts, as ``Fact``; ``money``: for a node with an amount,
  ``{"value", "currency", "inferred"}``; ``local``: its id (the IRI without the data base)

Edge attributes (keyed by the property's local name): ``prop`` (IRI), ``name`` (local name),
``labels`` (by language), ``evidence`` (quotes), ``areas``.

Graph attributes: ``base`` (the IRI the ids are relative to); from the ontology, ``styles`` (class
→ colour and shape, from ``tipkg:displayColor`` and ``tipkg:displayShape``) and ``areas`` (the
codes of the areas of action) and ``periods`` (``start``, ``end``, ``date`` → the properties that
give them, from ``tipkg:periodPart``). Which classes stand for relations (``tipkg:naryEdge``) and which are
no nodes at all (``tipkg:notANode``) the ontology says too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from tipkg.namespaces import DEFAULT_BASE, TIPKG
from tipkg.network.describe import format_money
from tipkg.project import MANIFEST, read_manifest

_TIPKG = str(TIPKG)
_SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"

Q_TYPES = "SELECT DISTINCT ?s ?t WHERE { ?s a ?t . FILTER(isIRI(?s) && STRSTARTS(STR(?t), STR(tipkg:))) }"
Q_SUBCLASSES = "SELECT DISTINCT ?c ?sup WHERE { ?c rdfs:subClassOf ?sup . FILTER(isIRI(?c) && isIRI(?sup)) }"
Q_LABELS = """SELECT DISTINCT ?s ?p ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label skos:altLabel } ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l)) }"""
Q_NOTATIONS = "SELECT DISTINCT ?c ?n WHERE { ?c skos:notation ?n . FILTER(isIRI(?c)) }"
Q_EVIDENCE = """SELECT DISTINCT ?ev ?q ?start ?area ?doc WHERE {
  ?ev a tipkg:Evidence ; oa:hasSource ?doc ; oa:hasSelector ?sel . ?sel a oa:TextQuoteSelector ; oa:exact ?q .
  OPTIONAL { ?ev oa:hasSelector ?pos . ?pos oa:start ?start }
  OPTIONAL { ?ev tipkg:section ?sec . ?sec tipkg:area ?a . ?a skos:notation ?area } }"""
# a node's own evidence: the quotes of the statements of its types and names, by any source
Q_DERIVED = """SELECT DISTINCT ?x ?ev WHERE {
  ?st rdf:subject ?x ; rdf:predicate ?p ; prov:wasDerivedFrom ?ev . FILTER(?p IN (rdf:type, skos:prefLabel, skos:altLabel)) }"""
Q_STATEMENTS = """SELECT DISTINCT ?s ?p ?o ?ev WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(?p NOT IN (rdf:type, skos:prefLabel, skos:altLabel, rdfs:label))
  OPTIONAL { ?st prov:wasDerivedFrom ?ev } }"""
Q_SOURCES = "SELECT DISTINCT ?doc WHERE { ?doc a tipkg:SourceDocument }"
# the display metadata the ontology gives classes (see its tipkg:displayColor … block)
Q_DISPLAY = """SELECT DISTINCT ?c ?p ?v WHERE {
  VALUES ?p { tipkg:displayColor tipkg:displayShape tipkg:naryEdge tipkg:notANode tipkg:periodPart } ?c ?p ?v . FILTER(isIRI(?c)) }"""
# the codes of the areas of action: the concepts in the range of tipkg:area
Q_AREAS = "SELECT DISTINCT ?n WHERE { tipkg:area rdfs:range ?k . ?a a ?k ; skos:notation ?n }"


@dataclass
class Fact:
    """A literal or code-list fact of a node, with its evidence."""

    prop: str
    labels: dict[str, str]
    value: dict[str, str]  # by language; "" for a value without language
    evidence: list[str] = field(default_factory=list)
    code: str = ""  # the notation of a code-list value (``coordinator``, ``prevention``)
    sources: tuple[str, ...] = ()  # the sources that state it, where the graph holds several


@dataclass(frozen=True)
class Term:
    """An RDF term as plain Python: an IRI, or a literal with its language and datatype."""

    value: str
    iri: bool = False
    lang: str = ""
    datatype: str = ""


class _Quote:
    """A quote, its position in its source, and the area of the section it lies in. Where the graph
    holds several sources, its text names its source: no quote is shown without the report it is from."""

    def __init__(self, text: str, start: int, source: str = "") -> None:
        self.text = " ".join(text.split()) + (f" ({source})" if source else "")
        self.source = source  # "" where the graph holds one source
        self.start = start
        self.areas: set[str] = set()


# -- reading ----------------------------------------------------------------------------------


def load_network(build_dir: Path) -> nx.MultiDiGraph:
    """The network of the graph built in ``build_dir`` (its Oxigraph store)."""
    from tipkg.engines.oxigraph import open_store

    store = open_store(build_dir)
    base = DEFAULT_BASE
    if (build_dir / MANIFEST).exists():
        base = read_manifest(build_dir).get("base", DEFAULT_BASE)
    return from_store(store, base)


def from_rdf(graph: Any, base: str | None = None) -> nx.MultiDiGraph:
    """The network of an rdflib ``Graph`` or ``Dataset`` (all its named graphs together)."""
    from tipkg.engines.oxigraph import store_of

    return from_store(store_of(graph), base)


def from_store(store: Any, base: str | None = None) -> nx.MultiDiGraph:
    """The network of a pyoxigraph store's default graph (in a built store, the union of its named graphs)."""
    from tipkg.engines.oxigraph import plain_rows

    def rows(query: str) -> list[dict[str, Term]]:
        return [{name: Term(*value) for name, value in row.items()} for row in plain_rows(store, query)]

    return _Reader(rows, base).read()


class _Reader:
    def __init__(self, rows: Any, base: str | None) -> None:
        self.rows = rows
        self.base = base
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)  # preferred label by language
        self.names: dict[str, list[str]] = defaultdict(list)
        self.notation: dict[str, str] = {}

    def read(self) -> nx.MultiDiGraph:
        supers = self._superclasses()
        concept_classes = {c for c, s in supers.items() if _SKOS_CONCEPT in s}
        types: dict[str, set[str]] = defaultdict(set)
        for row in self.rows(Q_TYPES):
            types[row["s"].value].add(row["t"].value)
        self._read_labels()
        for row in self.rows(Q_NOTATIONS):
            self.notation[row["c"].value] = row["n"].value
        quotes = self._quotes()
        derived: dict[str, list[_Quote]] = defaultdict(list)
        for row in self.rows(Q_DERIVED):
            q = quotes.get(row["ev"].value)
            if q is not None:
                derived[row["x"].value].append(q)

        base = self.base or self._base()
        display: dict[str, dict[str, str]] = defaultdict(dict)  # annotation → class → value
        for row in self.rows(Q_DISPLAY):
            display[_local(row["p"].value)][_local(row["c"].value)] = row["v"].value
        nary = {c for c, v in display["naryEdge"].items() if v == "true"}
        not_nodes = {c for c, v in display["notANode"].items() if v == "true"}
        styles = {c: (color, display["displayShape"].get(c, "dot")) for c, color in display["displayColor"].items()}
        areas = tuple(sorted(row["n"].value for row in self.rows(Q_AREAS)))
        periods: dict[str, list[str]] = defaultdict(list)
        for prop, part in sorted(display["periodPart"].items()):
            periods[part].append(prop)
        g = nx.MultiDiGraph(base=base, styles=styles, areas=areas, periods=dict(periods))
        money_nodes: set[str] = set()
        for iri, classes in sorted(types.items()):
            local = {c[len(_TIPKG) :] for c in classes if c.startswith(_TIPKG)}
            if "MonetaryAmount" in local:
                money_nodes.add(iri)
            if not local or local & not_nodes or any(f"{_TIPKG}{c}" in concept_classes for c in local):
                continue
            cls = _most_specific(local, supers)
            lineage = _lineage(cls, supers)
            qs = _sorted_quotes(derived.get(iri, []))
            g.add_node(
                iri,
                cls=cls,
                lineage=lineage,
                kind="nary" if nary & set(lineage) else "entity",
                labels=dict(self.labels.get(iri) or {"": iri[len(base) :] if iri.startswith(base) else iri}),
                names=list(self.names.get(iri, [])),
                cls_labels=self._labels_of(f"{_TIPKG}{cls}", cls),
                evidence=[q.text for q in qs],
                areas=sorted({a for q in qs for a in q.areas}),
                facts=[],
                money=None,
                local=iri[len(base) :] if iri.startswith(base) else iri,
            )
        self._statements(g, quotes, money_nodes)
        return g

    def _superclasses(self) -> dict[str, set[str]]:
        direct: dict[str, set[str]] = defaultdict(set)
        for row in self.rows(Q_SUBCLASSES):
            direct[row["c"].value].add(row["sup"].value)
        from tipkg.relations import closure

        return closure(direct)

    def _read_labels(self) -> None:
        rdfs: dict[str, dict[str, str]] = defaultdict(dict)
        rows = sorted(self.rows(Q_LABELS), key=lambda r: (r["s"].value, r["p"].value, r["l"].lang, r["l"].value))
        for row in rows:
            s, p, lit = row["s"].value, row["p"].value, row["l"]
            text = unicodedata.normalize("NFC", lit.value)
            if p.endswith("#prefLabel"):
                self.labels[s].setdefault(lit.lang, text)
            elif p.endswith("#label"):
                rdfs[s].setdefault(lit.lang, text)
            if text not in self.names[s]:
                if p.endswith("#prefLabel"):
                    self.names[s].insert(0, text)
                else:
                    self.names[s].append(text)
        for s, by_lang in rdfs.items():
            for lang, text in by_lang.items():
                self.labels[s].setdefault(lang, text)

    def _labels_of(self, iri: str, fallback: str) -> dict[str, str]:
        return dict(self.labels.get(iri) or {"": fallback})

    def _quotes(self) -> dict[str, _Quote]:
        out: dict[str, _Quote] = {}
        rows = list(self.rows(Q_EVIDENCE))
        several = len({row["doc"].value for row in rows}) > 1
        for row in rows:
            ev = row["ev"].value
            if ev not in out:
                start = int(row["start"].value) if "start" in row else 0
                source = row["doc"].value.rstrip("/").rsplit("/", 1)[-1] if several else ""
                out[ev] = _Quote(row["q"].value, start, source)
            if "area" in row:
                out[ev].areas.add(row["area"].value)
        return out

    def _base(self) -> str:
        for row in self.rows(Q_SOURCES):
            doc = row["doc"].value
            if "/source/" in doc:
                return doc[: doc.rindex("/source/") + 1]
        return DEFAULT_BASE

    def _statements(self, g: nx.MultiDiGraph, quotes: dict[str, _Quote], money_nodes: set[str]) -> None:
        grouped: dict[tuple[str, str, Term], list[_Quote]] = defaultdict(list)
        for row in self.rows(Q_STATEMENTS):
            key = (row["s"].value, row["p"].value, row["o"])
            q = quotes.get(row["ev"].value) if "ev" in row else None
            found = grouped.setdefault(key, [])
            if q is not None and q not in found:
                found.append(q)
        nested: dict[str, dict[str, str]] = defaultdict(dict)
        for (s, p, o), _qs in grouped.items():
            if s in money_nodes and not o.iri:
                nested[s][_local(p)] = o.value
        for (s, p, o), qs in sorted(grouped.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2].value)):
            if s not in g:
                continue
            qs = _sorted_quotes(qs)
            evidence = [q.text for q in qs]
            for a in {a for q in qs for a in q.areas}:
                if a not in g.nodes[s]["areas"]:
                    g.nodes[s]["areas"] = sorted([*g.nodes[s]["areas"], a])
            name = _local(p)
            plabels = self._labels_of(p, name)
            if o.iri and o.value in g:
                if g.has_edge(s, o.value, key=name):
                    continue
                g.add_edge(
                    s,
                    o.value,
                    key=name,
                    prop=p,
                    name=name,
                    labels=plabels,
                    evidence=evidence,
                    areas=sorted({a for q in qs for a in q.areas}),
                )
            elif o.iri and o.value in money_nodes:
                m = nested.get(o.value, {})
                money = {"value": m.get("value", ""), "currency": m.get("currency", ""), "inferred": m.get("currencyInferred") == "true"}
                g.nodes[s]["money"] = money
                g.nodes[s]["facts"].append(Fact(name, plabels, {"": format_money(money)}, evidence))
            elif o.iri:
                code = self.notation.get(o.value, "")
                value = dict(self.labels.get(o.value) or {"": code or _local(o.value)})
                g.nodes[s]["facts"].append(Fact(name, plabels, value, evidence, code, _sources(qs)))
            else:
                g.nodes[s]["facts"].append(Fact(name, plabels, {o.lang: o.value}, evidence))


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _most_specific(classes: set[str], supers: dict[str, set[str]]) -> str:
    """The class none of the others is a subclass of (by name, for a stable choice among equals)."""
    iris = {c: f"{_TIPKG}{c}" for c in classes}
    candidates = [c for c in classes if not any(o != c and iris[c] in supers.get(iris[o], ()) for o in classes)]
    return sorted(candidates, key=lambda c: (-len(supers.get(iris[c], ())), c))[0]


def _lineage(cls: str, supers: dict[str, set[str]]) -> list[str]:
    """The class and its tipkg superclasses, most specific first."""
    mine = supers.get(f"{_TIPKG}{cls}", set())
    local = [s[len(_TIPKG) :] for s in mine if s.startswith(_TIPKG) and s != f"{_TIPKG}{cls}"]
    return [cls, *sorted(local, key=lambda c: (-len(supers.get(f"{_TIPKG}{c}", ())), c))]


def _sorted_quotes(qs: list[_Quote]) -> list[_Quote]:
    unique = {q.text: q for q in qs}
    return sorted(unique.values(), key=lambda q: (q.start, q.text))


def _sources(quotes: list[_Quote]) -> tuple[str, ...]:
    """The sources of a fact's quotes, where the graph holds several (else none: one voice)."""
    return tuple(sorted({q.source for q in quotes if q.source}))
