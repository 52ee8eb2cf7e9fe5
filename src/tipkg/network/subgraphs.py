"""The parts of the network each view shows: a neighbourhood, funding flows, a committee, partners,
trafficking flows.

Each function takes the network of :mod:`tipkg.network.reading` and returns a new ``MultiDiGraph`` with
the same node attributes. Edges keep theirs, and may carry hints for drawing: ``caption`` (text
drawn on the edge, by language), ``width``, ``dashes``, and ``rel`` / ``rel_labels`` (the group an
edge belongs to in the relation filter, when it is not a single property: a committee role, a
funding flow). N-ary nodes are collapsed into such edges where a view is about what they relate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import networkx as nx

from tipkg.errors import NetworkError
from tipkg.messages import languages
from tipkg.network.describe import format_money, in_languages, period, pick
from tipkg.network.reading import Fact


def is_a(g: nx.MultiDiGraph, node: str, cls: str) -> bool:
    return cls in g.nodes[node]["lineage"]


def targets(g: nx.MultiDiGraph, node: str, name: str) -> list[str]:
    """The nodes ``node`` points to through the property with local name ``name``."""
    return sorted(v for _u, v, k in g.out_edges(node, keys=True) if k == name)


def codes(g: nx.MultiDiGraph, node: str, prop: str) -> list[str]:
    return [f.code for f in g.nodes[node]["facts"] if f.prop == prop and f.code]


def _copy_nodes(g: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    out = nx.MultiDiGraph(**g.graph)
    for n in sorted(set(nodes)):
        out.add_node(n, **g.nodes[n])
    return out


def _evidence(*lists: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(q for lst in lists for q in lst))


# -- neighbourhood -----------------------------------------------------------------------------


def neighbourhood(g: nx.MultiDiGraph, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """Every node within ``depth`` hops of ``node`` (either direction), with the edges among them.

    A relation node (a membership, a funding allocation) that is reached brings the entities it
    relates along, so a hop through it is shown whole.
    """
    if depth < 0:
        raise NetworkError(f"depth {depth}: expected 0 or more")
    nodes = set(nx.ego_graph(g, node, radius=depth, undirected=True))
    for n in list(nodes):
        if g.nodes[n]["kind"] == "nary":
            nodes.update(g.successors(n))
    # not g.subgraph(nodes): its nodes come in the set's order, which changes with the hash seed
    out = _copy_nodes(g, nodes)
    out.add_edges_from((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True) if u in nodes and v in nodes)
    return out


# -- funding flows -----------------------------------------------------------------------------


def funding_flows(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Funder → program or fund → what it finances, one chain per funding allocation.

    Each allocation becomes the edges of its chain, with its amount, currency and period as the
    caption and a width that grows with the amount (log scale). Where the report names no
    recipient the allocation itself ends the chain; where it names no funder, the chain starts at
    the channel, and whoever runs the channel is shown with a dashed "run by" edge.
    """
    allocations = sorted(n for n in g if g.nodes[n]["cls"] == "FundingAllocation")
    amounts = [float(g.nodes[a]["money"]["value"]) for a in allocations if _has_amount(g, a)]
    low, high = (math.log10(min(amounts) + 1), math.log10(max(amounts) + 1)) if amounts else (0.0, 0.0)
    out = _copy_nodes(g, [])
    out.graph["layout"] = "flow"
    for a in allocations:
        funders = targets(g, a, "funder")
        channels = targets(g, a, "fundingChannel")
        ends = targets(g, a, "fundedItem") + targets(g, a, "beneficiary") or [a]
        money = g.nodes[a]["money"]
        when = period(g, a)
        caption = {lang: " · ".join(x for x in (format_money(money, lang) if money else "", when) if x) for lang in languages()}
        width = 2.0
        if _has_amount(g, a):
            scale = (math.log10(float(money["value"]) + 1) - low) / (high - low) if high > low else 1.0
            width = round(2 + 7 * scale, 1)
        role_evidence = {v: d["evidence"] for _u, v, d in g.out_edges(a, data=True)}
        if channels:
            hops = [(f, c) for f in funders for c in channels] + [(c, e) for c in channels for e in ends]
        else:
            hops = [(f, e) for f in funders for e in ends]
        for u, v in hops:
            for n in (u, v):
                out.add_node(n, **g.nodes[n])
            out.add_edge(
                u,
                v,
                key=g.nodes[a]["local"],
                prop="",
                name="funding",
                labels=in_languages("network.funds"),
                rel="funding",
                rel_labels=in_languages("network.funds"),
                caption=caption,
                width=width,
                evidence=_evidence(g.nodes[a]["evidence"], role_evidence.get(u, []), role_evidence.get(v, [])),
                areas=g.nodes[a]["areas"],
                via=a,
            )
        for e in ends:
            out.add_node(e, **g.nodes[e])
        if ends == [a]:
            out.nodes[a]["display"] = _what_it_finances(g, a)
        if not funders:
            for c in channels:
                for name in ("organizer", "coordinatedBy", "establishedBy"):
                    for runner in targets(g, c, name):
                        if not out.has_edge(runner, c, key=name):
                            out.add_node(runner, **g.nodes[runner])
                            data = {**g.get_edge_data(c, runner, key=name), "rel": "run-by", "rel_labels": in_languages("network.run_by")}
                            out.add_edge(runner, c, key=name, **{**data, "dashes": True, "width": 1.0})
    return out


