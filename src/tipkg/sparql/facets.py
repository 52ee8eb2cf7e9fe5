"""Browsing a class by facets, as Datasette's facets do: the members of a class, narrowed by filters
on facet values (combined with AND), with the number of members under each value of each facet.

The members of a class are those it counts on the home page (the saved query ``counts_by_class``):
curated entities (subjects of a source's statements) whose most specific class it is. Each facet
reads, for a member:

- ``source``: the reports that state something of it (``dcterms:source`` of the statements whose
  ``rdf:subject`` it is), so that no member is listed without the reports that name it;
- ``area``: the places it is about: the place a figure covers (``tipkg:refArea``), where it is or
  acts (``tipkg:location``), a law's jurisdiction (``tipkg:jurisdiction``), its country (``tipkg:country``);
- ``theme``: the subjects it addresses (``tipkg:theme``, the concept scheme of themes);
- ``year``: the year of each of its dates: every property whose range is ``tipkg:TemporalValue``
  (founding, start, end, legislation, publication, ``asOf``, ``date``), read from the ontology;
- ``action``: its areas of anti-trafficking action (``tipkg:area``: prevention, prosecution, protection).

A member with no value for a facet counts under :data:`NONE`, and the filter ``year=none`` keeps
those. Values travel in URLs as short keys (``mx-2011``, ``jalisco``, ``prevention``, ``2010``):
an IRI without its facet's namespace. Queries are built here, bound by the engine, and run by
:func:`browse` through :class:`tipkg.kg.KnowledgeGraph`; the service only shows the result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from tipkg.namespaces import CONCEPT, TIPKG
from tipkg.sparql.codepoints import fold

if TYPE_CHECKING:
    from collections.abc import Callable

    from tipkg.kg import KnowledgeGraph

    Memo = Callable[[object, Callable[[], "Ordered"]], "Ordered"]  # a key and how to compute its value -> the value

NONE = "none"  # the key of "no value": no facet key is this word (keys of IRIs hold a slug, years digits)
PER_PAGE = 1000
BASE = "{base}"  # in a facet's namespace: the data's base IRI


@dataclass(frozen=True)
class Facet:
    """A facet: a graph pattern from ``?member`` to ``?_value`` (private variables start ``?_``),
    and the namespace its IRI values are keyed without (``""``: literal values, keyed as they are)."""

    name: str
    pattern: str
    namespace: str = ""

    def where(self, tag: str) -> str:
        """The pattern with its private variables renamed by ``tag``, so that several can be joined."""
        return self.pattern.replace("?_", f"?_{tag}")

    def prefix(self, base: str) -> str:
        return self.namespace.replace(BASE, base)


FACETS = (
    Facet("source", "?_st rdf:subject ?member ; dcterms:source ?_value .", BASE + "source/"),
    Facet(
        "area",
        "VALUES ?_p { tipkg:refArea tipkg:location tipkg:jurisdiction tipkg:country } ?member ?_p ?_value .",
        BASE + "place/",
    ),
    Facet("theme", "?member tipkg:theme ?_value .", f"{CONCEPT}theme-"),
    Facet(
        "year",
        "?_p rdfs:range tipkg:TemporalValue . ?member ?_p ?_date . BIND(SUBSTR(STR(?_date), 1, 4) AS ?_value)",
    ),
    Facet("action", "?member tipkg:area ?_value .", f"{CONCEPT}area-"),
)
BY_NAME = {f.name: f for f in FACETS}
# the members of $class: as counts_by_class counts them (curated, by their most specific class)
MEMBERS = """?member a $class . FILTER EXISTS { ?_statement rdf:subject ?member }
  MINUS { ?member a ?_sub . ?_sub rdfs:subClassOf $class . FILTER(?_sub != $class) }"""
Q_CLASS = "ASK { $class a owl:Class . FILTER(STRSTARTS(STR($class), STR(tipkg:))) }"


@dataclass(frozen=True, order=True)
class Filter:
    """Keep the members whose ``facet`` has the value ``key`` (:data:`NONE`: that have none)."""

    facet: str
    key: str


@dataclass(frozen=True)
class FacetValue:
    key: str
    term: URIRef | Literal | None  # None: the members without a value
    count: int


@dataclass(frozen=True)
class Member:
    iri: str
    label: str
    sources: tuple[str, ...]  # the IRIs of the reports that state something of it


@dataclass(frozen=True)
class Browsed:
    """One page of a class's members under some filters, and the facet counts of all of them."""

    total: int
    members: list[Member]
    facets: dict[str, list[FacetValue]]
    labels: dict[URIRef, str]  # the labels of the facet values that are IRIs
    page: int
    pages: int
    per_page: int


