"""Names before any build: ids by a name (``tipkg find``), and the names a text mentions.

The in-memory records and sentences below are FICTIONAL; the real cases read the project's own
curated data and report (graph_data/sources/000_d7b107364416c09b.txt).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from tipkg.cli import main
from tipkg.curation.names import Mention, NameEntry, NameIndex, find_names
from tipkg.curation.records import parse_curated
from tipkg.errors import TipkgError

REPORT = ROOT / "graph_data/sources/000_d7b107364416c09b.txt"

# FICTIONAL records: every form a name can take (string, language mapping, list of either, about:).
FICTION = """
source: demo
records:
  - id: agency/ombud
    type: GovernmentBody
    label: {en: Office of the Ombudsperson, es: Oficina de la Defensoría}
    altLabel: [ODP, {en: Ombudsperson}]
  - id: agency/ombud-north
    type: GovernmentUnit
    label: Northern Office of the Ombudsperson
  - id: program/strasse
    type: Program
    label: Straße Programm
  - id: desk/a
    type: GovernmentUnit
    label: Joint Desk
  - id: desk/b
    type: GovernmentUnit
    label: {en: Joint Desk}
  - about: agency/ombud
    altLabel:
      - es: Defensoría del Pueblo
  - source: demo
    note: a record without id or about names nothing
