"""Source reports: their metadata, their text, and where a quote lies in it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tipkg.curation.headings import line_spans
from tipkg.curation.records import TEXT_MB_ENV, Limits, Mapping, Scalar, Sequence, Value, parse_yaml, read_input, shown_path
from tipkg.curation.values import short
from tipkg.errors import DataError

# A source id names its folder of records too, and the build skips a folder whose name starts with '_'.
SOURCE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE_ID_RULE = "lower-case letters, digits and '-'"


@dataclass(frozen=True)
class Section:
    label: str
    start: int
    end: int
    area: str | None


@dataclass
class Source:
    """A source report: metadata from its YAML file, and its full text."""

    id: str
    meta_path: str
    text_file: str
    text: str
    sha256: str
    language: str
    meta: Mapping
    sections: list[Section] = field(default_factory=list)

    def locate(self, quote: str) -> list[tuple[int, int]]:
        """Every (start, end) where ``quote`` occurs; white space in the quote matches any run."""
        return locate(self.text, quote)

    def section_at(self, offset: int) -> Section | None:
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


def _pattern(quote: str) -> re.Pattern[str] | None:
    """A quote as a pattern: its words (NFC), any run of white space between them."""
    words = unicodedata.normalize("NFC", quote).split()
    return re.compile(r"\s+".join(re.escape(w) for w in words)) if words else None


def locate(text: str, quote: str) -> list[tuple[int, int]]:
    """Character spans of ``quote`` in ``text``, white-space-insensitive, NFC on both sides."""
    pattern = _pattern(quote)
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


# A span quote: "first words … last words" ("..." needs white space on both sides, "…" none).
ELLIPSIS = re.compile(r"\s*…\s*|\s+\.\.\.\s+")
MAX_SPAN = 2000  # characters: a span cites one passage, not a chapter
_PARAGRAPH = re.compile(r"\n\s*\n")


def span_parts(quote: str) -> list[str]:
    """The parts of a quote around its ellipses (one part when it has none)."""
    return [part.strip() for part in ELLIPSIS.split(quote.strip())]


@dataclass(frozen=True)
class SpanMatch:
    """Where a span quote resolves (``spans``), or why each place its start occurs does not (``failures``)."""

    spans: list[tuple[int, int]]
    failures: list[str]


def locate_span(text: str, parts: list[str]) -> SpanMatch:
    """Each passage from an occurrence of the first part to the first occurrence of each next part after it.

    A passage resolves when it crosses no blank line and is at most ``MAX_SPAN`` characters long.
    """
    patterns = [_pattern(part) for part in parts]
    if len(parts) < 2 or any(p is None for p in patterns):
        return SpanMatch([], ["expected words before and after each ellipsis"])
    first, *rest = patterns
    assert first is not None
    starts = list(first.finditer(text))
    if not starts:
        return SpanMatch([], [f"its start {short(parts[0])!r} does not occur"])
    spans: list[tuple[int, int]] = []
    failures: list[str] = []
    for start in starts:
        end = start.end()
        for part, pattern in zip(parts[1:], rest, strict=True):
            assert pattern is not None
            found = pattern.search(text, end)
            if found is None:
                failures.append(f"{short(part)!r} does not occur after its start {short(parts[0])!r}")
                break
            end = found.end()
        else:
            if _PARAGRAPH.search(text, start.start(), end):
                failures.append(f"from offset {start.start()} it crosses a blank line (a paragraph) before {short(parts[-1])!r}")
            elif end - start.start() > MAX_SPAN:
                failures.append(f"from offset {start.start()} it runs {end - start.start():,} characters, more than {MAX_SPAN:,}")
            else:
                spans.append((start.start(), end))
    return SpanMatch(spans, list(dict.fromkeys(failures)))


def _scalar(meta: Mapping, key: str, path: str, required: bool = True) -> str | None:
    value = meta.items.get(key)
    if value is None:
        if required:
            raise DataError(path, meta.line, key, "missing: required in source metadata")
        return None
    if not isinstance(value, Scalar) or not value.text:
        raise DataError(path, value.line, key, "expected a single value")
    return value.text


def parse_source(meta_text: str, meta_path: str, text: str, text_name: str, max_depth: int = Limits.depth) -> Source:
    """Build a Source from its metadata YAML and its text (pure: no file access)."""
    meta = parse_yaml(meta_text, meta_path, max_depth)
    if not isinstance(meta, Mapping):
        raise DataError(meta_path, meta.line, "file", "expected a mapping of source metadata")
    source_id = _scalar(meta, "id", meta_path)
    assert source_id is not None
    if not SOURCE_ID.match(source_id):
        raise DataError(meta_path, meta.lines["id"], "id", f"expected {SOURCE_ID_RULE}")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    declared = _scalar(meta, "sha256", meta_path)
    if declared != digest:
        raise DataError(
            meta_path,
            meta.lines["sha256"],
            "sha256",
            f"the text of {text_name} has SHA-256 {digest}, not the declared one: "
            "source texts are never edited (evidence offsets refer to them)",
        )
    language = (_scalar(meta, "language", meta_path) or "en").lower()
    source = Source(source_id, meta_path, text_name, text, digest, language, meta)
    source.sections = _sections(meta, meta_path, text)
    return source


def _sections(meta: Mapping, path: str, text: str) -> list[Section]:
    """The sections the metadata's headings start, each heading located as a whole line (as intake detects it)."""
    entries = meta.items.get("sections")
    if entries is None:
        return [Section("whole text", 0, len(text), None)]
    if not isinstance(entries, Sequence):
        raise DataError(path, entries.line, "sections", "expected a list of {heading, area}")
    starts: list[tuple[int, str, str | None]] = []
    for entry in entries.items:
        if not isinstance(entry, Mapping):
            raise DataError(path, entry.line, "sections", "expected a mapping {heading, area}")
        heading = _scalar(entry, "heading", path)
        assert heading is not None
        spans = line_spans(text, heading)
        if len(spans) != 1:
            where = "is no line" if not spans else f"is {len(spans)} lines"
            raise DataError(path, entry.line, "sections.heading", f"{heading!r} {where} of the text: expected one whole line")
        label = _scalar(entry, "label", path, required=False) or heading
        starts.append((spans[0][0], label, _scalar(entry, "area", path, required=False)))
    starts.sort()
    sections = []
    for i, (start, label, area) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        sections.append(Section(label, start if i else 0, end, area))
    return sections


