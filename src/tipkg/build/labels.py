"""A label for every node: the build names, in each language of :mod:`tipkg.messages`, the nodes
that have no ``rdfs:label`` or ``skos:prefLabel`` of their own, from what they hold.

An observation is named by what it concerns (or its area), its value with its bound, its indicator
and its period: ``FEVIMTRA: 48 investigations, 2010``, ``Blue Heart Campaign: more than 18,000
people reached, 2010-04–2011``. A membership, a funding allocation, an amount, a quantity, a
country's role, a flow, an allegation, a recommendation, a contact point and a comparison are named
from their parts; any other node by its class. Every word of a label is the graph's (names,
concept and property labels, values) or the catalogue's (``label.*``); where sources give a node
different values, the label shows each (``48 / 51``), in order, never one source's over another's.

The labels are ``rdfs:label`` (what generic tools and the site read) in their own named graph,
``graph/labels`` (:attr:`tipkg.namespaces.Graphs.labels`): as for the inferred closure and the
comparisons, the graph is the provenance. A curated name is stated by a source, with its quotes;
a computed one is in that graph alone, so ``GRAPH <…/graph/labels>`` tells the two apart without a
new term, and a client that ignores named graphs still finds a name for every node. Provenance
nodes (statements, evidence, selectors) are not named: they are shown by their quotes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from tipkg.messages import catalogue, languages, text
from tipkg.namespaces import OA, TIPKG

Triple = tuple[URIRef, URIRef, Literal]


class Data(Protocol):
    """What naming reads of the data: an rdflib graph, or a :class:`TripleIndex`."""

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]: ...
    def subjects(self, predicate: Node) -> Iterator[Node]: ...
    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]: ...


class TripleIndex:
    """Triples indexed by subject and predicate: what the streaming build names nodes from (the
    curated claims of every unit and what spans them), without an rdflib graph of everything."""

    def __init__(self, triples: Iterable[tuple[Node, Node, Node]] = ()) -> None:
        self.by_subject: dict[Node, dict[Node, set[Node]]] = {}
        self.by_predicate: dict[Node, set[Node]] = {}
        self.add(triples)

    def add(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        for s, p, o in triples:
            self.by_subject.setdefault(s, {}).setdefault(p, set()).add(o)
            self.by_predicate.setdefault(p, set()).add(s)

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        return iter(self.by_subject.get(subject, {}).get(predicate, ()))

    def subjects(self, predicate: Node) -> Iterator[Node]:
        return iter(self.by_predicate.get(predicate, ()))

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        return ((s, o) for s in self.by_predicate.get(predicate, ()) for o in self.by_subject[s][predicate])


# provenance machinery: shown by its quotes, never as a node of its own
UNNAMED = frozenset({RDF.Statement, TIPKG.Evidence, OA.SpecificResource, OA.TextQuoteSelector, OA.TextPositionSelector})
ACRONYM_MAX = 10  # an alternative name this short, one word with a capital, is an acronym ("FEVIMTRA")
NUMERIC = frozenset({XSD.decimal, XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger, XSD.positiveInteger})
CLAUSE = ", "
ALTERNATIVES = " / "  # between the values different sources give


class Namer:
    """Labels over ``data`` (the built graphs) and ``vocabulary`` (the ontology and its concepts)."""

    def __init__(self, data: Data, vocabulary: Graph) -> None:
        self.data = data
        self.vocabulary = vocabulary
        self.periods: dict[str, list[URIRef]] = {}
        for prop, part in sorted(vocabulary.subject_objects(TIPKG.periodPart)):
            self.periods.setdefault(str(part), []).append(URIRef(str(prop)))
        # lower bounds ("more than 26") and approximations ("about 20,000") of an exact property
        qualified = [*vocabulary.subject_objects(TIPKG.lowerBoundOf), *vocabulary.subject_objects(TIPKG.approximationOf)]
        self.bounds = {URIRef(str(b)): URIRef(str(exact)) for b, exact in qualified}
        self.unnamed = unnamed(data)
        self.busy: set[Node] = set()  # nodes whose label is being made: a cycle names by the id
        self.seen: dict[tuple[Node, URIRef], list[Node]] = {}

    # -- the parts of a label ----------------------------------------------------------------

    def values(self, node: Node, prop: URIRef) -> list[Node]:
        key = (node, prop)  # the same names are asked for again and again: FEVIMTRA, Mexico
        if key not in self.seen:
            self.seen[key] = sorted(set(self.data.objects(node, prop)) | set(self.vocabulary.objects(node, prop)), key=str)
        return self.seen[key]

    def name(self, term: Node, lang: str) -> str:
        """A node's short name (an acronym, else its preferred name) or a literal's text."""
        if isinstance(term, Literal):
            return number(term, lang) if term.datatype in NUMERIC else str(term)
        acronyms = [a for a in self.values(term, SKOS.altLabel) if isinstance(a, Literal) and _acronym(str(a))]
        if acronyms:  # the language's own first ("ONG" in Spanish, "NGO" in English), then the shortest
            return str(min(acronyms, key=lambda a: (a.language not in (lang, None), len(a), str(a))))
        if isinstance(term, URIRef) and term in self.unnamed and term not in self.busy:
            return self.label(term, self.unnamed[term], lang)
        return self.text(term, (SKOS.prefLabel, RDFS.label), lang) or _local(str(term))

    def text(self, node: Node, props: Iterable[URIRef], lang: str) -> str:
        """The node's text in ``lang``, else English, else without language, else any."""
        found: dict[str, str] = {}
        for t in (t for p in props for t in self.values(node, p) if isinstance(t, Literal)):
            found.setdefault(t.language or "", str(t))
        return next((found[k] for k in (lang, "en", "") if k in found), next(iter(found.values()), ""))

    def names(self, node: Node, prop: URIRef, lang: str, sep: str = CLAUSE) -> str:
        return sep.join(self.name(v, lang) for v in self.values(node, prop))

    def period(self, node: Node, lang: str) -> str:
        """``2010``, ``2005–2010``, ``2010-04–2011`` (from April 2010 to the date a count holds), ``as
        of 2011`` (a count that holds at a date, not one made that year)."""

        def part(name: str) -> str:
            found = sorted({str(v) for prop in self.periods.get(name, ()) for v in self.values(node, prop)})
            return f"({ALTERNATIVES.join(found)})" if len(found) > 1 else "".join(found)

        start, end, date = part("start"), part("end"), part("date")
        if start and (end or date) and start != (end or date):
            return f"{start}–{end or date}"
        if start or end or not self.values(node, TIPKG.asOf):
            return start or end or date
        return f"{self.text(TIPKG.asOf, (RDFS.label,), lang)} {date}".strip()

    def figure(self, node: Node, lang: str) -> str:
        """The node's values, each lower bound or approximation with its word (``more than 26``,
        ``about 20,000``)."""
        shown = []
        for exact in sorted(set(self.bounds.values())):
            shown += [self.name(v, lang) for v in self.values(node, exact)]
            for bound in sorted(b for b, e in self.bounds.items() if e == exact):
                word = self.text(bound, (RDFS.label,), lang)
                shown += [f"{word} {self.name(v, lang)}" for v in self.values(node, bound)]
        return ALTERNATIVES.join(shown)

    # -- the labels --------------------------------------------------------------------------

    def label(self, node: URIRef, types: list[URIRef], lang: str) -> str:
        self.busy.add(node)
        try:
            made = next((m for m in (CAPTIONS[c](self, node, lang) for c in types if c in CAPTIONS) if m), "")
            return made or ALTERNATIVES.join(self.name(c, lang) for c in types)
        finally:
            self.busy.discard(node)

    def observation(self, node: Node, lang: str) -> str:
        subject = self.names(node, TIPKG.concerns, lang) or self.names(node, TIPKG.refArea, lang)
        detail = CLAUSE.join(x for x in (self.names(node, TIPKG.nationality, lang), self.names(node, TIPKG.exploitationForm, lang)) if x)
        figure, indicator = self.figure(node, lang), self.names(node, TIPKG.indicator, lang)
        if figure == "1":  # "1 victims identified" would be wrong: the indicator's label is a plural
            what = indicator + (f" ({detail})" if detail else "") + f": {figure}"
        else:
            what = " ".join(x for x in (figure, indicator) if x) + (f" ({detail})" if detail else "")
        return _joined(subject, CLAUSE.join(x for x in (what, self.period(node, lang)) if x))

    def membership(self, node: Node, lang: str) -> str:
        parts = (self.names(node, TIPKG.member, lang), self.names(node, TIPKG.role, lang), self.names(node, TIPKG.organization, lang))
        return " — ".join(x for x in parts if x)

    def allocation(self, node: Node, lang: str) -> str:
        who = self.names(node, TIPKG.funder, lang) or self.names(node, TIPKG.fundingChannel, lang)
        money = ALTERNATIVES.join(self.amount(a, lang) for a in self.values(node, TIPKG.amount))
        return _joined(who, CLAUSE.join(x for x in (money, self.period(node, lang)) if x))

    def amount(self, node: Node, lang: str) -> str:
        shown = " ".join(x for x in (self.names(node, TIPKG.value, lang, ALTERNATIVES), self.names(node, TIPKG.currency, lang)) if x)
        if Literal(True) in self.values(node, TIPKG.currencyInferred):
            shown += " " + text("label.currency_inferred", lang)
        return shown

    def quantity(self, node: Node, lang: str) -> str:
        low, high = self.names(node, TIPKG.minValue, lang, ALTERNATIVES), self.names(node, TIPKG.maxValue, lang, ALTERNATIVES)
        span = low if low == high or not high else (high if not low else f"{low}–{high}")
        units = [str(u) for u in self.values(node, TIPKG.unitCode)]
        unit = ALTERNATIVES.join(text(f"label.unit.{u}", lang) if f"label.unit.{u}" in catalogue(lang) else u for u in units)
        return " ".join(x for x in (span, unit) if x)

    def country_role(self, node: Node, lang: str) -> str:
        detail = self.names(node, TIPKG.exploitationForm, lang) or self.names(node, TIPKG.sector, lang)
        role = self.names(node, TIPKG.traffickingRole, lang) + (f" ({detail})" if detail else "")
        return _joined(self.names(node, TIPKG.roleCountry, lang), role)

    def flow(self, node: Node, lang: str) -> str:
        route = " → ".join(x for x in (self.names(node, TIPKG.origin, lang), self.names(node, TIPKG.destination, lang)) if x)
        forms = self.names(node, TIPKG.exploitationForm, lang)
        return CLAUSE.join(x for x in (route + (f" ({forms})" if forms else ""), self.period(node, lang)) if x)

    def allegation(self, node: Node, lang: str) -> str:
        return _joined(self.names(node, TIPKG.allegationKind, lang), self.names(node, TIPKG.allegedActor, lang))

    def recommendation(self, node: Node, lang: str) -> str:
        return _joined(self.names(node, TIPKG.recommendedBy, lang), self.text(node, (TIPKG.recommendedAction,), lang))

    def contact_point(self, node: Node, lang: str) -> str:
        return CLAUSE.join(self.names(node, p, lang) for p in (TIPKG.telephone, TIPKG.email) if self.values(node, p))

    def comparison(self, node: Node, lang: str) -> str:
        what = CLAUSE.join(x for x in (self.names(node, TIPKG.comparedSubject, lang), self.names(node, TIPKG.comparedProperty, lang)) if x)
        return _joined(what, self.names(node, TIPKG.verdict, lang))


