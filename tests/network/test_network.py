"""The network projection of the graph: which nodes and edges, with which names and quotes."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from tipkg.errors import NetworkError
from tipkg.network.describe import format_money, label
from tipkg.network.reading import from_rdf, load_network
from tipkg.network.search import resolve, search
from tipkg.sparql.codepoints import fold

BASE = "https://w3id.org/tipkg/id/"

NODES = {
    "place/mexico": "Country",
    "place/ruritania": "Country",
    "place/ciudad-pena": "City",
    "place/los-angeles": "City",
    "agency/care": "GovernmentBody",
    "agency/shelter-office": "GovernmentUnit",
    "agency/special-unit": "GovernmentUnit",
    "agency/foreign-aid": "GovernmentBody",
    "ngo/nandu": "NGO",
    "committee/care": "InterAgencyCommittee",
    "membership/care-coordinator": "Membership",
    "membership/care-special-unit": "Membership",
    "membership/care-foreign-aid": "Membership",
    "fund/care-fund": "Fund",
    "allocation/aid-2010": "FundingAllocation",
    "allocation/nandu-2011": "FundingAllocation",
    "flow/demo/ruritania-mexico": "TraffickingFlow",
}

EDGES = [
    ("agency/shelter-office", "unitOf", "agency/care", "created the Shelter Office in Ciudad Peña"),
    ("agency/special-unit", "unitOf", "agency/care", "The Special Unit (FEVIMTRA-X) of the Ministry of Care"),
    ("ngo/nandu", "cooperatesWith", "agency/shelter-office", "The Shelter Office works with the Ñandú Foundation"),
    ("agency/special-unit", "cooperatesWith", "agency/shelter-office", "investigates cases together with the Shelter Office"),
    ("ngo/nandu", "location", "place/los-angeles", 'the Ñandú Foundation "href" of Los Ángeles'),
    ("place/ciudad-pena", "country", "place/mexico", "the Shelter Office in Ciudad Peña"),
    ("membership/care-coordinator", "member", "agency/care", "The Committee on Care is coordinated by the Ministry of Care"),
    ("membership/care-coordinator", "organization", "committee/care", "The Committee on Care is coordinated by the Ministry of Care"),
    ("allocation/aid-2010", "funder", "agency/foreign-aid", "The Foreign Aid Agency gave $2,000.00 pesos in 2010"),
    ("allocation/aid-2010", "fundingChannel", "fund/care-fund", "through the Care Fund, run by the Ministry of Care"),
    ("allocation/nandu-2011", "beneficiary", "ngo/nandu", "In 2011 the Care Fund gave 500 pesos to the Ñandú Foundation."),
    ("fund/care-fund", "organizer", "agency/care", "through the Care Fund, run by the Ministry of Care"),
]


@pytest.fixture(scope="module")
def net(built_network: Path) -> nx.MultiDiGraph:
    return load_network(built_network / "build")


def iri(local: str) -> str:
    return BASE + local


def test_nodes_are_the_entities_with_their_most_specific_class(net: nx.MultiDiGraph) -> None:
    assert {d["local"]: d["cls"] for _n, d in net.nodes(data=True)} == NODES


@pytest.mark.parametrize(("source", "prop", "target", "quote"), EDGES, ids=[f"{s}-{p}" for s, p, _t, _q in EDGES])
def test_edge_with_its_evidence(net: nx.MultiDiGraph, source: str, prop: str, target: str, quote: str) -> None:
    data = net.get_edge_data(iri(source), iri(target), key=prop)
    assert data is not None, f"no {prop} edge"
    assert any(quote in q for q in data["evidence"])
    assert data["labels"]["en"]


def test_only_asserted_facts_are_edges(net: nx.MultiDiGraph) -> None:
    """The inferred closure (inverses, super-properties) is not drawn twice."""
    names = {k for _u, _v, k in net.edges(keys=True)}
    assert names.isdisjoint({"hasUnit", "parentOrganization", "linkedTo", "subOrganization", "funding", "sponsor"})
    assert not net.has_edge(iri("agency/care"), iri("agency/shelter-office"))


def test_class_lineage_and_kind(net: nx.MultiDiGraph) -> None:
    unit = net.nodes[iri("agency/shelter-office")]
    assert unit["lineage"][:3] == ["GovernmentUnit", "GovernmentBody", "Organization"]
    assert unit["kind"] == "entity"
    assert net.nodes[iri("membership/care-coordinator")]["kind"] == "nary"
    assert unit["cls_labels"] == {"en": "government unit", "es": "unidad administrativa"}


def test_labels_names_and_quotes(net: nx.MultiDiGraph) -> None:
    care = iri("agency/care")
    assert label(net, care, "es") == "Ministerio de Cuidado"
    assert label(net, care, "en") == "Ministry of Care <img src=x onerror=alert(1)>"
    assert label(net, iri("ngo/nandu"), "es").startswith("Ñandú Foundation")  # no Spanish label: English
    assert "SO" in net.nodes[iri("agency/shelter-office")]["names"]
    assert net.nodes[care]["evidence"] == ["The Ministry of Care <img src=x onerror=alert(1)> created the Shelter Office"]


@pytest.mark.parametrize(
    ("local", "areas"),
    [("agency/shelter-office", ["prevention"]), ("agency/special-unit", ["prosecution"]), ("allocation/aid-2010", ["protection"])],
)
def test_areas_come_from_the_sections_of_the_quotes(net: nx.MultiDiGraph, local: str, areas: list[str]) -> None:
    assert net.nodes[iri(local)]["areas"] == areas


def test_amounts_are_folded_into_their_allocation(net: nx.MultiDiGraph) -> None:
    money = net.nodes[iri("allocation/aid-2010")]["money"]
    assert float(money["value"]) == 2000 and money["currency"] == "MXN" and money["inferred"] is False
    assert not any(d["cls"] == "MonetaryAmount" for _n, d in net.nodes(data=True))
    facts = {f.prop: f for f in net.nodes[iri("allocation/aid-2010")]["facts"]}
    assert facts["amount"].value == {"": "2,000 MXN"}
    assert facts["startDate"].value == {"": "2010"}


def test_code_list_facts_keep_their_notation_and_labels(net: nx.MultiDiGraph) -> None:
    (role,) = [f for f in net.nodes[iri("membership/care-coordinator")]["facts"] if f.prop == "role"]
    assert role.code == "coordinator"
    assert role.value == {"en": "coordinator", "es": "coordinador"}


@pytest.mark.parametrize(
    ("local", "lang", "expected"),
    [
        ("membership/care-special-unit", "en", "FEVIMTRA-X — member — Committee on Care"),
        ("membership/care-special-unit", "es", "FEVIMTRA-X — integrante — Committee on Care"),
        ("allocation/aid-2010", "en", "Foreign Aid Agency </script><script>window.__pwned=2</script>: 2,000.00 MXN, 2010"),
        ("allocation/nandu-2011", "es", "Fondo de Cuidado: 500 MXN, 2011"),
    ],
)
def test_relation_nodes_get_a_label(net: nx.MultiDiGraph, local: str, lang: str, expected: str) -> None:
    """The labels the build made (tipkg.build.labels): a member by its acronym, a funder else the fund."""
    assert label(net, iri(local), lang) == expected


def test_the_same_network_from_an_rdflib_dataset_or_graph(built_network: Path, net: nx.MultiDiGraph) -> None:
    from rdflib import Graph

    from tipkg.build.pipeline import assemble
    from tipkg.project import Project

    dataset, _loaded = assemble(Project(built_network))
    for g in (from_rdf(dataset), from_rdf(Graph().parse(built_network / "build" / "graph.nt"))):
        assert set(g.nodes) == set(net.nodes)
        assert set(g.edges(keys=True)) == set(net.edges(keys=True))
        assert g.graph["base"] == BASE


@pytest.mark.parametrize(
    ("text", "local"),
    [
        (iri("agency/care"), "agency/care"),
        ("agency/care", "agency/care"),
        ("FEVIMTRA-X", "agency/special-unit"),
        ("fevimtra-x", "agency/special-unit"),
        ("pena", "place/ciudad-pena"),
        ("ciudad pena", "place/ciudad-pena"),
        ("Los Angeles", "place/los-angeles"),
        ("fundacion nandu", "ngo/nandu"),
        ("so", "agency/shelter-office"),
        ("special-unit", "agency/special-unit"),
        ("care fund", "fund/care-fund"),
    ],
)
def test_resolve_by_iri_id_or_any_name_accent_insensitively(net: nx.MultiDiGraph, text: str, local: str) -> None:
    assert resolve(net, text) == iri(local)


@pytest.mark.parametrize(("text", "message"), [("care", "names 2 entities"), ("nothing-like-it", "no entity named"), ("  ", "no entity")])
def test_resolve_refuses_ambiguous_or_unknown_names(net: nx.MultiDiGraph, text: str, message: str) -> None:
    with pytest.raises(NetworkError, match=message):
        resolve(net, text)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        # names holding the word whole, shorter first ("Care Fund", "Committee on Care", "Ministry of Care …")
        ("care", ["fund/care-fund", "committee/care", "agency/care"]),
        ("fund", ["fund/care-fund", "ngo/nandu"]),  # "Care Fund" holds the word whole, "Fundación Ñandú" starts with it
        ("ñandú FUNDACION", ["ngo/nandu"]),  # words in any order, accents and case aside
        ("fund car", ["fund/care-fund"]),  # word starts: not "Fundación Ñandú", which has no word starting "car"
        ("SO", ["agency/shelter-office"]),  # a name equal to it
        ("pena", ["place/ciudad-pena"]),
        ("nothing-like-it", []),
        ("  ", []),
    ],
)
def test_search_ranks_names_before_ids_and_entities_before_relations(net: nx.MultiDiGraph, text: str, first: list[str]) -> None:
    hits = search(net, text)
    assert [h["iri"] for h in hits[: len(first)]] == [iri(x) for x in first]
    rest = hits[len(first) :]
    assert all(net.nodes[h["iri"]]["kind"] != "entity" for h in rest), rest  # relation nodes, matched by their id


def test_search_says_which_name_matched(net: nx.MultiDiGraph) -> None:
    (hit,) = [h for h in search(net, "fundacion") if h["iri"] == iri("ngo/nandu")]
    assert hit["matched"] == "Fundación Ñandú" and hit["label"].startswith("Ñandú Foundation")


@pytest.mark.parametrize(("text", "folded"), [("Peña", "pena"), ("Pen\u0303a", "pena"), ("  ÑANDÚ  Foundation", "nandu foundation")])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("money", "lang", "text"),
    [
        ({"value": "17926386.00", "currency": "MXN"}, "en", "17,926,386.00 MXN"),
        ({"value": "7100000", "currency": "MXN", "inferred": True}, "en", "7,100,000 MXN (currency inferred)"),
        ({"value": "7100000", "currency": "MXN", "inferred": True}, "es", "7\u00a0100\u00a0000 MXN (moneda inferida)"),
    ],
)
def test_format_money(money: dict[str, object], lang: str, text: str) -> None:
    assert format_money(money, lang) == text
