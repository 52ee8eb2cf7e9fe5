"""What the network says about a node in words: its label in a language, money and periods (the
nodes the curators did not name have the labels the build made: :mod:`tipkg.build.labels`)."""

from __future__ import annotations

from typing import Any

import networkx as nx

from tipkg.messages import languages, text


def pick(by_lang: dict[str, str], lang: str) -> str:
    """The text in ``lang``, else English, else without language, else any."""
    for key in (lang, "en", ""):
        if by_lang.get(key):
            return by_lang[key]
    return next(iter(by_lang.values()), "")


def in_languages(key: str, **values: Any) -> dict[str, str]:
    """The message ``key`` in every language, as the graph's labels are: ``{lang: text}``."""
    return {lang: text(key, lang, **values) for lang in languages()}


def label(g: nx.MultiDiGraph, node: str, lang: str = "en") -> str:
    """A node's label in ``lang`` (falling back to another language, then to its id)."""
    return pick(g.nodes[node].get("labels") or {}, lang) or g.nodes[node].get("local") or node


def format_money(money: dict[str, Any], lang: str = "en") -> str:
    """``17,926,386.00 MXN``; ``(currency inferred)`` where the report wrote only "$"."""
    value = str(money.get("value", ""))
    whole, _, cents = value.partition(".")
    try:
        shown = f"{int(whole):,}" + (f".{cents}" if cents else "")
    except ValueError:
        shown = value
    shown = shown.replace(",", text("network.thousands", lang))
    out = f"{shown} {money.get('currency', '')}".strip()
    if money.get("inferred"):
        out += " " + text("network.currency_inferred", lang)
    return out


def period(g: nx.MultiDiGraph, node: str) -> str:
    """``2004–2009``, ``2010`` or ``""``, from a node's start, end or date facts (which properties
    give these, the ontology says: see ``periods`` in :mod:`tipkg.network.reading`)."""
    values = {f.prop: f.value.get("", "") for f in g.nodes[node]["facts"]}
    parts = g.graph.get("periods", {})

    def first(part: str) -> str:
        return next((values[p] for p in parts.get(part, ()) if values.get(p)), "")

    start, end = first("start"), first("end")
    if start and end and start != end:
        return f"{start}–{end}"
    return start or end or first("date")