"""


@pytest.fixture(scope="module")
def fiction() -> NameIndex:
    return NameIndex.from_curated([parse_curated(FICTION, "demo/names.yaml")])


@pytest.fixture(scope="module")
def real() -> NameIndex:
    return NameIndex.from_project(ROOT)


def test_every_name_of_every_record(fiction):
    assert fiction.entries == [
        NameEntry("agency/ombud", "GovernmentBody", "agency/ombud"),
        NameEntry("agency/ombud", "GovernmentBody", "Office of the Ombudsperson"),
        NameEntry("agency/ombud", "GovernmentBody", "Oficina de la Defensoría"),
        NameEntry("agency/ombud", "GovernmentBody", "ODP"),
        NameEntry("agency/ombud", "GovernmentBody", "Ombudsperson"),
        NameEntry("agency/ombud-north", "GovernmentUnit", "agency/ombud-north"),
        NameEntry("agency/ombud-north", "GovernmentUnit", "Northern Office of the Ombudsperson"),
        NameEntry("program/strasse", "Program", "program/strasse"),
        NameEntry("program/strasse", "Program", "Straße Programm"),
        NameEntry("desk/a", "GovernmentUnit", "desk/a"),
        NameEntry("desk/a", "GovernmentUnit", "Joint Desk"),
        NameEntry("desk/b", "GovernmentUnit", "desk/b"),
        NameEntry("desk/b", "GovernmentUnit", "Joint Desk"),
        NameEntry("agency/ombud", "GovernmentBody", "Defensoría del Pueblo"),  # about: takes the declared type
    ]


# --- find ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected", "exact"),
    [
        ("fevimtra", "agency/fevimtra", True),  # an acronym, typed in lower case
        ("Fevimtra", "agency/fevimtra", True),
        ("FEVIMTR", "agency/fevimtra", False),  # a letter missing
        ("Special Prosecution Unit for Crimes of Violence against Women", "agency/fevimtra", False),
        ("office of the prosecutor general", "agency/pgr", True),
        ("procuraduria general", "agency/pgr", False),  # no Spanish name in the data: the nearest
        ("sistema integral para la atencion de la familia", "agency/dif", True),  # Spanish, accents left out
        ("Programa de Coinversión Social", "program/pcs", True),
        ("IOM", "igo/iom", True),  # the initials of International Organization for Migration
        ("unodc", "igo/unodc", True),  # the initials of UN Office on Drugs and Crime
        ("CAST", "ngo/cast", True),
        ("agency/pgr", "agency/pgr", True),  # the id itself
    ],
)
def test_find_in_the_real_data(real, query, expected, exact):
    best = real.find(query, 5)[0]
    assert best.id == expected
    assert (best.score == 100) is exact


def test_find_ranks_one_name_per_id_best_first(real):
    matches = real.find("Mexico", 10)
    assert matches[0].id == "place/mexico" and matches[0].score == 100
    assert [m.id for m in matches[:3]] == ["place/mexico", "campaign/blue-heart-mexico", "gov/mexico"]  # 100, 90, 90: ties by id
    assert len({m.id for m in matches}) == len(matches) == 10
    assert [(-m.score, m.id) for m in matches] == sorted((-m.score, m.id) for m in matches)
    assert all(m.score >= 60 for m in matches)


@pytest.mark.parametrize("query", ["zqxjv", "", "  -- "])
def test_find_nothing_under_the_cutoff(real, query):
    assert real.find(query, 10) == []


def test_find_keeps_the_name_that_matched(fiction):
    assert [(m.id, m.cls, m.name, m.score) for m in fiction.find("defensoria del pueblo", 1)] == [
        ("agency/ombud", "GovernmentBody", "Defensoría del Pueblo", 100)
    ]
    assert fiction.find("odp", 1)[0].name == "ODP"


def test_find_names_without_graph_data(tmp_path):
    with pytest.raises(TipkgError, match="no graph_data folder in"):
        find_names(tmp_path, "FEVIMTRA")


# --- mentions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the longest name wins where names overlap
        ("The Northern Office of the Ombudsperson met.", [("agency/ombud-north", "Northern Office of the Ombudsperson")]),
        (
            "The Office of the Ombudsperson (ODP) met the Ombudsperson.",
            [("agency/ombud", "Office of the Ombudsperson"), ("agency/ombud", "ODP"), ("agency/ombud", "Ombudsperson")],
        ),
        # never inside a word; an acronym only in capitals
        ("Ombudspersons and ODPs met; the odp did not.", []),
        ("Her ODP-funded desk", [("agency/ombud", "ODP")]),
        # accents, case and line breaks do not matter; offsets are those of the original text
        ("la OFICINA DE LA DEFENSORIA dijo", [("agency/ombud", "OFICINA DE LA DEFENSORIA")]),
        ("Él habló con la Defensoría del Pueblo.", [("agency/ombud", "Defensoría del Pueblo")]),
        ("la Defensori\u0301a del Pueblo", [("agency/ombud", "Defensori\u0301a del Pueblo")]),  # a combining accent
        ("the Office of the\n   Ombudsperson", [("agency/ombud", "Office of the\n   Ombudsperson")]),
        ("Das Straße Programm; the strasse programm", [("program/strasse", "Straße Programm"), ("program/strasse", "strasse programm")]),
        # a name two ids share is a mention of each
        ("The Joint Desk.", [("desk/a", "Joint Desk"), ("desk/b", "Joint Desk")]),
        # ids are not names of the text
        ("see agency/ombud", []),
    ],
)
def test_mentions_in_a_sentence(fiction, text, expected):
    assert [(m.id, text[m.start : m.end]) for m in fiction.mentions(text)] == expected


def test_a_mention_names_the_name_it_matched(fiction):
    assert fiction.mentions("ÉL ODP") == [Mention("agency/ombud", "ODP", 3, 6)]


@pytest.fixture(scope="module")
def report_mentions(real) -> tuple[str, list[Mention]]:
    text = REPORT.read_text(encoding="utf-8")
    return text, real.mentions(text)


@pytest.mark.parametrize(
    ("id", "said"),
    [
        ("agency/fevimtra", "FEVIMTRA"),
        ("agency/fevimtra", "Special Prosecution Unit for the Crimes of Violence against Women and Trafficking in Persons"),
        ("agency/pgr", "Office of the Prosecutor General"),
        ("agency/inm", "National Migration Institute"),
        ("agency/dif", "Sistema Integral para la Atención de la Familia"),
        ("ngo/cast", "Coalition to Abolish Slavery and Trafficking"),
        ("gov/mexico", "Government of Mexico"),
    ],
)
def test_mentions_in_the_report(report_mentions, id, said):
    text, found = report_mentions
    assert said in [text[m.start : m.end] for m in found if m.id == id]


def test_mentions_in_the_report_do_not_overlap(report_mentions):
    text, found = report_mentions
    spans = sorted({(m.start, m.end) for m in found})
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    # "Mexico" inside "Government of Mexico" is the government's mention, not the country's
    government = next(m for m in found if text[m.start : m.end] == "Government of Mexico")
    assert not any(m.id == "place/mexico" and government.start <= m.start < government.end for m in found)


# --- the command --------------------------------------------------------------------------------


def test_find_command_prints_tab_separated_lines():
    result = CliRunner().invoke(main, ["find", "--root", str(ROOT), "-n", "2", "Fevimtra"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "agency/fevimtra\tGovernmentUnit\tFEVIMTRA\t100"
    assert len(lines) == 2 and all(len(line.split("\t")) == 4 for line in lines)


def test_find_command_outside_a_project(tmp_path: Path):
    result = CliRunner().invoke(main, ["find", "--root", str(tmp_path), "FEVIMTRA"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"tipkg: error: no graph_data folder in {tmp_path}: expected a project folder (or give --root)"
    ]
