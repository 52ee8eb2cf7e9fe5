"""A source's text cut for its page: sentences into quoted and unquoted pieces, lines into paragraphs."""

from __future__ import annotations

import re
from typing import Any


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def segments(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """A sentence cut into (text, quoted?) pieces by the merged quote spans."""
    out = []
    at = start
    for a, b in marks:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        if a > at:
            out.append((text[at:a], False))
        out.append((text[a:b], True))
        at = b
    if at < end:
        out.append((text[at:end], False))
    return out


def paragraphs(text: str, sentences: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text's lines as paragraphs: sentences, and the text between them."""
    out = []
    i = 0
    for line in re.finditer(r"[^\n]+", text):
        parts: list[dict[str, Any]] = []
        cited = []
        at = line.start()
        while i < len(sentences) and sentences[i]["start"] < line.end():
            s = sentences[i]
            if s["start"] > at:
                parts.append({"text": text[at : s["start"]], "sentence": None})
            parts.append({"text": "", "sentence": s})
            if s["status"] == "cited":
                cited.append(s)
            at = s["end"]
            i += 1
        if at < line.end():
            parts.append({"text": text[at : line.end()], "sentence": None})
        if any(p["sentence"] or p["text"].strip() for p in parts):
            out.append({"parts": parts, "cited": cited})
    return out
