"""Any query result with two IRI columns as a graph: an edge per row, from one column's IRI to the
other's, for the page of a saved query's result (:func:`tipkg.viz.views.rows_view`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
from rdflib.term import URIRef

from tipkg.errors import NetworkError
from tipkg.network.describe import in_languages

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


def rows_graph(
    rows: Iterable[Mapping[str, Any]], network: nx.MultiDiGraph | None = None, source: str | None = None, target: str | None = None
) -> nx.MultiDiGraph:
    """A graph of query result rows: an edge from the ``source`` column's IRI to the ``target``'s.

    ``rows`` are dicts of column → value; a value is an rdflib or pyoxigraph IRI, a SPARQL-JSON
    term (``{"type": "uri", "value": ...}``), a string, or ``None``. Without ``source`` and
    ``target``, the first two columns whose values are all IRIs are used. Nodes found in
    ``network`` keep their class, names and evidence; others are labelled from a ``<column>Label``
    column when there is one. The other columns go into each edge's facts.
    """
    table = [{k: _plain(v) for k, v in row.items()} for row in rows]
    columns = list(dict.fromkeys(k for row in table for k in row))
    iri_columns = [c for c in columns if _all_iris(table, c)]
    source = source or (iri_columns[0] if iri_columns else None)
    target = target or next((c for c in iri_columns if c != source), None)
    if source is None or target is None or source not in columns or target not in columns:
        raise NetworkError(f"a graph needs two columns of IRIs; the result has {', '.join(columns) or 'no columns'}")
    out = nx.MultiDiGraph(**(network.graph if network is not None else {}))
    extra = [c for c in columns if c not in (source, target) and c not in (f"{source}Label", f"{target}Label")]
    for i, row in enumerate(table):
        ends = []
        for col in (source, target):
            iri, kind = row.get(col) or (None, "")
            if iri is None or kind != "iri":
                break
            if iri not in out:
                if network is not None and iri in network:
                    out.add_node(iri, **network.nodes[iri])
                else:
                    shown = row.get(f"{col}Label")
                    out.add_node(iri, **plain_node(iri, shown[0] if shown else None, out.graph.get("base", "")))
            ends.append(iri)
        if len(ends) < 2:
            continue
        facts = {c: cell[0] for c in extra if (cell := row.get(c))}
        edge_label = {"": f"{source} → {target}"}
        out.add_edge(
            ends[0],
            ends[1],
            key=f"row-{i}",
            prop="",
            name=target,
            labels=edge_label,
            rel=target,
            rel_labels=edge_label,
            evidence=[],
            areas=[],
            row=facts,
        )
    return out


def plain_node(iri: str, shown: str | None = None, base: str = "") -> dict[str, Any]:
    """Node attributes for an IRI that is not in the network (only a name to show)."""
    local = iri[len(base) :] if base and iri.startswith(base) else re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    name = shown or local
    return {
        "cls": "Resource",
        "lineage": ["Resource"],
        "kind": "entity",
        "labels": {"": name},
        "names": list(dict.fromkeys([name, local])),
        "cls_labels": in_languages("network.resource"),
        "evidence": [],
        "areas": [],
        "facts": [],
        "money": None,
        "local": local,
    }


def _plain(value: Any) -> tuple[str, str] | None:
    """(text, "iri" or "literal") of a result value, whatever library produced it."""
    from tipkg.engines.oxigraph import rdflib_term

    value = rdflib_term(value)
    if value is None:
        return None
    if isinstance(value, Mapping):
        return (str(value.get("value", "")), "iri" if value.get("type") == "uri" else "literal")
    if isinstance(value, URIRef):
        return (str(value), "iri")
    if isinstance(value, str):
        return (str(value), "iri" if _IRI.match(value) else "literal")
    return (str(value), "literal")


def _all_iris(table: list[dict[str, tuple[str, str] | None]], column: str) -> bool:
    values = [row.get(column) for row in table]
    present = [v for v in values if v is not None]
    return bool(present) and all(kind == "iri" for _text, kind in present)
