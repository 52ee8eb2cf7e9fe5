"""Which indicator a figure measures: the one whose label words stand nearest to it in its sentence.

"identified 147 victims" is victims identified because both words of that label stand within a few
words of the figure. Labels come from the indicator concepts of ``ontology/concepts.ttl`` (preferred
and alternative labels, every language), so that a new label there is enough to attach more figures.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SKOS

from tipkg.curation.drafting.lists import list_spans
from tipkg.curation.drafting.values import Found
from tipkg.curation.names import fold
from tipkg.vocab import TIPKG

WINDOW = 8  # words from a figure to a label word, at most
MIN_SCORE = 0.2  # the sum of 1/distance of a label's words near the figure: one word five words away, at least
HEAD = 2  # where less than half a label stands near, one of its words must be this close (the counted noun)
_STOP = set(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "in",
        "on",
        "at",
        "to",
        "and",
        "or",
        "by",
        "with",
        "where",
        "was",
        "were",
        "is",
        "are",
        "that",
        "which",
        "have",
        "has",
        "been",
        "out",
        "de",
        "del",
        "la",
        "las",
        "el",
        "los",
        "en",
        "que",
        "se",
        "un",
        "una",
        "y",
        "o",
        "con",
        "por",
        "para",
        "al",
    ]
)


def labels_from_graph(graph: Graph) -> dict[str, list[str]]:
    """Notation -> labels (preferred and alternative, all languages) of the ``tipkg:Indicator`` concepts."""
    labels: dict[str, list[str]] = {}
    for concept in graph.subjects(SKOS.notation, None):
        if (concept, None, TIPKG.Indicator) not in graph:
            continue
        names = [str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(concept, p)]
        labels[str(graph.value(concept, SKOS.notation))] = sorted(set(names))
    return dict(sorted(labels.items()))


def indicator_labels(ontology_dir: Path) -> dict[str, list[str]]:
    """The indicators' labels, read from ``ontology_dir/concepts.ttl``."""
    from tipkg.curation.schema import read_turtle

    return labels_from_graph(read_turtle(ontology_dir / "concepts.ttl"))


def stem(word: str) -> str:
    """A crude stem that lets "awards" meet "awarded" and "cases" meet "case" (no language model).

    >>> stem("Awarded"), stem("awards"), stem("cases"), stem("víctimas")
    ('award', 'award', 'case', 'victi')
    """
    w = fold(word)
    if len(w) > 3 and w.endswith("s"):
        w = w[:-1]
    return w[:5]


def _content(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[^\W\d_]+", text) if fold(w) not in _STOP and len(w) > 1]


def attach_indicator(sentence: str, found: Found, indicators: dict[str, list[str]]) -> str | None:
    """The notation of the indicator a figure measures, or None when no label, or two alike, stand close.

    A label scores the sum of 1/distance of its words within :data:`WINDOW` words of the figure, so
    that the counted noun right after a figure outweighs a word further away; a tie attaches nothing.

    >>> from tipkg.curation.drafting.values import find_values
    >>> sentence = "The unit identified 147 victims and handled 12 cases."
    >>> labels = {"victims-identified": ["victims identified"], "cases-handled": ["cases handled"]}
    >>> [attach_indicator(sentence, f, labels) for f in find_values(sentence)]
    ['victims-identified', 'cases-handled']
    """
    items = list_spans(sentence)
    words = [(m.start(), m.group()) for m in re.finditer(r"[^\W\d_]+", sentence) if not any(a <= m.start() < b for a, b in items)]
    before = [w for at, w in words if at < _list_start(sentence, found, items)]
    after = [w for at, w in words if at >= found.end]
    distance: dict[str, int] = {}  # stem -> words between it and the figure, stop words included
    # the counted noun follows a figure ("147 victims"): a word before it counts one word further away
    for side, first in ((reversed(before), 2), (after, 1)):
        for n, word in enumerate(side, first):
            if fold(word) not in _STOP:
                distance[stem(word)] = min(distance.get(stem(word), n), n)
    scores: dict[str, float] = {}
    for notation, labels in indicators.items():
        for label in labels:
            stems = _content(label)
            near = [distance[s] for s in stems if distance.get(s, WINDOW + 1) <= WINDOW]
            if not near or (len(near) / len(stems) < 0.5 and min(near) > HEAD):
                continue  # a word or two of a longer label, and not next to the figure
            score = sum(1 / d for d in near)
            if score >= MIN_SCORE:
                scores[notation] = max(scores.get(notation, score), score)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def _list_start(sentence: str, found: Found, items: list[tuple[int, int]]) -> int:
    """Where the list that holds a figure begins (the figure's own start when it is in no list):
    every item of "victims identified: Guatemalan (123); Chinese (1)" is as near the label."""
    start = found.start
    for a, b in sorted(items, reverse=True):
        if b <= start and re.fullmatch(r"[\s;,]*(?:(?:and|y|e)\s+)?", sentence[b:start]):
            start = a
    return start
