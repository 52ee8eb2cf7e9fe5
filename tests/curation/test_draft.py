"""``tipkg draft``: the proposals for a FICTIONAL report (tests/fixtures/draft), their review page,
and ``--accept`` turning the kept ones into curated records that build and pass the check."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
import yaml
from check_support import check_without_owl
from click.testing import CliRunner

from tipkg.curation.drafting.entities import HEADS, new_entities
from tipkg.curation.drafting.proposals import Proposal
from tipkg.curation.records import Scalar, Sequence, parse_curated
from tipkg.curation.sources import locate, parse_source
from tipkg.errors import TipkgError

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "draft" / "graph_data"
DRAFT = "graph_data/fx-2020/_draft.yaml"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(FIXTURE, root / "graph_data")
    return root


@pytest.mark.parametrize("cls", sorted({cls for cls, _ in HEADS.values()}))
def test_each_head_noun_names_a_class_of_the_ontology(cls: str) -> None:
    from tipkg.curation.schema import load_schema

    assert cls in load_schema(str((ROOT / "ontology").resolve())).classes


# FICTIONAL sentences: (sentence, [(label, acronym, class)])
ENTITIES = [
    (
        "In 2015 the government created the Special Office for Victims of Trafficking (SOVT).",
        [("Special Office for Victims of Trafficking", "SOVT", "GovernmentBody")],
    ),
    ("The Green Ribbon Campaign reached many people.", [("Green Ribbon Campaign", None, "Campaign")]),
    (
        "En 2019 la Fiscalía Especial para Delitos de Trata (FEDT) abrió un refugio.",
        [("Fiscalía Especial para Delitos de Trata", "FEDT", "GovernmentUnit")],
    ),
    ("It works with the Fondo Nacional Solidario (Solidarity Fund) (FNS) since May.", [("Fondo Nacional Solidario", "FNS", "Fund")]),
    (
        "Officials met in July with the Office of the Attorney General and in June with others.",
        [("Office of the Attorney General", None, "GovernmentBody")],
    ),
    ("The report was written by officials in the capital.", []),
    # a long name stops at "and" when the words after it spell the acronym: no "NO and the Northern Office"
    ("It works with NO and the Northern Office (NO) since May.", [("Northern Office", "NO", "GovernmentBody")]),
    ("It works with NO, and the Northern Office (NO).", [("Northern Office", "NO", "GovernmentBody")]),
    (
        "La Ley para Prevenir y Sancionar la Trata de Personas (LPSTP) rige.",
        [("Ley para Prevenir y Sancionar la Trata de Personas", "LPSTP", "Law")],
    ),
    ("The Office for Youth and Sports (OYS) met.", [("Office for Youth and Sports", "OYS", "GovernmentBody")]),
    # an acronym opening a name is no article ("UN", not Spanish "un")
    ("It joined the UN Office on Roads and Safety in May.", [("UN Office on Roads and Safety", None, "GovernmentBody")]),
    # a legal form ends a name
    ("Help came from Open Shelter Center, Inc. (OSC) today.", [("Open Shelter Center, Inc.", "OSC", "Organization")]),
    # quoted names: typed by the noun after them, their own head, their translation's, or the nearest class noun before
    ("A “Safe Roads” Program began.", [("Safe Roads", None, "Program")]),
    (
        "Officials use the “guidelines for interviewing victims of trafficking,” since 2018.",
        [("guidelines for interviewing victims of trafficking", None, "Guideline")],
    ),
    ("The ministry gave the “Premio Manos Limpias” (Clean Hands Award) to firms.", [("Premio Manos Limpias", None, "Award")]),
    ("Media campaigns included “Manos Abiertas” (Open Hands) in 2019.", [("Manos Abiertas", None, "Campaign")]),
    (
        "Campaigns that reached many people included “Manos Abiertas” (Open Hands), for families; and “Ojos Abiertos” (Open Eyes).",
        [("Manos Abiertas", None, "Campaign"), ("Ojos Abiertos", None, "Campaign")],  # a list of one kind
    ),
    ("He said “it is a crime” and “Nothing Else” to reporters.", []),  # a quotation; a quote no class noun types
    ("The Secretariat said: “Trafficking Is a Crime Against Humanity.”", []),  # a quoted sentence
    ("The Secretariat of Tourism “Safe Travel” code was signed.", [("Secretariat of Tourism", None, "GovernmentBody")]),  # no alias
    ("The “Empresa Incluyente” (Inclusive Company) Award went to 3 firms.", [("Empresa Incluyente", None, "Award")]),
    (
        "The first programs of the ministry, many years later and after many reforms, changes, hearings and debates in the country, included “Manos Unidas”.",
        [],  # the kind is named too far before it
    ),
    # a name followed by another it goes by, quoted
    (
        "The Northern Alliance Against Exploitation “Project NAAE” in Springfield works in schools.",
        [("Northern Alliance Against Exploitation", None, "Organization")],
    ),
    # an article of a named instrument (the instrument inside it is the same mention)
    ("The law punishes it under Article 5 of the Green Convention.", [("Article 5 of the Green Convention", None, "LegalProvision")]),
    (
        "Article 5 of the Green Convention and Article 10 of the Blue Law apply.",
        [("Article 5 of the Green Convention", None, "LegalProvision"), ("Article 10 of the Blue Law", None, "LegalProvision")],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), ENTITIES, ids=[s[:30] for s, _ in ENTITIES])
def test_new_entity_patterns(sentence: str, expected: list[tuple[str, str | None, str]]) -> None:
    found = new_entities(sentence)
    assert [(e.label, e.acronym, e.cls) for e in found] == expected
    for e in found:
        assert e.label in sentence[e.start : e.end]


def test_a_name_ends_before_in_and_a_place() -> None:
    sentence = "It works with the Open Door Committee in Springfield."
    assert [e.label for e in new_entities(sentence)] == ["Open Door Committee in Springfield"]
    assert [e.label for e in new_entities(sentence, frozenset({sentence.index("Springfield")}))] == ["Open Door Committee"]


def test_quoted_names_keep_what_they_go_by() -> None:
    (alias,) = new_entities("The Northern Alliance Against Exploitation “Project NAAE” in Springfield works in schools.")
    assert alias.aliases == ("Project NAAE",) and alias.confidence < 0.6
    (translated,) = new_entities("Media campaigns included “Manos Abiertas” (Open Hands) in 2019.")
    assert translated.translation == "Open Hands" and translated.confidence < 0.6  # typed from a noun elsewhere


def _records(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["records"]


def _draft(root: Path) -> list[dict]:
    from tipkg.curation.drafting.writing import write_draft

    lines = write_draft(root, "fx-2020")
    assert lines[0] == f"{DRAFT}: {len(_records(root / DRAFT))} proposals"  # relative to the project; no figure left out
    return _records(root / DRAFT)


def test_draft_proposes_what_the_fictional_report_states(tmp_path: Path) -> None:
    text = (FIXTURE / "sources" / "fx-2020.txt").read_text(encoding="utf-8")
    records = _draft(project(tmp_path))
    for r in records:
        assert r["accept"] is False and 0 < r["_confidence"] <= 1 and r["_reason"]
        assert len(locate(text, r["evidence"])) == 1, r["evidence"]  # each quote cites one place of the text
    by_id = {r["id"]: r for r in records if "id" in r}
    assert by_id["agency/sovt"]["type"] == "GovernmentBody"
    assert by_id["agency/sovt"]["label"] == {"en": "Special Office for Victims of Trafficking"}
    assert by_id["agency/sovt"]["altLabel"] == ["SOVT"]
    assert by_id["campaign/green-ribbon-campaign"]["type"] == "Campaign"
    assert by_id["fund/ruritanian-solidarity-fund"]["type"] == "Fund"
    assert not any(r.get("label") == {"en": "Helping Hands"} for r in records)  # the graph has it
    helping = [r for r in records if "ngo/helping-hands" in r.values()]
    assert [(r.get("about"), r["evidence"]) for r in helping] == [("ngo/helping-hands", text.splitlines()[3])]  # the sentence naming it
    dates = {(r["about"], k, str(v)) for r in records if "about" in r for k, v in r.items() if k.endswith("Date")}
    assert ("agency/sovt", "foundingDate", "2015-03") in dates
    assert ("agency/sovt", "startDate", "2018-10-07") in dates
    allocations = [r for r in records if r.get("type") == "FundingAllocation"]
    assert [(str(a["amount"]["value"]), a["amount"].get("currency")) for a in allocations] == [("1250000", "USD")]
    assert allocations[0]["fundingChannel"] == "fund/ruritanian-solidarity-fund"
    observations = sorted((r.get("observedValue", 0), r.get("observedMoreThan", 0)) for r in records if r.get("type") == "Observation")
    assert observations == [(0, 2500), (3, 0), (12, 0), (40, 0)]  # "more than 2,500" is a lower bound


def _accept(root: Path, keep) -> list[str]:  # type: ignore[no-untyped-def]
    from tipkg.curation.drafting.writing import accept_draft

    path = root / DRAFT
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for r in data["records"]:
        r["accept"] = keep(r)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return accept_draft(root, "fx-2020", path)


def test_accepted_proposals_build_and_pass_the_check(tmp_path: Path) -> None:
    root = project(tmp_path)
    _draft(root)
    kept = {"agency/sovt", "campaign/green-ribbon-campaign", "fund/ruritanian-solidarity-fund"}

    def keep(r: dict) -> bool:
        return r.get("id") in kept or (r.get("about") in kept and "foundingDate" in r) or r.get("type") == "FundingAllocation"

    lines = _accept(root, keep)
    assert lines[-1].startswith(f"{DRAFT}: 5 moved, 0 refused"), lines
    legal = _records(root / "graph_data" / "fx-2020" / "funding.yaml")
    assert {r.get("id") for r in legal} >= {"fund/ruritanian-solidarity-fund"}
    assert not any(k.startswith("_") or k == "accept" for r in legal for k in r)
    assert check_without_owl(root).exit_code == 0, check_without_owl(root).findings
    left = _records(root / DRAFT)
    assert not any(r.get("id") in kept for r in left) and left


def test_accept_refuses_a_broken_proposal_with_one_line_and_keeps_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    _draft(root)
    path = root / DRAFT
    text = path.read_text(encoding="utf-8").replace("about: ngo/helping-hands", "about: ngo/nobody", 1)
    path.write_text(text, encoding="utf-8")
    lines = _accept(root, lambda r: r.get("about") == "ngo/nobody" or r.get("id") == "agency/sovt")
    refused = [line for line in lines if "unknown reference" in line]
    assert len(refused) == 1 and refused[0].startswith(f"{DRAFT}:") and ": about: unknown reference 'ngo/nobody'" in refused[0]
    assert "1 moved, 1 refused" in lines[-1]
    left = _records(path)
    assert any(r.get("about") == "ngo/nobody" for r in left) and not any(r.get("id") == "agency/sovt" for r in left)


EVIL = "<img src=x onerror=alert(1)>"


def test_the_review_page_is_offline_and_escapes_every_text() -> None:
    from tipkg.curation.coverage import classify
    from tipkg.curation.drafting.review import page

    text = f"FICTIONAL: the {EVIL} Office was created in 2015 by officials of the capital.\n"
    digest = hashlib.sha256(text.encode()).hexdigest()
    source = parse_source(f"id: fx\nfile: fx.txt\nsha256: {digest}\nlanguage: en\n", "fx.yaml", text, "fx.txt")
    record = {"id": "agency/x", "type": "GovernmentBody", "label": {"en": EVIL}, "evidence": text.strip()}
    html = page(source, classify(source, []), [Proposal("actors", record, 0.5, f"named {EVIL}", 15, 15 + len(EVIL))])
    assert EVIL not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html and " src=" not in html.replace("&lt;img src", "")
    assert "Content-Security-Policy" in html and "default-src 'none'" in unescape(html)
    assert "<mark" in html and "no record cites this sentence" in html
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL)
    hashes = re.findall(r"style-src 'sha256-([A-Za-z0-9+/=]+)'", unescape(html))
    assert style and hashes == [base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()]


# ---------------------------------------------------------------- what a draft may say: no invented value

# A FICTIONAL report, each paragraph a case. The graph holds Helping Hands (tests/fixtures/draft).
CASES = (
    "FICTIONAL: Helping Hands is a civil society organization of this fictional report.\n\n"
    "FICTIONAL: Helping Hands assisted fewer than 10 victims.\n\n"
    "FICTIONAL: Helping Hands trained at least 26 officials and about 20,000 students.\n\n"
    "FICTIONAL: Helping Hands received more than 5 million US dollars from donors.\n\n"
    "FICTIONAL: The Blue Star Campaign ran until 2010 and Helping Hands took part.\n\n"
    "FICTIONAL: In 2012 the government created the Red Line Program.\n\n"
    "FICTIONAL: Helping Hands received 200,000 US dollars from donors.\n\n"
    "FICTIONAL: Helping Hands granted 300,000 US dollars to shelters.\n\n"
    "FICTIONAL: Helping Hands and 400,000 US dollars appear in this sentence.\n\n"
    "FICTIONAL: Helping Hands has worked since 2011 and before 2009 it was a club.\n\n"
    "FICTIONAL: The Gold Key Campaign ended after 2013.\n\n"
    "FICTIONAL: Helping Hands reached nearly 40 schools.\n"
)


def cases_project(tmp_path: Path) -> Path:
    """The fixture project with the FICTIONAL text of :data:`CASES` as the report fx-2020."""
    root = project(tmp_path)
    sources = root / "graph_data" / "sources"
    (sources / "fx-2020.txt").write_text(CASES, encoding="utf-8")
    digest = hashlib.sha256(CASES.encode()).hexdigest()
    (sources / "fx-2020.yaml").write_text(f"id: fx-2020\nfile: fx-2020.txt\nsha256: {digest}\nlanguage: en\n", encoding="utf-8")
    return root


def _proposed(records: list[dict], sentence: str) -> list[dict]:
    """The records drawn from one paragraph of CASES, without their draft-only keys and quote."""
    out = []
    for r in records:
        if sentence in r["evidence"]:
            out.append({k: v for k, v in r.items() if not k.startswith("_") and k not in ("accept", "evidence")})
    return out


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[dict]]:
    from tipkg.curation.drafting.writing import write_draft

    root = cases_project(tmp_path_factory.mktemp("cases"))
    lines = write_draft(root, "fx-2020")
    return lines, _records(root / DRAFT)


HH = {"about": "ngo/helping-hands"}
# (a paragraph of CASES, the records drawn from it: none invented, none given to the wrong entity)
EXPECTED = [
    ("fewer than 10", [HH]),  # a bound other than "more than": no observation
    ("at least 26", [HH, {"id": "stat/fx-2020-count-1", "type": "Observation", "observedAbout": 20000, "concerns": "ngo/helping-hands"}]),
    ("nearly 40", [HH]),  # below 40 by little: no value says so
    ("more than 5 million", [HH]),  # an amount only when exact
    (
        "Blue Star Campaign ran until 2010",  # the date is the campaign's (named before it), and an end
        [
            HH,
            {"id": "campaign/blue-star-campaign", "type": "Campaign", "label": {"en": "Blue Star Campaign"}},
            {"about": "campaign/blue-star-campaign", "endDate": "2010"},
        ],
    ),
    (
        "In 2012",  # no entity before the date: the first after it, at a lower confidence
        [
            {"id": "program/red-line-program", "type": "Program", "label": {"en": "Red Line Program"}},
            {"about": "program/red-line-program", "foundingDate": "2012"},
        ],
    ),
    (
        "received 200,000",  # who receives is no funder
        [
            HH,
            {
                "id": "allocation/fx-2020-1",
                "type": "FundingAllocation",
                "amount": {"value": "200000", "currency": "USD"},
                "beneficiary": "ngo/helping-hands",
            },
        ],
    ),
    (
        "granted 300,000",
        [
            HH,
            {
                "id": "allocation/fx-2020-2",
                "type": "FundingAllocation",
                "amount": {"value": "300000", "currency": "USD"},
                "funder": "ngo/helping-hands",
            },
        ],
    ),
    ("400,000", [HH, {"id": "allocation/fx-2020-3", "type": "FundingAllocation", "amount": {"value": "400000", "currency": "USD"}}]),
    ("since 2011", [HH, {"about": "ngo/helping-hands", "startDate": "2011"}]),  # "before 2009": no date
    (
        "Gold Key Campaign ended after 2013",
        [{"id": "campaign/gold-key-campaign", "type": "Campaign", "label": {"en": "Gold Key Campaign"}}],
    ),
]


@pytest.mark.parametrize(("sentence", "expected"), EXPECTED, ids=[s for s, _ in EXPECTED])
def test_draft_proposes_only_what_the_text_states(cases: tuple[list[str], list[dict]], sentence: str, expected: list[dict]) -> None:
    assert _proposed(cases[1], sentence) == expected


def test_figures_left_out_are_counted_in_the_summary(cases: tuple[list[str], list[dict]]) -> None:
    # fewer than 10, at least 26, more than 5 million US dollars, nearly 40 ("about 20,000" is proposed)
    assert cases[0][0] == f"{DRAFT}: {len(cases[1])} proposals, 4 figures left out: bounded otherwise than by 'more than' or 'about'"


def test_a_date_named_after_its_entity_is_less_sure_than_one_after_its_subject(cases: tuple[list[str], list[dict]]) -> None:
    def confidence(about: str) -> float:
        return next(r["_confidence"] for r in cases[1] if r.get("about") == about and any(k.endswith("Date") for k in r))

    assert confidence("program/red-line-program") < confidence("campaign/blue-star-campaign")


# ---------------------------------------------------------------- writing the draft: no review in progress lost


def test_draft_refuses_to_replace_a_review_or_a_curated_file(tmp_path: Path) -> None:
    from tipkg.curation.drafting.writing import write_draft

    root = project(tmp_path)
    draft = root / DRAFT
    draft.parent.mkdir(parents=True, exist_ok=True)
    draft.write_text("# a review in progress\n", encoding="utf-8")
    with pytest.raises(TipkgError, match=f"^{DRAFT}: exists .*--force"):
        write_draft(root, "fx-2020")
    assert draft.read_text(encoding="utf-8") == "# a review in progress\n"
    curated = root / "graph_data" / "fx-2020" / "actors.yaml"
    before = curated.read_text(encoding="utf-8")
    for force in (False, True):
        with pytest.raises(TipkgError, match=r"^graph_data/fx-2020/actors\.yaml: the draft in graph_data/ would be read as curated data"):
            write_draft(root, "fx-2020", output=curated, force=force)
    assert curated.read_text(encoding="utf-8") == before
    with pytest.raises(TipkgError, match=r"^graph_data/sources/_x\.yaml: the draft in graph_data/sources/ would be read as its data"):
        write_draft(root, "fx-2020", output=root / "graph_data" / "sources" / "_x.yaml")
    assert write_draft(root, "fx-2020", force=True)[0].startswith(f"{DRAFT}: ")
    assert write_draft(root, "fx-2020", output=root / "graph_data" / "fx-2020" / "_second.yaml")[0].startswith(
        "graph_data/fx-2020/_second.yaml: "
    )
    assert not list(draft.parent.glob(".*.tmp"))  # written by a temporary file, renamed


def test_the_draft_command_refuses_in_one_line_with_exit_code_2(tmp_path: Path) -> None:
    from tipkg.cli import main

    root = project(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["draft", "fx-2020", "--root", str(root)]).exit_code == 0
    again = runner.invoke(main, ["draft", "fx-2020", "--root", str(root)])
    assert again.exit_code == 2 and again.output.count("\n") == 1 and f"{DRAFT}: exists" in again.output
    assert runner.invoke(main, ["draft", "fx-2020", "--root", str(root), "--force"]).exit_code == 0


# ---------------------------------------------------------------- accepting: what was checked is what is written


ACCEPTED = """source: fx-2020
records:
  - id: agency/northern-office
    type: GovernmentBody
    label: {en: Northern Office}
    altLabel: [NO, "010", 12:30]
    evidence: In March 2015 the government created the Special Office for Victims of Trafficking (SOVT).
    _kind: KIND
    accept: true