def class_iri(name: str) -> URIRef:
    """The tipkg class of a local name (``GovernmentBody``); what is no class is checked by :func:`is_class`."""
    return URIRef(f"{TIPKG}{name}")


def is_class(kg: KnowledgeGraph, name: str) -> bool:
    bound: dict[str, Any] = {"class": class_iri(name)}
    return name.isidentifier() and bool(kg.query(Q_CLASS, **bound).boolean)


def to_term(facet: Facet, key: str, base: str) -> URIRef | Literal:
    """The RDF term of a key: an IRI in the facet's namespace (or the key itself, if it is an IRI);
    a key that makes no IRI raises :class:`tipkg.sparql.saved.QueryError`."""
    from tipkg.engines.oxigraph import is_iri
    from tipkg.sparql.codepoints import shown
    from tipkg.sparql.saved import QueryError

    if not facet.namespace:
        return Literal(key)
    iri = key if "://" in key else facet.prefix(base) + key
    if not is_iri(iri):
        raise QueryError(f"{shown(key)} is no value of the facet {facet.name}")
    return URIRef(iri)


def to_key(facet: Facet, term: URIRef | Literal | None, base: str) -> str:
    if term is None:
        return NONE
    prefix = facet.prefix(base)
    text = str(term)
    return text[len(prefix) :] if prefix and text.startswith(prefix) and len(text) > len(prefix) else text


def restrict(filters: list[Filter], base: str) -> tuple[str, dict[str, URIRef | Literal]]:
    """The SPARQL that keeps the members passing every filter, and the terms it binds (``$f0`` …)."""
    parts, bindings = [], {}
    for i, f in enumerate(filters):
        facet = BY_NAME[f.facet]
        where = facet.where(f"f{i}")
        if f.key == NONE:
            parts.append(f"FILTER NOT EXISTS {{ {where} }}")
        else:
            parts.append(f"FILTER EXISTS {{ {where} FILTER(?_f{i}value = $f{i}) }}")
            bindings[f"f{i}"] = to_term(facet, f.key, base)
    return "\n  ".join(parts), bindings


def members_query(filters: list[Filter], base: str) -> tuple[str, dict[str, URIRef | Literal]]:
    """Each member passing the filters, with each report that states something of it."""
    kept, bindings = restrict(filters, base)
    text = f"""SELECT DISTINCT ?member ?source WHERE {{
  {MEMBERS}
  {kept}
  OPTIONAL {{ {BY_NAME["source"].where("s").replace("?_svalue", "?source")} }}
}}"""
    return text, bindings


def counts_query(facet: Facet, filters: list[Filter], base: str) -> tuple[str, dict[str, URIRef | Literal]]:
    """How many members passing the filters each value of ``facet`` has (an unbound value: none)."""
    kept, bindings = restrict(filters, base)
    # Oxigraph binds a parameter only where the SELECT clause (and GROUP BY) names it
    params = " ".join(f"${name}" for name in ["class", *bindings])
    text = f"""SELECT {params} ?value (COUNT(DISTINCT ?member) AS ?n) WHERE {{
  {MEMBERS}
  {kept}
  OPTIONAL {{ {facet.where("c").replace("?_cvalue", "?value")} }}
}} GROUP BY {params} ?value"""
    return text, bindings


def parse_filters(pairs: list[tuple[str, str]]) -> list[Filter]:
    """The filters of a URL's query parameters (facet name, key); other parameters are not filters.
    Each filter once, in a stable order, so that equal URLs run equal queries."""
    return sorted({Filter(name, key) for name, key in pairs if name in BY_NAME and key})


