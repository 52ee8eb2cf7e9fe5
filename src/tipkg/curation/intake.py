"""A new report's intake: its text stored as UTF-8 NFC in ``graph_data/sources/``, and its metadata.

The metadata is what a curator used to type by hand: the text's file and SHA-256, its title and
date, and the section headings it detects, with the area of action each names. The pure parts
(decoding, detecting headings, rendering the YAML) are apart from :func:`add_source`, the one
function that reads and writes files; it refuses, writing nothing, whatever would not build.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from tipkg.curation.headings import is_heading, line_counts
from tipkg.curation.names import fold
from tipkg.curation.records import MB, TEXT_MB_ENV, shown_path
from tipkg.curation.sources import SOURCE_ID, SOURCE_ID_RULE
from tipkg.curation.values import parse_temporal
from tipkg.errors import TipkgError
from tipkg.project import Project

_URL = re.compile(r"^https?://\S+$")
_NOT_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE  # a metadata value may hold only what a YAML file may

# Encodings told by a byte-order mark, then those tried in turn: (codec, name in the note).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_FALLBACKS = (("cp1252", "windows-1252"), ("latin-1", "latin-1"))
# A well-formed UTF-8 sequence of two to four bytes (RFC 3629): none occurs in a text of another encoding
# but by chance, so a text holding one is UTF-8, and a byte that is not is a fault to correct, not a hint.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)

# The words by which a heading names an area of action, folded (no accents, lower case).
AREA_NAMES = {
    "prevention": ("prevention", "prevencion"),
    "prosecution": ("prosecution", "persecucion", "procuracion de justicia"),
    "protection": ("protection", "protective", "proteccion", "atencion a victimas"),
}


@dataclass(frozen=True)
class Decoded:
    """A text as stored: UTF-8 NFC, with what was done to it when it was not that already."""

    text: str
    note: str | None


def decode_text(data: bytes, name: str) -> Decoded:
    """The text of ``data``: UTF-8 (a BOM dropped), UTF-16 with a BOM, else Windows-1252, else Latin-1.

    A text that holds UTF-8 sequences is UTF-8: a byte of it that is not is refused, never read as
    Windows-1252 with the rest (which would garble every accent of a text that cannot be edited later).

    >>> decode_text("Peña".encode("cp1252"), "r.txt")
    Decoded(text='Peña', note='text converted from windows-1252 to UTF-8 NFC by tipkg source add')
    """
    raw, encoding = _decode(data, name)
    if "\0" in raw:
        raise TipkgError(f"{name}: holds NUL characters (UTF-16 without a byte-order mark?): expected UTF-8, UTF-16 or Windows-1252")
    text = unicodedata.normalize("NFC", raw)
    if encoding != "UTF-8":
        return Decoded(text, f"text converted from {encoding} to UTF-8 NFC by tipkg source add")
    if text != raw:
        return Decoded(text, "text normalized from UTF-8 to UTF-8 NFC (composed characters) by tipkg source add")
    return Decoded(text, None)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding it was in."""
    for bom, codec, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), f"{encoding} with a byte-order mark"
            except UnicodeDecodeError as exc:
                raise TipkgError(f"{name}: starts with the byte-order mark of {encoding} but is not {encoding} ({exc.reason})") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        utf8 = _UTF8_SEQUENCE.search(data)
        if utf8:
            raise TipkgError(f"{name}: {_not_utf8(data, exc, utf8.start())}") from None
    for codec, encoding in _FALLBACKS[:-1]:
        try:
            return data.decode(codec), encoding
        except UnicodeDecodeError:
            continue
    codec, encoding = _FALLBACKS[-1]  # Latin-1 decodes any bytes
    return data.decode(codec), encoding


