"""The characters tipkg takes in what users give it, the normal form it reads them in, and the
folded form it matches names in.

Every value a user gives (a saved query's or a SPARQL query's parameter in the API, the CLI or a
page, a search, the path and query of any address of the service) passes :func:`clean`: a value
holding a refused code point is one clear error (:class:`CodePointError`: exit code 2, HTTP 400),
never a crash deeper down; any other value is read in Unicode's composed normal form (NFC), so a
decomposed "León" (an "o" and a combining acute accent) finds the composed one of the graph.

Refused, wherever they appear:

- **lone surrogates** (U+D800–U+DFFF): no UTF-8 text holds them; Python makes them from bytes that
  are not UTF-8 (the ``surrogateescape`` of command-line arguments);
- **control characters** but tab, line feed and carriage return: C0 (U+0000–U+001F), DEL and C1
  (U+007F–U+009F). No name, id, number or quote of the graph holds one; XML 1.0, which SPARQL XML
  results and RDF/XML are written in, cannot carry most of them; and they truncate strings in C
  libraries, start terminal escapes, and end up in logs;
- **noncharacters** (U+FDD0–U+FDEF and the last two code points of each plane: U+FFFE, U+FFFF,
  U+1FFFE ...): Unicode reserves them for a program's internal use, never for text exchanged.

This is XML 1.0's ``Char`` production less the characters it discourages (section 2.2). Everything
else is taken as it is: private-use and unassigned code points, bidirectional marks and
overrides, zero-width characters, emoji. They are text, and every page escapes text.
"""

from __future__ import annotations

import re
import unicodedata

from tipkg.errors import TipkgError

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17))
_REFUSED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")


class CodePointError(TipkgError):
    """A value holding a code point tipkg refuses (see the module's documentation)."""


def kind(char: str) -> str:
    """What a refused character is, in words."""
    point = ord(char)
    if 0xD800 <= point <= 0xDFFF:
        return "a lone surrogate, what Python makes of bytes that are not UTF-8"
    if point < 0x20 or 0x7F <= point <= 0x9F:
        return "a control character"
    return "a noncharacter"


def refused(text: str) -> tuple[int, str] | None:
    """The position and the character of the first refused code point of ``text``, if any."""
    found = _REFUSED.search(text)
    return None if found is None else (found.start(), found.group())


def clean(text: str) -> str:
    """``text`` in NFC, or :class:`CodePointError` naming the first refused code point."""
    found = refused(text)
    if found is not None:
        at, char = found
        raise CodePointError(
            f"U+{ord(char):04X} ({kind(char)}) at character {at + 1} is refused: no value may hold control characters "
            "other than tab and line breaks, noncharacters or lone surrogates"
        )
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Text for accent- and case-insensitive matching: ``fold("Peña") == fold("pena")``.

    NFKD, so compatibility forms match too: ``fold("ＦＥＶＩＭＴＲＡ") == fold("fevimtra")``.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def shown(text: str, limit: int = 80, *, quotes: bool = True) -> str:
    """User text as a one-line message quotes it: its repr (line breaks, controls and bidirectional
    marks escaped), cut at ``limit`` characters; with ``quotes=False``, printable text as it is."""
    cut = text if len(text) <= limit else text[:limit]
    more = "" if cut is text else f"… ({len(text)} characters)"
    return (cut if not quotes and cut.isprintable() else repr(cut)) + more