@dataclass(frozen=True)
class Ordered:
    """What :func:`browse` reads once per (class, filters, language): the members in order, each
    with its reports, and the facet counts with the labels of their values."""

    members: list[tuple[str, tuple[str, ...]]]
    facets: dict[str, list[FacetValue]]
    labels: dict[URIRef, str]


def browse(
    kg: KnowledgeGraph,
    name: str,
    filters: list[Filter],
    lang: str,
    page: int = 1,
    per_page: int = PER_PAGE,
    unnamed: Callable[[str], str] | None = None,
    memo: Memo | None = None,
) -> Browsed:
    """The ``page``-th ``per_page`` members (at most :data:`PER_PAGE`) of the class ``name`` passing
    ``filters``, ordered by their label in ``lang`` (accents and case aside), then their IRI; and
    every facet's counts over all of them. A member the store gives no label is named by
    ``unnamed(iri)`` (the site's: the network's made labels), else by its id.

    The order needs every member's label, and the counts every member: :func:`ordered` reads them,
    through ``memo`` (the service's: once per class, filters and language, the store being read-only),
    so that a page costs the labels of its own members only."""
    per_page = min(max(per_page, 1), PER_PAGE)
    key = ("facets", name, tuple(filters), lang)
    found = (memo or _now)(key, lambda: ordered(kg, name, filters, lang, unnamed))
    pages = max(1, -(-len(found.members) // per_page))
    page = min(max(page, 1), pages)
    shown = found.members[(page - 1) * per_page : page * per_page]
    label = _namer(kg, [iri for iri, _ in shown], lang, unnamed)
    members = [Member(iri, label(iri), sources) for iri, sources in shown]
    return Browsed(len(found.members), members, found.facets, found.labels, page, pages, per_page)


def ordered(kg: KnowledgeGraph, name: str, filters: list[Filter], lang: str, unnamed: Callable[[str], str] | None) -> Ordered:
    """Every member of the class ``name`` passing ``filters``, in :func:`browse`'s order, and the facet counts."""
    cls: dict[str, Any] = {"class": class_iri(name)}
    text, bindings = members_query(filters, kg.base)
    rows = kg.query(text, lang=lang, **cls, **dict[str, Any](bindings)).rows
    sources: dict[str, set[str]] = defaultdict(set)
    for member, source in rows:
        sources[str(member)].update([str(source)] if source is not None else [])
    label = _namer(kg, list(sources), lang, unnamed)
    order = sorted(sources, key=lambda iri: (fold(label(iri)), label(iri), iri))
    facets: dict[str, list[FacetValue]] = {}
    values: list[tuple[URIRef]] = []
    for facet in FACETS:
        text, bindings = counts_query(facet, filters, kg.base)
        counted = [(r["value"], int(str(r["n"]))) for r in kg.query(text, lang=lang, **cls, **dict[str, Any](bindings))]
        found = [FacetValue(to_key(facet, v, kg.base), v, n) for v, n in counted if isinstance(v, URIRef | Literal | None)]
        facets[facet.name] = sorted(found, key=lambda fv: (fv.term is None, -fv.count, fv.key))
        values += [(v,) for v, _n in counted if isinstance(v, URIRef)]
    members = [(iri, tuple(sorted(sources[iri]))) for iri in order]
    return Ordered(members, facets, kg.labels_of(list(values), lang))


def _namer(kg: KnowledgeGraph, iris: list[str], lang: str, unnamed: Callable[[str], str] | None) -> Callable[[str], str]:
    """The name of each of ``iris``: its label in ``lang``, else ``unnamed(iri)``, else its id."""
    names = kg.labels_of([(URIRef(m),) for m in iris], lang)

    def label(iri: str) -> str:
        made = unnamed(iri) if unnamed and URIRef(iri) not in names else ""
        return names.get(URIRef(iri)) or made or (iri[len(kg.base) :] if iri.startswith(kg.base) else iri)

    return label


def _now(_key: object, compute: Callable[[], Ordered]) -> Ordered:
    """No memo: computed on every call."""
    return compute()
