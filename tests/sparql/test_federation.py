"""Federated queries: SERVICE only to allow-listed endpoints (TIPKG_SERVICES), the endpoint's IRI mapped
to a local stand-in for Wikidata.

Both embedded engines call SERVICE endpoints themselves. pyoxigraph POSTs the query as an
``application/sparql-query`` body, which Wikidata's endpoint accepts but Virtuoso 7.2.5 does not
(the request hangs, a server thread spinning): with the Virtuoso fixture the query runs on the rdflib
engine (form-encoded requests); the oxigraph engine is tested against a small local endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_support import EndpointHandler, serving

import tipkg
from tipkg.sparql.federation import SERVICES_ENV, allowed_services
from tipkg.sparql.guard import Refused, check_query
from tipkg.sparql.saved import parse_saved_query

FEDERATED = Path(__file__).resolve().parents[1] / "fixtures" / "federated" / "wikidata_names.rq"
WDQS = "https://query.wikidata.org/sparql"


def test_an_endpoint_not_on_the_list_is_refused(built_real: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SERVICES_ENV, raising=False)
    with pytest.raises(Refused, match="is not in TIPKG_SERVICES"):
        tipkg.open(built_real).query(FEDERATED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }", "with a variable"),
        ("SELECT * WHERE { SERVICE wd:sparql { ?s ?p ?o } }", "full IRI"),
        ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "not in TIPKG_SERVICES"),
        ("SELECT * WHERE { service <file:///etc/passwd> { ?s ?p ?o } }", "not in TIPKG_SERVICES"),
        (f"SELECT * WHERE {{ # {WDQS}\r SERVICE <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }}\n}}", "not in TIPKG_SERVICES"),
    ],
)
def test_services_outside_the_list(query: str, says: str) -> None:
    with pytest.raises(Refused, match=says):
        check_query(query, services=allowed_services(WDQS), allow_list=SERVICES_ENV)


def test_allowed_endpoints_are_kept_or_mapped() -> None:
    query = f'SELECT * WHERE {{ SERVICE SILENT <{WDQS}> {{ ?s ?p "SERVICE <http://other/>" }} }} # SERVICE <http://x/>'
    kept = check_query(query, services=allowed_services(WDQS))
    assert kept.text == query.split("#")[0] and kept.services == {WDQS}  # the comment dropped
    mapped = check_query(query, services=allowed_services(f"{WDQS}=http://127.0.0.1:8890/sparql"))
    assert "SERVICE SILENT <http://127.0.0.1:8890/sparql>" in mapped.text and '"SERVICE <http://other/>"' in mapped.text
    assert mapped.services == {"http://127.0.0.1:8890/sparql"}


def test_two_endpoints_are_refused_rather_than_called_wrongly() -> None:
    """rdflib's engine takes a SERVICE's endpoint from the first SERVICE text of the query (even one in
    a string): when that is not the pattern's own, the query is refused."""
    other = "http://127.0.0.1:9/other"
    allowed = allowed_services(f"{WDQS} {other}")
    decoy = f'SELECT * WHERE {{ ?s ?p "SERVICE <{other}> {{ ?a ?b ?c }}" . SERVICE <{WDQS}> {{ ?s ?p ?o }} }}'
    with pytest.raises(Refused, match=f"rdflib's engine would call <{other}>"):
        check_query(decoy, services=allowed)
    assert check_query(f"SELECT * WHERE {{ SERVICE <{WDQS}> {{ ?s ?p ?o }} }}", services=allowed).services == {WDQS}


def test_a_federated_saved_query_joins_the_local_graph_and_the_endpoint(
    built_real: Path, wikidata_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SERVICES_ENV, f"{WDQS}={wikidata_endpoint}")
    query = parse_saved_query(FEDERATED.read_text(encoding="utf-8"), "wikidata_names")
    result = tipkg.open(built_real, engine="rdflib").query(query.text)
    names = {str(row["item"]).rsplit("/", 1)[1]: str(row["wikidataName"]) for row in result}
    assert names == {"Q96": "Mexico", "Q30": "United States of America"}


class Labels(EndpointHandler):
    """A SPARQL endpoint that knows one label, whatever it is asked."""

    def do_POST(self) -> None:
        self.read_body()
        body = json.dumps(
            {
                "head": {"vars": ["item", "wikidataName"]},
                "results": {
                    "bindings": [
                        {
                            "item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q96"},
                            "wikidataName": {"type": "literal", "value": "Mexico", "xml:lang": "en"},
                        }
                    ]
                },
            }
        ).encode()
        self.reply(200, body)


@pytest.fixture
def labels_endpoint() -> Iterator[str]:
    with serving(Labels) as url:
        yield url


def test_the_oxigraph_engine_runs_federated_queries_too(built_real: Path, labels_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVICES_ENV, f"{WDQS}={labels_endpoint}")
    result = tipkg.open(built_real).query(FEDERATED.read_text(encoding="utf-8"))
    assert [(str(row["item"]), str(row["wikidataName"])) for row in result] == [("http://www.wikidata.org/entity/Q96", "Mexico")]
