"""Safe YAML with positions: no implicit typing, no tags, no aliases."""

from __future__ import annotations

import pytest

from tipkg.curation.records import Mapping, Scalar, Sequence, parse_curated, parse_yaml
from tipkg.errors import DataError


def test_scalars_keep_the_text_the_curator_wrote():
    top = parse_yaml("amount: 17926386.00\nmonth: 2007-11\nday: 2011-01-06\nyes: no\n", "f.yaml")
    assert isinstance(top, Mapping)
    assert [top.items[k] for k in ("amount", "month", "day", "yes")] == [
        Scalar("17926386.00", 1),
        Scalar("2007-11", 2),
        Scalar("2011-01-06", 3),
        Scalar("no", 4),
    ]


def test_lines_of_nested_values():
    top = parse_yaml("records:\n  - id: a/b\n    label: {en: X}\n", "f.yaml")
    records = top.items["records"]  # type: ignore[union-attr]
    assert isinstance(records, Sequence)
    record = records.items[0]
    assert isinstance(record, Mapping)
    assert record.line == 2 and record.lines == {"id": 2, "label": 3}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb: !!python/object:os.system x\n", 2, "unsafe or unknown YAML tag"),
        ("a: !!python/object/apply:os.system ['ls']\n", 1, "unsafe or unknown YAML tag"),
        ("a: &x [1]\nb: *x\n", 1, "aliases"),
        ("a: 1\na: 2\n", 2, "duplicate key"),
        ("a: [1, 2\nb: 3\n", 2, "not valid YAML"),
    ],
    ids=["python-object", "python-apply", "alias", "duplicate-key", "syntax"],
)
def test_bad_yaml_is_refused_with_file_and_line(text, line, message):
    with pytest.raises(DataError) as err:
        parse_yaml(text, "graph_data/x/bad.yaml")
    assert str(err.value).startswith(f"graph_data/x/bad.yaml:{line}: ")
    assert message in str(err.value)


def test_curated_file_needs_records():
    with pytest.raises(DataError, match=r"^f.yaml:1: records: missing"):
        parse_curated("source: demo\n", "f.yaml")
    assert parse_curated("source: demo\nrecords: []\n", "f.yaml").source == "demo"
