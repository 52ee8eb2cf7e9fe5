"""Entity parameters: a saved query's ``iri`` parameter declared ``entity: true`` must name an entity.

An IRI names an entity of the graph when it lies under the data's base IRI (the IRIs the build
mints, like ``https://w3id.org/tipkg/id/agency/fevimtra``) and is the subject of an ``rdf:type``
triple. Ontology terms and concept codes live under other namespaces and named graphs have no
type, so none of them is an entity; a typo, or a name given where an id is wanted, is not either.

Without this check such a value answers no rows, as if the graph knew nothing about the entity.
The check is one ``ASK`` per declared parameter on the engine the query runs on, so it never
changes an answer; only when it fails are the graph's named entities listed (once per engine) to
suggest the closest ids, by id and by name, accents and case aside.
"""

from __future__ import annotations

import difflib
import re
from typing import Any
from weakref import WeakKeyDictionary

from rdflib import Literal, URIRef

from tipkg.engines.oxigraph import is_iri
from tipkg.errors import TipkgError
from tipkg.sparql.codepoints import fold, shown
from tipkg.sparql.saved import QueryError, SavedQuery

Q_IS_ENTITY = "ASK { $entity a ?class }"
# the candidates for suggestions: the entities with a name under the base IRI (written in as an
# IRI: it was checked when the graph was built). No statement or evidence quote has a name, and they
# are most of a graph's entities; one plain pattern, as every engine (and a store's row limit) takes it
Q_ENTITIES = """SELECT DISTINCT ?entity ?name WHERE {
  ?entity skos:prefLabel|skos:altLabel|rdfs:label ?name . ?entity a ?class .
  FILTER(isIRI(?entity) && STRSTARTS(STR(?entity), STR(<%s>)))
}"""
SUGGESTIONS = 3
_entities: WeakKeyDictionary[Any, dict[str, list[str]]] = WeakKeyDictionary()  # engine -> {id: names}


def check_entities(engine: Any, query: SavedQuery, bindings: dict[str, URIRef | Literal], base: str) -> None:
    """Raise :class:`QueryError` with the closest ids if an entity parameter names no entity."""
    for param in query.params:
        value = bindings.get(param.name)
        if not param.entity or not isinstance(value, URIRef):
            continue
        if str(value).startswith(base) and engine.run(Q_IS_ENTITY, {"entity": value}).boolean:
            continue
        under = str(value).startswith(base)
        given = str(value)[len(base) :] if under else f"<{value}>"
        # an IRI of another namespace is compared by its last part (another base, a typo in it)
        close = suggest(given if under else re.split(r"[/#]", str(value).rstrip("/#"))[-1], entities(engine, base))
        hint = f"; did you mean {', '.join(close)}?" if close else "; give an id like agency/fevimtra (search_entities finds ids by name)"
        raise QueryError(f"parameter {param.name!r}: {shown(given, 200, quotes=False)} names no entity of the graph{hint}")


def entities(engine: Any, base: str) -> dict[str, list[str]]:
    """Each named entity's id (its IRI less the base) and names, listed once per engine (a store is
    read-only); none where the engine cannot list them (a remote store's row limit, say)."""
    if engine in _entities:
        return _entities[engine]
    try:
        rows = engine.run(Q_ENTITIES % base, {}).rows if is_iri(base) else []
    except TipkgError:
        return {}  # the suggestions are a help: the error is said without them (and tried again next time)
    found: dict[str, list[str]] = {}
    for entity, name in rows:
        if isinstance(entity, URIRef) and len(str(entity)) > len(base):
            found.setdefault(str(entity)[len(base) :], []).append(str(name))
    _entities[engine] = found
    return found


def suggest(given: str, known: dict[str, list[str]], n: int = SUGGESTIONS) -> list[str]:
    """The ids closest to ``given``, compared folded with each id, its last part and each name.

    First the keys equal to ``given``, then those that contain it (shortest first), then the most
    similar ones (difflib). An id found through one of its names is shown with that name.
    """
    wanted = fold(given)[:200]
    keys: dict[str, list[tuple[str, str | None]]] = {}
    for eid, names in known.items():
        for key in (fold(eid), fold(eid.rsplit("/", 1)[-1])):
            keys.setdefault(key, []).append((eid, None))
        for name in names:
            keys.setdefault(fold(name), []).append((eid, name))
    containing = sorted((k for k in keys if len(wanted) >= 3 and wanted in k and k != wanted), key=lambda k: (len(k), k))
    similar = difflib.get_close_matches(wanted, list(keys), n=4 * n, cutoff=0.6)
    out: dict[str, str] = {}
    for key in [*([wanted] if wanted in keys else []), *containing[: 4 * n], *similar]:
        for eid, matched in keys[key]:
            if eid not in out:
                out[eid] = eid if matched is None else f"{eid} ({_short(matched)})"
    return list(out.values())[:n]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
