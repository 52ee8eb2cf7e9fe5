"""Names of the curated entities, before any build: find an id by a name, and find the names in a text.

Every ``label`` and ``altLabel`` of a record (in every language), and the record's id, is a name
of that id; an ``about:`` record adds names to an id declared elsewhere. Names are compared
*folded*: accents stripped, case folded, typographic quotes made plain, so "Procuraduría" and
"procuraduria" are one name. Only the curated YAML is read: no ontology, no build.

- :meth:`NameIndex.find` ranks ids for what a curator types (``tipkg find``).
- :meth:`NameIndex.mentions` finds every name of the index in a report's text (``tipkg draft``),
  with offsets in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from rapidfuzz import fuzz, process

from tipkg.curation.records import CuratedFile, Mapping, Scalar, Sequence, Value, load_curated
from tipkg.errors import TipkgError

EXACT = 100.0
CUTOFF = 60.0  # below this a fuzzy score is noise (a few letters in common)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "´": "'"})
_TOKEN = re.compile(r"\w+|[^\w\s]")  # words, and each mark of punctuation on its own
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class NameEntry:
    id: str
    cls: str  # the record's type ("" when the id is only added to, never declared)
    name: str


@dataclass(frozen=True)
class NameMatch:
    id: str
    cls: str
    name: str
    score: float  # 0-100: 100 for the name itself or its acronym


@dataclass(frozen=True)
class Mention:
    id: str
    name: str
    start: int  # offsets in the original text: text[start:end] is what the text says
    end: int


@cache
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.translate(_QUOTES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def fold(text: str) -> str:
    """Accents stripped, case folded, curly quotes straight.

    >>> fold("Atención’s Straße")
    "atencion's strasse"
    """
    return "".join(_fold_char(c) for c in text)


def key(text: str) -> str:
    """The form names are compared in by :meth:`NameIndex.find`: folded words, one space apart.

    >>> key("Fondo  Pro-equidad")
    'fondo pro equidad'
    """
    return " ".join(_WORD.findall(fold(text)))


def is_acronym(name: str) -> bool:
    """An all-capitals name of 2 to 12 letters (``PGR``, ``FEVIMTRA``): matched only in capitals."""
    return 2 <= len(name) <= 12 and name.isalpha() and name.isupper()


def initials(name: str) -> str:
    """The acronym a name's capitalized words make (a word in capitals counts whole).

    >>> initials("Coalition to Abolish Slavery and Trafficking"), initials("UN Office on Drugs and Crime")
    ('CAST', 'UNODC')
    """
    out = []
    for word in _WORD.findall(name):
        if word.isupper():
            out.append(word)
        elif word[0].isupper():
            out.append(word[0])
    acronym = "".join(out)
    return acronym if len(acronym) >= 2 and len(out) >= 2 else ""


def _fold_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """The folded text, and for each of its characters the start and end of the original character
    it comes from (folding changes lengths: "ß" gives two, a combining accent none)."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(text):
        folded = _fold_char(char)
        if not folded:
            if ends:  # a combining mark belongs to the character before it
                ends[-1] = i + 1
            continue
        parts.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([i + 1] * len(folded))
    return "".join(parts), starts, ends


