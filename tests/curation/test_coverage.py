"""Evidence coverage: every fact-stating sentence of the report cited (the splitter: test_sentences.py)."""

from __future__ import annotations

from click.testing import CliRunner

from tipkg.cli import main


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
