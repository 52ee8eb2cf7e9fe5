"""Where sources differ: the build compares what each report states of the same thing.

Two statements are about the same thing when they give

- the same single-valued property of the same subject (an entity, or one of its structured
  values): the functional properties, and the lower bounds that stand for them
  (``observedMoreThan`` for ``observedValue``, ontology annotation ``tipkg:lowerBoundOf``);
- a figure of the same *measure*: observations with the same key (``tipkg:Measure``'s
  ``tipkg:keyProperties``: indicator, subjects, areas, nationality and period) measure the same thing,
  whoever reports them and whatever their ids. Every observation gets its measure
  (``tipkg:measure``), so a curator records a report's figures without looking up another's.

Values are compared by what they mean, not how they are written (:func:`compare`):

- a date is the interval its precision gives: ``2007`` and ``2007-11`` agree, the month refines the
  year; ``2007-11`` and ``2008-01`` differ;
- a figure is the numbers it admits: a count itself, a strict lower bound everything above it, an
  approximate figure the numbers that round to it at its last non-zero digit ("about 20,000":
  15,000 up to 25,000, ontology annotation ``tipkg:approximationOf``); two figures agree when they
  admit the same numbers, one refines the other when it admits fewer of them (``28`` refines "more
  than 26" and "about 30"; "more than 30" refines "more than 26"), and they differ when no number
  is admitted by both (``20`` and "more than 26"); figures that admit some numbers in common, each
  also others ("about 300" and "more than 320"), agree: neither is the finer;
- a structured value (an amount) is compared property by property, only where the property that
  makes them comparable agrees (``tipkg:comparedWithin``: an amount's value within one currency);
- anything else is the same term or differs. Names (labels) are not compared: every name a report
  uses is kept, and differing names are not a disagreement.

What differs or refines is written as ``tipkg:Comparison`` nodes in the comparisons graph, each
linking the two statements (each with its source and its quotes). What agrees is left implicit:
a triple two reports state is one triple with a statement per source.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import combinations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from tipkg.curation.schema import Schema
from tipkg.curation.statements import Claim
from tipkg.namespaces import CONCEPT, TIPKG

AGREES, REFINES, DIFFERS = "agrees", "refines", "differs"
VERDICTS = {REFINES: CONCEPT["verdict-refines"], DIFFERS: CONCEPT["verdict-differs"]}
_NUMERIC = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.int, XSD.long, XSD.double, XSD.float}
_TEMPORAL = {XSD.gYear, XSD.gYearMonth, XSD.date}
Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class Stated:
    """A value as a source states it: the term, and whether it is a strict lower bound or approximate."""

    term: URIRef | Literal
    bound: bool = False
    approximate: bool = False


@dataclass(frozen=True)
class Outcome:
    """How two values compare: ``agrees``, ``refines`` (``finer`` is 0 or 1: which one is more
    precise) or ``differs``."""

    verdict: str
    finer: int | None = None


@dataclass(frozen=True)
class Comparison:
    """Two sources' statements of one property of one subject (or measure) that are not the same."""

    subject: URIRef
    prop: URIRef
    first: Claim
    second: Claim
    outcome: Outcome

    @property
    def iri_key(self) -> str:
        a, b = sorted((str(self.first.statement), str(self.second.statement)))
        return hashlib.sha1(f"{self.subject} {self.prop} {a} {b}".encode()).hexdigest()[:16]


def interval(term: Literal) -> tuple[date, date] | None:
    """The days a date of any precision covers: ``2007`` is all of 2007, ``2007-11`` November."""
    text = str(term)
    try:
        if term.datatype == XSD.gYear:
            year = int(text[:4])
            return date(year, 1, 1), date(year, 12, 31)
        if term.datatype == XSD.gYearMonth:
            year, month = int(text[:4]), int(text[5:7])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        if term.datatype == XSD.date:
            day = date.fromisoformat(text[:10])
            return day, day
    except ValueError:
        return None
    return None


def number(term: URIRef | Literal) -> Decimal | None:
    if not isinstance(term, Literal) or term.datatype not in _NUMERIC:
        return None
    try:
        return Decimal(str(term))
    except InvalidOperation:
        return None