def _tokens(folded: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


def _names(value: Value | None) -> Iterator[str]:
    """The texts of a label value: a string, a ``{en: .., es: ..}`` mapping, or a list of either."""
    if isinstance(value, Scalar):
        if value.text and value.text.strip():
            yield unicodedata.normalize("NFC", value.text.strip())
    elif isinstance(value, Mapping):
        for item in value.items.values():
            yield from _names(item)
    elif isinstance(value, Sequence):
        for item in value.items:
            yield from _names(item)


def _text(value: Value | None) -> str:
    return value.text.strip() if isinstance(value, Scalar) and value.text else ""


@dataclass(frozen=True)
class NameIndex:
    """Every name of every curated id, with what it takes to find ids by name and names in a text."""

    entries: list[NameEntry]

    @classmethod
    def from_curated(cls, files: Iterable[CuratedFile]) -> NameIndex:
        """The names parsed curated files give (their records' ids, labels and alt labels)."""
        declared: dict[str, str] = {}
        named: list[tuple[str, str]] = []
        for file in files:
            for record in file.records:
                rid = _text(record.items.get("id"))
                if rid:
                    declared.setdefault(rid, _text(record.items.get("type")))
                    named.append((rid, rid))
                else:
                    rid = _text(record.items.get("about"))
                    if not rid:
                        continue
                for field in ("label", "altLabel"):
                    named.extend((rid, name) for name in _names(record.items.get(field)))
        entries = {NameEntry(rid, declared.get(rid, ""), name): None for rid, name in named}
        return cls(list(entries))

    @classmethod
    def from_project(cls, root: Path) -> NameIndex:
        """The names of a project's curated files (``graph_data/<source>/*.yaml``)."""
        from tipkg.build.pipeline import curated_files

        data_dir = root / "graph_data"
        if not data_dir.is_dir():
            raise TipkgError(f"no graph_data folder in {root}: expected a project folder (or give --root)")
        return cls.from_curated(load_curated(path, root) for path in curated_files(data_dir))

    # --- find: ids by a name ------------------------------------------------------------------

    @cached_property
    def _keys(self) -> list[str]:
        return [key(e.name) for e in self.entries]

    def find(self, text: str, limit: int = 10) -> list[NameMatch]:
        """The ids whose names best match ``text``, best first (ties by id), at most ``limit``.

        A name equal to the text once folded, or whose initials are the text ("IOM" for the
        International Organization for Migration), scores 100. Otherwise rapidfuzz's ``WRatio``:
        it takes the best of whole-string, token-order-free and partial comparisons, and scales a
        partial match down when the name is much longer than the text (by 0.9, or 0.6 past eight
        times longer), so a fragment ranks below a whole name. (``token_set_ratio``
        would give 100 to every name containing all the words typed: "committee" would tie with
        the committee itself.) Nothing scores under :data:`CUTOFF`.
        """
        query = key(text)
        if not query or limit < 1:
            return []
        best: dict[str, NameMatch] = {}

        def keep(entry: NameEntry, score: float) -> None:
            held = best.get(entry.id)
            if held is None or score > held.score or (score == held.score and entry.name < held.name):
                best[entry.id] = NameMatch(entry.id, entry.cls, entry.name, score)

        for entry, name_key in zip(self.entries, self._keys, strict=True):
            if name_key == query or fold(initials(entry.name)) == query:
                keep(entry, EXACT)
        for _, score, i in process.extract(query, self._keys, scorer=fuzz.WRatio, score_cutoff=CUTOFF, limit=None, processor=None):
            keep(self.entries[i], min(float(score), EXACT - 1))  # 100 is kept for the name itself
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.id))
        return ranked[:limit]

    # --- mentions: names in a text ------------------------------------------------------------

    @cached_property
    def _by_first_token(self) -> dict[str, list[tuple[tuple[str, ...], NameEntry]]]:
        """Each name (not the ids) as folded tokens, under its first token."""
        out: dict[str, list[tuple[tuple[str, ...], NameEntry]]] = {}
        for entry in self.entries:
            if entry.name == entry.id:
                continue
            tokens = tuple(t for t, _, _ in _tokens(fold(entry.name)))
            if tokens and any(_WORD.fullmatch(t) for t in tokens):
                out.setdefault(tokens[0], []).append((tokens, entry))
        return out

    def mentions(self, text: str) -> list[Mention]:
        """Every place ``text`` names an entity of the index, in the order of the text.

        Names match whole words only, whatever the accents, case, and white space between words
        (a line break inside a name still matches); an acronym matches only as written ("PGR",
        never "pgr"). Where names overlap, the longest wins ("Office of the Prosecutor General"
        over "Prosecutor General"); a name two ids share is a mention of each.
        """
        folded, starts, ends = _fold_with_offsets(text)
        tokens = _tokens(folded)
        words = [t for t, _, _ in tokens]
        index = self._by_first_token
        found: list[Mention] = []
        for i, word in enumerate(words):
            for name_tokens, entry in index.get(word, ()):
                n = len(name_tokens)
                if tuple(words[i : i + n]) != name_tokens:
                    continue
                start, end = starts[tokens[i][1]], ends[tokens[i + n - 1][2] - 1]
                if is_acronym(entry.name) and text[start:end] != entry.name:
                    continue
                found.append(Mention(entry.id, entry.name, start, end))
        return _longest_first(found, len(text))


def _longest_first(found: list[Mention], length: int) -> list[Mention]:
    """The mentions that no longer (or earlier, equally long) mention overlaps, in text order."""
    by_span: dict[tuple[int, int], dict[str, Mention]] = {}
    for m in found:
        by_span.setdefault((m.start, m.end), {}).setdefault(m.id, m)  # one per id and span
    taken = bytearray(length)
    kept: list[Mention] = []
    for start, end in sorted(by_span, key=lambda span: (span[0] - span[1], span[0])):
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.extend(by_span[start, end].values())
    return sorted(kept, key=lambda m: (m.start, m.id))


def find_names(root: Path, text: str, limit: int = 10) -> list[NameMatch]:
    """The ids of a project's curated data whose names best match ``text`` (``tipkg find``)."""
    return NameIndex.from_project(root).find(text, limit)
