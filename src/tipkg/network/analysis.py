"""Network analysis: who brokers, what hangs together, what hangs by a thread, how two are linked.

The analyses run on an undirected projection of the network: relation nodes (memberships,
funding allocations, observations) are collapsed into links between the entities they relate,
and places are left out unless asked for (nearly everything is "in Mexico", which would make the
country the broker of everything). Each link keeps the facts it stands for, with their quotes,
so a path can be told hop by hop with its evidence.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from tipkg.errors import NetworkError
from tipkg.network.describe import label, pick


def areas(g: nx.MultiDiGraph) -> tuple[str, ...]:
    """The codes of the areas of action, as the ontology gives them (else those the nodes are cited in)."""
    return tuple(g.graph.get("areas") or sorted({a for _n, d in g.nodes(data=True) for a in d["areas"]}))


@dataclass(frozen=True)
class Link:
    """One fact behind a link of the projection: ``source --relation--> target``."""

    source: str
    target: str
    relation: dict[str, str]
    evidence: tuple[str, ...]
    via: str | None = None  # the relation node collapsed into this link


def projection(g: nx.MultiDiGraph, places: bool = False, keep: set[str] | None = None) -> nx.Graph:
    """Entities and the facts linking them, as an undirected graph; ``facts`` on each edge.

    ``keep`` names places to keep even when ``places`` is false (the ends of a path).
    """
    keep = keep or set()

    def wanted(n: str) -> bool:
        d = g.nodes[n]
        return d["kind"] != "nary" and (places or "Place" not in d["lineage"] or n in keep)

    h = nx.Graph()
    for n, d in g.nodes(data=True):
        if wanted(n):
            h.add_node(n, **d)

    def link(fact: Link) -> None:
        a, b = fact.source, fact.target
        if a == b:
            return
        if not h.has_edge(a, b):
            h.add_edge(a, b, facts=[])
        if fact not in h[a][b]["facts"]:
            h[a][b]["facts"].append(fact)

    for u, v, d in g.edges(data=True):
        if u in h and v in h:
            link(Link(u, v, dict(d["labels"]), tuple(d["evidence"])))
    for m, d in g.nodes(data=True):
        if d["kind"] != "nary":
            continue
        ends = sorted({v for v in g.successors(m) if v in h} | {u for u in g.predecessors(m) if u in h})
        evidence = tuple(dict.fromkeys([*d["evidence"], *(q for _u, _v, e in g.out_edges(m, data=True) for q in e["evidence"])]))
        for a, b in itertools.combinations(ends, 2):
            link(Link(a, b, dict(d["cls_labels"]), evidence, via=m))
    return h


# -- centrality -------------------------------------------------------------------------------


@dataclass
class Broker:
    """An entity's place in the network."""

    node: str
    degree: int
    betweenness: float  # share of all shortest paths through it (normalized)
    area_brokerage: float  # shortest paths through it between entities of two different areas
    border_brokerage: float  # shortest paths through it between domestic and foreign entities
    areas: list[str] = field(default_factory=list)
    country: str | None = None


def countries(g: nx.MultiDiGraph) -> dict[str, str]:
    """Each node's country: its own ``country``, or that of its location (a city in a country)."""

    def place_country(p: str, seen: frozenset[str] = frozenset()) -> str | None:
        if "Country" in g.nodes[p]["lineage"]:
            return p
        for name in ("country", "containedInPlace"):
            for _u, v, k in g.out_edges(p, keys=True):
                if k == name and v not in seen:
                    found = place_country(v, seen | {p})
                    if found:
                        return found
        return None

    out: dict[str, str] = {}
    for n in g:
        if "Place" in g.nodes[n]["lineage"]:
            found = place_country(n)
        else:
            found = next((v for _u, v, k in g.out_edges(n, keys=True) if k == "country"), None)
            if found is None:
                found = next((c for _u, v, k in g.out_edges(n, keys=True) if k == "location" for c in [place_country(v)] if c), None)
        if found:
            out[n] = found
    return out


