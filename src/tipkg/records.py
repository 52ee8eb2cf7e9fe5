"""Curated records: safe YAML with line numbers, parsed without YAML's implicit typing.

Every scalar stays the text the curator wrote (so ``17926386.00`` keeps its digits and ``2007-11``
is not a date object); values are typed later, against the ontology. Only plain YAML is accepted:
a tag such as ``!!python/object`` or an alias is refused with the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tipkg.errors import DataError

_PLAIN_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


@dataclass(frozen=True)
class Scalar:
    text: str | None  # None for YAML null
    line: int


@dataclass(frozen=True)
class Mapping:
    items: dict[str, Value]
    lines: dict[str, int]  # line of each key
    line: int


@dataclass(frozen=True)
class Sequence:
    items: list[Value]
    line: int


Value = Scalar | Mapping | Sequence


@dataclass
class CuratedFile:
    """One curated YAML file: its default source and its records."""

    path: str
    source: str | None
    records: list[Mapping] = field(default_factory=list)


def parse_yaml(text: str, path: str) -> Value:
    """Parse YAML text into positioned values; refuse tags, aliases and syntax errors."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise DataError(path, line, "yaml", f"not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise DataError(path, 1, "yaml", f"not valid YAML: {exc}") from None
    if node is None:
        return Mapping({}, {}, 1)
    return _convert(node, path, set())


def _convert(node: yaml.Node, path: str, seen: set[int]) -> Value:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise DataError(path, line, "yaml", "YAML aliases (*name) are not allowed in curated data")
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise DataError(path, line, "yaml", f"unsafe or unknown YAML tag {node.tag!r}: only plain YAML is allowed")
    if isinstance(node, yaml.ScalarNode):
        return Scalar(None if node.tag.endswith(":null") else str(node.value), line)
    if isinstance(node, yaml.SequenceNode):
        return Sequence([_convert(n, path, seen) for n in node.value], line)
    assert isinstance(node, yaml.MappingNode)
    items: dict[str, Value] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, seen)
        if not isinstance(key, Scalar) or key.text is None:
            raise DataError(path, key_node.start_mark.line + 1, "yaml", "a key must be a plain string")
        if key.text in items:
            raise DataError(path, key.line, key.text, "duplicate key in the same mapping")
        items[key.text] = _convert(value_node, path, seen)
        lines[key.text] = key.line
    return Mapping(items, lines, line)


def parse_curated(text: str, path: str) -> CuratedFile:
    """Parse a curated data file: ``source:`` (default source id) and ``records:`` (a list)."""
    top = parse_yaml(text, path)
    if not isinstance(top, Mapping):
        raise DataError(path, top.line, "file", "expected a mapping with 'source' and 'records'")
    unknown = set(top.items) - {"source", "records"}
    if unknown:
        key = sorted(unknown)[0]
        raise DataError(path, top.lines[key], key, "unknown top-level key: expected 'source' and 'records'")
    source = top.items.get("source")
    if source is not None and not (isinstance(source, Scalar) and source.text):
        raise DataError(path, source.line, "source", "expected a source id")
    records = top.items.get("records")
    if records is None:
        raise DataError(path, top.line, "records", "missing: expected a list of records")
    if not isinstance(records, Sequence):
        raise DataError(path, records.line, "records", "expected a list of records")
    out = CuratedFile(path, source.text if isinstance(source, Scalar) else None)
    for item in records.items:
        if not isinstance(item, Mapping):
            raise DataError(path, item.line, "records", "each record must be a mapping")
        out.records.append(item)
    return out


def load_curated(path: Path, root: Path) -> CuratedFile:
    """Read a curated file; its messages name it relative to ``root``."""
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(shown, 1, "file", f"not UTF-8 text ({exc.reason})") from None
    return parse_curated(text, shown)
