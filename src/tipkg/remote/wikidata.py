"""``tipkg link``: Wikidata candidates for the entities that have no Wikidata id yet, for a curator.

The names of each entity (preferred and alternative labels, acronyms included) are looked up as
exact labels or aliases, in English and Spanish, on a SPARQL endpoint (Wikidata's by default).
Each candidate is scored: an exact label (0.4) or alias (0.25) match, in the name's own language
(+0.1), an item of the entity's kind (``wdt:P31/wdt:P279*``, +0.3), in the entity's country
(``wdt:P17``, +0.2). The candidates go to a review file, ``status`` ``proposed``; the build links
only the rows a curator marks ``accepted``.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef

from tipkg.namespaces import WD
from tipkg.remote.endpoint import Endpoint
from tipkg.sparql.text import sparql_term

if TYPE_CHECKING:
    from tipkg.kg import KnowledgeGraph

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
REVIEW_FILE = Path("graph_data") / "reference" / "wikidata_candidates.csv"
COLUMNS = ("entity", "candidate", "label", "description", "score", "status")
STATUSES = ("proposed", "accepted", "rejected")
LANGUAGES = ("en", "es")
BATCH = 10  # entities per request
KEEP = 5  # candidates kept per entity

ENTITIES_QUERY = """
SELECT ?entity ?kind ?name ?country WHERE {
  ?class tipkg:wikidataClass ?kind .
  ?entity a ?class .
  FILTER NOT EXISTS { ?entity tipkg:wikidata ?anyItem }
  { ?entity skos:prefLabel ?name } UNION { ?entity skos:altLabel ?name }
  OPTIONAL { ?entity tipkg:country/tipkg:wikidata ?country }
}"""

CANDIDATES_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?key ?name ?item ?matchedBy ?label ?description ?class ?country WHERE {
  VALUES (?key ?name) { %s }
  { ?item rdfs:label ?name . BIND("label" AS ?matchedBy) } UNION { ?item skos:altLabel ?name . BIND("alias" AS ?matchedBy) }
  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q"))
  OPTIONAL { ?item rdfs:label ?label FILTER(LANG(?label) = "en") }
  OPTIONAL { ?item schema:description ?description FILTER(LANG(?description) = "en") }
  OPTIONAL { ?item wdt:P31/wdt:P279* ?class FILTER(?class IN (%s)) }
  OPTIONAL { ?item wdt:P17 ?country }
}"""


@dataclass
class Entity:
    """An entity to link: its id, the Wikidata classes of its kind, its names and country."""

    id: str
    kinds: set[str]
    names: set[Literal]
    country: str | None = None


@dataclass
class Candidate:
    entity: str
    qid: str
    label: str
    description: str
    score: float
    status: str = "proposed"

    def row(self) -> dict[str, str]:
        return dict(zip(COLUMNS, (self.entity, self.qid, self.label, self.description, f"{self.score:.2f}", self.status), strict=True))


def qid(iri: object) -> str:
    return str(iri).removeprefix(str(WD))


def unlinked_entities(kg: KnowledgeGraph) -> list[Entity]:
    """The entities of a class the ontology gives a ``tipkg:wikidataClass``, without a Wikidata id,
    from a built graph; each with the Wikidata classes its candidates must belong to."""
    found: dict[str, Entity] = {}
    for entity, kind, name, country in kg.engine.run(ENTITIES_QUERY, {}).rows:
        key = str(entity).removeprefix(kg.base)
        item = found.setdefault(key, Entity(key, set(), set()))
        item.kinds.add(qid(kind))
        if isinstance(name, Literal):
            item.names.add(name)
        if country is not None:
            item.country = qid(country)
    return sorted(found.values(), key=lambda e: e.id)


def candidates_query(entities: list[Entity]) -> str:
    """One request for several entities: each name in English and Spanish, keyed by entity id."""
    values = []
    for entity in entities:
        for text in sorted({str(n) for n in entity.names}):
            for lang in LANGUAGES:
                values.append(f"({sparql_term(Literal(entity.id))} {sparql_term(Literal(text, lang=lang))})")
    classes = sorted({c for e in entities for c in e.kinds})
    return CANDIDATES_QUERY % (" ".join(values), ", ".join(sparql_term(URIRef(WD[c])) for c in classes))


