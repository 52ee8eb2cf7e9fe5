"""Quotes given as spans, ``"first words … last words"``: each resolves to exactly one passage of
its source or is refused with ``file:line: evidence: ...``; a build stores the whole passage; and
``tipkg coverage --numbered`` lists the sentences a curator quotes from."""

from __future__ import annotations

import hashlib
import re

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from tipkg.build.pipeline import load_project
from tipkg.cli import main
from tipkg.curation.evidence import Cited, find_quote
from tipkg.curation.sources import MAX_SPAN, Source, parse_source
from tipkg.errors import DataError
from tipkg.namespaces import OA
from tipkg.project import Project

# FICTIONAL report text
TEXT = (
    "The Harbor Bureau opened a shelter in Riverton in 2004. It housed 40 people.\n"
    "The Harbor Bureau closed it in 2009 after a fire.\n"
    "\n"
    "A second paragraph says the Lantern Fund paid for repairs; staff said “wait … and see” and “later ... maybe”.\n"
)
SECOND = TEXT.index("The Harbor Bureau closed")


def _source(text: str) -> Source:
    meta = f"id: s\nfile: s.txt\nsha256: {hashlib.sha256(text.encode()).hexdigest()}\ntitle: S\nlanguage: en\n"
    return parse_source(meta, "s.yaml", text, "s.txt")


def _find(text: str, quote: str) -> str:
    ref = find_quote(_source(text), Cited("s", quote, 7), "mem.yaml", "evidence")
    return text[ref.start : ref.end]


# (id, quote, the passage it resolves to)
RESOLVED = [
    ("unique", "opened a shelter … 40 people.", "opened a shelter in Riverton in 2004. It housed 40 people."),
    ("three-dots", "opened a shelter ... 40 people.", "opened a shelter in Riverton in 2004. It housed 40 people."),
    ("white-space-flexible", "opened  a\n shelter …40\npeople.", "opened a shelter in Riverton in 2004. It housed 40 people."),
    # the start occurs twice, but from the second "in 2004." never follows
    ("one-of-two-starts", "The Harbor Bureau … in 2004.", "The Harbor Bureau opened a shelter in Riverton in 2004."),
    # the end is the first occurrence after the start, and a single line break is no paragraph
    ("first-end-across-a-line", "It housed … Harbor Bureau", "It housed 40 people.\nThe Harbor Bureau"),
    ("three-parts", "opened a shelter … closed it … a fire.", TEXT[TEXT.index("opened") : TEXT.index("fire.") + 5]),
    # a quote that occurs literally is taken literally, ellipsis included
    ("literal-ellipsis", "“wait … and see”", "“wait … and see”"),
    ("literal-three-dots", "later ... maybe", "later ... maybe"),
]


@pytest.mark.parametrize(("quote", "passage"), [c[1:] for c in RESOLVED], ids=[c[0] for c in RESOLVED])
def test_a_span_resolves_to_its_passage(quote, passage):
    assert _find(TEXT, quote) == passage


# (id, quote, what the one-line message says after "mem.yaml:7: evidence: ")
REFUSED = [
    (
        "start-missing",
        "reopened a shelter … 40 people.",
        "quote span not found in source s (s.txt): its start 'reopened a shelter' does not occur",
    ),
    (
        "end-missing",
        "opened a shelter … in 2012",
        "quote span not found in source s (s.txt): 'in 2012' does not occur after its start 'opened a shelter'",
    ),
    ("end-only-before-start", "closed it … opened a shelter", "'opened a shelter' does not occur after its start 'closed it'"),
    (
        "crosses-a-paragraph",
        "after a fire. … the Lantern Fund",
        f"from offset {TEXT.index('after a fire.')} it crosses a blank line (a paragraph) before 'the Lantern Fund'",
    ),
    (
        "ambiguous-start",
        "The Harbor Bureau … in 2009",
        f"quote span occurs 2 times in source s, starting at offsets 0, {SECOND}: lengthen its start to one place",
    ),
    ("no-start-words", "… 40 people.", "expected words before and after each ellipsis"),
    ("not-a-span", "opened a shelter...40 people.", "quote not found in source s (s.txt): 'opened a shelter...40 people.'"),
]


