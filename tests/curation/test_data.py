"""The curated graph of the 2011 report: traceable, exact, and true to the report (each fact
below was checked by reading graph_data/sources/000_d7b107364416c09b.txt)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = """
PREFIX tipkg: <https://w3id.org/tipkg/ontology#>
PREFIX concept: <https://w3id.org/tipkg/concept/>
PREFIX id: <https://w3id.org/tipkg/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ASSERTED = "GRAPH <https://w3id.org/tipkg/id/graph/mx-2011>"


@pytest.fixture(scope="module")
def store(built_real):
    return ox.Store.read_only(str(built_real / "build" / "store"))


def rows(store, query: str) -> list[tuple[str, ...]]:
    return [tuple(t.value if t is not None else None for t in sol) for sol in store.query(PREFIXES + query)]


def ask(store, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


def test_every_quote_is_the_source_text_at_its_offsets(store):
    text = (ROOT / "graph_data/sources/000_d7b107364416c09b.txt").read_bytes().decode("utf-8")
    found = rows(
        store, "SELECT ?exact ?start ?end WHERE { ?ev oa:hasSelector ?q, ?p . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }"
    )
    assert len(found) > 100
    for exact, start, end in found:
        assert text[int(start) : int(end)] == exact


def test_every_curated_node_cites_evidence(store):
    """Its type is stated by a source, with a quote of that source."""
    missing = rows(
        store,
        f"""SELECT ?s WHERE {{ {ASSERTED} {{ ?s a ?c }}
        FILTER(STRSTARTS(STR(?c), STR(tipkg:)))
        FILTER NOT EXISTS {{ ?c tipkg:citesNoEvidence true }}
        FILTER NOT EXISTS {{ ?st rdf:subject ?s ; rdf:predicate rdf:type ; rdf:object ?c ; dcterms:source ?source ;
                             prov:wasDerivedFrom/oa:hasSource ?source }} }}""",
    )
    assert missing == []


def test_every_fact_has_a_statement_citing_a_quote(store):
    unsupported = rows(
        store,
        f"""SELECT ?s ?p ?o WHERE {{ {ASSERTED} {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?p), STR(tipkg:)))
        FILTER NOT EXISTS {{ ?s a tipkg:Section }} FILTER NOT EXISTS {{ ?s a tipkg:SourceDocument }}
        FILTER NOT EXISTS {{ ?s a tipkg:Evidence }} FILTER NOT EXISTS {{ ?s a tipkg:Document }}
        FILTER NOT EXISTS {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom/oa:hasSelector/oa:exact ?q }} }}""",
    )
    assert unsupported == []


def test_wikidata_links_only_to_checked_ids(store):
    with (ROOT / "graph_data/reference/wikidata_qids.csv").open(encoding="utf-8") as f:
        checked = {"http://www.wikidata.org/entity/" + r["wikidata_id"] for r in csv.DictReader(f)}
    reviewed = ROOT / "graph_data/reference/wikidata_candidates.csv"  # tipkg link's review file: accepted rows are checked too
    if reviewed.exists():
        with reviewed.open(encoding="utf-8") as f:
            checked |= {"http://www.wikidata.org/entity/" + r["candidate"] for r in csv.DictReader(f) if r["status"] == "accepted"}
    linked = {q for (q,) in rows(store, "SELECT DISTINCT ?q WHERE { ?s owl:sameAs ?q }")}
    assert linked and linked <= checked


# -- facts, each read in the report --------------------------------------------------------------

FACTS = {
    # "in January 2008 Mexico created the Special Prosecution Unit ... (FEVIMTRA) within the Office of the Prosecutor General"
    "fevimtra-created-january-2008": '?u skos:altLabel "FEVIMTRA"@en ; tipkg:foundingDate "2008-01"^^xsd:gYearMonth ; tipkg:unitOf/skos:prefLabel "Office of the Prosecutor General"@en',
    # the same body is also "The Office of Special Prosecutor for Crimes of Violence against Women and Trafficking in Persons"
    "fevimtra-one-node-two-names": '?u skos:altLabel "FEVIMTRA"@en , "Office of Special Prosecutor for Crimes of Violence against Women and Trafficking in Persons"@en',
    # "in July 2009 established the Intersecretariat Committee ... composed of more than 26 public-sector entities"
    "committee-july-2009": '?c a tipkg:InterAgencyCommittee ; tipkg:foundingDate "2009-07"^^xsd:gYearMonth',
    "more-than-26-is-a-bound": "?m tipkg:organization ?c ; tipkg:member ?g . ?c a tipkg:InterAgencyCommittee . ?g tipkg:memberCountMoreThan 26 FILTER NOT EXISTS { ?g tipkg:memberCount ?n }",
    # "under the coordination of the Secretariat of the Interior"
    "coordinator-interior": '?m tipkg:role concept:role-coordinator ; tipkg:member/skos:prefLabel "Secretariat of the Interior"@en',
    # "a National Program on the issue, which was published on January 6, 2011"
    "program-published-2011-01-06": '?p a tipkg:NationalProgram ; tipkg:datePublished "2011-01-06"^^xsd:date ; tipkg:numberOfLinesOfAction 58',
    # "Law to Prevent and Punish Trafficking in Persons (November 2007)"
    "law-november-2007": '?l a tipkg:Law ; skos:prefLabel "Law to Prevent and Punish Trafficking in Persons"@en ; tipkg:legislationDate "2007-11"^^xsd:gYearMonth',
    # "From 2004 to 2009, the PCS has allocated $17,926,386.00 pesos to finance 38 projects"
    "pcs-amount": '?g tipkg:fundingChannel/skos:altLabel "PCS"@en ; tipkg:amount [ tipkg:value 17926386.00 ; tipkg:currency "MXN" ] ; tipkg:numberOfProjects 38 ; tipkg:startDate "2004"^^xsd:gYear ; tipkg:endDate "2009"^^xsd:gYear',
    # "(DIF) allocated $7,100,000 in 2010": "$" only, so the peso is inferred and said so
    "dif-currency-inferred": '?g tipkg:funder/skos:altLabel "DIF"@en ; tipkg:amount [ tipkg:value ?v ; tipkg:currency "MXN" ; tipkg:currencyInferred true ] FILTER(?v = 7100000)',
    # "In 2010, 147 victims were identified with the following nationalities: Guatemalan (123) ..."
    "victims-147-in-2010": '?o tipkg:indicator concept:indicator-victims-identified ; tipkg:observedValue ?v ; tipkg:startDate "2010"^^xsd:gYear FILTER(?v = 147)',
    "guatemalan-123": '?o tipkg:nationality/tipkg:iso3166Code "GT" ; tipkg:observedValue ?v FILTER(?v = 123)',
    # "more than 18,000 people"
    "people-reached-lower-bound": "?o tipkg:indicator concept:indicator-people-reached ; tipkg:observedMoreThan ?v FILTER(?v = 18000) FILTER NOT EXISTS { ?o tipkg:observedValue ?v }",
    # Federal District: MX-DIF in 2011, MX-CMX today
    "mexico-city-codes": '?d tipkg:iso3166Code "MX-CMX" ; tipkg:formerIso3166Code "MX-DIF"',
    # ORR and HHS are government bodies that the report lists among NGOs: a recorded claim, not a type
    "orr-not-an-ngo": '?o skos:altLabel "ORR"@en ; a tipkg:GovernmentUnit ; tipkg:reportedClaim ?claim FILTER NOT EXISTS { ?o a tipkg:NGO }',
    # "the telephone line 01800 TRATA and the e-mail address casosdetrata@inami.gob.mx"
    "contact-points": '?a tipkg:telephone "01800 TRATA" . ?b tipkg:email "casosdetrata@inami.gob.mx"',
}


@pytest.mark.parametrize("pattern", FACTS.values(), ids=FACTS.keys())
def test_fact_read_in_the_report_is_in_the_graph(store, pattern):
    assert ask(store, f"ASK {{ {pattern} }}")


def test_nationalities_add_up_to_the_total(store):
    (total,) = rows(
        store,
        """SELECT (SUM(?v) AS ?t) WHERE { ?o tipkg:breakdownOf ?all ; tipkg:observedValue ?v .
                               ?all tipkg:observedValue ?all_v FILTER(?all_v = 147) }""",
    )[0]
    assert int(total) == 147


def test_states_with_substantive_laws_are_the_nine_named(store):
    found = {
        iso
        for (iso,) in rows(
            store, "SELECT ?iso WHERE { ?l a tipkg:Law ; tipkg:jurisdiction ?s . ?s a tipkg:FederalEntity ; tipkg:iso3166Code ?iso }"
        )
    }
    # "Chiapas, Federal District, Hidalgo, Nuevo León, Tabasco, Tamaulipas, Tlaxcala, Veracruz, and San Luis Potosí"
    assert found == {"MX-CHP", "MX-CMX", "MX-HID", "MX-NLE", "MX-TAB", "MX-TAM", "MX-TLA", "MX-VER", "MX-SLP"}