def score(entity: Entity, rows: Iterable[dict[str, str]]) -> list[Candidate]:
    """The candidates of one entity from the result rows about it, best first."""
    own_langs = {n.language for n in entity.names}
    best: dict[str, Candidate] = {}
    for row in rows:
        item = qid(row["item"])
        points = 0.4 if row.get("matchedBy") == "label" else 0.25
        points += 0.1 if row.get("nameLang") in own_langs else 0.0
        points += 0.3 if row.get("class") and qid(row["class"]) in entity.kinds else 0.0
        points += 0.2 if entity.country and row.get("country") and qid(row["country"]) == entity.country else 0.0
        found = Candidate(entity.id, item, row.get("label") or "", row.get("description") or "", round(points, 2))
        if item not in best or found.score > best[item].score:
            best[item] = found
    return sorted(best.values(), key=lambda c: (-c.score, c.qid))[:KEEP]


def find_candidates(endpoint: Endpoint, entities: list[Entity], progress: Callable[[str], None] | None = None) -> list[Candidate]:
    """Look every entity up on the endpoint, ``BATCH`` entities a request."""
    by_id = {e.id: e for e in entities}
    out: list[Candidate] = []
    for start in range(0, len(entities), BATCH):
        group = entities[start : start + BATCH]
        answer = endpoint.select(candidates_query(group))
        rows: dict[str, list[dict[str, str]]] = defaultdict(list)
        for binding in answer.body["results"]["bindings"]:
            row = {k: v["value"] for k, v in binding.items()}
            row["nameLang"] = binding.get("name", {}).get("xml:lang", "")
            rows[row["key"]].append(row)
        for key, found in rows.items():
            if key in by_id:
                out.extend(score(by_id[key], found))
        if progress:
            progress(f"{min(start + BATCH, len(entities))}/{len(entities)} entities looked up")
    return out


# -- the review file -----------------------------------------------------------------------------


def parse_review(text: str) -> list[Candidate]:
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        rows.append(
            Candidate(
                row.get("entity") or "",
                row.get("candidate") or "",
                row.get("label") or "",
                row.get("description") or "",
                float(row.get("score") or 0),
                (row.get("status") or "proposed").strip(),
            )
        )
    return rows


def merge(existing: list[Candidate], found: list[Candidate], linked: set[str]) -> list[Candidate]:
    """The review file after a new lookup: a curator's decisions kept, proposals refreshed.

    Accepted and rejected rows stay as they are; proposals are replaced by the new lookup's; no
    proposals for entities that have a Wikidata id by now.
    """
    decided = {(c.entity, c.qid): c for c in existing if c.status != "proposed"}
    out = list(decided.values())
    for c in found:
        if (c.entity, c.qid) not in decided and c.entity not in linked:
            out.append(c)
    return sorted(out, key=lambda c: (c.entity, -c.score, c.qid))


def render_review(rows: list[Candidate]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for c in rows:
        writer.writerow(c.row())
    return buf.getvalue()


@dataclass
class LinkReport:
    entities: int
    proposed: int
    path: Path


def link(root: Path, endpoint: Endpoint, progress: Callable[[str], None] | None = None) -> LinkReport:
    """Find candidates for the unlinked entities of the build under ``root``; update the review file."""
    import tipkg

    kg = tipkg.open(root)
    entities = unlinked_entities(kg)
    found = find_candidates(endpoint, entities, progress)
    path = root / REVIEW_FILE
    existing = parse_review(path.read_text(encoding="utf-8")) if path.exists() else []
    linked = {c.entity for c in existing if c.status == "accepted"}
    rows = merge(existing, found, linked)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render_review(rows), encoding="utf-8")
    tmp.replace(path)
    return LinkReport(len(entities), sum(c.status == "proposed" for c in rows), path)
