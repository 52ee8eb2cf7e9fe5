"""Who says what: two sources of a built graph side by side, read from their statements.

:func:`compare_sources` answers an analyst's first question across reports: what the two state
alike (the same triple, each with its own quotes), where one refines the other, where they
differ (the build's ``tipkg:Comparison`` nodes, :mod:`tipkg.compare.values`), and what only one
of them states about the things both speak of. :func:`source_overview` sums this up for every
pair of sources, for the site's source pages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import permutations
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from tipkg.errors import TipkgError

if TYPE_CHECKING:
    from tipkg.kg import KnowledgeGraph

Q_STATED = """SELECT ?s ?p ?o ?quote WHERE {
  ?st dcterms:source $source ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote .
}"""
Q_COMPARED = """SELECT ?verdict ?subject ?property ?stA ?stB ?finer WHERE {
  ?c tipkg:verdict/skos:notation ?verdict ; tipkg:comparedSubject ?subject ; tipkg:comparedProperty ?property ;
     tipkg:comparedStatement ?stA , ?stB .
  ?stA dcterms:source $a . ?stB dcterms:source $b .
  OPTIONAL { ?c tipkg:refiningStatement ?finer }
}"""
Q_STATEMENT = """SELECT ?s ?p ?o ?quote WHERE {
  $st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?quote .
}"""
Q_SOURCES = "SELECT ?source WHERE { ?source a tipkg:SourceDocument } ORDER BY ?source"
Q_PAIRS = """SELECT ?a ?b ?verdict (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c tipkg:verdict/skos:notation ?verdict ; tipkg:comparedStatement ?stA , ?stB .
  ?stA dcterms:source ?a . ?stB dcterms:source ?b . FILTER(?a != ?b)
} GROUP BY ?a ?b ?verdict"""
Q_COUNTS = "SELECT ?source (COUNT(?st) AS ?n) WHERE { ?st dcterms:source ?source ; rdf:predicate ?p } GROUP BY ?source"
# the sources of each triple that several state (one row per such triple: a self-join of the
# statements would pair every source with every other for each shared triple, in the store)
Q_SHARED = """SELECT (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources) WHERE {
  ?st dcterms:source ?source ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER(?p != rdfs:label)
} GROUP BY ?s ?p ?o HAVING (COUNT(DISTINCT ?source) > 1)"""


class UnknownSource(TipkgError):
    """A source id the graph does not hold."""


@dataclass(frozen=True)
class Stated:
    """One triple as one source states it, with that source's quotes."""

    s: URIRef
    p: URIRef
    o: Node
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Difference:
    """Two sources' values of one property of one subject (or measure)."""

    verdict: str  # differs or refines
    subject: URIRef
    prop: URIRef
    a: Stated
    b: Stated
    finer: str | None = None  # "a" or "b": which one is more precise, for a refinement


@dataclass
class SourceComparison:
    """What two sources share, where they differ, and what only one of them states."""

    a: URIRef
    b: URIRef
    both: list[tuple[Stated, Stated]] = field(default_factory=list)
    refines: list[Difference] = field(default_factory=list)
    differs: list[Difference] = field(default_factory=list)
    only_a: list[Stated] = field(default_factory=list)
    only_b: list[Stated] = field(default_factory=list)
    subjects_in_common: int = 0
    total_a: int = 0
    total_b: int = 0


def source_iri(kg: KnowledgeGraph, source: str) -> URIRef:
    """A source by its id (``mx-2011``) or IRI, checked to be a source of the graph."""
    known = [row[0] for row in kg.query(Q_SOURCES).rows]
    iri = URIRef(source if source.startswith(("http://", "https://")) else f"{kg.base}source/{source}")
    if iri not in known:
        ids = ", ".join(str(k).rsplit("/", 1)[-1] for k in known)
        raise UnknownSource(f"unknown source {source!r}: the graph holds {ids}")
    return iri


def stated_by(kg: KnowledgeGraph, source: URIRef) -> dict[tuple[URIRef, URIRef, Node], Stated]:
    """Every triple ``source`` states (but ``rdfs:label``, which repeats the preferred name)."""
    quotes: dict[tuple[URIRef, URIRef, Node], set[str]] = defaultdict(set)
    for s, p, o, quote in kg.query(Q_STATED, source=source).rows:
        if isinstance(s, URIRef) and isinstance(p, URIRef) and o is not None and p != RDFS.label:
            quotes[(s, p, o)].add(str(quote))
    return {k: Stated(*k, tuple(sorted(v))) for k, v in quotes.items()}


def _statement(kg: KnowledgeGraph, st: URIRef) -> Stated:
    rows = kg.query(Q_STATEMENT, st=st).rows
    s, p, o, _q = rows[0]
    assert isinstance(s, URIRef) and isinstance(p, URIRef) and o is not None
    return Stated(s, p, o, tuple(sorted({str(q) for *_x, q in rows})))


