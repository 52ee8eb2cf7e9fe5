"""``tipkg link``: candidates looked up on a SPARQL endpoint (the Virtuoso fixture with Wikidata-shaped
items), scored, written for review; accepted rows become owl:sameAs links, rejected ones don't; a
polite client (User-Agent, backoff on 429 and 503, bounded retries) that says in one line when it is
offline."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from endpoint_support import SPARQL_JSON, EndpointHandler, serving
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import OWL, VOID
from virtuoso_support import free_port

from tipkg.build.pipeline import build
from tipkg.cli import main
from tipkg.errors import DataError
from tipkg.namespaces import TIPKG
from tipkg.project import Project
from tipkg.remote.endpoint import Endpoint, RemoteError
from tipkg.remote.wikidata import REVIEW_FILE, Candidate, Entity, merge, parse_review, render_review, score

ID = "https://w3id.org/tipkg/id/"
WD = "http://www.wikidata.org/entity/"
LINKS = URIRef(ID + "graph/links")


@pytest.fixture
def mini_built(mini_project: Path) -> Path:
    build(Project(mini_project))
    return mini_project


def review(root: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((root / REVIEW_FILE).read_text(encoding="utf-8"))))


def links(root: Path) -> set[tuple[str, str]]:
    data = Dataset()
    data.parse(root / "build" / "graph.nq", format="nquads")
    return {(str(s), str(o)) for s, _p, o in data.graph(LINKS).triples((None, OWL.sameAs, None))}


def link(root: Path, endpoint: str) -> Any:
    return CliRunner().invoke(main, ["link", "--root", str(root), "--endpoint", endpoint], catch_exceptions=False)


# -- against the fixture endpoint ---------------------------------------------------------------------


def test_candidates_are_found_scored_and_proposed(mini_built: Path, wikidata_endpoint: str) -> None:
    result = link(mini_built, wikidata_endpoint)
    assert result.exit_code == 0, result.output
    rows = {(r["entity"], r["candidate"]): r for r in review(mini_built)}
    # label in the name's language (0.4 + 0.1), a ministry, a subclass of government agency (+0.3)
    assert rows[("agency/care", "Q990000001")] == {
        "entity": "agency/care",
        "candidate": "Q990000001",
        "label": "Ministry of Care",
        "description": "ministry of Demoland",
        "score": "0.80",
        "status": "proposed",
    }
    assert rows[("agency/care", "Q990000002")]["score"] == "0.35"  # an alias, of an album
    assert rows[("agency/shelter-office", "Q990000003")]["score"] == "0.80"  # the acronym, a government agency
    assert not any("not-wikidata" in c for _e, c in rows)
    ordered = [r["candidate"] for r in review(mini_built) if r["entity"] == "agency/care"]
    assert ordered == ["Q990000001", "Q990000002"]  # best first


def test_accepted_rows_become_links_and_rejected_ones_do_not(mini_built: Path, wikidata_endpoint: str) -> None:
    assert link(mini_built, wikidata_endpoint).exit_code == 0
    path = mini_built / REVIEW_FILE
    decided = path.read_text(encoding="utf-8")
    decided = decided.replace(
        "agency/care,Q990000001,Ministry of Care,ministry of Demoland,0.80,proposed",
        "agency/care,Q990000001,Ministry of Care,ministry of Demoland,0.80,accepted",
    )
    decided = decided.replace("0.35,proposed", "0.35,rejected")
    path.write_text(decided, encoding="utf-8")
    build(Project(mini_built))
    found = links(mini_built)
    assert (ID + "agency/care", WD + "Q990000001") in found
    assert not any(o == WD + "Q990000002" for _s, o in found)
    assert not any(o == WD + "Q990000003" for _s, o in found)  # still only proposed
    data = Dataset()
    data.parse(mini_built / "build" / "graph.nq", format="nquads")
    g = data.graph(LINKS)
    linkset = URIRef(ID + "linkset/wikidata")
    assert (linkset, VOID.linkPredicate, OWL.sameAs) in g
    assert (linkset, VOID.subjectsTarget, URIRef(ID + "dataset")) in g
    assert (linkset, VOID.objectsTarget, URIRef("http://www.wikidata.org/")) in g
    assert g.value(linkset, VOID.triples) == Literal(len(found))
    assert (URIRef(ID + "agency/care"), TIPKG.wikidata, URIRef(WD + "Q990000001")) in g
    # a new lookup keeps the curator's decisions and proposes nothing more for the linked entity
    assert link(mini_built, wikidata_endpoint).exit_code == 0
    statuses = {(r["entity"], r["candidate"]): r["status"] for r in review(mini_built)}
    assert statuses[("agency/care", "Q990000001")] == "accepted"
    assert statuses[("agency/care", "Q990000002")] == "rejected"
    assert statuses[("agency/shelter-office", "Q990000003")] == "proposed"


def test_an_accepted_row_for_an_unknown_entity_stops_the_build(mini_built: Path) -> None:
    path = mini_built / REVIEW_FILE
    path.write_text("entity,candidate,label,description,score,status\nagency/nope,Q1,x,y,0.5,accepted\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"wikidata_candidates.csv:2: entity: unknown entity 'agency/nope'"):
        build(Project(mini_built))


def test_offline_is_one_line(mini_built: Path) -> None:
    result = CliRunner().invoke(main, ["link", "--root", str(mini_built), "--endpoint", f"http://127.0.0.1:{free_port()}/sparql"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tipkg: error: cannot reach http://127.0.0.1:"), result.stderr
    assert "no network" in lines[0]


# -- scoring and the review file (no endpoint) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "points"),
    [
        ({"matchedBy": "label", "nameLang": "en", "class": WD + "Q327333", "country": WD + "Q96"}, 1.0),
        ({"matchedBy": "label", "nameLang": "en", "class": WD + "Q327333"}, 0.8),
        ({"matchedBy": "label", "nameLang": "es"}, 0.4),
        ({"matchedBy": "alias", "nameLang": "en", "country": WD + "Q30"}, 0.35),
        ({"matchedBy": "alias", "nameLang": "es", "class": WD + "Q5"}, 0.25),
    ],
)
def test_scores(row: dict[str, str], points: float) -> None:
    entity = Entity("agency/x", {"Q327333"}, {Literal("X", lang="en")}, country="Q96")
    (candidate,) = score(entity, [{"item": WD + "Q1", "label": "X", **row}])
    assert candidate.score == points


def test_merge_keeps_decisions_and_refreshes_proposals() -> None:
    existing = [
        Candidate("a/x", "Q1", "X", "", 0.8, "accepted"),
        Candidate("a/x", "Q2", "X2", "", 0.3, "rejected"),
        Candidate("a/y", "Q3", "old", "", 0.4, "proposed"),
    ]
    found = [Candidate("a/x", "Q4", "X4", "", 0.5), Candidate("a/y", "Q3", "new", "", 0.6), Candidate("a/x", "Q2", "X2", "", 0.9)]
    merged = merge(existing, found, linked={"a/x"})
    assert [(c.entity, c.qid, c.label, c.status) for c in merged] == [
        ("a/x", "Q1", "X", "accepted"),
        ("a/x", "Q2", "X2", "rejected"),
        ("a/y", "Q3", "new", "proposed"),
    ]
    assert parse_review(render_review(merged)) == merged


# -- a polite client: a local server that records requests and answers as told -----------------------------


class Scripted(EndpointHandler):
    script: ClassVar[list[tuple[int, dict[str, str]]]] = []
    seen: ClassVar[list[tuple[float, str]]] = []

    def do_POST(self) -> None:
        self.read_body()
        Scripted.seen.append((time.monotonic(), self.headers.get("User-Agent", "")))
        status, headers = Scripted.script.pop(0) if Scripted.script else (200, {})
        body = b'{"head": {"vars": ["x"]}, "results": {"bindings": []}}' if status == 200 else b"slow down"
        self.reply(status, body, SPARQL_JSON if status == 200 else "text/plain", headers)


@pytest.fixture
def scripted() -> Iterator[str]:
    Scripted.script, Scripted.seen = [], []
    with serving(Scripted) as url:
        yield url


def test_user_agent_names_tipkg(scripted: str) -> None:
    Endpoint(scripted).select("SELECT ?x WHERE { ?x ?p ?o }")
    ((_when, agent),) = Scripted.seen
    assert agent.startswith("tipkg/") and "(+https://" in agent


def test_backs_off_on_429_and_503_honouring_retry_after(scripted: str) -> None:
    Scripted.script = [(429, {"Retry-After": "1"}), (503, {})]
    Endpoint(scripted, backoff=0.1).select("SELECT ?x WHERE { ?x ?p ?o }")
    times = [t for t, _agent in Scripted.seen]
    assert len(times) == 3
    assert times[1] - times[0] >= 0.95  # Retry-After: 1
    assert times[2] - times[1] >= 0.15  # backoff 0.1 s, doubled


def test_retries_are_bounded(scripted: str) -> None:
    Scripted.script = [(503, {})] * 10
    with pytest.raises(RemoteError, match="HTTP 503"):
        Endpoint(scripted, backoff=0.01, retries=2).select("SELECT ?x WHERE { ?x ?p ?o }")
    assert len(Scripted.seen) == 3


def test_a_retry_after_beyond_the_limit_ends_the_retries(scripted: str) -> None:
    Scripted.script = [(429, {"Retry-After": "3600"})]
    with pytest.raises(RemoteError, match="asks to wait 3600 s"):
        Endpoint(scripted).select("SELECT ?x WHERE { ?x ?p ?o }")
    assert len(Scripted.seen) == 1
