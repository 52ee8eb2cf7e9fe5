"""Sorted line files: merges, differences and counts, checked against sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipkg.build import lines

PARTS = [
    [b"<a> <p> <o> .\n", b"<b> <p> <o> .\n"],
    [b"<a> <p> <o> .\n", b'<c> <p> "x" .\n'],
    [],
    [b'<a> <p> "x"@en .\n', b"<b> <p> <o> .\n", b"<d> <p> <o> .\n"],
    [b"<e> <p> <o> .\n"],
]


@pytest.mark.parametrize("fan_in", [2, 3, 128])
def test_many_files_merge_into_their_sorted_union(tmp_path: Path, fan_in: int) -> None:
    paths = []
    for i, part in enumerate(PARTS):
        paths.append(tmp_path / f"part-{i}")
        lines.write_lines(paths[-1], part)
    fewer = lines.fewer(paths, tmp_path / "scratch", fan_in)
    assert len(fewer) <= fan_in
    union = list(lines.merged([lines.read_lines(p) for p in fewer]))
    assert union == sorted({line for part in PARTS for line in part})


def test_minus_keeps_what_the_other_side_lacks() -> None:
    a = sorted({line for part in PARTS for line in part})
    taken = sorted(PARTS[0] + PARTS[4])
    assert list(lines.minus(a, taken)) == [line for line in a if line not in taken]


def test_a_triple_in_a_graph_keeps_its_place() -> None:
    triples = sorted([b'<a> <p> "x" .\n', b'<a> <p> "x"@en .\n', b'<a> <p> "x"^^<t> .\n', b"_:b1 <p> <o> .\n", b"_:b12 <p> <o> .\n"])
    quads = list(lines.in_graph(triples, "http://g/1"))
    assert quads == sorted(quads)
    assert quads[0] == b'<a> <p> "x" <http://g/1> .\n'
    assert [lines.graph_of(q) for q in quads] == [b"http://g/1"] * len(quads)


def test_a_profile_counts_triples_subjects_and_instances() -> None:
    nt = sorted(
        [
            b"<a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <C> .\n",
            b"<a> <p> <o> .\n",
            b"<b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <C> .\n",
            b'<b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "literal" .\n',
            b"<c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <D> .\n",
        ]
    )
    assert lines.profile(nt) == (5, 3, {b"C": 2, b"D": 1})
