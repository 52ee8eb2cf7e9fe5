"""The class pages in-process (Starlette's TestClient): the home page's counts link to them, every
facet count equals a COUNT query run on the store (tests/facets_support.py), a facet value's link
narrows the list to that many members, its remove link restores it, pages follow each other."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from facets_support import expected_counts, expected_members
from service_support import client_for

from tipkg.kg import KnowledgeGraph
from tipkg.messages import text
from tipkg.namespaces import TIPKG
from tipkg.service.views.pager import grouped


class ClassPage(HTMLParser):
    """What a class page shows: each facet's values (key, count, link), the members' id links in
    order, the active filters' remove links, the next and previous links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.facets: dict[str, dict[str, tuple[int, str]]] = {}
        self.members: list[str] = []
        self.remove: list[str] = []
        self.rel: dict[str, str] = {}
        self._facet = ""
        self._link: tuple[str, str] | None = None
        self._in_members = False
        self._count = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section":
            self._facet = a.get("data-facet", "")
            self._in_members = "members" in a.get("class", "")
            if self._facet:
                self.facets[self._facet] = {}
        elif tag == "a" and "data-key" in a:
            self._link = (a["data-key"], a["href"])
        elif tag == "a" and a.get("class") == "remove":
            self.remove.append(a["href"])
        elif tag == "a" and a.get("rel"):
            self.rel[a["rel"]] = a["href"]
        elif tag == "a" and self._in_members and a["href"].startswith("/id/"):
            self.members.append(a["href"])
        self._count = tag == "span" and a.get("class") == "count"

    def handle_data(self, data: str) -> None:
        if self._count and self._link:
            key, href = self._link
            self.facets[self._facet][key] = (int(data), href)
            self._link, self._count = None, False


def get(client: Any, path: str) -> ClassPage:
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    return ClassPage(r.text)


def key_of(term: str | None, base: str) -> str:
    if term is None:
        return "none"
    return re.sub(rf"^({re.escape(base)}(source|place)/|https://w3id.org/tipkg/concept/(theme|area)-)", "", term)


def test_the_home_pages_counts_link_to_class_pages_of_that_many_members(client: Any, kg: KnowledgeGraph) -> None:
    home = client.get("/").text
    counts = {str(c).removeprefix(str(TIPKG)): int(str(n)) for c, n in kg.query("counts_by_class").rows}
    links = dict(re.findall(r'<td class="number"><a href="/classes/(\w+)">(\d+)</a>', home))
    assert {name: int(n) for name, n in links.items()} == counts
    for name, n in sorted(counts.items()):
        page = client.get(f"/classes/{name}").text
        assert len(ClassPage(page).members) == n, name
        assert f"<h2>{heading(n, 'en')}</h2>" in page


def heading(n: int, lang: str) -> str:
    """A class page's heading for ``n`` members: one word for one, the count grouped as the pager groups it."""
    return text("site.class.member_one" if n == 1 else "site.class.members", lang, total=grouped(n, lang))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_heading_says_one_entity_or_many_in_each_language(client: Any, kg: KnowledgeGraph, lang: str) -> None:
    counts = {str(c).removeprefix(str(TIPKG)): int(str(n)) for c, n in kg.query("counts_by_class").rows}
    one, many = min(counts, key=lambda c: counts[c]), max(counts, key=lambda c: counts[c])
    assert counts[one] == 1 < counts[many]
    for name in (one, many):
        page = client.get(f"/classes/{name}", params={"lang": lang}).text
        assert re.findall(r"<h2>([^<]*)</h2>", page)[-1] == heading(counts[name], lang)
    assert heading(1, lang) != heading(2, lang).replace("2", "1")  # a singular of its own, not "1 entities"
    assert heading(12345, lang) == text("site.class.members", lang, total={"en": "12,345", "es": "12\u202f345"}[lang])
    page = client.get(f"/classes/{many}", params={"lang": lang, "size": 7, "page": 2}).text
    assert text("site.class.shown", lang, first=8, last=14, total=counts[many]) in page