CAPTIONS: dict[URIRef, Callable[[Namer, Node, str], str]] = {
    TIPKG.Observation: Namer.observation,
    TIPKG.Membership: Namer.membership,
    TIPKG.FundingAllocation: Namer.allocation,
    TIPKG.MonetaryAmount: Namer.amount,
    TIPKG.QuantitativeValue: Namer.quantity,
    TIPKG.CountryRole: Namer.country_role,
    TIPKG.TraffickingFlow: Namer.flow,
    TIPKG.Allegation: Namer.allegation,
    TIPKG.Recommendation: Namer.recommendation,
    TIPKG.ContactPoint: Namer.contact_point,
    TIPKG.Comparison: Namer.comparison,
}


def unnamed(data: Data) -> dict[URIRef, list[URIRef]]:
    """The typed IRI nodes of ``data`` with no ``rdfs:label`` or ``skos:prefLabel``, with their types."""
    named = set(data.subjects(RDFS.label)) | set(data.subjects(SKOS.prefLabel))
    out: dict[URIRef, list[URIRef]] = {}
    for node, cls in data.subject_objects(RDF.type):
        if isinstance(node, URIRef) and isinstance(cls, URIRef) and node not in named:
            out.setdefault(node, []).append(cls)
    return {n: sorted(set(ts), key=str) for n, ts in sorted(out.items()) if not UNNAMED.intersection(ts)}


