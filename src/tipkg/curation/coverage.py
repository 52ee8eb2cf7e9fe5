"""Evidence coverage: which sentences of each source are cited by at least one fact.

A sentence is *cited* when an evidence quote overlaps it, a *heading* when no fact can be read
from it (a section title as intake detects one, a number alone, an annex link), and *not a fact* when the
source's metadata lists it under ``uncited`` with a reason. Anything else is *missing*: a
sentence that may state a fact nobody curated.
"""

from __future__ import annotations

from dataclasses import dataclass

from tipkg.curation import sentences
from tipkg.curation.headings import states_nothing
from tipkg.curation.records import Mapping, Scalar
from tipkg.curation.sources import Source, locate, meta_list
from tipkg.errors import DataError

CITED, HEADING, NOT_A_FACT, MISSING = "cited", "heading", "not a fact", "missing"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    status: str
    reason: str = ""


def classify(source: Source, cited_spans: list[tuple[int, int]]) -> list[Sentence]:
    """Every sentence of a source with its status."""
    spans = sentences.split(source.text, source.language)
    declared = _declared_uncited(source, set(spans))
    cited_spans = sorted(cited_spans)
    out = []
    for start, end in spans:
        text = source.text[start:end]
        if any(a < end and start < b for a, b in cited_spans):
            out.append(Sentence(start, end, text, CITED))
        elif (start, end) in declared:
            out.append(Sentence(start, end, text, NOT_A_FACT, declared[(start, end)]))
        elif states_nothing(" ".join(text.split())):
            out.append(Sentence(start, end, text, HEADING))
        else:
            out.append(Sentence(start, end, text, MISSING))
    return out


def _declared_uncited(source: Source, spans_of_sentences: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """Sentences the curators declared as stating no fact: ``uncited: [{text, reason}]``."""
    out: dict[tuple[int, int], str] = {}
    for entry in meta_list(source, "uncited"):
        if not (
            isinstance(entry, Mapping) and isinstance(entry.items.get("text"), Scalar) and isinstance(entry.items.get("reason"), Scalar)
        ):
            raise DataError(source.meta_path, entry.line, "uncited", "expected {text: <a sentence>, reason: <why it states no fact>}")
        text = entry.items["text"].text or ""  # type: ignore[union-attr]
        reason = entry.items["reason"].text or ""  # type: ignore[union-attr]
        spans = [s for s in locate(source.text, text) if s in spans_of_sentences]
        if len(spans) != 1:
            raise DataError(
                source.meta_path, entry.line, "uncited.text", f"expected exactly one whole sentence of the source: {text[:60]!r}"
            )
        out[spans[0]] = reason
    return out


@dataclass
class Coverage:
    source: str
    sentences: list[Sentence]

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)

    @property
    def percent(self) -> float:
        """Cited sentences among those that can state a fact (all but headings and declared)."""
        factual = self.count(CITED) + self.count(MISSING)
        return 100.0 * self.count(CITED) / factual if factual else 100.0


def coverage(sources: dict[str, Source], evidence: list[tuple[str, int, int]]) -> list[Coverage]:
    """Coverage of each source by the evidence spans (source id, start, end)."""
    out = []
    for sid, source in sorted(sources.items()):
        spans = [(a, b) for s, a, b in evidence if s == sid]
        out.append(Coverage(sid, classify(source, spans)))
    return out
