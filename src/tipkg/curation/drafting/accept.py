"""``tipkg draft ID --accept FILE``: move the proposals a reviewer kept (``accept: true``) into the
source's curated files, after the build's loader has checked them.

All kept proposals are loaded with the project's curated data; a proposal the loader refuses
(unknown reference, quote not found, bad value), or whose ``_kind`` names no curated file, is
reported as ``file:line: field: message``, left out, and the rest loaded again, until what is left
loads. What loads is appended to ``graph_data/ID/<kind>.yaml`` (created with ``source: ID``)
without the draft-only keys, after the reviewer's whole-line comments on it; the draft keeps the
refused and the not accepted, with theirs.

Records are written from the project's own parse (every scalar the text it was checked as, quoted
where YAML would read it otherwise: ``NO``, ``12:30``, ``010``), never through YAML's implicit
typing, so a curated file holds exactly what was checked. Every file's new text is prepared and
checked before any is written, and each is then replaced whole: a failure before the writes
changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from tipkg.curation.drafting.draft import FILES
from tipkg.curation.drafting.proposals import ACCEPT, DRAFT_KEYS, KIND
from tipkg.curation.drafting.writing import write_atomically
from tipkg.curation.records import (
    CuratedFile,
    Mapping,
    Scalar,
    Sequence,
    Value,
    load_curated,
    parse_curated,
    parse_yaml,
    read_input,
    shown_path,
)
from tipkg.errors import DataError, TipkgError

_RECORDS = re.compile(r"^records\s*:", re.MULTILINE)
_BLOCK = re.compile(r"(?:^|:|-)\s*[|>][+-]?[0-9]?\s*(?:#.*)?$")  # a line that opens a block scalar


def _strip(record: Mapping) -> Mapping:
    items = {k: v for k, v in record.items.items() if k not in DRAFT_KEYS}
    return Mapping(items, {k: record.lines[k] for k in items}, record.line)


def _kept(record: Mapping) -> bool:
    value = record.items.get(ACCEPT)
    return isinstance(value, Scalar) and (value.text or "").lower() in ("true", "yes")


def _kind(record: Mapping, shown: str) -> str | DataError:
    """The curated file a record goes to, or why it names none (it goes into a path)."""
    value = record.items.get(KIND)
    text = value.text if isinstance(value, Scalar) else None
    if text in FILES:
        return str(text)
    expected = f"expected one of {', '.join(sorted(FILES))}"
    if value is None:
        return DataError(shown, record.line, KIND, f"missing: {expected}")
    return DataError(shown, record.lines[KIND], KIND, f"{json.dumps(text) if text is not None else 'not a name'}: {expected}")


def refusals(root: Path, shown: str, source_id: str, kept: list[Mapping]) -> dict[int, DataError]:
    """The kept records (by index) the loader refuses, each with the first error it gives."""
    from tipkg.build.pipeline import curated_files
    from tipkg.curation.loader import Loader
    from tipkg.curation.schema import load_schema
    from tipkg.curation.sources import load_sources
    from tipkg.project import Project

    project = Project(root)
    schema = load_schema(str(project.ontology_dir.resolve()), project.limits)
    sources = load_sources(project.sources_dir, root, project.limits)
    curated = [load_curated(p, root, project.limits) for p in curated_files(project.data_dir)]
    refused: dict[int, DataError] = {}
    for i, record in enumerate(kept):
        kind = _kind(record, shown)
        if isinstance(kind, DataError):
            refused[i] = kind
    while True:
        left = [(i, r) for i, r in enumerate(kept) if i not in refused]
        draft = CuratedFile(shown, source_id, [_strip(r) for _, r in left])
        try:
            Loader(schema, sources, set(), project.base).load([*curated, draft])
            return refused
        except DataError as error:
            if error.file != shown or not left:
                raise
            at = [i for i, r in left if r.line <= error.line]
            refused[at[-1] if at else left[0][0]] = error


def accept(root: Path, source_id: str, file: Path) -> list[str]:
    """Move the kept proposals of draft ``file``; return one line per file written and per refusal."""
    root = root.resolve()
    shown = shown_path(file.resolve(), root)
    text = read_input(file, shown, 4.0)
    parsed = parse_curated(text, shown)
    if parsed.source not in (None, source_id):
        raise TipkgError(f"{shown}: a draft of source {parsed.source!r}, not {source_id!r}")
    kept = [i for i, r in enumerate(parsed.records) if _kept(r)]
    refused = refusals(root, shown, source_id, [parsed.records[i] for i in kept])
    moved = {kept[i] for i in range(len(kept)) if i not in refused}
    lines = [str(error) for _, error in sorted(refused.items())]
    by_kind: dict[str, list[Mapping]] = {}
    notes = comments(text, [r.line for r in parsed.records])
    noted: dict[str, list[list[str]]] = {}
    for i in sorted(moved):
        record = parsed.records[i]
        by_kind.setdefault(str(_kind(record, shown)), []).append(_strip(record))
        noted.setdefault(str(_kind(record, shown)), []).append(notes[i])
    writes: list[tuple[Path, str]] = []
    for kind, records in by_kind.items():
        target = root / "graph_data" / source_id / f"{kind}.yaml"
        writes.append((target, _appended(target, shown_path(target, root), source_id, records, noted[kind])))
        lines.append(f"{shown_path(target, root)}: {len(records)} records added")
    rest = [r for i, r in enumerate(parsed.records) if i not in moved]
    found = _RECORDS.search(text)
    head = text[: found.start()] if found else f"source: {source_id}\n"
    left = [notes[i] for i in range(len(parsed.records)) if i not in moved]
    new_draft = head + ("records:\n" + records_text(rest, left) if rest else "records: []\n")
    _check(new_draft, shown, rest)
    writes.append((file, new_draft))
    for path, new in writes:  # all checked: now written, each whole
        write_atomically(path, new)
    lines.append(f"{shown}: {len(moved)} moved, {len(refused)} refused, {len(rest) - len(refused)} not accepted")
    return lines


def comments(text: str, starts: list[int]) -> list[list[str]]:
    """The reviewer's comments of each record (its first line in ``starts``): a whole-line comment
    indented deeper than the record's ``-`` is the record's own (among its keys); one at the ``-``'s
    indentation or less, between two records, is the next record's (above it, after a blank line
    or not). A line inside a block scalar (``key: |``) is data, not a comment."""
    lines = text.splitlines()
    out: list[list[str]] = [[] for _ in starts]
    data = _block_scalar_lines(lines)
    head = next((n for n, line in enumerate(lines, start=1) if _RECORDS.match(line)), 0)  # the file's own comments end there
    owner = -1  # the record a line belongs to: the one it follows, or the next for an outdented comment
    upcoming = 0
    for number, line in enumerate(lines, start=1):
        while upcoming < len(starts) and starts[upcoming] <= number:
            owner, upcoming = upcoming, upcoming + 1
        if number in data or number <= head or not line.lstrip().startswith("#"):
            continue
        dash = _indent(lines[starts[owner] - 1]) if owner >= 0 else 0
        own = owner >= 0 and _indent(line) > dash
        if own or (owner >= 0 and upcoming == len(starts)):  # its own, or after the last record: the last's
            out[owner].append(line.strip())
        elif upcoming < len(starts) and number > (starts[upcoming - 1] if upcoming else 0):
            out[upcoming].append(line.strip())
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """The line numbers (from 1) of the contents of block scalars (``key: |``, ``- >-``)."""
    inside: set[int] = set()
    n = 0
    while n < len(lines):
        if _BLOCK.search(lines[n]):
            key = _indent(lines[n])
            m = n + 1
            while m < len(lines) and (not lines[m].strip() or _indent(lines[m]) > key):
                inside.add(m + 1)
                m += 1
            n = m
        else:
            n += 1
    return inside


def _appended(target: Path, shown: str, source_id: str, records: list[Mapping], notes: list[list[str]]) -> str:
    """The text of a curated file (created with ``source: ID``) with ``records`` appended (each after
    its reviewer's comments), checked to parse to its old records and exactly these."""
    old = read_input(target, shown, 4.0) if target.exists() else f"source: {source_id}\nrecords:\n"
    before = parse_curated(old, shown).records if target.exists() else []
    if old.rstrip().endswith("records: []"):
        old = old.rstrip()[: -len("[]")].rstrip() + "\n"
    new = old.rstrip("\n") + "\n\n" + records_text(records, notes)
    _check(new, shown, [*before, *records], "its records are not the last key of the file: add the proposals by hand")
    return new


def _check(text: str, shown: str, records: list[Mapping], problem: str = "would not hold the records checked") -> None:
    after = parse_curated(text, shown).records
    if [plain(r) for r in after] != [plain(r) for r in records]:
        raise TipkgError(f"{shown}: {problem}")


def plain(value: Value) -> object:
    """A parsed value without its line numbers: what two parses must agree on."""
    if isinstance(value, Scalar):
        return value.text
    if isinstance(value, Sequence):
        return [plain(v) for v in value.items]
    return {k: plain(v) for k, v in value.items.items()}


# ---------------------------------------------------------------- writing parsed values back as YAML


def scalar_text(text: str | None) -> str:
    """A scalar as YAML that the project's parser reads back as ``text``: plain where it does, else
    double-quoted (JSON's escapes are YAML's; line and paragraph separators escaped too)."""
    if text is None:
        return "null"
    if text and "\n" not in text:
        try:
            back = parse_yaml(f"k: {text}\n", "")
        except DataError:
            back = None
        if isinstance(back, Mapping) and back.items.get("k") == Scalar(text, 1):
            return text
    quoted = json.dumps(text, ensure_ascii=False)
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def _block(value: Value, indent: int) -> list[str]:
    """The lines of a mapping or list, ``indent`` spaces in."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items.items():
            out += _entry(f"{pad}{scalar_text(k)}:", v, indent + 2)
    elif isinstance(value, Sequence):
        for v in value.items:
            out += _entry(f"{pad}-", v, indent + 2)
    return out


def _entry(lead: str, value: Value, indent: int) -> list[str]:
    if isinstance(value, Scalar):
        return [f"{lead} {scalar_text(value.text)}"]
    if not value.items:
        return [f"{lead} {'{}' if isinstance(value, Mapping) else '[]'}"]
    if isinstance(value, Mapping) and lead.lstrip() == "-":  # "- key: value", the next keys under it
        first, *rest = _block(value, indent)
        return [lead + " " + first.lstrip(), *rest]
    return [lead, *_block(value, indent)]


def records_text(records: list[Mapping], notes: list[list[str]] | None = None) -> str:
    """Records as the items of a ``records:`` list (two spaces in), one blank line between them, each
    after its comments (``notes``)."""
    notes = notes or [[] for _ in records]
    return "\n".join("".join(f"  {c}\n" for c in n) + "\n".join(_entry("  -", r, 4)) + "\n" for r, n in zip(records, notes, strict=True))
