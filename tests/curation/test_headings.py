"""One rule for headings, used by intake (detecting them), the loader (locating them) and coverage."""

from __future__ import annotations

import pytest

from tipkg.curation.headings import is_heading, line_counts, line_spans, states_nothing

LINES = {
    "2. Prosecution": (True, True),
    "Activities in the Area of Prevention": (True, True),
    "Prevention:": (True, True),  # a colon after a few words
    "Report.": (True, True),  # a title with a full stop
    "FICTIONAL TEST FIXTURE.": (True, True),
    "It ends.": (False, False),  # a short sentence: a fact may be read from it
    "What now?": (False, False),
    "and so on": (False, False),  # lower case: the rest of a sentence
    "It ends with a colon:": (False, False),
    "One two three four five six seven eight nine": (False, False),
    "1.": (False, True),  # a number alone
    "/": (False, True),
    "http://example.org/annex-1.pdf": (False, True),  # a link
}


@pytest.mark.parametrize(("line", "expected"), LINES.items(), ids=LINES.keys())
def test_heading_and_lines_that_state_nothing(line: str, expected: tuple[bool, bool]) -> None:
    assert (is_heading(line), states_nothing(line)) == expected


TEXT = "Prevention\nPrevention is the first aim.\n  Summary \t\r\nSummary of the year.\nSummary\n"


@pytest.mark.parametrize(("heading", "count"), [("Prevention", 1), ("Summary", 2), ("the first aim.", 0)])
def test_a_heading_is_counted_in_whole_lines_alike_by_intake_and_the_loader(heading: str, count: int) -> None:
    assert line_counts(TEXT)[heading] == len(line_spans(TEXT, heading)) == count
    assert all(TEXT[a:b] == heading for a, b in line_spans(TEXT, heading))