"""


def test_accept_writes_exactly_what_was_checked(tmp_path: Path) -> None:
    from tipkg.curation.drafting.writing import accept_draft

    root = project(tmp_path)
    path = root / DRAFT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ACCEPTED.replace("KIND", "actors"), encoding="utf-8")
    assert accept_draft(root, "fx-2020", path)[-1] == f"{DRAFT}: 1 moved, 0 refused, 0 not accepted"
    actors = root / "graph_data" / "fx-2020" / "actors.yaml"
    written = parse_curated(actors.read_text(encoding="utf-8"), "actors.yaml").records[-1]
    alt = written.items["altLabel"]
    assert isinstance(alt, Sequence) and [a.text for a in alt.items if isinstance(a, Scalar)] == ["NO", "010", "12:30"]
    assert set(written.items) == {"id", "type", "label", "altLabel", "evidence"}
    assert check_without_owl(root).exit_code == 0, check_without_owl(root).findings
    assert parse_curated(path.read_text(encoding="utf-8"), DRAFT).records == []


@pytest.mark.parametrize("kind", ["../../escaped", "actors/../../x", "records", ""])
def test_accept_refuses_a_kind_that_names_no_curated_file(tmp_path: Path, kind: str) -> None:
    from tipkg.curation.drafting.writing import accept_draft

    root = project(tmp_path)
    path = root / DRAFT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ACCEPTED.replace("KIND", kind or '""'), encoding="utf-8")
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    lines = accept_draft(root, "fx-2020", path)
    assert lines[0].startswith(f"{DRAFT}:8: _kind: ") and "expected one of actors, " in lines[0]
    assert lines[-1] == f"{DRAFT}: 0 moved, 1 refused, 0 not accepted"
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files  # nothing written outside, nor inside


def test_a_failed_accept_changes_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)
    _draft(root)
    funding = root / "graph_data" / "fx-2020" / "funding.yaml"
    funding.write_text("records: []\nsource: fx-2020\n", encoding="utf-8")  # its records are not its last key
    before = {p: p.read_bytes() for p in (root / "graph_data").rglob("*") if p.is_file()}
    with pytest.raises(TipkgError, match=r"^graph_data/fx-2020/funding\.yaml:"):  # after actors.yaml was prepared
        _accept(root, lambda r: r.get("id") in ("agency/sovt", "fund/ruritanian-solidarity-fund"))
    draft = root / DRAFT
    before[draft] = draft.read_bytes()  # (_accept marked the kept records before the accept)
    assert {p: p.read_bytes() for p in (root / "graph_data").rglob("*") if p.is_file()} == before


REVIEWED = """# the draft's own header
source: fx-2020
records:
  # reviewer: checked against page 3
  - id: agency/northern-office
    type: GovernmentBody
    # reviewer: the acronym is the report's own
    label: {en: Northern Office}
    evidence: In March 2015 the government created the Special Office for Victims of Trafficking (SOVT).
    _kind: actors
    accept: true

  # reviewer: not this one yet, the quote is too long
  - id: agency/southern-office
    type: GovernmentBody
    label: {en: Southern Office}
    evidence: In March 2015 the government created the Special Office for Victims of Trafficking (SOVT).
    _kind: actors
    accept: false