def meta_list(source: Source, key: str) -> list[Value]:
    value = source.meta.items.get(key)
    if value is None:
        return []
    if not isinstance(value, Sequence):
        raise DataError(source.meta_path, value.line, key, "expected a list")
    return value.items


def load_sources(directory: Path, root: Path, limits: Limits | None = None) -> dict[str, Source]:
    """Read every ``sources/*.yaml`` with the text file it names."""
    limits = limits or Limits.from_env()
    sources: dict[str, Source] = {}
    for meta_file in sorted(directory.glob("*.yaml")):
        shown = shown_path(meta_file, root)
        meta_text = read_input(meta_file, shown, limits.file_mb)
        meta = parse_yaml(meta_text, shown, limits.depth)
        if not isinstance(meta, Mapping):
            raise DataError(shown, meta.line, "file", "expected a mapping of source metadata")
        name = _scalar(meta, "file", shown)
        assert name is not None
        text_path = directory / name
        if not text_path.is_file() or text_path.parent != directory:
            raise DataError(shown, meta.lines["file"], "file", f"{name}: no such text file beside the metadata")
        text_shown = shown_path(text_path, root)
        text = read_input(text_path, text_shown, limits.text_mb, f"--max-text-mb or {TEXT_MB_ENV}")
        source = parse_source(meta_text, shown, text, text_shown, limits.depth)
        if source.id in sources:
            raise DataError(shown, meta.lines["id"], "id", f"source id {source.id!r} already used by {sources[source.id].meta_path}")
        sources[source.id] = source
    return sources
