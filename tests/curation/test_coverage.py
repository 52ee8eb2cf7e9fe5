"""Evidence coverage: sentence splitting, and every fact-stating sentence of the report cited."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tipkg.cli import main
from tipkg.curation.coverage import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Heading\nBody one. Body two.\n", ["Heading", "Body one.", "Body two."]),
        (
            "Women’s Transitional Living Center, Inc. (WTLC) in Santa Ana.",
            ["Women’s Transitional Living Center, Inc. (WTLC) in Santa Ana."],
        ),
        ("It said “stop.” Then it left.", ["It said “stop.”", "Then it left."]),
        ("  \n\n", []),
    ],
)
def test_split_sentences(text, sentences):
    assert [text[a:b] for a, b in split_sentences(text)] == sentences


def test_every_fact_stating_sentence_of_the_report_is_cited():
    result = CliRunner().invoke(main, ["coverage"])
    assert "[missing]" not in result.output, result.output
    assert result.exit_code == 0
    assert "100.0% of fact-stating sentences cited" in result.output


def test_coverage_names_an_uncited_sentence(mini_project):
    ok = CliRunner().invoke(main, ["coverage", "--root", str(mini_project)])
    assert ok.exit_code == 0, ok.output
    assert "2 sentences cited, 0 not cited, 1 headings" in ok.output
    (mini_project / "graph_data/demo/funding.yaml").write_text("source: demo\nrecords: []\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["coverage", "--root", str(mini_project)])
    assert result.exit_code == 1
    assert "[missing] 86-156: The Office received $1,250.50 pesos in 2010 from the Ministry of Care." in result.output
    assert "50.0% of fact-stating sentences cited" in result.output