def compare(a: Stated, b: Stated) -> Outcome:
    """How two stated values of one quantity compare (see the module's description)."""
    if isinstance(a.term, Literal) and isinstance(b.term, Literal) and {a.term.datatype, b.term.datatype} <= _TEMPORAL:
        ia, ib = interval(a.term), interval(b.term)
        if ia is not None and ib is not None:
            if ia == ib:
                return Outcome(AGREES)
            if ib[0] <= ia[0] and ia[1] <= ib[1]:
                return Outcome(REFINES, 0)
            if ia[0] <= ib[0] and ib[1] <= ia[1]:
                return Outcome(REFINES, 1)
            return Outcome(DIFFERS)
    na, nb = number(a.term), number(b.term)
    if na is not None and nb is not None:
        return _admitted(figure(na, a), figure(nb, b))
    return Outcome(AGREES) if a.term == b.term else Outcome(DIFFERS)


# The numbers a figure admits: (low, low included, high, high included); None: no end.
Figure = tuple[Decimal, bool, Decimal | None, bool]


def figure(n: Decimal, stated: Stated) -> Figure:
    """The numbers ``n`` admits as stated: itself; above it (a strict lower bound); or, approximate,
    those that round to it at its last non-zero digit (``20000``: from 15,000 up to 25,000)."""
    if stated.bound:
        return n, False, None, False
    if stated.approximate and n != 0:
        exponent = n.normalize().as_tuple().exponent
        half = Decimal(5).scaleb(int(exponent) - 1)
        positive = n > 0  # halves round away from zero: -15,000 rounds to -20,000, -25,000 does not
        return n - half, positive, n + half, not positive
    return n, True, n, True


def _admitted(a: Figure, b: Figure) -> Outcome:
    if a == b:
        return Outcome(AGREES)
    if _within(a, b):
        return Outcome(REFINES, 0)
    if _within(b, a):
        return Outcome(REFINES, 1)
    low, low_in = max((a[0], a[1]), (b[0], b[1]), key=lambda end: (end[0], not end[1]))
    highs = [(h, h_in) for h, h_in in ((a[2], a[3]), (b[2], b[3])) if h is not None]
    if highs:
        high, high_in = min(highs, key=lambda end: (end[0], end[1]))
        if low > high or (low == high and not (low_in and high_in)):
            return Outcome(DIFFERS)  # no number both admit
    return Outcome(AGREES)


def _within(inner: Figure, outer: Figure) -> bool:
    """Whether every number ``inner`` admits ``outer`` admits too."""
    low_ok = inner[0] > outer[0] or (inner[0] == outer[0] and (outer[1] or not inner[1]))
    if outer[2] is None:
        return low_ok
    if inner[2] is None:
        return False
    return low_ok and (inner[2] < outer[2] or (inner[2] == outer[2] and (outer[3] or not inner[3])))


def combine(outcomes: Iterable[Outcome]) -> Outcome | None:
    """Property-by-property outcomes of two structured values as one: any difference differs; one
    refinement (or several in one direction) refines; ``None`` when nothing was compared."""
    seen = list(outcomes)
    if not seen:
        return None
    if any(o.verdict == DIFFERS for o in seen):
        return Outcome(DIFFERS)
    directions = {o.finer for o in seen if o.verdict == REFINES}
    if not directions:
        return Outcome(AGREES)
    return Outcome(REFINES, directions.pop()) if len(directions) == 1 else Outcome(DIFFERS)


