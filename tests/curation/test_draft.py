"""``tipkg draft``: the proposals for a FICTIONAL report (tests/fixtures/draft), their review page,
and ``--accept`` turning the kept ones into curated records that build and pass the check."""

from __future__ import annotations

import hashlib
import shutil
from html import unescape
from pathlib import Path

import pytest
import yaml
from check_support import check_without_owl

from tipkg.curation.drafting.entities import HEADS, new_entities
from tipkg.curation.drafting.proposals import Proposal
from tipkg.curation.sources import parse_source

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
]


@pytest.mark.parametrize(("sentence", "expected"), ENTITIES, ids=[s[:30] for s, _ in ENTITIES])
def test_new_entity_patterns(sentence: str, expected: list[tuple[str, str | None, str]]) -> None:
    found = new_entities(sentence)
    assert [(e.label, e.acronym, e.cls) for e in found] == expected
    for e in found:
        assert e.label in sentence[e.start : e.end]


def _records(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["records"]


def _draft(root: Path) -> list[dict]:
    from tipkg.curation.drafting.draft import write_draft

    lines = write_draft(root, "fx-2020")
    assert lines[0].endswith("proposals")
    return _records(root / DRAFT)


def test_draft_proposes_what_the_fictional_report_states(tmp_path: Path) -> None:
    text = (FIXTURE / "sources" / "fx-2020.txt").read_text(encoding="utf-8")
    records = _draft(project(tmp_path))
    for r in records:
        assert r["accept"] is False and 0 < r["_confidence"] <= 1 and r["_reason"]
        assert " ".join(r["evidence"].split()) in " ".join(text.split())
    by_id = {r["id"]: r for r in records if "id" in r}
    assert by_id["agency/sovt"]["type"] == "GovernmentBody"
    assert by_id["agency/sovt"]["label"] == {"en": "Special Office for Victims of Trafficking"}
    assert by_id["agency/sovt"]["altLabel"] == ["SOVT"]
    assert by_id["campaign/green-ribbon-campaign"]["type"] == "Campaign"
    assert by_id["fund/ruritanian-solidarity-fund"]["type"] == "Fund"
    assert not any(r.get("label") == {"en": "Helping Hands"} for r in records)  # the graph has it
    assert {"about": "ngo/helping-hands"}.items() <= next(r for r in records if r.get("about") == "ngo/helping-hands").items()
    dates = {(r["about"], k, str(v)) for r in records if "about" in r for k, v in r.items() if k.endswith("Date")}
    assert ("agency/sovt", "foundingDate", "2015-03") in dates
    assert ("agency/sovt", "startDate", "2018-10-07") in dates
    allocations = [r for r in records if r.get("type") == "FundingAllocation"]
    assert [(str(a["amount"]["value"]), a["amount"].get("currency")) for a in allocations] == [("1250000", "USD")]
    assert allocations[0]["fundingChannel"] == "fund/ruritanian-solidarity-fund"
    observations = {(r.get("observedValue"), r.get("observedMoreThan")) for r in records if r.get("type") == "Observation"}
    assert {(None, 2500), (40, None), (12, None), (3, None)} <= observations
    assert not any(r.get("observedValue") == 2500 for r in records)  # "more than 2,500" is a lower bound


def _accept(root: Path, keep) -> list[str]:  # type: ignore[no-untyped-def]
    from tipkg.curation.drafting.draft import accept_draft

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
