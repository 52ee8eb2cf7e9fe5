"""Lint of the ontology, of the shapes against it, and of the terms the data uses.

- every tipkg class and property has an English ``rdfs:label`` and an ``rdfs:comment``;
- every one is aligned to a standard vocabulary (``rdfs:subClassOf``/``rdfs:subPropertyOf``/
  ``owl:equivalent*`` a term outside tipkg, possibly through a tipkg super-term), or its comment
  says there is none ("No standard term", "No standard class");
- every tipkg domain and range is a declared class or datatype;
- the data uses no tipkg term and no code-list concept the ontology does not declare;
- the shapes refer only to declared terms; every fact-bearing class is a target of the evidence
  shape (``tipkgsh:Cited``); every property with a class or datatype range has a shape checking
  its values, and every functional property a ``sh:maxCount 1``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from tipkg.check.findings import VIOLATION, Finding, compact
from tipkg.curation.schema import superclasses
from tipkg.namespaces import CONCEPT, SHAPES, TIPKG
from tipkg.relations import reachable

_KINDS = {
    OWL.Class: "class",
    RDFS.Datatype: "datatype",
    OWL.ObjectProperty: "property",
    OWL.DatatypeProperty: "property",
    OWL.AnnotationProperty: "property",
    RDF.Property: "property",
}
_NO_STANDARD = ("no standard term", "no standard class")
_BUILT_IN = (str(OWL), str(RDF), str(RDFS))  # (rdflib's URIRef.startswith takes no tuple)
_STANDARD_DATATYPES = ("http://www.w3.org/2001/XMLSchema#", str(RDF.langString), str(RDFS.Literal))


def declared_terms(ontology: Graph) -> dict[URIRef, str]:
    """tipkg terms the ontology declares, with their kind (class, datatype, property)."""
    out: dict[URIRef, str] = {}
    for kind, name in _KINDS.items():
        for term in ontology.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and term.startswith(str(TIPKG)):
                out.setdefault(term, name)
    return out


def lint_ontology(ontology: Graph, where: Mapping[URIRef, str]) -> list[Finding]:
    """Labels, comments, alignments, domains and ranges of every tipkg term."""
    terms = declared_terms(ontology)
    findings = []

    def finding(term: URIRef, rule: str, message: str) -> None:
        findings.append(Finding(VIOLATION, "lint", str(term), rule, message, location=where.get(term)))

    for term, kind in sorted(terms.items()):
        if not any(isinstance(label, Literal) and (label.language or "").startswith("en") for label in ontology.objects(term, RDFS.label)):
            finding(term, "label", f"the {kind} has no English rdfs:label")
        comments = [str(c) for c in ontology.objects(term, RDFS.comment)]
        if not comments:
            finding(term, "comment", f"the {kind} has no rdfs:comment")
        if kind != "datatype" and not _aligned(ontology, term, kind) and not any(n in c.lower() for c in comments for n in _NO_STANDARD):
            relation = "rdfs:subClassOf" if kind == "class" else "rdfs:subPropertyOf"
            finding(
                term,
                "alignment",
                f"the {kind} is aligned to no standard vocabulary: give it an {relation} (or owl:equivalent*) outside tipkg, "
                "or say 'No standard term' in its comment",
            )
        if kind == "property":
            for axiom in (RDFS.domain, RDFS.range):
                for value in ontology.objects(term, axiom):
                    for cls in _members(ontology, value):
                        if cls.startswith(str(TIPKG)) and cls not in terms:
                            finding(term, compact(axiom), f"its {compact(axiom)} {compact(cls)} is not declared in the ontology")
    return findings


def lint_data(data: Iterable[tuple[Node, Node, Node]], ontology: Graph, locate: Mapping[URIRef, str]) -> list[Finding]:
    """tipkg terms and code-list concepts the data uses but the ontology does not declare."""
    terms = declared_terms(ontology)
    concepts = {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(CONCEPT))}
    found: dict[tuple[URIRef, Node], str] = {}
    for s, p, o in data:
        used = [p, o.datatype] if isinstance(o, Literal) else [p, o]
        for term in used:
            if not isinstance(term, URIRef):
                continue
            if term.startswith(str(TIPKG)) and term not in terms:
                found.setdefault((term, s), "tipkg term")
            elif term.startswith(str(CONCEPT)) and term not in concepts:
                found.setdefault((term, s), "code-list concept")
    return [
        Finding(
            VIOLATION,
            "lint",
            str(subject),
            "undeclared term",
            f"uses {compact(term)}, a {what} the ontology does not declare",
            location=locate.get(subject) if isinstance(subject, URIRef) else None,
        )
        for (term, subject), what in sorted(found.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1])))
    ]


def lint_shapes(shapes: Graph, ontology: Graph, where: Mapping[URIRef, str]) -> list[Finding]:
    """The shapes refer to declared terms, and cover every fact-bearing class and ranged property."""
    terms = declared_terms(ontology)
    findings = []

    def finding(term: URIRef, rule: str, message: str) -> None:
        findings.append(Finding(VIOLATION, "lint", str(term), rule, message, location=where.get(term)))

    for s, p, o in shapes:
        for term in (s, o):
            if isinstance(term, URIRef) and term.startswith(str(TIPKG)) and term not in terms:
                shape = _named_shape(shapes, s)
                findings.append(
                    Finding(
                        VIOLATION,
                        "lint",
                        str(shape or term),
                        "undeclared term",
                        f"the shapes use {compact(term)} ({compact(p)}), which the ontology does not declare",
                        location=where.get(shape) if shape else None,
                    )
                )

    cited = {c for c in shapes.objects(SHAPES.Cited, SH.targetClass) if isinstance(c, URIRef)}
    uncited = {c for c, flag in ontology.subject_objects(TIPKG.citesNoEvidence) if flag == Literal(True)}
    for term, kind in sorted(terms.items()):
        if kind != "class" or term in uncited or SKOS.Concept in superclasses(ontology, term):
            continue
        if not cited & superclasses(ontology, term):
            finding(
                term, "tipkgsh:Cited", f"no shape checks that records of {compact(term)} cite evidence: add it to tipkgsh:Cited's targets"
            )

    checks = _value_checks(shapes)
    for term, kind in sorted(terms.items()):
        if kind != "property":
            continue
        for rng in ontology.objects(term, RDFS.range):
            expected = _expected_check(rng, terms)
            if expected and expected not in checks.get(term, set()):
                finding(term, "value shape", f"no shape checks that its values are {compact(expected[1])} (its rdfs:range)")
        if (term, RDF.type, OWL.FunctionalProperty) in ontology and (SH.maxCount, Literal(1)) not in checks.get(term, set()):
            finding(term, "value shape", "functional, but no shape checks it has at most one value (sh:maxCount 1)")
    return findings


def _named_shape(shapes: Graph, node: Node) -> URIRef | None:
    """The named shape a (possibly nested, blank) shape node belongs to."""
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        parent = next(iter(shapes.subjects(None, node)), None)
        if parent is None:
            return None
        node = parent
    return node if isinstance(node, URIRef) else None


def _aligned(ontology: Graph, term: URIRef, kind: str) -> bool:
    """A standard super-term, directly or through tipkg terms; for a property, also a standard kind
    of property (``qb:DimensionProperty``, ``qb:MeasureProperty``)."""
    relations = (RDFS.subClassOf, OWL.equivalentClass) if kind == "class" else (RDFS.subPropertyOf, OWL.equivalentProperty)

    def supers(current: URIRef) -> Iterator[URIRef]:
        return (sup for relation in relations for sup in ontology.objects(current, relation) if isinstance(sup, URIRef))

    # the term and its tipkg super-terms: one of them must have a standard super-term (or kind)
    own = reachable(term, lambda current: (sup for sup in supers(current) if sup.startswith(str(TIPKG))))
    if kind == "property" and any(not str(t).startswith(_BUILT_IN) for current in own for t in ontology.objects(current, RDF.type)):
        return True
    return any(not sup.startswith(str(TIPKG)) for current in own for sup in supers(current))


def _members(ontology: Graph, value: Node) -> list[URIRef]:
    """A class, or the classes of an owl:unionOf."""
    if isinstance(value, URIRef):
        return [value]
    union = ontology.value(value, OWL.unionOf) if isinstance(value, BNode) else None
    return [m for m in Collection(ontology, union) if isinstance(m, URIRef)] if union is not None else []


def _expected_check(rng: Node, terms: Mapping[URIRef, str]) -> tuple[URIRef, URIRef] | None:
    """The shape constraint a range calls for: (sh:class, C), (sh:datatype, D) or (sh:node, shape)."""
    if not isinstance(rng, URIRef):
        return None
    if terms.get(rng) == "class":
        return (SH["class"], rng)
    if terms.get(rng) == "datatype":
        return (SH.node, SHAPES[rng[len(str(TIPKG)) :]])
    if str(rng).startswith(_STANDARD_DATATYPES) and rng != RDFS.Literal:
        return (SH.datatype, rng)
    return None


def _value_checks(shapes: Graph) -> dict[Node, set[tuple[URIRef, Node]]]:
    """For each property path of the shapes, the constraints its property shapes make."""
    out: dict[Node, set[tuple[URIRef, Node]]] = {}
    for shape, path in shapes.subject_objects(SH.path):
        for constraint in (SH["class"], SH.datatype, SH.node, SH.maxCount):
            for value in shapes.objects(shape, constraint):
                out.setdefault(path, set()).add((constraint, value))
    return out