def _not_utf8(data: bytes, exc: UnicodeDecodeError, utf8_at: int) -> str:
    """Where a text that is UTF-8 elsewhere is not, and what to do (offsets count bytes from 0, lines from 1)."""
    bad, line = exc.start, data.count(b"\n", 0, exc.start) + 1
    shown = data[bad : exc.end].hex(" ")
    good = data[utf8_at : utf8_at + 4].decode("utf-8", errors="ignore")[:1]
    return (
        f"byte {bad} (line {line}) is not UTF-8: 0x{shown} ({exc.reason}), though the text is UTF-8 elsewhere "
        f"({good!r} at byte {utf8_at}): correct that byte, or convert the whole file to UTF-8 first"
    )


def heading_area(heading: str) -> str | None:
    """The one area of action a heading names (``Activities in the Area of Prevention``), if it names one."""
    folded = " ".join(fold(heading).split())
    areas = [area for area, names in AREA_NAMES.items() if any(re.search(rf"\b{re.escape(n)}\b", folded) for n in names)]
    return areas[0] if len(areas) == 1 else None


def detect_sections(text: str) -> list[dict[str, str]]:
    """The headings of ``text`` in order, each ``{heading, area}`` (area where it names one).

    Only a heading that is once a whole line of the text is kept (as the loader locates it): it is what
    marks where its section starts. Its words may occur in sentences too.
    """
    sections = []
    counts = line_counts(text)
    for line in text.split("\n"):
        heading = " ".join(line.split())
        if heading and is_heading(heading) and counts[heading] == 1:
            area = heading_area(heading)
            sections.append({"heading": heading, "area": area} if area else {"heading": heading})
    return sections


def first_line(text: str) -> str:
    """The first non-empty line, its white space single and its unprintable characters dropped."""
    for line in text.split("\n"):
        words = _NOT_PRINTABLE.sub("", line).split()
        if words:
            return " ".join(words)
    return ""


def check_arguments(source_id: str, issued: str | None, url: str | None) -> None:
    """Refuse an id, a date or an address the build would refuse."""
    if not SOURCE_ID.match(source_id):
        raise TipkgError(f"source id {source_id!r}: expected {SOURCE_ID_RULE}")
    if issued is not None and parse_temporal(issued) is None:
        raise TipkgError(f"--issued {issued!r}: expected a date like 2011, 2011-03 or 2011-03-15")
    if url is not None and not _URL.match(url):
        raise TipkgError(f"--url {url!r}: expected an http(s) address")


def render_metadata(
    source_id: str,
    decoded: Decoded,
    *,
    language: str,
    title: str | None = None,
    author: str | None = None,
    issued: str | None = None,
    url: str | None = None,
) -> str:
    """The metadata YAML of a source stored as ``<source_id>.txt`` (the format of graph_data/README.md)."""
    text = decoded.text
    meta: dict[str, object] = {
        "id": source_id,
        "file": f"{source_id}.txt",
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "title": {language: unicodedata.normalize("NFC", title) if title else first_line(text)},
        "author": unicodedata.normalize("NFC", author) if author else None,
        "url": url,
        "issued": issued,
        "language": language,
        "note": decoded.note,
        "sections": detect_sections(text),
    }
    present = {key: value for key, value in meta.items() if value}
    return yaml.safe_dump(present, allow_unicode=True, sort_keys=False, width=1000)