def _what_it_finances(g: nx.MultiDiGraph, node: str) -> dict[str, str]:
    """The purpose of an allocation (or its number of projects), to label it where it ends a flow."""
    facts = {f.prop: f for f in g.nodes[node]["facts"]}
    if "purpose" in facts:
        return dict(facts["purpose"].value)
    if "numberOfProjects" in facts:
        n = pick(facts["numberOfProjects"].value, "en")
        return in_languages("network.projects", n=n)
    return dict(g.nodes[node]["labels"])


def _has_amount(g: nx.MultiDiGraph, node: str) -> bool:
    money = g.nodes[node]["money"]
    try:
        return bool(money) and float(money["value"]) >= 0
    except ValueError:
        return False


# -- committee ---------------------------------------------------------------------------------


ROLE_STYLE: dict[str, dict[str, Any]] = {
    "coordinator": {"width": 5.0},
    "member": {"width": 2.0},
    "guest": {"width": 1.5, "dashes": True},
}


def committee(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Each inter-agency committee with its members, coordinator and guests.

    A membership becomes an edge member → committee whose caption is the role; the edge's
    evidence is the membership's quotes.
    """
    out = _copy_nodes(g, (n for n in g if g.nodes[n]["cls"] == "InterAgencyCommittee"))
    for m in sorted(n for n in g if g.nodes[n]["cls"] == "Membership"):
        orgs, members = targets(g, m, "organization"), targets(g, m, "member")
        roles = [f for f in g.nodes[m]["facts"] if f.prop == "role"] or [None]
        edge_evidence = [d["evidence"] for _u, _v, d in g.out_edges(m, data=True)]
        for org in orgs:
            for member in members:
                for role in roles:
                    code = role.code if role else "member"
                    role_labels = dict(role.value) if role else in_languages("network.member")
                    out.add_node(org, **g.nodes[org])
                    out.add_node(member, **g.nodes[member])
                    out.add_edge(
                        member,
                        org,
                        key=f"{g.nodes[m]['local']}#{code}",
                        prop="",
                        name="role",
                        labels=role_labels,
                        rel=code,
                        rel_labels=role_labels,
                        caption=role_labels,
                        evidence=_evidence(g.nodes[m]["evidence"], *(role.evidence if role else [],), *edge_evidence),
                        areas=g.nodes[m]["areas"],
                        via=m,
                        **ROLE_STYLE.get(code, {}),
                    )
    return out


# -- partners ----------------------------------------------------------------------------------


PARTNER_LINKS = ("cooperatesWith", "supports", "supportedBy", "subgroupOf", "unitOf")
PLACE_LINKS = ("location", "country")


def partners(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Consulates, NGOs and the other partners they cooperate with, and the cities they are in.

    The partners are the actors of ``cooperatesWith`` facts, consulates, and groups of consulates;
    the view adds the groups and bodies they belong to, their locations and countries, and the
    country each city is in.
    """
    core = {n for u, v, k in g.edges(keys=True) if k == "cooperatesWith" for n in (u, v)}
    core |= {n for n in g if is_a(g, n, "Consulate") or "consulate" in codes(g, n, "actorKind")}
    for n in list(core):
        core.update(targets(g, n, "subgroupOf") + targets(g, n, "unitOf"))
    places = {p for n in core for name in PLACE_LINKS for p in targets(g, n, name)}
    places |= {c for p in list(places) for name in ("country", "containedInPlace") for c in targets(g, p, name)}
    nodes = core | places
    out = _copy_nodes(g, nodes)
    for u, v, k, d in g.edges(keys=True, data=True):
        if u in nodes and v in nodes and (k in PARTNER_LINKS or k in PLACE_LINKS or k == "containedInPlace"):
            out.add_edge(u, v, key=k, **d)
    return out


# -- trafficking flows -------------------------------------------------------------------------


def trafficking_flows(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Origin → destination of each trafficking flow a source reports, one edge per form of exploitation.

    An edge's caption is the form and the period; its ``details`` (by language: label and value
    pairs, shown in its panel) the victims, the sectors and the places the flow passes through; its
    evidence is the flow's quotes; the relation filter groups edges by form. A
    flow whose form no source gives is one edge, in the group "form not given".
    """
    langs = languages()
    out = _copy_nodes(g, [])
    out.graph["layout"] = "flow"
    for f in sorted(n for n in g if g.nodes[n]["cls"] == "TraffickingFlow"):
        facts = g.nodes[f]["facts"]
        forms: list[Fact | None] = [x for x in facts if x.prop == "exploitationForm"] or [None]
        who = [x for name in ("victimGroup", "sector") for x in facts if x.prop == name]  # the victims, then where they work
        transits = targets(g, f, "transitPlace")
        when = _agreed_period(g, f)
        edge_evidence = [d["evidence"] for _u, _v, d in g.out_edges(f, data=True)]
        for origin in targets(g, f, "origin"):
            for destination in targets(g, f, "destination"):
                for form in forms:
                    out.add_node(origin, **g.nodes[origin])
                    out.add_node(destination, **g.nodes[destination])
                    for t in transits:
                        out.add_node(t, **g.nodes[t])
                    # the form and the period on the edge; the victims and the places passed
                    # through (and the sectors) in its panel (``details``), with the flow itself (``via``)
                    caption = {lang: " · ".join(p for p in (pick(form.value, lang) if form else "", when) if p) for lang in langs}
                    through = [(g.get_edge_data(f, t, key="transitPlace")["labels"], g.nodes[t]["labels"]) for t in transits]
                    details = {
                        lang: [[pick(x.labels, lang), _voiced(pick(x.value, lang), x.sources)] for x in who]
                        + [[pick(name, lang), pick(place, lang)] for name, place in through]
                        for lang in langs
                    }
                    code = form.code if form else "unspecified"
                    rel_labels = dict(form.value) if form else in_languages("network.form_unspecified")
                    out.add_edge(
                        origin,
                        destination,
                        key=f"{g.nodes[f]['local']}#{code}",
                        prop="",
                        name="flow",
                        labels=in_languages("network.flow"),
                        rel=code,
                        rel_labels=rel_labels,
                        caption=caption,
                        details=details,
                        width=3.0,
                        evidence=_evidence(g.nodes[f]["evidence"], *(form.evidence if form else [],), *edge_evidence),
                        areas=g.nodes[f]["areas"],
                        via=f,
                    )
    return out


def _agreed_period(g: nx.MultiDiGraph, node: str) -> str:
    """The node's period, where its sources agree on it; ``""`` where they give different dates (each
    date is then in the node's facts, with its source's quote, not on an edge without one)."""
    parts = {p for props in g.graph.get("periods", {}).values() for p in props}
    dates: dict[str, set[str]] = {}
    for fact in g.nodes[node]["facts"]:
        if fact.prop in parts:
            dates.setdefault(fact.prop, set()).add(fact.value.get("", ""))
    return "" if any(len(values) > 1 for values in dates.values()) else period(g, node)


def _voiced(value: str, sources: tuple[str, ...]) -> str:
    """A value shown away from its quotes names the reports that state it, where there are several."""
    return f"{value} ({', '.join(sources)})" if sources else value
