"""``tipkg draft ID``: proposals of records for a source, for review (the files written in
:mod:`.writing`; the source's sentences and country in :mod:`.reading`; the patterns in
:mod:`.entities`, :mod:`.values`, :mod:`.places` and :mod:`.cities`; the page in :mod:`.review`).

For each sentence: an ``about:`` record per entity of the graph it names; a record per new entity
it names; its dates as facts of the one entity it is about; its amounts as funding allocations;
its counts and list items as observations. Each cites the sentence (lengthened by the next one
where it occurs twice), so each quote is found once in the source.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from tipkg.curation.drafting.cities import CITY, CityMention, city_mentions, resolve_city
from tipkg.curation.drafting.entities import NewEntity, new_entities, slug
from tipkg.curation.drafting.places import COUNTRY, PlaceMention, gazetteer, other_language, place_mentions, resolve
from tipkg.curation.drafting.proposals import Proposal
from tipkg.curation.drafting.reading import Sentence, country_currency, sentences, source_country
from tipkg.curation.names import Mention, NameEntry, NameIndex, key
from tipkg.curation.sources import Source, load_sources
from tipkg.errors import TipkgError

Spans = dict[str, tuple[int, int]]  # each entity a sentence names -> where it first does
# Verbs that make a date a founding date (else a start date).
_FOUNDED = re.compile(r"\b(creat|establish|found|set up|cre[óa]|establec|fund[óa])", re.IGNORECASE)
# Words that date a count at the report's date.
_TO_DATE = re.compile(r"\b(to date|at present|currently|so far|a la fecha|hasta la fecha|actualmente)\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:has|have|ha|han)\s+(?:been\s+|sido\s+)?[a-záéíóú]+(?:ed|en|ado|ido)\b", re.IGNORECASE)
# The figures proposed, by bound: a count exact, "more than" or "about" (observedMoreThan, observedAbout),
# an amount exact (an amount has no approximate value).
_PROPOSED = {"count": ("exact", "more-than", "approximate"), "amount": ("exact",)}
_COUNTED = {"exact": "observedValue", "more-than": "observedMoreThan", "approximate": "observedAbout"}
_LEGAL = ("Law", "Regulation", "InternationalInstrument", "LegalInstrument", "Guideline")
# File of each proposed class.
KINDS = {
    "Program": "programs",
    "Award": "programs",
    "Guideline": "legal",
    "LegalProvision": "legal",
    "City": "places",
    "Campaign": "campaigns",
    "Law": "legal",
    "Regulation": "legal",
    "InternationalInstrument": "legal",
    "Fund": "funding",
    "FundingAllocation": "funding",
    "Shelter": "services",
    "Hotline": "services",
    "InterAgencyCommittee": "committee",
    "Observation": "statistics",
    "Country": "places",
    "FederalEntity": "places",
}
# Every curated file a proposal can go to (``_kind``): those above and ``actors``, for the rest.
FILES = frozenset({*KINDS.values(), "actors"})
# A verb of which the entity named just before it is the subject: one who gives money, or receives it.
_AUX = r"(?:\s*\([^()]*\))?(?:\s+(?:has|have|had|also|ha|han|había|también))*\s+"
_GIVES = re.compile(
    _AUX + r"(?:gave|gives|give|given|granted|grants|allocated|allocates|donated|donates|funded|funds|provided|provides|"
    r"otorgó|otorga|asignó|asigna|destinó|destina|donó|dona|financió|financia|aportó|aporta)\b",
    re.IGNORECASE,
)
_RECEIVES = re.compile(
    _AUX + r"(?:received|receives|obtained|obtains|recibió|recibe|obtuvo|obtiene)\b",
    re.IGNORECASE,
)


class Drafter:
    """Proposals for one source, given the names the graph already holds."""

    def __init__(self, source: Source, index: NameIndex, indicators: Any) -> None:
        self.source = source
        self.index = index
        self.indicators = indicators
        self.known = {key(e.name) for e in index.entries}
        self.ids = {e.id for e in index.entries}
        self.classes = {e.id: e.cls for e in index.entries}
        self.new: dict[str, str] = {}  # key of each name of a proposed entity -> its id
        self.proposals: list[Proposal] = []
        self.currency = country_currency(source)
        self.country = source_country(source)
        self.places: dict[str, str] = {}  # ISO code of each place proposed -> its id
        self._graph_places = {key(e.name): e.id for e in index.entries if e.cls in ("Country", "FederalEntity", "City")}
        self._counter: Counter[str] = Counter()
        self._new_names: dict[str, str] = {}  # each name of a proposed entity -> its id
        self._index_of_new: NameIndex | None = None
        self.left_out = 0  # the figures the text bounds otherwise ("at least 26"): no value to propose

    def run(self) -> list[Proposal]:
        for sentence in sentences(self.source):
            if sentence.quote is not None:
                self.sentence(sentence)
        return self.proposals

    def _id(self, prefix: str, name: str) -> str:
        base = f"{prefix}/{name}"
        local, n = base, 1
        while local in self.ids:
            n += 1
            local = f"{base}-{n}"
        self.ids.add(local)
        return local

    def _add(self, kind: str, record: dict[str, Any], confidence: float, reason: str, sentence: Sentence, span: tuple[int, int]) -> None:
        self.proposals.append(Proposal(kind, record, confidence, reason, sentence.start + span[0], sentence.start + span[1]))

    def sentence(self, sentence: Sentence) -> None:
        quote = sentence.quote
        assert quote is not None
        places = place_mentions(sentence.text, self.source.language)
        # the longest name wins, the graph's or ISO's: "Mexico City" is no mention of Mexico
        mentions = [m for m in self.index.mentions(sentence.text) if not any(_inside(m, p) for p in places)]
        subjects: Spans = {}
        for mention in mentions:
            if mention.id not in subjects:
                subjects[mention.id] = (mention.start, mention.end)
                record = {"about": mention.id, "evidence": quote}
                reason = f"names {mention.id} as {mention.name!r}"
                self._add(KINDS.get(self._class(mention.id), "actors"), record, 0.8, reason, sentence, (mention.start, mention.end))
        cities = city_mentions(sentence.text)
        countries = {p.places[0].code for p in places if p.places[0].cls == COUNTRY} | {self.country or ""}
        for place in places:  # a new place is no subject: it has no founding date
            city = next((c for c in cities if c.start == place.start and c.end == place.end), None)
            if city is None:
                self.place(place, sentence, mentions, subjects)
            elif not self.place(place, sentence, mentions, subjects, prefer_city=True):
                self.city(city, sentence, mentions, countries)
        for city in cities:
            if not any(p.start < city.end and city.start < p.end for p in places):
                self.city(city, sentence, mentions, countries)
        for entity in new_entities(sentence.text, frozenset([p.start for p in places] + [c.start for c in cities])):
            local = self.entity(entity, sentence, mentions)
            if local:
                subjects.setdefault(local, (entity.start, entity.end))
        for mention in self._draft_index().mentions(sentence.text):  # entities proposed earlier, by any of their names
            subjects.setdefault(mention.id, (mention.start, mention.end))
        self.values(sentence, subjects)

    def _draft_index(self) -> NameIndex:
        if self._index_of_new is None:
            self._index_of_new = NameIndex([NameEntry(i, "", n) for n, i in self._new_names.items()])
        return self._index_of_new

    def entity(self, entity: NewEntity, sentence: Sentence, mentions: list[Mention]) -> str | None:
        """Propose a new entity unless the graph (or this draft) already has one of its names."""
        names = [entity.label, *(n for n in (entity.acronym, entity.translation) if n), *entity.aliases]
        keys = [key(n) for n in names]
        if any(k in self.known for k in keys) or any(m.start < entity.end and entity.start < m.end for m in mentions):
            return None
        for k in keys:
            if k in self.new:
                return self.new[k]
        local = self._id(entity.prefix, slug(entity.acronym or entity.translation or entity.label))
        language = self.source.language
        # a translation follows a foreign name: in an English source it is the English name, the
        # label, and the name is in the source country's other language (where it has one only: a
        # name in an unknown language is left to the reason, never tagged with the source's);
        # elsewhere the name is the source's, and the translation English
        reason = entity.reason
        names_by_language: dict[str, str] = {}
        if entity.translation and language == "en":
            names_by_language["en"] = entity.translation
            original = other_language(self.country, language)
            if original:
                names_by_language[original] = entity.label
            else:
                reason += f"; it translates {entity.label!r}, whose language is not known"
        else:
            names_by_language[language] = entity.label
            if entity.translation:
                names_by_language.setdefault("en", entity.translation)
        record: dict[str, Any] = {"id": local, "type": entity.cls, "label": names_by_language}
        alt: list[Any] = [n for n in (entity.acronym, *entity.aliases) if n]
        if alt:
            record["altLabel"] = alt
        record["evidence"] = sentence.quote
        self._add(KINDS.get(entity.cls, "actors"), record, entity.confidence, reason, sentence, (entity.start, entity.end))
        for k, n in zip(keys, names, strict=True):
            self.new[k] = local
            self._new_names[n] = local
        self._index_of_new = None
        return local

    def _place_id(self, code: str) -> str | None:
        """The id the graph (by any of the place's names) or this draft gives a place."""
        for name in gazetteer(self.source.language).names(code):
            if key(name) in self._graph_places:
                return self._graph_places[key(name)]
        return self.places.get(code)

    def place(self, mention: PlaceMention, sentence: Sentence, mentions: list[Mention], subjects: Spans, prefer_city: bool = False) -> bool:
        """Propose a country or state the graph and this draft do not hold yet (once); name one they
        hold. With ``prefer_city`` (a city bears the name too), only a country or a state of the
        source's country: a lone state elsewhere ("Santa Ana", of El Salvador) yields to the city.
        Whether the name was taken as this place."""
        if any(m.start < mention.end and mention.start < m.end for m in mentions):
            return True  # the graph's name holding it was matched (the longest wins)
        resolved = resolve(mention, self.country)
        if resolved is None or (prefer_city and resolved[0].cls != COUNTRY and resolved[0].country != self.country):
            return False
        place, confidence = resolved
        span = (mention.start, mention.end)
        known = self._place_id(place.code)
        if known:
            if place.by_demonym:
                return True  # "Mexican consulates" are not about Mexico
            if known not in self.places.values() and known not in subjects:  # the graph's, by another name
                subjects[known] = (mention.start, mention.end)  # one about: record per sentence, as for the graph's other names
                reason = f"names {known} ({place.code}) as {mention.text!r}"
                self._add("places", {"about": known, "evidence": sentence.quote}, 0.8, reason, sentence, span)
            return True
        local = self._id("place", slug(place.name if place.cls == COUNTRY else mention.text))
        label = place.name if place.by_demonym else mention.text
        record: dict[str, Any] = {"id": local, "type": place.cls, "label": {self.source.language: label}}
        record["evidence"] = sentence.quote
        record["iso3166Code"] = place.code
        if place.former:
            record["formerIso3166Code"] = place.former
        reason = f"names {'the country' if place.cls == COUNTRY else 'the subdivision'} {place.code} ({place.name})"
        reason += f" by its people's adjective {mention.text!r}" if place.by_demonym else ""
        other = sorted({n for n in gazetteer(self.source.language).names(place.code) if key(n) != key(label)})
        if other and place.cls == COUNTRY:  # not names the text gives: for the curator, not for the record
            reason += f"; ISO 3166 also calls it {'; '.join(other)}"
        if place.cls != COUNTRY:
            country = self._place_id(place.country)
            if country:
                record["country"] = country
            if place.country != self.country:
                reason += f" of {place.country}, the only one so named: the source's country is {self.country or 'not known'}"
        self._add("places", record, confidence, reason, sentence, span)
        self.places[place.code] = local
        return True

    def city(self, mention: CityMention, sentence: Sentence, mentions: list[Mention], countries: set[str]) -> None:
        """Propose a city the graph and this draft do not hold yet (once), in its country where that is known."""
        if any(m.start < mention.end and mention.start < m.end for m in mentions) or key(mention.text) in self._graph_places:
            return
        resolved = resolve_city(mention, countries)
        if resolved is None or f"city:{resolved[0].geonames_id}" in self.places:
            return
        city, confidence = resolved
        local = self._id("place", slug(mention.text))
        record: dict[str, Any] = {"id": local, "type": CITY, "label": {self.source.language: mention.text}, "evidence": sentence.quote}
        country = self._place_id(city.country)
        if country:
            record["country"] = country
        reason = f"names the city {city.name} ({city.country}, GeoNames {city.geonames_id}) after a word of place"
        reason += "" if len(mention.cities) == 1 else f"; {len(mention.cities)} cities bear the name: check it"
        self._add("places", record, confidence, reason, sentence, (mention.start, mention.end))
        self.places[f"city:{city.geonames_id}"] = local

    def values(self, sentence: Sentence, subjects: dict[str, tuple[int, int]]) -> None:
        from tipkg.curation.drafting.indicators import attach_indicator
        from tipkg.curation.drafting.values import find_list_items, find_values

        found = find_values(sentence.text, self.source.language, self.currency or "")
        figures = [f for f in found if f.kind in ("amount", "count")]
        period = _period([f for f in found if f.kind in ("date", "period")]) if figures else {}
        period = period or (self._as_of(sentence.text) if figures else {})
        for item in found:
            if item.kind in ("date", "period") and subjects and not (figures and period):
                self.date(sentence, item, subjects)
            elif item.kind in ("amount", "count") and item.bound not in _PROPOSED[item.kind]:
                self.left_out += 1  # "at least 26", "fewer than 10", "about 5 million pesos": no value to propose
            elif item.kind == "amount":
                self.amount(sentence, item, subjects, period)
            elif item.kind == "count":
                indicator = attach_indicator(sentence.text, item, self.indicators)
                self.count(sentence, item, indicator, list(subjects), period, None)
        for label, item in find_list_items(sentence.text, self.source.language):
            if item.bound not in _PROPOSED["count"]:
                self.left_out += 1
                continue
            indicator = attach_indicator(sentence.text, item, self.indicators)
            self.count(sentence, item, indicator, list(subjects), period, label)

    def date(self, sentence: Sentence, item: Any, subjects: dict[str, tuple[int, int]]) -> None:
        """A date (or period) as a fact of the entity named last before it, else first after it
        ("In 2008 Mexico created the X"): "until 2010" ends, "since 2010" starts, "before" and
        "after" give no date; only a date the text gives as such, with a founding verb, founds."""
        relation = item.relation
        if relation in ("before", "after"):
            return
        before = [s for s in subjects if subjects[s][0] < item.start]
        after = [s for s in subjects if subjects[s][0] >= item.end] or list(subjects)  # (else one inside it)
        subject = max(before, key=lambda s: subjects[s][0]) if before else min(after, key=lambda s: subjects[s][0])
        cls = self._class(subject)
        record: dict[str, Any] = {"about": subject}
        if item.kind == "period":
            record["startDate"], record["endDate"] = item.value.split("/")
        elif relation in ("until", "by", "through"):
            record["endDate"] = item.value
        elif relation == "since":
            record["startDate"] = item.value
        elif cls in _LEGAL:
            record["legislationDate"] = item.value
        else:
            record["foundingDate" if _FOUNDED.search(sentence.text) else "startDate"] = item.value
        record["evidence"] = sentence.quote
        first = min(subjects, key=lambda s: subjects[s][0])
        visible = subject == first and subject in before  # named first, before the date: the subject one can see
        where = "named last before it" if before else "named first after it"
        reason = f"{item.reason}; {subject} is the entity {where}" + (f" of {len(subjects)}" if len(subjects) > 1 else "")
        reason += "" if visible else ": it may not be the sentence's subject"
        confidence = item.confidence * (0.7 if visible else 0.5)
        self._add(KINDS.get(cls, "actors"), record, confidence, reason, sentence, (item.start, item.end))

    def _as_of(self, text: str) -> dict[str, str]:
        """A count "to date", "at present" or in the present perfect ("have legislated") holds at the
        report's date (the metadata's ``issued``), as the curation rules read it."""
        issued = getattr(self.source.meta.items.get("issued"), "text", None)
        return {"asOf": issued} if issued and (_TO_DATE.search(text) or _PERFECT.search(text)) else {}

    def amount(self, sentence: Sentence, item: Any, subjects: dict[str, tuple[int, int]], period: dict[str, str]) -> None:
        """An exact amount as an allocation: through the one fund or program the sentence names; from
        the one entity that gives it ("X granted"), to the one that receives it ("X received")."""
        self._counter["allocation"] += 1
        amount: dict[str, Any] = {"value": item.value}
        if item.currency:
            amount["currency"] = item.currency
        if item.currency_inferred:
            amount["currencyInferred"] = True
        local = self._id("allocation", f"{self.source.id}-{self._counter['allocation']}")
        record: dict[str, Any] = {"id": local, "type": "FundingAllocation", "evidence": sentence.quote, "amount": amount, **period}
        channels = [s for s in subjects if self._class(s) in ("Fund", "FundingProgram", "Program", "NationalProgram")]
        others = [s for s in subjects if s not in channels]
        text = sentence.text
        funders = [s for s in others if _GIVES.match(text, subjects[s][1])]
        beneficiaries = [s for s in others if _RECEIVES.match(text, subjects[s][1])]
        if len(channels) == 1:
            record["fundingChannel"] = channels[0]
        if len(funders) == 1:
            record["funder"] = funders[0]
        if len(beneficiaries) == 1:
            record["beneficiary"] = beneficiaries[0]
        reason = item.reason + ("" if item.currency else "; no currency: the source's country is not known")
        self._add("funding", record, item.confidence, reason, sentence, (item.start, item.end))

    def count(
        self, sentence: Sentence, item: Any, indicator: str | None, subjects: list[str], period: dict[str, str], label: str | None
    ) -> None:
        self._counter["stat"] += 1
        local = self._id("stat", f"{self.source.id}-{indicator or 'count'}-{self._counter['stat']}")
        record: dict[str, Any] = {"id": local, "type": "Observation", "evidence": sentence.quote}
        if indicator:
            record["indicator"] = indicator
        record[_COUNTED[item.bound]] = int(item.value) if item.value.isdigit() else item.value
        record.update(period)
        if len(subjects) == 1:
            record["concerns"] = subjects[0]
        reason = item.reason + (f"; item {label!r} of a list" if label else "") + ("" if indicator else "; no indicator found: give one")
        self._add("statistics", record, item.confidence * (1.0 if indicator else 0.6), reason, sentence, (item.start, item.end))

    def _class(self, local: str) -> str:
        if local in self.classes:
            return self.classes[local]
        for p in self.proposals:
            if p.record.get("id") == local:
                return str(p.record.get("type", ""))
        return ""


def _inside(mention: Mention, place: PlaceMention) -> bool:
    """Whether ``mention`` lies inside the longer name ``place``."""
    return place.start <= mention.start and mention.end <= place.end and mention.end - mention.start < place.end - place.start


def _period(dates: list[Any]) -> dict[str, str]:
    """The period a sentence gives its figures: one period, or one year (start and end)."""
    periods = [d for d in dates if d.kind == "period"]
    if len(periods) == 1:
        start, end = periods[0].value.split("/")
        return {"startDate": start, "endDate": end}
    if len(dates) == 1 and dates[0].precision == "year":
        return {"startDate": dates[0].value, "endDate": dates[0].value}
    if len(dates) == 1:
        return {"startDate": dates[0].value}
    return {}


def draft(root: Path, source_id: str) -> tuple[Source, list[Proposal]]:
    """The proposals for a source of the project at ``root``."""
    source, drafter = drafter_for(root, source_id)
    return source, drafter.run()


def drafter_for(root: Path, source_id: str) -> tuple[Source, Drafter]:
    from tipkg.curation.drafting.indicators import indicator_labels

    sources = load_sources(root / "graph_data" / "sources", root)
    if source_id not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise TipkgError(f"no source {source_id!r} in graph_data/sources (known: {known})")
    source = sources[source_id]
    return source, Drafter(source, NameIndex.from_project(root), indicator_labels(root / "ontology"))