@pytest.mark.parametrize("name", ["Campaign", "Observation", "Law", "GovernmentBody"])
def test_facet_counts_equal_count_queries_on_the_store(client: Any, kg: KnowledgeGraph, name: str) -> None:
    shown = get(client, f"/classes/{name}").facets
    assert list(shown) == ["source", "area", "theme", "year", "action"]
    for facet, values in shown.items():
        expected = {key_of(v, kg.base): n for v, n in expected_counts(kg, name, facet).items()}
        assert {key: n for key, (n, _href) in values.items()} == expected, facet


@pytest.mark.parametrize(
    ("facet", "value"), [("theme", "awareness-raising"), ("area", "mexico"), ("year", "none"), ("action", "prevention")]
)
def test_a_value_narrows_the_list_and_its_remove_link_restores_it(client: Any, kg: KnowledgeGraph, facet: str, value: str) -> None:
    whole = get(client, "/classes/Campaign")
    count, href = whole.facets[facet][value]
    narrowed = get(client, href)
    term = {"theme": f"https://w3id.org/tipkg/concept/theme-{value}", "area": f"{kg.base}place/{value}", "year": None}.get(facet)
    term = f"https://w3id.org/tipkg/concept/area-{value}" if facet == "action" else term
    wanted = expected_members(kg, "Campaign", {facet: term})
    assert len(narrowed.members) == count == len(wanted) < len(whole.members)
    assert {f"/id/{m.removeprefix(kg.base)}" for m in wanted} == set(narrowed.members)
    assert narrowed.facets[facet][value][0] == count  # the chosen value, still counted, links to its removal
    assert narrowed.remove == [narrowed.facets[facet][value][1]]
    assert get(client, narrowed.remove[0]).members == whole.members


def test_two_values_combine_with_and(client: Any, kg: KnowledgeGraph) -> None:
    theme = get(client, get(client, "/classes/Campaign").facets["theme"]["awareness-raising"][1])
    count, href = theme.facets["area"]["mexico"]
    both = get(client, href)
    assert "theme=awareness-raising" in href and "area=mexico" in href
    concept = "https://w3id.org/tipkg/concept/theme-awareness-raising"
    wanted = expected_members(kg, "Campaign", {"theme": concept, "area": f"{kg.base}place/mexico"})
    assert len(both.members) == count == len(wanted) < len(theme.members)
    assert len(both.remove) == 2


def test_pages_link_to_each_other_in_one_order(client: Any) -> None:
    whole = get(client, "/classes/Observation").members
    seen, path, pages = [], "/classes/Observation?size=6", 0
    while path:
        page = get(client, path)
        assert len(page.members) <= 6
        seen += page.members
        path, pages = page.rel.get("next", ""), pages + 1
    assert seen == whole and pages == -(-len(whole) // 6) > 2
    back = get(client, get(client, "/classes/Observation?size=6&page=2").rel["prev"])
    assert back.members == whole[:6] and "next" in back.rel and "prev" not in back.rel


def test_the_page_is_in_the_language_asked_for(client: Any, kg: KnowledgeGraph) -> None:
    html = client.get("/classes/Campaign", params={"lang": "es"}).text
    for facet in ("source", "area", "theme", "year", "action"):
        assert f"<h2>{text(f'site.class.facet.{facet}', 'es')}</h2>" in html
    spanish = kg.query(
        "SELECT ?l WHERE { <https://w3id.org/tipkg/concept/theme-awareness-raising> skos:prefLabel ?l FILTER(LANG(?l) = 'es') }"
    )
    assert f">{spanish.rows[0][0]}</a>" in html
    link = ClassPage(html).facets["theme"]["awareness-raising"][1]
    assert "lang=es" in link


@pytest.mark.parametrize(
    ("path", "status"),
    [("/classes/Nothing", 404), ("/classes/a%20b", 404), ("/classes/Campaign?theme=a%20b", 400), ("/classes/Campaign?theme=%3Cx%3E", 400)],
)
def test_what_names_no_class_or_no_value_is_refused(client: Any, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert "<x>" not in r.text


def test_labels_that_look_like_html_are_text(built_network: Path) -> None:
    for hostile in client_for(built_network):
        html = hostile.get("/classes/GovernmentBody").text
        assert "Ministry of Care &lt;img src=x onerror=alert(1)&gt;" in html
        assert "<img" not in html and "<script" not in html
