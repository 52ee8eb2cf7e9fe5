"""Sorted line files: how the streaming build holds N-Quads and N-Triples without holding a graph.

Every output of the build is a sorted, duplicate-free list of canonical lines (as pyoxigraph writes
them), so a union of parts is a k-way merge of sorted files and a difference a merge that skips
what the other side holds: memory stays one line per input, whatever the size of the corpus. A
line's order is its bytes' order, which is also the order of ``str(quad)`` that the in-memory
build sorts by (a line is that text and `` .``; a space sorts before every character that can
follow a complete term).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from pathlib import Path

RDF_TYPE = b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def sorted_unique(lines: Iterable[bytes]) -> list[bytes]:
    return sorted(set(lines))


def write_lines(path: Path, lines: Iterable[bytes]) -> int:
    """Write ``lines`` (each ending with a newline) to ``path``; how many."""
    n = 0
    with path.open("wb", buffering=1 << 20) as out:
        for line in lines:
            out.write(line)
            n += 1
    return n


def write_atomic(path: Path, lines: Iterable[bytes]) -> None:
    """Write ``path`` whole or not at all (a temporary file renamed into place)."""
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    write_lines(tmp, lines)
    os.replace(tmp, path)


def read_lines(path: Path) -> Iterator[bytes]:
    with path.open("rb", buffering=1 << 16) as f:  # thousands may be open at once: small buffers
        yield from f


FAN_IN = 128  # files merged at once: well under any limit of open files, and of buffers' memory


def fewer(paths: list[Path], scratch: Path, fan_in: int = FAN_IN) -> list[Path]:
    """At most ``fan_in`` sorted files holding the lines of ``paths``: groups merged into files of
    ``scratch`` (made if needed), again while there are too many."""
    level = 0
    while len(paths) > fan_in:
        scratch.mkdir(parents=True, exist_ok=True)
        groups = [paths[i : i + fan_in] for i in range(0, len(paths), fan_in)]
        paths = []
        for n, group in enumerate(groups):
            out = scratch / f"merge-{level}-{n}"
            write_lines(out, merged([read_lines(p) for p in group]))
            paths.append(out)
        level += 1
    return paths


def merged(sources: Iterable[Iterable[bytes]]) -> Iterator[bytes]:
    """The union of sorted line sequences, sorted, each line once."""
    last = None
    for line in heapq.merge(*sources):
        if line != last:
            yield line
            last = line


def minus(lines: Iterable[bytes], taken: Iterable[bytes]) -> Iterator[bytes]:
    """The sorted ``lines`` that the sorted ``taken`` does not hold."""
    other = iter(taken)
    current = next(other, None)
    for line in lines:
        while current is not None and current < line:
            current = next(other, None)
        if line != current:
            yield line


def in_graph(triple_lines: Iterable[bytes], graph: str) -> Iterator[bytes]:
    """N-Triples lines as N-Quads lines of ``graph`` (order kept: see the module's docstring)."""
    suffix = f" <{graph}> .\n".encode()
    for line in triple_lines:
        yield line[:-3] + suffix


def graph_of(quad_line: bytes) -> bytes:
    """The graph term of an N-Quads line of this build (named graphs only: ``<…>``)."""
    end = quad_line.rindex(b">")
    return quad_line[quad_line.rindex(b"<", 0, end) + 1 : end]


def subject_of(line: bytes) -> bytes:
    return line[: line.index(b" ")]


def profile(triple_lines: Iterable[bytes]) -> tuple[int, int, dict[bytes, int]]:
    """(triples, distinct subjects, each IRI class -> its instances) of sorted distinct N-Triples
    lines, in one pass: sorted lines give each subject's triples together."""
    n = subjects = 0
    last = None
    classes: dict[bytes, int] = {}
    for line in triple_lines:
        n += 1
        subject, rest = line.split(b" ", 1)
        if subject != last:
            subjects += 1
            last = subject
        if rest.startswith(RDF_TYPE) and rest[len(RDF_TYPE) + 1 : len(RDF_TYPE) + 2] == b"<":
            cls = rest[len(RDF_TYPE) + 2 : rest.rindex(b">")]
            classes[cls] = classes.get(cls, 0) + 1
    return n, subjects, classes