def compare_sources(kg: KnowledgeGraph, a: str, b: str) -> SourceComparison:
    """Sources ``a`` and ``b`` (ids or IRIs) side by side."""
    ia, ib = source_iri(kg, a), source_iri(kg, b)
    if ia == ib:
        raise UnknownSource(f"compare two different sources, not {a} with itself")
    out = SourceComparison(ia, ib)
    sa, sb = stated_by(kg, ia), stated_by(kg, ib)
    out.total_a, out.total_b = len(sa), len(sb)
    common_subjects = {k[0] for k in sa} & {k[0] for k in sb}
    out.subjects_in_common = len(common_subjects)
    out.both = [(sa[k], sb[k]) for k in sorted(sa.keys() & sb.keys(), key=_order)]
    compared: set[tuple[URIRef, URIRef, Node]] = set()
    for verdict, subject, prop, st_a, st_b, finer in kg.query(Q_COMPARED, a=ia, b=ib).rows:
        x, y = _statement(kg, st_a), _statement(kg, st_b)  # type: ignore[arg-type]
        compared.update({(x.s, x.p, x.o), (y.s, y.p, y.o)})
        which = None if finer is None else ("a" if finer == st_a else "b")
        diff = Difference(str(verdict), subject, prop, x, y, which)  # type: ignore[arg-type]
        (out.refines if diff.verdict == "refines" else out.differs).append(diff)
    for listing in (out.refines, out.differs):
        unique = {(d.subject, d.prop, d.a.o, d.b.o): d for d in listing}
        listing[:] = sorted(unique.values(), key=lambda d: (str(d.subject), str(d.prop), str(d.a.o), str(d.b.o)))
    out.only_a = [
        v for k, v in sorted(sa.items(), key=lambda kv: _order(kv[0])) if k not in sb and k[0] in common_subjects and k not in compared
    ]
    out.only_b = [
        v for k, v in sorted(sb.items(), key=lambda kv: _order(kv[0])) if k not in sa and k[0] in common_subjects and k not in compared
    ]
    return out


def _order(key: tuple[URIRef, URIRef, Node]) -> tuple[str, str, str]:
    return (str(key[0]), str(key[1]), str(key[2]))


@dataclass(frozen=True)
class PairSummary:
    other: URIRef
    both: int
    refines: int
    differs: int


def source_overview(kg: KnowledgeGraph) -> dict[URIRef, list[PairSummary]]:
    """For each source, each other source it shares or disputes statements with, with the counts."""
    counts: dict[tuple[URIRef, URIRef], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (sources,) in kg.query(Q_SHARED).rows:
        for first, second in permutations(sorted(set(str(sources).split())), 2):
            counts[(URIRef(first), URIRef(second))]["both"] += 1
    for a, b, verdict, n in kg.query(Q_PAIRS).rows:
        counts[(URIRef(str(a)), URIRef(str(b)))][str(verdict)] += int(str(n))
    out: dict[URIRef, list[PairSummary]] = defaultdict(list)
    for (a, b), c in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        out[a].append(PairSummary(b, c.get("both", 0), c.get("refines", 0), c.get("differs", 0)))
    return dict(out)


def statements_by_source(kg: KnowledgeGraph) -> dict[URIRef, int]:
    """How many statements each source makes."""
    return {row[0]: int(str(row[1])) for row in kg.query(Q_COUNTS).rows if isinstance(row[0], URIRef)}  # type: ignore[misc]


def report_lines(kg: KnowledgeGraph, cmp: SourceComparison, lang: str = "en", quote_chars: int = 120) -> list[str]:
    """The comparison as text, one line per fact: what ``tipkg compare`` prints."""
    iris: set[URIRef] = {cmp.a, cmp.b}
    facts = [x for pair in cmp.both for x in pair] + cmp.only_a + cmp.only_b
    facts += [x for d in cmp.refines + cmp.differs for x in (d.a, d.b)]
    for x in facts:
        iris.update(t for t in (x.s, x.p, x.o) if isinstance(t, URIRef))
    iris.update(d.subject for d in cmp.refines + cmp.differs)
    names = kg.labels_of([tuple(sorted(iris))], lang)

    def name(term: Node) -> str:
        if isinstance(term, URIRef):
            return names.get(term) or str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        return str(term)

    def quoted(x: Stated) -> str:
        text = " | ".join(x.quotes)
        text = " ".join(text.split())
        return "“" + (text if len(text) <= quote_chars else text[: quote_chars - 1] + "…") + "”"

    ida, idb = (str(cmp.a).rsplit("/", 1)[-1], str(cmp.b).rsplit("/", 1)[-1])
    lines = [
        f"{ida}: {name(cmp.a)}",
        f"{idb}: {name(cmp.b)}",
        f"{ida} makes {cmp.total_a} statements, {idb} {cmp.total_b}; they speak of {cmp.subjects_in_common} subjects in common.",
        "",
        f"Both state ({len(cmp.both)}):",
    ]
    for x, y in cmp.both:
        lines.append(f"  {name(x.s)} · {name(x.p)} · {name(x.o)}   {ida} {quoted(x)}  {idb} {quoted(y)}")
    lines += ["", f"They differ ({len(cmp.differs)}):"]
    for d in cmp.differs:
        lines.append(
            f"  {name(d.subject)} · {name(d.prop)}: {ida} {name(d.a.p)} {name(d.a.o)} {quoted(d.a)}"
            f" ≠ {idb} {name(d.b.p)} {name(d.b.o)} {quoted(d.b)}"
        )
    lines += ["", f"They agree, one more precisely ({len(cmp.refines)}):"]
    for d in cmp.refines:
        finer, coarser = (ida, idb) if d.finer == "a" else (idb, ida)
        lines.append(
            f"  {name(d.subject)} · {name(d.prop)}: {ida} {name(d.a.p)} {name(d.a.o)} {quoted(d.a)}"
            f" ~ {idb} {name(d.b.p)} {name(d.b.o)} {quoted(d.b)}  ({finer} refines {coarser})"
        )
    for who, only in ((ida, cmp.only_a), (idb, cmp.only_b)):
        lines += ["", f"Only {who} states, of what both speak of ({len(only)}):"]
        for x in only:
            lines.append(f"  {name(x.s)} · {name(x.p)} · {name(x.o)}   {quoted(x)}")
    return lines
