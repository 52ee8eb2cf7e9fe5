"""Curated records: safe YAML with line numbers, parsed without YAML's implicit typing.

Every scalar stays the text the curator wrote (so ``17926386.00`` keeps its digits and ``2007-11``
is not a date object); values are typed later, against the ontology. Only plain YAML is accepted:
a tag such as ``!!python/object`` or an alias is refused with the file and line.

Every input file of the build is read through :func:`read_input`, under :class:`Limits`: its size
is checked before a byte is parsed (PyYAML takes about 2 s and 50 MB of memory per MB of YAML, and
the loader more), it must be UTF-8, nesting is bounded (PyYAML's composer recurses once per level),
and a scalar may hold only the characters a YAML file may (an escape such as ``"\\ud800"``, a lone
surrogate, is no character and cannot be written as UTF-8).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tipkg.errors import DataError, TipkgError

_PLAIN_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_NOT_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE  # what YAML allows in a file is what a scalar may hold
MB = 1_000_000
FILE_MB_ENV, TEXT_MB_ENV = "TIPKG_MAX_FILE_MB", "TIPKG_MAX_TEXT_MB"


@dataclass(frozen=True)
class Limits:
    """How large an input file may be, and how deeply its YAML may nest.

    ``file_mb`` bounds curated YAML, source metadata, CSV and ontology files (the largest real one
    is 46 kB); ``text_mb`` the source texts. Both can be raised with ``--max-file-mb`` and
    ``--max-text-mb``, or ``TIPKG_MAX_FILE_MB`` and ``TIPKG_MAX_TEXT_MB``.
    """

    file_mb: float = 4.0
    text_mb: float = 16.0
    depth: int = 32  # lists and mappings inside one another; records are about 6 deep

    @classmethod
    def from_env(cls, file_mb: float | None = None, text_mb: float | None = None) -> Limits:
        """The limits given, else those of the environment, else the defaults."""
        default = cls()
        return cls(
            file_mb if file_mb is not None else _env_mb(FILE_MB_ENV, default.file_mb),
            text_mb if text_mb is not None else _env_mb(TEXT_MB_ENV, default.text_mb),
        )


def _env_mb(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        mb = float(value)
    except ValueError:
        mb = -1.0
    if not mb > 0:  # (also refuses nan)
        raise TipkgError(f"{name}={value!r}: expected a positive number of megabytes")
    return mb


def shown_path(path: Path, root: Path) -> str:
    """``path`` as messages name it: relative to the project folder."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def read_input(path: Path, shown: str, max_mb: float, setting: str = f"--max-file-mb or {FILE_MB_ENV}") -> str:
    """The UTF-8 text of an input file, refused before parsing when it is over ``max_mb``.

    Only a regular file is opened (a FIFO would block), and at most one byte more than the limit
    is read, so a file that grows after its size was looked at is refused too.
    """
    limit = int(max_mb * MB)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise DataError(shown, 1, "file", "not a regular file: expected a text file")
        if info.st_size > limit:
            raise DataError(shown, 1, "file", _too_large(info.st_size, max_mb, setting))
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise DataError(shown, 1, "file", f"cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise DataError(shown, 1, "file", _too_large(len(data), max_mb, setting))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        raise DataError(shown, line, "file", f"byte 0x{data[exc.start]:02x} at column {column} is not UTF-8: expected UTF-8 text") from None


def _too_large(size: int, max_mb: float, setting: str) -> str:
    return f"{size / MB:g} MB, over the limit of {max_mb:g} MB: expected a smaller file (or raise the limit with {setting})"


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


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing lists and mappings nested more than ``max_depth`` deep
    before its composer, which recurses once per level, runs out of stack."""

    max_depth = Limits.depth
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if not isinstance(event, yaml.CollectionStartEvent):
            return super().compose_node(parent, index)
        if self._depth >= self.max_depth:
            raise _TooDeep(event.start_mark.line + 1 if event.start_mark else 1)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def parse_yaml(text: str, path: str, max_depth: int = Limits.depth) -> Value:
    """Parse YAML text into positioned values; refuse tags, aliases, deep nesting, syntax errors
    and characters that are not text."""
    loader = None
    try:
        loader = _Loader(text)  # (which checks every character of the text)
        loader.max_depth = max_depth
        node = loader.get_single_node()
    except _TooDeep as exc:
        raise DataError(
            path, exc.line, "yaml", f"lists and mappings nested more than {max_depth} deep: expected at most {max_depth} levels"
        ) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, anywhere in the text
        line = text.count("\n", 0, exc.position) + 1
        raise DataError(path, line, "yaml", f"{_describe(chr(exc.character))}: expected printable text") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise DataError(path, line, "yaml", f"not valid YAML: {' '.join(str(exc.problem).split())}") from None
    except yaml.YAMLError as exc:
        raise DataError(path, 1, "yaml", f"not valid YAML: {' '.join(str(exc).split())}") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return Mapping({}, {}, 1)
    return _convert(node, path, set(), "yaml")


def _describe(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if 0xD800 <= ord(char) <= 0xDFFF:
        return f"{code} is half of a UTF-16 surrogate pair, not a character"
    if ord(char) in (0xFFFE, 0xFFFF):
        return f"{code} is a noncharacter"
    return f"{code} is a control character"


def _convert(node: yaml.Node, path: str, seen: set[int], field: str) -> Value:
    line = node.start_mark.line + 1
    if id(node) in seen:
        raise DataError(path, line, "yaml", "YAML aliases (*name) are not allowed in curated data")
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise DataError(path, line, "yaml", f"unsafe or unknown YAML tag {node.tag!r}: only plain YAML is allowed")
    if isinstance(node, yaml.ScalarNode):
        odd = _NOT_PRINTABLE.search(node.value)
        if odd:  # an escape such as "\\ud800" or "\\0": the file itself may not hold that character
            raise DataError(path, line, field, f"{_describe(odd.group())}: expected printable text")
        return Scalar(None if node.tag.endswith(":null") else str(node.value), line)
    if isinstance(node, yaml.SequenceNode):
        return Sequence([_convert(n, path, seen, field) for n in node.value], line)
    assert isinstance(node, yaml.MappingNode)
    items: dict[str, Value] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = _convert(key_node, path, seen, "key")
        if not isinstance(key, Scalar) or key.text is None:
            raise DataError(path, key_node.start_mark.line + 1, "yaml", "a key must be a plain string")
        if key.text in items:
            raise DataError(path, key.line, key.text, "duplicate key in the same mapping")
        items[key.text] = _convert(value_node, path, seen, key.text)
        lines[key.text] = key.line
    return Mapping(items, lines, line)


def parse_curated(text: str, path: str, max_depth: int = Limits.depth) -> CuratedFile:
    """Parse a curated data file: ``source:`` (default source id) and ``records:`` (a list)."""
    top = parse_yaml(text, path, max_depth)
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


def load_curated(path: Path, root: Path, limits: Limits | None = None) -> CuratedFile:
    """Read a curated file; its messages name it relative to ``root``."""
    limits = limits or Limits.from_env()
    shown = shown_path(path, root)
    return parse_curated(read_input(path, shown, limits.file_mb), shown, limits.depth)
