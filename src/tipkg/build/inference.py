"""The entailment closure the queries see, computed once at build time.

Rules: rdfs:subClassOf and rdfs:subPropertyOf (transitive, owl:equivalentClass and
owl:equivalentProperty read as both ways), owl:inverseOf and owl:SymmetricProperty. Together
they let a client that knows only schema.org, ORG, ELI, PROV or Data Cube find every agency
(``schema:Organization``) and every partnership (``org:linkedTo``). Domain and range axioms are
checked by validation rather than used to add types, and owl:sameAs is not propagated (it would
copy every fact onto the Wikidata items). The closure goes into its own named graph; the asserted
graphs stay as curated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from tipkg import relations

Triple = tuple[Node, Node, Node]


class Rules:
    """The ontology's axioms, indexed for forward chaining."""

    def __init__(self, ontology: Graph) -> None:
        sub_class: dict[Node, set[Node]] = defaultdict(set)
        sub_prop: dict[Node, set[Node]] = defaultdict(set)
        for s, o in ontology.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                sub_class[s].add(o)
        for s, o in ontology.subject_objects(OWL.equivalentClass):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                sub_class[s].add(o)
                sub_class[o].add(s)
        for s, o in ontology.subject_objects(RDFS.subPropertyOf):
            sub_prop[s].add(o)
        for s, o in ontology.subject_objects(OWL.equivalentProperty):
            sub_prop[s].add(o)
            sub_prop[o].add(s)
        self.superclasses = relations.closure(sub_class)
        self.superproperties = relations.closure(sub_prop)
        self.inverse: dict[Node, set[Node]] = defaultdict(set)
        for s, o in ontology.subject_objects(OWL.inverseOf):
            self.inverse[s].add(o)
            self.inverse[o].add(s)
        for p in ontology.subjects(RDF.type, OWL.SymmetricProperty):
            self.inverse[p].add(p)

    def supers(self, prop: Node) -> set[Node]:
        return self.superproperties.get(prop, {prop})


def entailed(asserted: Iterable[Triple], ontology: Graph) -> set[Triple]:
    """Triples the rules derive from ``asserted`` that ``asserted`` does not already hold."""
    return entailed_by(asserted, Rules(ontology))


def entailed_by(asserted: Iterable[Triple], rules: Rules) -> set[Triple]:
    """:func:`entailed` with the ontology's rules indexed once. Each rule reads one triple, so the
    closure of a union is the union of the closures of its parts (less what the union asserts):
    the streaming build derives each unit's on its own."""
    known = set(asserted)
    todo = list(known)
    derived: set[Triple] = set()

    def add(t: Triple) -> None:
        if t not in known:
            known.add(t)
            derived.add(t)
            todo.append(t)

    while todo:
        s, p, o = todo.pop()
        if p == RDF.type:
            for c in rules.superclasses.get(o, ()):
                add((s, p, c))
            continue
        for q in rules.supers(p):
            add((s, q, o))
            if isinstance(o, URIRef):
                for inv in rules.inverse.get(q, ()):
                    add((o, inv, s))
    return derived


def schema_closure(ontology: Graph) -> set[Triple]:
    """Transitive rdfs:subClassOf / rdfs:subPropertyOf between named terms, beyond the asserted."""
    rules = Rules(ontology)
    out: set[Triple] = set()
    for relation, closure in ((RDFS.subClassOf, rules.superclasses), (RDFS.subPropertyOf, rules.superproperties)):
        for term, supers in closure.items():
            for sup in supers:
                if sup != term and isinstance(term, URIRef) and isinstance(sup, URIRef) and (term, relation, sup) not in ontology:
                    out.add((term, relation, sup))
    return out
