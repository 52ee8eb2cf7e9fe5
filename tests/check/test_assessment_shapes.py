"""The shapes of the assessment terms (issue 15), one defect each, on the fictional assessment.

Each defect edits one record of tests/fixtures/assessment (built with the real project); all of
them are made in one copy and checked once (lint and SHACL, no JVM), since each breaks a record
of its own. Each must be reported on that record's ``file:line``, by its rule, in words a curator
reads. The fixture itself conforms (tests/curation/test_assessment_fixture.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from check_support import assert_found, check_without_owl
from conftest import ASSESSMENT, copy_project

from tipkg.check.report import Report


class Defect(NamedTuple):
    id: str
    file: str  # under graph_data/fma-2011/
    record: str  # the id the edit is made in, and the finding must point to
    old: str  # a text of that record ("" : add ``new`` at its end)
    new: str
    says: tuple[str, ...]  # texts the finding's line must hold: the rule and words of its message
    nested: str = ""  # a nested value's property: the finding is on that value, at its line


DEFECTS = [
    Defect(
        "assessment-without-assessor",
        "assessment.yaml",
        "assessment/fma-2011/mexico-2010",
        "    assessor: ngo/fictional-monitoring-alliance\n",
        "",
        ("tipkgsh:Assessment tipkg:assessor minCount", "who assesses"),
    ),
    Defect(
        "assessment-without-rating-or-judgement",
        "assessment.yaml",
        "assessment/fma-2011/mexico-2009",
        "    rating: tier-2\n",
        "",
        ("tipkgsh:Assessment or", "a rating on a scale"),
    ),
    Defect(
        "two-tiers-from-one-source",
        "assessment.yaml",
        "assessment/fma-2011/mexico-2010",
        "      - rating: significant-efforts\n",
        '      - rating: tier-3\n        evidence: "For 2010, the alliance places Mexico on Tier 2 Watch List."\n      - rating: significant-efforts\n',
        ("tipkgsh:AssessmentRatings SPARQL", "gives two levels of one scale", "fma-2011"),
    ),
    Defect(
        "role-without-country",
        "situation.yaml",
        "role/fma-2011/transit",
        "    roleCountry: place/mexico\n",
        "",
        ("tipkgsh:CountryRole tipkg:roleCountry minCount", "names its country"),
    ),
    Defect(
        "role-without-role",
        "situation.yaml",
        "role/fma-2011/destination",
        "    traffickingRole: destination\n",
        "",
        ("tipkgsh:CountryRole tipkg:traffickingRole minCount", "source, transit, destination or internal"),
    ),
    Defect(
        "role-of-a-state",
        "situation.yaml",
        "role/fma-2011/source",
        "    roleCountry: place/mexico\n",
        "    roleCountry: place/chiapas\n",
        ("tipkgsh:roleCountry tipkg:roleCountry class", "tipkg:Country"),
    ),
    Defect(
        "flow-without-origin",
        "situation.yaml",
        "flow/fma-2011/mexican-men-to-us-agriculture",
        "    origin: place/mexico\n",
        "",
        ("tipkgsh:TraffickingFlow tipkg:origin minCount", "come from"),
    ),
    Defect(
        "flow-without-destination",
        "situation.yaml",
        "flow/fma-2011/mexican-women-children-to-us-sexual-exploitation",
        "    destination: place/united-states\n",
        "",
        ("tipkgsh:TraffickingFlow tipkg:destination minCount", "are taken"),
    ),
    Defect(
        "recommendation-without-action",
        "recommendations.yaml",
        "recommendation/fma-2011/forced-labour-prosecutions",
        '    recommendedAction: {en: "bring more prosecutions for forced labour, including in agriculture"}\n',
        "",
        ("tipkgsh:Recommendation tipkg:recommendedAction minCount", "what should be done"),
    ),
    Defect(
        "recommendation-without-addressee",
        "recommendations.yaml",
        "recommendation/fma-2011/screen-migrants",
        "    addressedTo: agency/inm\n",
        "",
        ("tipkgsh:Recommendation tipkg:addressedTo minCount", "who should act"),
    ),
    Defect(
        "allegation-without-conduct",
        "prosecution.yaml",
        "allegation/fma-2011/bribes-for-licences",
        '    allegedConduct: {en: "accepted bribes to let venues where victims were exploited keep their licences"}\n',
        "",
        ("tipkgsh:Allegation tipkg:allegedConduct minCount", "what is alleged"),
    ),
    Defect(
        "allegation-without-kind",
        "prosecution.yaml",
        "allegation/fma-2011/penalization-of-foreign-victims",
        "    allegationKind: penalization-of-victims\n",
        "",
        ("tipkgsh:Allegation tipkg:allegationKind minCount", "has a kind"),
    ),
    Defect(
        "sentence-unit-not-a-code",
        "prosecution.yaml",
        "stat/fma-2011/sentences-2009",
        "unitCode: ANN}",
        "unitCode: years}",
        ("tipkgsh:QuantitativeValue tipkg:unitCode pattern", "UN/CEFACT"),
        "sentenceLength",
    ),
    Defect(
        "sentence-length-without-bounds",
        "prosecution.yaml",
        "stat/fma-2011/sentences-2010",
        "sentenceLength: {minValue: 4, maxValue: 22, unitCode: ANN}",
        "sentenceLength: {unitCode: ANN}",
        ("tipkgsh:QuantitativeValue or", "a minimum or a maximum"),
        "sentenceLength",
    ),
]


def record_block(text: str, record: str) -> tuple[int, int]:
    """Where the record ``- id: record`` starts and ends in a curated file's text."""
    start = text.index(f"  - id: {record}\n")
    end = text.find("\n  - ", start + 1)
    return start, len(text) if end < 0 else end + 1


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    root = copy_project(tmp_path_factory.mktemp("assessment-defects") / "project", added=ASSESSMENT)
    for d in DEFECTS:
        path = root / "graph_data" / "fma-2011" / d.file
        text = path.read_text(encoding="utf-8")
        start, end = record_block(text, d.record)
        block = text[start:end]
        assert block.count(d.old) == 1, f"{d.id}: the edit must name one text of {d.record}"
        path.write_text(text[:start] + block.replace(d.old, d.new) + text[end:], encoding="utf-8")
    return root, check_without_owl(root)


def test_each_defect_is_one_violation_and_nothing_else_is_reported(broken: tuple[Path, Report]) -> None:
    _root, report = broken
    assert report.exit_code == 1
    assert len(report.findings) == len(DEFECTS), "\n".join(str(f) for f in report.findings)


@pytest.mark.parametrize("defect", DEFECTS, ids=[d.id for d in DEFECTS])
def test_defect_is_reported_on_its_record(defect: Defect, broken: tuple[Path, Report]) -> None:
    root, report = broken
    shown = f"graph_data/fma-2011/{defect.file}"
    text = (root / shown).read_text(encoding="utf-8")
    start, _end = record_block(text, defect.record)
    at = f"{defect.nested}:" if defect.nested else f"- id: {defect.record}"
    line = text.count("\n", 0, text.index(at, start)) + 1
    focus = f"https://w3id.org/tipkg/id/{defect.record}" + (f"/{defect.nested}" if defect.nested else "")
    assert_found(report, f"{shown}:{line}", (focus, *defect.says))
