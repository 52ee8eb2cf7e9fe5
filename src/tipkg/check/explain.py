"""Why HermiT finds the ontology and the data inconsistent, read from the asserted data.

HermiT says *that* the graph is inconsistent, not why. :func:`explain` finds the causes it can
show: disjoint classes (asserted, inherited, or implied by a property's domain or range, across
individuals merged by ``owl:sameAs``), and literals outside their property's datatype or
ill-typed. Pure: no reasoner, no Java.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from tipkg.check.findings import VIOLATION, Finding, Locator, compact
from tipkg.relations import UnionFind, reachable

# datatypes a literal of each range may have (OWL 2 datatype map; derived integer types are decimals)
_DATATYPE_ACCEPTS = {
    XSD.decimal: {XSD.decimal, XSD.integer, XSD.nonNegativeInteger},
    XSD.integer: {XSD.integer, XSD.nonNegativeInteger},
    XSD.nonNegativeInteger: {XSD.nonNegativeInteger},
    XSD.string: {XSD.string},
    XSD.boolean: {XSD.boolean},
    XSD.anyURI: {XSD.anyURI},
    RDF.langString: {RDF.langString},
}


class _Ontology:
    """Class hierarchy, disjointness, domains and ranges of an ontology."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        direct: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subClassOf):
            direct[s].add(o)
        for s, o in graph.subject_objects(OWL.equivalentClass):
            direct[s].add(o)
            direct[o].add(s)
        self._direct = direct
        self._supers: dict[Node, set[Node]] = {}
        self.disjoint: set[frozenset[Node]] = set()
        for a, b in graph.subject_objects(OWL.disjointWith):
            self.disjoint.add(frozenset((a, b)))
        for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
            head = graph.value(axiom, OWL.members)
            members = list(Collection(graph, head)) if head is not None else []
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    self.disjoint.add(frozenset((a, b)))
        super_props: dict[Node, set[Node]] = defaultdict(set)
        for s, o in graph.subject_objects(RDFS.subPropertyOf):
            super_props[s].add(o)
        self._super_props = super_props
        self._memo: dict[tuple[Node, URIRef], set[Node]] = {}

    def superclasses(self, cls: Node) -> set[Node]:
        if cls not in self._supers:
            self._supers[cls] = reachable(cls, lambda c: self._direct.get(c, ()))
        return self._supers[cls]

    def superproperties(self, prop: Node) -> set[Node]:
        return reachable(prop, lambda p: self._super_props.get(p, ()))

    def domains(self, prop: Node) -> set[Node]:
        return self._axiom_values(prop, RDFS.domain)

    def ranges(self, prop: Node) -> set[Node]:
        return self._axiom_values(prop, RDFS.range)

    def _axiom_values(self, prop: Node, axiom: URIRef) -> set[Node]:
        key = (prop, axiom)
        if key not in self._memo:
            supers = self.superproperties(prop)
            self._memo[key] = {v for p in supers for v in self.graph.objects(p, axiom) if isinstance(v, URIRef)}
        return self._memo[key]


@dataclass(frozen=True)
class _Typing:
    """Why an individual has a class: asserted, or implied by a property it is used with."""

    cls: Node
    why: str

    def order(self) -> tuple[bool, str, str]:
        return (self.why != "asserted", str(self.cls), self.why)


def explain(ontology: Graph, data: Graph, locate: Locator) -> list[Finding]:
    """The causes of an inconsistency that the asserted data shows."""
    onto = _Ontology(ontology)
    findings: list[Finding] = []
    typings = _typings(onto, data)

    # individuals that are one: owl:sameAs
    merged = UnionFind[Node]()
    reasons: dict[Node, list[str]] = defaultdict(list)
    for s, o in data.subject_objects(OWL.sameAs):
        merged.union(s, o)
        reasons[s].append(f"owl:sameAs {o}")

    for group in merged.groups(typings):
        reported: set[frozenset[Node]] = set()  # one finding per disjointness axiom and individual
        found = [(m, t) for m in sorted(group, key=str) for t in sorted(typings.get(m, ()), key=_Typing.order)]
        for i, (m1, t1) in enumerate(found):
            for m2, t2 in found[i + 1 :]:
                axioms = [(a, b) for a, b in _disjoint_pairs(onto, t1.cls, t2.cls) if frozenset((a, b)) not in reported]
                if not axioms:
                    continue
                reported.update(frozenset(axiom) for axiom in axioms)
                if m1 == m2:
                    who = "typed"
                else:
                    link = "; ".join(sorted(set(reasons[m1] + reasons[m2]))) or "owl:sameAs"
                    who = f"one individual with {m2} ({link}), so typed"
                disjoint = ", ".join(f"{compact(a)} ⟂ {compact(b)}" for a, b in axioms)
                findings.append(
                    Finding(
                        VIOLATION,
                        "owl",
                        str(m1),
                        disjoint,
                        f"{who} both {compact(t1.cls)} ({t1.why}) and {compact(t2.cls)} ({t2.why}), which are disjoint ({disjoint})",
                        location=locate(m1),
                    )
                )

    for s, p, o in sorted(data, key=lambda t: tuple(map(str, t))):
        if not isinstance(o, Literal):
            continue
        if o.ill_typed:
            findings.append(
                Finding(
                    VIOLATION,
                    "owl",
                    str(s),
                    "datatype",
                    f"{o.n3()} is not a valid {compact(o.datatype or XSD.string)}",
                    path=compact(p),
                    location=locate(s),
                )
            )
            continue
        actual = RDF.langString if o.language else (o.datatype or XSD.string)
        for rng in onto.ranges(p):
            accepted = _DATATYPE_ACCEPTS.get(rng) if isinstance(rng, URIRef) else None
            if accepted is not None and actual not in accepted:
                findings.append(
                    Finding(
                        VIOLATION,
                        "owl",
                        str(s),
                        f"rdfs:range {compact(rng)}",
                        f"{o.n3()} is a {compact(actual)}, outside the range of {compact(p)} ({compact(rng)})",
                        path=compact(p),
                        location=locate(s),
                    )
                )
    return sorted(set(findings), key=Finding.sort_key)


def _typings(onto: _Ontology, data: Graph) -> dict[Node, set[_Typing]]:
    """Each individual's classes: asserted, and implied by the domain and range of its properties."""
    out: dict[Node, set[_Typing]] = defaultdict(set)
    for s, p, o in data:
        if p == RDF.type:
            if isinstance(o, URIRef) and not str(o).startswith((str(OWL), str(RDF), str(RDFS))):
                out[s].add(_Typing(o, "asserted"))
            continue
        for d in onto.domains(p):
            out[s].add(_Typing(d, f"domain of {compact(p)}"))
        if not isinstance(o, Literal):
            for r in onto.ranges(p):
                out[o].add(_Typing(r, f"range of {compact(p)}, as the value of {s}"))
    return out


def _disjoint_pairs(onto: _Ontology, a: Node, b: Node) -> Iterable[tuple[Node, Node]]:
    """The disjointness axioms (x ⟂ y) with x a superclass of ``a`` and y one of ``b``."""
    for x in sorted(onto.superclasses(a), key=str):
        for y in sorted(onto.superclasses(b), key=str):
            if x != y and frozenset((x, y)) in onto.disjoint:
                yield x, y
