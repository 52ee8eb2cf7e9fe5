"""The search by words (tipkg.network.search.search) on the real build: a table of queries and the
entity each must find first, each row checked against the names the store holds; and, for every
name in the graph, that it finds its entity, accents and case aside."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest

import tipkg
from tipkg.messages import languages, text
from tipkg.network.reading import load_network
from tipkg.network.search import search, words
from tipkg.sparql.codepoints import fold

BASE = "https://w3id.org/tipkg/id/"
Q_NAMES = "SELECT ?s ?name WHERE { VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } ?s ?p ?name . FILTER(isIRI(?s)) }"

TABLE = [
    ("FEVIMTRA unit", "en", "agency/fevimtra"),  # an acronym and a word of the name it stands for
    ("unit fevimtra", "es", "agency/fevimtra"),
    ("fevimtra", "en", "agency/fevimtra"),
    ("institute migration", "en", "agency/inm"),
    ("NATIONAL migration INSTITUTE", "es", "agency/inm"),
    ("coinversion", "es", "program/pcs"),
    ("social COINVERSIÓN", "en", "program/pcs"),
    ("dialogos comunidad", "es", "activity/community-dialogues"),
    ("pro-equidad", "es", "fund/pro-equidad"),
    ("palermo protocol", "en", "instrument/palermo-protocol"),
    ("prosecutor office general", "en", "agency/pgr"),
]


@pytest.fixture(scope="module")
def net(built_real: Path) -> nx.MultiDiGraph:
    return load_network(built_real / "build")


@pytest.fixture(scope="module")
def names(built_real: Path) -> dict[str, list[str]]:
    """Every name of every IRI, as the store holds them (not as the network reads them)."""
    out: dict[str, list[str]] = defaultdict(list)
    for s, name in tipkg.open(built_real).query(Q_NAMES).rows:
        out[str(s)].append(str(name))
    return out


@pytest.mark.parametrize(("query", "lang", "first"), TABLE)
def test_a_query_finds_its_entity_first(net: nx.MultiDiGraph, names: dict[str, list[str]], query: str, lang: str, first: str) -> None:
    held = {w for name in names[BASE + first] for w in words(name)} | set(words(first))
    assert all(any(h.startswith(w) for h in held) for w in words(query)), f"the data gives {first} no such words"
    hits = search(net, query, lang)
    assert hits and hits[0]["iri"] == BASE + first, hits[:3]


def test_every_name_finds_its_entity_among_those_so_named(net: nx.MultiDiGraph, names: dict[str, list[str]]) -> None:
    checked = 0
    for iri, own in sorted(names.items()):
        if iri not in net:
            continue
        for name in own:
            hits = search(net, name)
            exact = [h["iri"] for h in hits if words(h["matched"]) == words(name)]
            assert hits and words(hits[0]["matched"]) == words(name), (name, hits[:2])
            assert iri in exact, (name, iri, exact)
            checked += 1
    assert checked > 200


def test_accents_and_case_do_not_matter(net: nx.MultiDiGraph, names: dict[str, list[str]]) -> None:
    accented = [(iri, n) for iri, own in names.items() if iri in net for n in own if n != fold(n) and not n.isascii()]
    assert len(accented) > 10
    for iri, name in accented:
        for variant in (fold(name), name.upper(), " ".join(reversed(name.split()))):
            assert iri in [h["iri"] for h in search(net, variant)], (variant, iri)


# A fictional graph: the real data names the INM in English only (as its report does), so the Spanish
# name is tried here, beside a longer name with the word, and names that only look like it.
FICTIONAL = """
@prefix tipkg: <https://w3id.org/tipkg/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix f: <https://example.org/fictional/> .
f:institute a tipkg:GovernmentBody ; skos:prefLabel "Instituto Nacional de Migración"@es, "Office of Arrivals"@en .
f:program a tipkg:Program ; skos:prefLabel "Programa de Migración y Retorno Voluntario"@es .
f:council a tipkg:GovernmentBody ; skos:prefLabel "Consejo Migratorio"@es .
f:women a tipkg:GovernmentBody ; skos:prefLabel "Instituto Nacional de las Mujeres"@es .
"""


@pytest.mark.parametrize("text", ["migracion", "MIGRACIÓN", "migración nacional"])
def test_migracion_finds_the_institute_by_its_spanish_name_first(text: str) -> None:
    import pyoxigraph as ox

    from tipkg.network.reading import from_store

    store = ox.Store()
    store.load(FICTIONAL.encode("utf-8"), ox.RdfFormat.TURTLE)
    g = from_store(store, "https://example.org/fictional/")
    hits = search(g, text, "en")
    assert hits and hits[0]["iri"] == "https://example.org/fictional/institute"
    assert hits[0]["matched"] == "Instituto Nacional de Migración" and hits[0]["label"] == "Office of Arrivals"
    expected = ["institute", "program"] if len(words(text)) == 1 else ["institute"]
    assert [h["iri"].rsplit("/", 1)[-1] for h in hits] == expected  # not the council (migratorio) nor the women's institute


def test_migracion_finds_every_name_with_a_word_like_it(net: nx.MultiDiGraph, names: dict[str, list[str]]) -> None:
    having = {iri for iri, own in names.items() if iri in net and any(w.startswith("migracion") for n in own for w in words(n))}
    assert {h["iri"] for h in search(net, "migracion")} == having


@pytest.mark.parametrize("lang", languages())
def test_the_search_placeholders_examples_find_something(net: nx.MultiDiGraph, lang: str) -> None:
    examples = re.split(r",\s*", text("viz.search_placeholder", lang).rsplit(".", 1)[-1].strip())
    assert len(examples) == 2 and "peña" not in examples
    for example in examples:
        assert search(net, example, lang), example