"""


def test_accept_keeps_the_reviewers_comments_with_their_records(tmp_path: Path) -> None:
    from tipkg.curation.drafting.writing import accept_draft

    root = project(tmp_path)
    path = root / DRAFT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(REVIEWED, encoding="utf-8")
    assert accept_draft(root, "fx-2020", path)[-1] == f"{DRAFT}: 1 moved, 0 refused, 1 not accepted"
    actors = (root / "graph_data" / "fx-2020" / "actors.yaml").read_text(encoding="utf-8")
    moved = actors[actors.index("  # reviewer: checked against page 3\n") :]
    assert moved.startswith(
        "  # reviewer: checked against page 3\n  # reviewer: the acronym is the report's own\n  - id: agency/northern-office\n"
    )
    assert "not this one yet" not in actors and "the draft's own header" not in actors
    left = path.read_text(encoding="utf-8")
    assert left.startswith("# the draft's own header\n")
    assert "  # reviewer: not this one yet, the quote is too long\n  - id: agency/southern-office\n" in left
    assert "page 3" not in left
    assert check_without_owl(root).exit_code == 0


TRICKY = """# the file's own comment
source: x
records:
  # above a
  - id: a
    # among a's keys
    note: |
      # a line of a block scalar: data, not a comment
      more data
    # the last of a's, indented under it

  # detached, above b after a blank line: b's

  - id: b
    label: B
  - id: c
  # after the last record, at its dash: the last record's
"""


def test_comments_belong_to_the_record_their_indentation_names() -> None:
    from tipkg.curation.drafting.accept import comments

    records = parse_curated(TRICKY, "x.yaml").records
    assert comments(TRICKY, [r.line for r in records]) == [
        ["# above a", "# among a's keys", "# the last of a's, indented under it"],
        ["# detached, above b after a blank line: b's"],
        ["# after the last record, at its dash: the last record's"],
    ]
