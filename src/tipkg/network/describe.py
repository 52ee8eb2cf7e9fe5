"""What the network says about a node in words: its label in a language, money, periods, and the
labels made for the nodes the curators did not name (relation nodes, contact points)."""

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


def generated_labels(g: nx.MultiDiGraph) -> None:
    """Labels for the nodes the curators did not name: relation nodes, contact points."""
    langs = languages()
    for node, data in g.nodes(data=True):
        if data["labels"]:
            continue
        out: dict[str, str] = {}
        for lang in langs:
            text = _describe(g, node, lang)
            if text:
                out[lang] = text
        data["labels"] = out or {"": data["local"]}


def _describe(g: nx.MultiDiGraph, node: str, lang: str) -> str:
    data = g.nodes[node]
    facts = {f.prop: pick(f.value, lang) for f in data["facts"]}
    targets = {k: v for _s, v, k in g.out_edges(node, keys=True)}

    def name(key: str) -> str:
        return label(g, targets[key], lang) if key in targets else ""

    cls = data["cls"]
    if cls == "Membership":
        return " — ".join(x for x in (name("member"), facts.get("role", ""), name("organization")) if x)
    if cls == "FundingAllocation":
        money = format_money(data["money"], lang) if data["money"] else ""
        return ", ".join(x for x in (money, period(g, node)) if x)
    if cls == "Observation":
        what = facts.get("indicator", "")
        if "nationality" in targets:
            what = f"{what} ({name('nationality')})"
        number = facts.get("observedValue") or next((text(message, lang, n=facts[key]) for key, message in _BOUNDED if key in facts), "")
        return ": ".join(x for x in (what, number) if x)
    for key in ("telephone", "email"):
        if key in facts:
            return facts[key]
    return ""


# A figure other than exact, and the words that say how ("more than 26", "about 20,000").
_BOUNDED = (("observedMoreThan", "network.more_than"), ("observedAbout", "network.about"))


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