def add_source(
    root: Path,
    path: Path,
    *,
    source_id: str,
    title: str | None = None,
    author: str | None = None,
    issued: str | None = None,
    language: str = "en",
    url: str | None = None,
) -> Path:
    """Store the report at ``path`` as ``graph_data/sources/<source_id>.txt`` with its metadata.

    Returns the metadata file written. Refuses, writing nothing, an id or a text already there.
    """
    check_arguments(source_id, issued, url)
    project = Project(root)
    if not project.data_dir.is_dir():
        raise TipkgError(f"{root}: no graph_data/ folder: expected a project folder (--root)")
    directory = project.sources_dir
    meta_path, text_path = directory / f"{source_id}.yaml", directory / f"{source_id}.txt"
    existing = _existing_sources(directory)
    for taken in (meta_path, text_path):
        if taken.exists():
            raise TipkgError(f"source id {source_id!r}: {shown_path(taken, root)} already exists")
    for meta_file, (other_id, _text_name) in existing.items():
        if other_id == source_id:
            raise TipkgError(f"source id {source_id!r}: already used by {shown_path(meta_file, root)}")
    decoded = decode_text(_read_bytes(path, project.limits.text_mb), str(path))
    if not decoded.text.strip():
        raise TipkgError(f"{path}: empty: expected the text of a report")
    if not title and not first_line(decoded.text):
        raise TipkgError(f"{path}: its first line holds no title: give one with --title")
    stored = decoded.text.encode("utf-8")
    _refuse_duplicate(stored, directory, existing, root)
    meta = render_metadata(source_id, decoded, language=language, title=title, author=author, issued=issued, url=url)
    directory.mkdir(exist_ok=True)
    _write_all([(text_path, stored), (meta_path, meta.encode("utf-8"))], root)
    return meta_path


def _read_bytes(path: Path, max_mb: float) -> bytes:
    """The bytes of a regular file, refused when over the build's limit for a source text."""
    limit = int(max_mb * MB)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise TipkgError(f"{path}: not a regular file: expected a report's text file")
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise TipkgError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise TipkgError(f"{path}: over the limit of {max_mb:g} MB for a source text (raise it with {TEXT_MB_ENV})")
    return data


def _existing_sources(directory: Path) -> dict[Path, tuple[str | None, str | None]]:
    """Each metadata file already there, with the id and the text file it declares (as far as it reads)."""
    out: dict[Path, tuple[str | None, str | None]] = {}
    for meta_file in sorted(directory.glob("*.yaml")):
        try:
            meta = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            meta = None
        if isinstance(meta, dict):
            out[meta_file] = (_text(meta.get("id")), _text(meta.get("file")))
        else:
            out[meta_file] = (None, None)
    return out


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _refuse_duplicate(stored: bytes, directory: Path, existing: dict[Path, tuple[str | None, str | None]], root: Path) -> None:
    """Refuse a text identical to one already there, naming the source that holds it."""
    digest = hashlib.sha256(stored).hexdigest()
    owners = {text_name: other_id for other_id, text_name in existing.values() if text_name}
    for text_file in sorted(directory.glob("*.txt")):
        try:
            same = hashlib.sha256(text_file.read_bytes()).hexdigest() == digest
        except OSError:
            continue
        if same:
            owner = owners.get(text_file.name)
            named = f"source {owner!r} ({shown_path(text_file, root)})" if owner else shown_path(text_file, root)
            raise TipkgError(f"this text is already there: {named} has the same SHA-256 {digest}")


def _write_all(files: list[tuple[Path, bytes]], root: Path) -> None:
    """Write every file or none: each to a temporary file beside it, then each linked to its name (the metadata last).

    A link is never made over a file: one written meanwhile under the same name stops the intake.
    """
    temporary: list[tuple[Path, Path]] = []
    linked: list[Path] = []
    try:
        for dest, data in files:
            fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
            temporary.append((Path(name), dest))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(name, 0o644)
        for tmp, dest in temporary:
            os.link(tmp, dest)
            linked.append(dest)
    except FileExistsError as exc:
        _undo(temporary, linked)
        raise TipkgError(
            f"{shown_path(Path(exc.filename2 or exc.filename), root)}: already exists (written meanwhile): nothing written"
        ) from None
    except OSError as exc:
        _undo(temporary, linked)
        raise TipkgError(f"{shown_path(files[0][0].parent, root)}: cannot write the source ({exc.strerror})") from None
    for tmp, _dest in temporary:
        tmp.unlink(missing_ok=True)


def _undo(temporary: list[tuple[Path, Path]], linked: list[Path]) -> None:
    for tmp, _dest in temporary:
        tmp.unlink(missing_ok=True)
    for dest in linked:
        dest.unlink(missing_ok=True)