def home_country(g: nx.MultiDiGraph, where: dict[str, str]) -> str | None:
    """The country of the national government(s) the report is about, else the most common one."""
    governments = {where[n] for n in g if g.nodes[n]["cls"] == "NationalGovernment" and n in where}
    if len(governments) == 1:
        return governments.pop()
    counts = Counter(c for n, c in where.items() if "Actor" in g.nodes[n]["lineage"])
    return counts.most_common(1)[0][0] if counts else None


def centrality(g: nx.MultiDiGraph, home: str | None = None, places: bool = False) -> list[Broker]:
    """Every entity of the projection with its betweenness and brokerage, best broker first.

    Area brokerage counts the shortest paths between an entity cited in one area's section
    (prevention, prosecution, protection) and one cited in another's that pass through the node.
    Border brokerage counts those between entities of the home country (by default the national
    government's) and entities of other countries.
    """
    h = projection(g, places=places)
    where = countries(g)
    home = home or home_country(g, where)
    betweenness = nx.betweenness_centrality(h, normalized=True)
    # networkx halves subset betweenness on undirected graphs; on the directed copy each path from
    # a source to a target counts once
    d = h.to_directed()
    area_score: Counter[str] = Counter()
    for a, b in itertools.combinations(areas(g), 2):
        sources = [n for n in h if a in h.nodes[n]["areas"]]
        targets = [n for n in h if b in h.nodes[n]["areas"]]
        if sources and targets:
            area_score.update(nx.betweenness_centrality_subset(d, sources, targets, normalized=False))
    border_score: dict[str, float] = {}
    if home:
        domestic = [n for n in h if where.get(n) == home]
        foreign = [n for n in h if n in where and where[n] != home]
        if domestic and foreign:
            border_score = nx.betweenness_centrality_subset(d, domestic, foreign, normalized=False)
    out = [
        Broker(
            node=n,
            degree=h.degree(n),
            betweenness=round(betweenness.get(n, 0.0), 6),
            area_brokerage=round(area_score.get(n, 0.0), 6),
            border_brokerage=round(border_score.get(n, 0.0), 6),
            areas=list(h.nodes[n]["areas"]),
            country=where.get(n),
        )
        for n in h
    ]
    return sorted(out, key=lambda b: (-b.betweenness, -b.area_brokerage, -b.border_brokerage, b.node))


# -- structure --------------------------------------------------------------------------------


def components(g: nx.MultiDiGraph, places: bool = False) -> list[list[str]]:
    """The connected groups of entities, largest first (each sorted by id)."""
    h = projection(g, places=places)
    return sorted((sorted(c) for c in nx.connected_components(h)), key=lambda c: (-len(c), c))


@dataclass
class Bridge:
    """A link whose removal splits its component, with the facts behind it and the sizes of the parts."""

    a: str
    b: str
    facts: list[Link]
    sides: tuple[int, int]


def bridges(g: nx.MultiDiGraph, places: bool = False) -> tuple[list[Bridge], list[str]]:
    """The bridges (links that hold parts together) and the cut points (entities that do)."""
    h = projection(g, places=places)
    out = []
    for x, y in nx.bridges(h):
        a, b = sorted((x, y))
        cut = h.copy()
        cut.remove_edge(a, b)
        sides = (len(nx.node_connected_component(cut, a)), len(nx.node_connected_component(cut, b)))
        out.append(Bridge(a, b, list(h[a][b]["facts"]), sides))
    out.sort(key=lambda br: (-min(br.sides), br.a, br.b))
    return out, sorted(nx.articulation_points(h))


# -- paths --------------------------------------------------------------------------------------


@dataclass
class Hop:
    """One step of a path: from ``a`` to ``b``, with the facts that link them."""

    a: str
    b: str
    facts: list[Link]


