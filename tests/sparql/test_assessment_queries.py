"""The saved queries tagged ``assessment``, answered on a project that holds an assessment.

The shipped graph holds one self-report, where they have no rows (tests/expected/<query>.yaml, and
the note that says why). Here the real project is built with the fictional assessment report of
tests/fixtures/assessment added as data (source fma-2011); the expected answers in
tests/expected/assessment/<query>.yaml were written by reading that text, each with its sentences.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from query_support import EXPECTED, QUERIES, assert_answer, cells, engine_rows

from tipkg.kg import KnowledgeGraph
from tipkg.sparql.absence import why_empty
from tipkg.sparql.saved import load_saved_queries

SAVED = load_saved_queries(QUERIES)
ASSESSMENT = sorted(name for name, q in SAVED.items() if "assessment" in q.tags)
ANSWERS = EXPECTED / "assessment"


def spec(name: str) -> dict[str, Any]:
    path = ANSWERS / f"{name}.yaml"
    assert path.exists(), f"no expected answer on the assessment fixture: write {path} from tests/fixtures/assessment"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_assessment_queries_are_the_five_of_the_issue_and_each_has_an_answer() -> None:
    assert ASSESSMENT == ["exploitation_forms", "flows", "law_enforcement_figures", "ratings_over_time", "recommendations"]
    assert sorted(p.stem for p in ANSWERS.glob("*.yaml")) == ASSESSMENT


@pytest.mark.parametrize("name", ASSESSMENT)
def test_answer_is_the_fixture_report(name: str, assessment_kgs: dict[str, KnowledgeGraph]) -> None:
    expected = spec(name)
    result = assessment_kgs["oxigraph"].query(name, **(expected.get("params") or {}))
    assert result.rows, "the fixture states facts of this kind"
    assert_answer(result, expected, str(ANSWERS / f"{name}.yaml"))
    assert why_empty(assessment_kgs["oxigraph"], SAVED[name]) is None


@pytest.mark.parametrize("name", ASSESSMENT)
def test_engines_agree_on_the_fixture(name: str, assessment_kgs: dict[str, KnowledgeGraph]) -> None:
    a, b = (assessment_kgs[engine].query(name) for engine in ("oxigraph", "rdflib"))
    assert a.variables == b.variables
    assert engine_rows(a) == engine_rows(b)


@pytest.mark.parametrize("name", ASSESSMENT)
def test_every_row_cites_the_source_that_states_it(name: str, assessment_kgs: dict[str, KnowledgeGraph], built_assessment: Path) -> None:
    """Each row's quotes are in the text of the row's own source, never another report's."""
    texts = {}
    for meta in (built_assessment / "graph_data" / "sources").glob("*.yaml"):
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        texts[f"https://w3id.org/tipkg/id/source/{data['id']}"] = " ".join((meta.parent / data["file"]).read_text(encoding="utf-8").split())
    for source, evidence in cells(assessment_kgs["oxigraph"].query(name), ["source", "evidence"]):
        assert source in texts and evidence
        for quote in evidence.split(" | "):
            assert " ".join(quote.split()) in texts[source], f"{quote!r} is not in {source}"


@pytest.mark.parametrize(("addressee", "label"), [("agency/inm", "National Migration Institute"), ("gov/mexico", "Government of Mexico")])
def test_recommendations_for_one_addressee_are_its_rows(addressee: str, label: str, assessment_kgs: dict[str, KnowledgeGraph]) -> None:
    """The addressee parameter keeps that body's rows of the whole answer, and only those."""
    expected = spec("recommendations")
    mine = [row for row in expected["rows"] if row[0] == label]
    assert len(mine) == 2
    result = assessment_kgs["oxigraph"].query("recommendations", addressee=addressee)
    assert_answer(result, {**expected, "rows": mine}, "tests/expected/assessment/recommendations.yaml")


@pytest.mark.parametrize("name", ASSESSMENT)
def test_on_the_shipped_graph_the_empty_answers_say_why(name: str, kgs: dict[str, KnowledgeGraph]) -> None:
    """mx-2011 is a government's account of itself: no ratings, recommendations, flows or forms. An
    empty answer says that the graph holds none and which sources it read; law enforcement figures
    the report does give (FEVIMTRA's), so that answer has rows and no note."""
    result = kgs["oxigraph"].query(name)
    note = why_empty(kgs["oxigraph"], SAVED[name])
    if result.rows:
        assert name == "law_enforcement_figures" and note is None
        return
    assert note is not None and note.startswith("No rows: none of the graph's sources (mx-2011) states any ")
    assert why_empty(kgs["oxigraph"], SAVED[name], "es") is not None


def test_where_the_two_fictional_reports_disagree(assessment_kgs: dict[str, KnowledgeGraph]) -> None:
    """fvw-2011 gives the alliance's assessment another tier (Tier 2 against Tier 2 Watch List) and
    another end (March 2011), its flow of children another start (2006), and 2010 another number of
    convictions (17 against 19): each a disagreement, both values in their own source's voice. The
    rating is compared within its scale: the alliance's other rating (minimum standards) is not."""
    got = cells(assessment_kgs["oxigraph"].query("disagreements"), ["valueA", "sourceA", "valueB", "sourceB"])
    fma, fvw = "https://w3id.org/tipkg/id/source/fma-2011", "https://w3id.org/tipkg/id/source/fvw-2011"
    tiers = "https://w3id.org/tipkg/concept/tip-tier-"
    assert sorted(got) == sorted(
        [(tiers + "2-watch-list", fma, tiers + "2", fvw), ("2010", fma, "2011-03", fvw), ("2008", fma, "2006", fvw), ("19", fma, "17", fvw)]
    )