@pytest.mark.parametrize(("quote", "says"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_a_span_that_does_not_resolve_once_is_refused_with_file_and_line(quote, says):
    with pytest.raises(DataError) as error:
        _find(TEXT, quote)
    message = str(error.value)
    assert message.startswith("mem.yaml:7: evidence: "), message
    assert says in message
    assert "\n" not in message


def test_a_span_is_at_most_2000_characters():
    # FICTIONAL: a passage of exactly MAX_SPAN characters, then one a character longer
    start, end = "Alpha begins", "Omega ends."
    filler = "x" * (MAX_SPAN - len(start) - len(end) - 2)
    text = f"{start} {filler} {end}\n"
    assert _find(text, f"{start} … {end}") == text.strip()
    longer = f"{start} {filler}x {end}\n"
    with pytest.raises(DataError, match=f"runs {MAX_SPAN + 1:,} characters, more than 2,000"):
        _find(longer, f"{start} … {end}")


# -- through the build, on the mini project -------------------------------------------------------

FUNDING = "graph_data/demo/funding.yaml"
WHOLE = "The Office received $1,250.50 pesos in 2010 from the Ministry of Care."


def _cite(root, quote: str) -> None:
    path = root / FUNDING
    text = path.read_text(encoding="utf-8")
    assert text.count(f"evidence: {WHOLE}") == 1
    path.write_text(text.replace(f"evidence: {WHOLE}", f"evidence: {quote}"), encoding="utf-8")


def test_a_record_citing_a_span_builds_with_the_whole_passage_as_its_quote(mini_project):
    _cite(mini_project, '"The Office received … of Care."')
    built = CliRunner().invoke(main, ["build", "--root", str(mini_project), "-q", "--no-check"])
    assert built.exit_code == 0, built.output
    loaded = load_project(Project(mini_project))
    text = (mini_project / "graph_data/sources/demo.txt").read_text(encoding="utf-8")
    start = text.index(WHOLE)
    evidence = URIRef(f"https://w3id.org/tipkg/id/evidence/demo/{start}-{start + len(WHOLE)}")
    graph = loaded.dataset.graph(URIRef("https://w3id.org/tipkg/id/graph/demo"))
    (selector,) = (s for s in graph.objects(evidence, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in graph)
    assert graph.value(selector, OA.exact) == Literal(WHOLE)


def test_a_span_the_build_cannot_place_stops_it_with_file_and_line(mini_project):
    # "the Ministry of Care" occurs twice, and a "." follows each: two passages
    _cite(mini_project, '"the Ministry of Care … ."')
    result = CliRunner().invoke(main, ["build", "--root", str(mini_project), "-q", "--no-check"])
    assert result.exit_code == 2
    text = (mini_project / "graph_data/sources/demo.txt").read_text(encoding="utf-8")
    first, second = (m.start() for m in re.finditer("the Ministry of Care", text))
    assert result.output.strip() == (
        f"tipkg: error: {FUNDING}:5: evidence: quote span occurs 2 times in source demo, starting at offsets {first}, {second}: "
        "lengthen its start to one place: 'the Ministry of Care … .'"
    )


def test_coverage_numbered_lists_every_sentence_with_its_offsets(mini_project):
    result = CliRunner().invoke(main, ["coverage", "--root", str(mini_project), "--numbered"])
    assert result.exit_code == 0, result.output
    text = (mini_project / "graph_data/sources/demo.txt").read_text(encoding="utf-8")
    lines = result.output.splitlines()
    assert lines[0].startswith("demo: 2 sentences cited, 0 not cited, 1 headings")
    # the mini report's three lines, each one sentence (read from the text), numbered from 1
    expected = []
    for n, (status, sentence) in enumerate(zip(["heading", "cited", "cited"], text.splitlines(), strict=True), 1):
        start = text.index(sentence)
        expected.append(f"{n:4d}  [{start}-{start + len(sentence)}]  [{status}] {sentence}")
    assert lines[1:] == expected