class Comparer:
    """Compares the claims of a build (``Loaded.claims``) by source."""

    def __init__(self, claims: Iterable[Claim], schema: Schema, base: str) -> None:
        self.schema = schema
        self.base = base
        self.claims = list(claims)
        # (source, subject) -> property -> the claims of that source
        self.by_source: dict[tuple[str, URIRef], dict[URIRef, list[Claim]]] = defaultdict(lambda: defaultdict(list))
        self.by_subject: dict[URIRef, list[Claim]] = defaultdict(list)
        for c in self.claims:
            self.by_source[(c.source, c.s)][c.p].append(c)
            self.by_subject[c.s].append(c)
        functional = {p.iri for p in schema.properties.values() if p.functional}
        self.compared = (functional | set(schema.lower_bounds) | set(schema.approximations) | set(schema.per_scheme)) - set(
            schema.not_compared
        )

    # -- the same property of the same subject ----------------------------------------------------

    def quantity(self, p: URIRef) -> URIRef:
        return self.schema.lower_bounds.get(p) or self.schema.approximations.get(p, p)

    def stated(self, claim: Claim) -> Stated:
        return Stated(claim.o, bound=claim.p in self.schema.lower_bounds, approximate=claim.p in self.schema.approximations)

    def same_property(self) -> Iterator[Comparison]:
        """Pairs of sources that give one single-valued property of one subject differently (a
        property single-valued per concept scheme, within each scheme: a rating per scale)."""
        slots: dict[tuple[URIRef, URIRef, str], dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
        for c in self.claims:
            if c.p in self.compared:
                scheme = str(self.schema.schemes.get(c.o, "")) if c.p in self.schema.per_scheme and isinstance(c.o, URIRef) else ""
                slots[(c.s, self.quantity(c.p), scheme)][c.source].append(c)
        for (subject, prop, _scheme), per_source in sorted(slots.items()):
            yield from self._pairs(subject, prop, per_source)

    def _pairs(self, subject: URIRef, prop: URIRef, per_source: dict[str, list[Claim]]) -> Iterator[Comparison]:
        for sa, sb in combinations(sorted(per_source), 2):
            for a in per_source[sa]:
                for b in per_source[sb]:
                    if a.o == b.o and a.p == b.p:
                        continue  # one triple that both state
                    found = self.values(a, b)
                    if found is not None and found[0].verdict != AGREES:
                        yield Comparison(subject, prop, found[1], found[2], found[0])

    def values(self, a: Claim, b: Claim) -> tuple[Outcome, Claim, Claim] | None:
        """Two claimed values, and the claims that decide it: a structured value (a node under its
        subject's IRI, such as an amount) is compared by its properties, and decided by the first
        of them that differs (or refines): the amount's value, not the node."""
        if isinstance(a.o, URIRef) and isinstance(b.o, URIRef) and self.is_value(a.s, a.o) and self.is_value(b.s, b.o):
            return self.structured(a.source, a.o, b.source, b.o)
        return compare(self.stated(a), self.stated(b)), a, b

    @staticmethod
    def is_value(subject: URIRef, node: URIRef) -> bool:
        return str(node).startswith(f"{subject}/")

    def structured(self, sa: str, a: URIRef, sb: str, b: URIRef) -> tuple[Outcome, Claim, Claim] | None:
        pa, pb = self.by_source[(sa, a)], self.by_source[(sb, b)]
        for prop, within in self.schema.compared_within.items():
            if prop in pa and prop in pb and {c.o for c in pa.get(within, [])} != {c.o for c in pb.get(within, [])}:
                return None  # not comparable: an amount in pesos and one in dollars
        found: list[tuple[Outcome, Claim, Claim]] = []
        for prop in sorted(set(pa) & set(pb) & self.compared):
            for ca in pa[prop]:
                for cb in pb[prop]:
                    leaf = self.values(ca, cb)
                    if leaf is not None:
                        found.append(leaf)
        outcome = combine(o for o, _a, _b in found)
        if outcome is None:
            return None
        decided = next((f for f in found if f[0].verdict == outcome.verdict), found[0])
        return outcome, decided[1], decided[2]

    # -- figures of the same measure --------------------------------------------------------------

    def measures(self) -> dict[URIRef, tuple[tuple[URIRef, tuple[URIRef | Literal, ...]], ...]]:
        """Each observation's measure key: (key property, its values) for every key property."""
        observations = {c.s for c in self.claims if c.p == RDF.type and c.o == TIPKG.Observation}
        values: dict[URIRef, dict[URIRef, set[URIRef | Literal]]] = defaultdict(lambda: defaultdict(set))
        key = set(self.schema.measure_key)
        for c in self.claims:
            if c.s in observations and c.p in key:
                values[c.s][c.p].add(c.o)
        return {
            obs: tuple((p, tuple(sorted(values[obs].get(p, set()), key=str))) for p in self.schema.measure_key)
            for obs in sorted(observations)
        }

    def measure_iri(self, key: tuple[tuple[URIRef, tuple[URIRef | Literal, ...]], ...]) -> URIRef:
        # key properties without a value are left out, so that a key property the ontology adds later
        # (tipkg:exploitationForm was) leaves the IRIs of the measures that do not use it as they were
        text = " ".join(f"{p.n3()}=" + ",".join(v.n3() for v in values) for p, values in key if values)
        return URIRef(f"{self.base}measure/{hashlib.sha1(text.encode()).hexdigest()[:16]}")

    def same_measure(self, keys: dict[URIRef, tuple[tuple[URIRef, tuple[URIRef | Literal, ...]], ...]]) -> Iterator[Comparison]:
        """Pairs of sources whose figures of one measure (on any of its observations) differ."""
        members: dict[URIRef, list[URIRef]] = defaultdict(list)
        for obs, key in keys.items():
            members[self.measure_iri(key)].append(obs)
        value_props = self.schema.measured
        for measure, observations in sorted(members.items()):
            if len(observations) < 2:
                continue
            per_source: dict[str, list[Claim]] = defaultdict(list)
            for obs in observations:
                for c in self.by_subject[obs]:
                    if c.p in value_props:
                        per_source[c.source].append(c)
            measured = [c for cs in per_source.values() for c in cs]
            if len({c.s for c in measured}) < 2:
                continue  # one observation only: compared as the same property of one subject
            for sa, sb in combinations(sorted(per_source), 2):
                for a in per_source[sa]:
                    for b in per_source[sb]:
                        if a.s == b.s:
                            continue  # one observation: same_property compares it
                        outcome = compare(self.stated(a), self.stated(b))
                        if outcome.verdict != AGREES:
                            yield Comparison(measure, self.quantity(a.p), a, b, outcome)


def comparison_triples(
    claims: Iterable[Claim],
    schema: Schema,
    base: str,
    label: Callable[[URIRef | Literal, str], str],
    languages: tuple[str, ...] = ("en",),
) -> tuple[list[Triple], list[Comparison]]:
    """The comparisons graph: every observation's measure (with a label in each of ``languages``, made
    by ``label(term, lang)``), and a ``tipkg:Comparison`` for each pair of statements that differ or
    refine one another."""
    comparer = Comparer(claims, schema, base)
    keys = comparer.measures()
    triples: list[Triple] = []
    labelled: set[URIRef] = set()
    for obs, key in keys.items():
        measure = comparer.measure_iri(key)
        triples.append((obs, TIPKG.measure, measure))
        if measure in labelled:
            continue
        labelled.add(measure)
        triples.append((measure, RDF.type, TIPKG.Measure))
        for lang in languages:
            triples.append((measure, RDFS.label, Literal(measure_label(key, functools.partial(_in, label, lang)), lang=lang)))
        for p, values in key:
            triples.extend((measure, p, v) for v in values)
    found = [*comparer.same_property(), *comparer.same_measure(keys)]
    for comparison in found:
        node = URIRef(f"{base}comparison/{comparison.iri_key}")
        triples.append((node, RDF.type, TIPKG.Comparison))
        triples.append((node, TIPKG.comparedSubject, comparison.subject))
        triples.append((node, TIPKG.comparedProperty, comparison.prop))
        triples.append((node, TIPKG.comparedStatement, comparison.first.statement))
        triples.append((node, TIPKG.comparedStatement, comparison.second.statement))
        triples.append((node, TIPKG.verdict, VERDICTS[comparison.outcome.verdict]))
        if comparison.outcome.finer is not None:
            finer = (comparison.first, comparison.second)[comparison.outcome.finer]
            triples.append((node, TIPKG.refiningStatement, finer.statement))
    return triples, found


def _in(label: Callable[[URIRef | Literal, str], str], lang: str, term: URIRef | Literal) -> str:
    return label(term, lang)


def measure_label(key: tuple[tuple[URIRef, tuple[URIRef | Literal, ...]], ...], label: Callable[[URIRef | Literal], str]) -> str:
    """``investigations: concerns FEVIMTRA, area Mexico, start 2010, end 2010``: the first key
    property's values, then each other key property's name and values, in the key's order."""
    if not key:
        return "figure"
    (_first, head), *rest = key
    parts = [f"{label(p)} {', '.join(label(v) for v in vs)}" for p, vs in rest if vs]
    name = ", ".join(label(v) for v in head) or "figure"
    return f"{name}: {', '.join(parts)}" if parts else name
