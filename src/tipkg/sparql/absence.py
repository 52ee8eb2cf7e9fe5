"""Why a saved query answers nothing: the kinds of facts it is made of, which no source states.

A saved query's header may say which ontology terms its answer is made of (``needs: [Assessment]``,
classes or properties by local name). When it returns no rows and the graph holds none of them (no
instance of the classes, no statement of the properties), :func:`why_empty` says so and names the
sources it read, so an empty table is not taken for "none exist": the graph holds only what its
sources state, and a report of another kind may state them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tipkg.messages import text
from tipkg.namespaces import TIPKG

if TYPE_CHECKING:
    from tipkg.kg import KnowledgeGraph
    from tipkg.sparql.saved import SavedQuery

_ABSENT = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?label ?english WHERE {
  VALUES ?class { %s }
  FILTER NOT EXISTS { ?x a ?class }
  FILTER NOT EXISTS { ?x ?class ?y }
  OPTIONAL { ?class rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "%s")) }
  OPTIONAL { ?class rdfs:label ?english FILTER(LANGMATCHES(LANG(?english), "en")) }
}"""
_LANG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
_SOURCES = """PREFIX tipkg: <https://w3id.org/tipkg/ontology#>
SELECT ?source WHERE { ?source a tipkg:SourceDocument } ORDER BY ?source"""


def absent_terms(kg: KnowledgeGraph, saved: SavedQuery, lang: str = "en") -> list[str]:
    """The names (in ``lang``, else English, else the local name) of the terms ``saved`` needs that
    the graph holds nothing of: a class without instances, a property without statements."""
    if not saved.needs:
        return []
    if not _LANG.fullmatch(lang):  # it goes into the query text
        lang = "en"
    iris = [f"{TIPKG}{name}" for name in saved.needs]
    names: dict[str, str] = {}
    for cls, label, english in kg.engine.run(_ABSENT % (" ".join(f"<{i}>" for i in iris), lang), {}).rows:
        names.setdefault(str(cls), str(label or english or str(cls).removeprefix(str(TIPKG))))
    return [names[i] for i in iris if i in names]


def why_empty(kg: KnowledgeGraph, saved: SavedQuery, lang: str = "en") -> str | None:
    """One sentence on why ``saved`` has no rows, when the graph holds none of what it is made of; else
    ``None`` (the graph holds some of it: the answer is empty for other reasons, such as parameters)."""
    absent = absent_terms(kg, saved, lang)
    if not absent or len(absent) < len(saved.needs):
        return None
    sources = [str(row[0]).rsplit("/", 1)[-1] for row in kg.engine.run(_SOURCES, {}).rows]
    kinds = absent[0] if len(absent) == 1 else f"{', '.join(absent[:-1])} {text('query.or', lang)} {absent[-1]}"
    return text("query.empty", lang, kinds=kinds, sources=", ".join(sources) or "-")
