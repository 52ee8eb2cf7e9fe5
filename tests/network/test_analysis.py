"""Network analysis: projection, brokers, components, bridges, and paths with their evidence."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from tipkg.cli import main
from tipkg.network import analysis
from tipkg.network.reading import load_network

BASE = "https://w3id.org/tipkg/id/"


def iri(local: str) -> str:
    return BASE + local


def add(g: nx.MultiDiGraph, local: str, cls: str = "GovernmentBody", areas: tuple[str, ...] = (), kind: str = "entity") -> None:
    lineage = {
        "GovernmentBody": ["GovernmentBody", "Organization", "Actor"],
        "NationalGovernment": ["NationalGovernment", "GovernmentBody", "Organization", "Actor"],
        "Country": ["Country", "Place"],
        "City": ["City", "Place"],
        "Membership": ["Membership"],
    }[cls]
    g.add_node(
        iri(local),
        cls=cls,
        lineage=lineage,
        kind=kind,
        labels={"en": local.split("/")[-1]},
        names=[local.split("/")[-1]],
        cls_labels={"en": cls},
        evidence=[f"quote about {local}"],
        areas=list(areas),
        facts=[],
        money=None,
        local=local,
    )


def link(g: nx.MultiDiGraph, a: str, prop: str, b: str) -> None:
    g.add_edge(iri(a), iri(b), key=prop, prop=prop, name=prop, labels={"en": prop}, evidence=[f"{a} {prop} {b}"], areas=[])


@pytest.fixture
def toy() -> nx.MultiDiGraph:
    """Prevention bodies on one side, prosecution on the other, a broker between; a foreign partner
    reached through a city; a membership; and an isolated pair."""
    g = nx.MultiDiGraph(base=BASE)
    for local, areas in [("a/p1", ("prevention",)), ("a/p2", ("prevention",)), ("a/broker", ()), ("a/q1", ("prosecution",))]:
        add(g, local, areas=areas)
    add(g, "a/gov", "NationalGovernment")
    add(g, "a/foreign")
    add(g, "p/home", "Country")
    add(g, "p/abroad", "Country")
    add(g, "p/city", "City")
    add(g, "a/x")
    add(g, "a/y")
    add(g, "m/one", "Membership", kind="nary")
    link(g, "a/p1", "cooperatesWith", "a/broker")
    link(g, "a/p2", "cooperatesWith", "a/broker")
    link(g, "a/broker", "unitOf", "a/q1")
    link(g, "m/one", "member", "a/foreign")
    link(g, "m/one", "organization", "a/q1")
    link(g, "a/gov", "country", "p/home")
    link(g, "a/p1", "country", "p/home")
    link(g, "a/broker", "country", "p/home")
    link(g, "a/q1", "country", "p/home")
    link(g, "a/foreign", "location", "p/city")
    link(g, "p/city", "country", "p/abroad")
    link(g, "a/x", "supports", "a/y")
    return g


def test_projection_collapses_relation_nodes_and_leaves_places_out(toy: nx.MultiDiGraph) -> None:
    h = analysis.projection(toy)
    assert iri("m/one") not in h and iri("p/home") not in h
    (fact,) = h[iri("a/foreign")][iri("a/q1")]["facts"]
    assert fact.via == iri("m/one")
    assert "quote about m/one" in fact.evidence
    assert iri("p/home") in analysis.projection(toy, places=True)


def test_countries_through_locations_and_the_home_country(toy: nx.MultiDiGraph) -> None:
    where = analysis.countries(toy)
    assert where[iri("a/foreign")] == iri("p/abroad")
    assert where[iri("p/city")] == iri("p/abroad")
    assert analysis.home_country(toy, where) == iri("p/home")


def test_the_broker_between_areas_and_between_home_and_abroad(toy: nx.MultiDiGraph) -> None:
    brokers = {b.node: b for b in analysis.centrality(toy)}
    assert brokers[iri("a/broker")].area_brokerage == 2.0  # p1-q1 and p2-q1
    assert brokers[iri("a/q1")].border_brokerage > 0  # home bodies reach the foreign one through q1
    assert brokers[iri("a/p1")].area_brokerage == 0
    assert max(brokers.values(), key=lambda b: b.betweenness).node == iri("a/broker")


def test_components_largest_first(toy: nx.MultiDiGraph) -> None:
    groups = analysis.components(toy)
    assert [len(c) for c in groups] == [5, 2, 1]
    assert groups[1] == [iri("a/x"), iri("a/y")]


def test_bridges_and_cut_points(toy: nx.MultiDiGraph) -> None:
    found, cuts = analysis.bridges(toy)
    pairs = {(b.a, b.b): b.sides for b in found}
    assert pairs[(iri("a/broker"), iri("a/q1"))] == (3, 2)
    assert iri("a/broker") in cuts and iri("a/q1") in cuts


def test_path_with_the_evidence_of_each_hop(toy: nx.MultiDiGraph) -> None:
    hops = analysis.path(toy, iri("a/p1"), iri("a/foreign"))
    assert hops is not None
    assert [(h.a, h.b) for h in hops] == [(iri("a/p1"), iri("a/broker")), (iri("a/broker"), iri("a/q1")), (iri("a/q1"), iri("a/foreign"))]
    assert hops[0].facts[0].evidence == ("a/p1 cooperatesWith a/broker",)
    assert "quote about m/one" in hops[2].facts[0].evidence


def test_no_path_and_paths_through_places(toy: nx.MultiDiGraph) -> None:
    assert analysis.path(toy, iri("a/p1"), iri("a/x")) is None
    assert analysis.path(toy, iri("a/gov"), iri("a/p1")) is None  # only linked through their country
    hops = analysis.path(toy, iri("a/gov"), iri("a/p1"), places=True)
    assert hops is not None and [h.b for h in hops] == [iri("p/home"), iri("a/p1")]
    assert analysis.path(toy, iri("a/gov"), iri("p/home")) is not None  # a place at an end is kept


# -- on the built fixture, through the CLI -------------------------------------------------------


def test_fixture_brokers(built_network: Path) -> None:
    g = load_network(built_network / "build")
    top = analysis.centrality(g)[0]
    assert top.node == iri("agency/shelter-office")
    assert top.border_brokerage > 0 and top.area_brokerage > 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["centrality"], ["Shelter Office (agency/shelter-office) [Mexico]", "betweenness"]),
        ([], ["Shelter Office (agency/shelter-office)"]),
        (["components"], ["1 connected groups; sizes: 7"]),
        (["components", "--places"], ["1 connected groups; sizes: 11"]),
        (["bridges"], ["0 bridges", "0 cut points"]),
        (["path", "special unit", "nandu"], ["2 hops", "“investigates cases together with the Shelter Office”"]),
        (["path", "fevimtra-x", "agency/care", "--lang", "es"], ["Ministerio de Cuidado", "unidad de"]),
    ],
)
def test_cli_analyze(built_network: Path, args: list[str], expected: list[str]) -> None:
    result = CliRunner().invoke(main, ["analyze", "--root", str(built_network), *args])
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sideways"], "unknown analysis 'sideways'"),
        (["path", "care fund"], "path takes two entities"),
        (["centrality", "x"], "centrality takes no entities"),
        (["path", "care", "nandu"], "'care' names 2 entities"),
        (["path", "nobody", "nandu"], "no entity named 'nobody'"),
    ],
)
def test_cli_analyze_errors_are_one_line_and_exit_2(built_network: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["analyze", "--root", str(built_network), *args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_cli_analyze_needs_a_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "run 'tipkg build' first" in result.stderr