def computed_labels(data: Data, vocabulary: Graph) -> list[Triple]:
    """An ``rdfs:label`` in each language for every node :func:`unnamed` finds."""
    namer = Namer(data, vocabulary)
    out: list[Triple] = []
    for node, types in namer.unnamed.items():
        for lang in languages():
            made = namer.label(node, types, lang)
            if made:
                out.append((node, RDFS.label, Literal(made, lang=lang)))
    return out


def number(term: Literal, lang: str) -> str:
    """A numeric literal as the language writes it (``60,000``, ``60 000``), every digit kept."""
    value = _decimal(term)
    if value is None:
        return str(term)
    whole, _, fraction = str(term).strip().partition(".")
    try:
        grouped = f"{int(whole):,}".replace(",", text("label.thousands", lang))
    except ValueError:
        return str(term)
    return grouped + (text("label.decimal", lang) + fraction if fraction else "")


def _decimal(term: Literal) -> Decimal | None:
    try:
        return Decimal(str(term))
    except (InvalidOperation, ValueError):
        return None


def _acronym(name: str) -> bool:
    return len(name) <= ACRONYM_MAX and not any(c.isspace() for c in name) and any(c.isupper() for c in name)


def _local(iri: str) -> str:
    return iri[max(iri.rfind("/"), iri.rfind("#")) + 1 :]


def _joined(head: str, rest: str) -> str:
    return f"{head}: {rest}" if head and rest else head or rest
