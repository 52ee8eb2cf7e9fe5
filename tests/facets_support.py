"""What the facet tests compare against: a class's members and the members under each facet value,
read by COUNT queries written here by hand (each facet's properties spelt out, dates by name, the
class test by FILTER NOT EXISTS), not by the queries :mod:`tipkg.sparql.facets` builds."""

from __future__ import annotations

from tipkg.kg import KnowledgeGraph
from tipkg.namespaces import TIPKG

# each facet: a pattern from ?m to the value ?v, as the ontology's comments describe it
REFERENCE = {
    "source": "?st2 rdf:subject ?m ; dcterms:source ?v .",
    "area": "{ ?m tipkg:refArea ?v } UNION { ?m tipkg:location ?v } UNION { ?m tipkg:jurisdiction ?v } UNION { ?m tipkg:country ?v }",
    "theme": "?m tipkg:theme ?v .",
    "year": "VALUES ?p { tipkg:foundingDate tipkg:startDate tipkg:endDate tipkg:legislationDate tipkg:datePublished"
    " tipkg:asOf tipkg:date } ?m ?p ?d . BIND(SUBSTR(STR(?d), 1, 4) AS ?v)",
    "action": "?m tipkg:area ?v .",
}
# classes whose members have values of every facet between them (checked by a test)
CLASSES = ["Campaign", "Observation", "Law", "GovernmentBody", "FundingAllocation", "NGO"]


def members_of(name: str) -> str:
    """The pattern of the members of a class: curated entities whose most specific class it is."""
    c = f"<{TIPKG}{name}>"
    return f"?m a {c} . FILTER EXISTS {{ ?st rdf:subject ?m }} FILTER NOT EXISTS {{ ?m a ?sub . ?sub rdfs:subClassOf {c} . FILTER(?sub != {c}) }}"


def total(kg: KnowledgeGraph, name: str, extra: str = "") -> int:
    rows = kg.query(f"SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {members_of(name)} {extra} }}").rows
    return int(str(rows[0][0]))


def expected_counts(kg: KnowledgeGraph, name: str, facet: str) -> dict[str | None, int]:
    """Members per value of ``facet`` (each value as its IRI or text; ``None``: the members without one)."""
    pattern = REFERENCE[facet]
    rows = kg.query(f"SELECT ?v (COUNT(DISTINCT ?m) AS ?n) WHERE {{ {members_of(name)} {pattern} }} GROUP BY ?v").rows
    counts: dict[str | None, int] = {str(v): int(str(n)) for v, n in rows}
    without = total(kg, name) - total(kg, name, pattern)
    if without:
        counts[None] = without
    return counts


def expected_members(kg: KnowledgeGraph, name: str, values: dict[str, str | None]) -> set[str]:
    """The members with each of ``values`` (facet -> value IRI or text; ``None``: no value)."""
    parts = []
    for i, (facet, value) in enumerate(sorted(values.items())):
        pattern = REFERENCE[facet].replace("?v", f"?v{i}").replace("?st2", f"?st{i}x").replace("?p ", f"?p{i} ").replace("?d", f"?d{i}")
        if value is None:
            parts.append(f"FILTER NOT EXISTS {{ {pattern} }}")
        else:
            parts.append(f"{{ {pattern} }} FILTER(STR(?v{i}) = {value!r})")
    rows = kg.query(f"SELECT DISTINCT ?m WHERE {{ {members_of(name)} {' '.join(parts)} }}").rows
    return {str(m) for (m,) in rows}
