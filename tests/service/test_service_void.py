"""The VoID description in its own named graph: queried through ``/sparql`` and ``tipkg sparql``, its
counts are the graph's own (each checked against a COUNT query), and the default graph is as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tipkg.cli import main

BASE = "https://w3id.org/tipkg/id/"
VOID_GRAPH = BASE + "graph/void"
DS = f"<{BASE}dataset>"
SRJ = "application/sparql-results+json"
BRIEF = "SELECT ?g ?p ?o WHERE { GRAPH ?g { ?ds a void:Dataset ; ?p ?o } }"


def select(client: Any, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT through the SPARQL protocol, each value as text."""
    r = client.get("/sparql", params={"query": query}, headers={"accept": SRJ})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in row.items()} for row in r.json()["results"]["bindings"]]


def number(client: Any, query: str) -> int:
    (row,) = select(client, query)
    return int(next(iter(row.values())))


def test_the_description_answers_in_its_own_graph(client: Any, built_real: Path) -> None:
    rows = select(client, BRIEF)
    assert {r["g"] for r in rows} == {VOID_GRAPH}
    manifest = json.loads((built_real / "build" / "manifest.json").read_text(encoding="utf-8"))
    of_dataset = {r["p"]: r["o"] for r in select(client, f"SELECT ?p ?o {{ GRAPH <{VOID_GRAPH}> {{ {DS} ?p ?o }} }}")}
    assert int(of_dataset["http://rdfs.org/ns/void#triples"]) == manifest["triples"]
    assert number(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{VOID_GRAPH}> {{ ?s ?p ?o }} }}") == manifest["description"]


# each count the description states, and the query that counts it in the graph
COUNTS = {
    "triples": ("void:triples", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
    "subjects": ("void:distinctSubjects", "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"),
    "classes": ("void:classes", "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c FILTER(isIRI(?c)) }"),
}


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_a_count_of_the_dataset_is_the_graphs(client: Any, name: str) -> None:
    predicate, counting = COUNTS[name]
    stated = number(client, f"SELECT ?n {{ GRAPH <{VOID_GRAPH}> {{ {DS} {predicate} ?n }} }}")
    assert stated == number(client, counting) > 0


def test_each_subset_counts_the_triples_of_its_graph(client: Any) -> None:
    subsets = select(
        client,
        f"SELECT ?g ?n {{ GRAPH <{VOID_GRAPH}> {{ {DS} void:subset ?g . ?g sd:name ?g ; void:triples ?n }} }}",
    )
    named = {r["g"] for r in select(client, "SELECT DISTINCT ?g { GRAPH ?g { } }")}
    assert {r["g"] for r in subsets} == named - {VOID_GRAPH}  # every data graph, and not the description's
    for row in subsets:
        assert int(row["n"]) == number(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{row['g']}> {{ ?s ?p ?o }} }}"), row["g"]


def test_each_class_partition_counts_the_instances_of_its_class(client: Any) -> None:
    parts = select(client, f"SELECT ?c ?n {{ GRAPH <{VOID_GRAPH}> {{ {DS} void:classPartition [ void:class ?c ; void:entities ?n ] }} }}")
    counted = select(client, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c")
    assert {r["c"]: int(r["n"]) for r in parts} == {r["c"]: int(r["n"]) for r in counted}
    assert len(parts) > 10


def test_the_linkset_counts_the_links(client: Any) -> None:
    stated = number(client, f"SELECT ?n {{ GRAPH <{VOID_GRAPH}> {{ ?l a void:Linkset ; void:triples ?n }} }}")
    assert stated == number(client, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{BASE}graph/links> {{ ?s owl:sameAs ?o }} }}") > 0


def test_the_default_graph_holds_no_description(client: Any, built_real: Path) -> None:
    """Queries of the default graph answer as before: the description is only in its graph."""
    assert number(client, f"SELECT (COUNT(*) AS ?n) {{ {DS} ?p ?o }}") == 0
    assert number(client, "SELECT (COUNT(*) AS ?n) { ?s a void:Dataset }") == 0
    manifest = json.loads((built_real / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert number(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == manifest["triples"]
    home = client.get("/").text
    assert f"{manifest['triples']:,}" in home  # the count the site shows is the data's


def test_the_description_answers_on_the_command_line(built_real: Path) -> None:
    result = CliRunner().invoke(main, ["sparql", "--root", str(built_real), "--format", "sparql-json", BRIEF])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    triples = [r["o"]["value"] for r in rows if r["p"]["value"] == "http://rdfs.org/ns/void#triples" and r["g"]["value"] == VOID_GRAPH]
    manifest = json.loads((built_real / "build" / "manifest.json").read_text(encoding="utf-8"))
    assert str(manifest["triples"]) in triples
    from_graph = CliRunner().invoke(main, ["sparql", "--root", str(built_real), f"ASK FROM <{VOID_GRAPH}> {{ {DS} a void:Dataset }}"])
    assert from_graph.exit_code == 0 and "true" in from_graph.output.lower(), from_graph.output