def path(g: nx.MultiDiGraph, a: str, b: str, places: bool = False) -> list[Hop] | None:
    """How ``a`` and ``b`` are connected: a shortest path, each hop with its facts and quotes.

    ``None`` when they are not connected (through entities, or also places with ``places``).
    """
    for end in (a, b):
        if end not in g:
            raise NetworkError(f"{end!r} is not in the graph")
    h = projection(g, places=places, keep={a, b})
    try:
        nodes = nx.shortest_path(h, a, b)
    except nx.NetworkXNoPath:
        return None
    return [Hop(x, y, list(h[x][y]["facts"])) for x, y in itertools.pairwise(nodes)]


def describe(g: nx.MultiDiGraph, fact: Link, lang: str = "en") -> str:
    """``Special Unit —unit of→ Ministry of Care`` (``via`` the relation node, if any)."""
    text = f"{label(g, fact.source, lang)} —{pick(fact.relation, lang)}→ {label(g, fact.target, lang)}"
    if fact.via:
        text += f" (via {label(g, fact.via, lang)})"
    return text


# -- reports ------------------------------------------------------------------------------------


def centrality_report(g: nx.MultiDiGraph, brokers: list[Broker], top: int = 15, lang: str = "en") -> str:
    """A table of the ``top`` brokers."""
    where = {b.node: b.country for b in brokers}
    home = home_country(g, {n: c for n, c in where.items() if c})
    lines = [f"{'betweenness':>11}  {'areas':>7}  {'border':>7}  {'degree':>6}  entity"]
    for b in brokers[:top]:
        where_text = f" [{label(g, b.country, lang)}]" if b.country else ""
        lines.append(
            f"{b.betweenness:11.4f}  {b.area_brokerage:7.1f}  {b.border_brokerage:7.1f}  {b.degree:6d}  "
            f"{label(g, b.node, lang)} ({g.nodes[b.node]['local']}){where_text} {'/'.join(b.areas)}"
        )
    lines.append(
        "betweenness: share of shortest paths through the entity; areas: paths between entities of two areas"
        f" ({', '.join(areas(g))}); border: paths between {label(g, home, lang) if home else 'home'} and foreign entities."
    )
    return "\n".join(lines)


def components_report(g: nx.MultiDiGraph, groups: list[list[str]], top: int = 15, lang: str = "en") -> str:
    lines = [f"{len(groups)} connected groups; sizes: {', '.join(str(len(c)) for c in groups[:30])}{' …' if len(groups) > 30 else ''}"]
    for i, group in enumerate(groups[:top], 1):
        names = sorted(label(g, n, lang) for n in group)
        shown = "; ".join(names[:12]) + (f"; … and {len(names) - 12} more" if len(names) > 12 else "")
        lines.append(f"{i:3d}. ({len(group)}) {shown}")
    return "\n".join(lines)


def bridges_report(g: nx.MultiDiGraph, found: tuple[list[Bridge], list[str]], top: int = 15, lang: str = "en") -> str:
    links, cuts = found
    lines = [f"{len(links)} bridges (links whose removal splits a group), largest smaller side first:"]
    for br in links[:top]:
        lines.append(f"  {label(g, br.a, lang)} — {label(g, br.b, lang)}  (splits {br.sides[0]} | {br.sides[1]})")
        for fact in br.facts[:3]:
            lines.append(f"      {describe(g, fact, lang)}")
    lines.append(f"{len(cuts)} cut points (entities whose removal splits a group):")
    lines += [f"  {label(g, n, lang)} ({g.nodes[n]['local']})" for n in cuts[: top * 2]]
    return "\n".join(lines)


def path_report(g: nx.MultiDiGraph, hops: list[Hop], lang: str = "en") -> str:
    if not hops:
        return "the same entity"
    chain = " — ".join([label(g, hops[0].a, lang), *(label(g, h.b, lang) for h in hops)])
    lines = [f"{len(hops)} hop{'s' if len(hops) > 1 else ''}: {chain}"]
    for i, hop in enumerate(hops, 1):
        lines.append(f"{i}. {label(g, hop.a, lang)} — {label(g, hop.b, lang)}")
        for fact in hop.facts:
            lines.append(f"   {describe(g, fact, lang)}")
            lines += [f"     “{q}”" for q in fact.evidence]
    return "\n".join(lines)
