"""``tipkg draft ID``: proposals of records for a source, written for review (file I/O here; the
patterns live in :mod:`.entities` and :mod:`.values`, the page in :mod:`.review`).

For each sentence: an ``about:`` record per entity of the graph it names; a record per new entity
it names; its dates as facts of the one entity it is about; its amounts as funding allocations;
its counts and list items as observations. Each cites the sentence (lengthened by the next one
where it occurs twice), so each quote is found once in the source.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tipkg.curation.drafting.entities import NewEntity, new_entities, slug
from tipkg.curation.drafting.places import COUNTRY, PlaceMention, country_code, gazetteer, place_mentions, resolve
from tipkg.curation.drafting.proposals import Proposal, draft_text
from tipkg.curation.names import Mention, NameEntry, NameIndex, key
from tipkg.curation.sources import Source, load_sources, locate
from tipkg.errors import TipkgError

# Where a source's "$" is the country's currency: the country by its ISO code or its gov/ id.
CURRENCIES = {
    "mx": "MXN",
    "mexico": "MXN",
    "us": "USD",
    "united-states": "USD",
    "gt": "GTQ",
    "guatemala": "GTQ",
    "co": "COP",
    "colombia": "COP",
}
# Verbs that make a date a founding date (else a start date).
_FOUNDED = re.compile(r"\b(creat|establish|found|set up|cre[óa]|establec|fund[óa])", re.IGNORECASE)
# Words that date a count at the report's date.
_TO_DATE = re.compile(r"\b(to date|at present|currently|so far|a la fecha|hasta la fecha|actualmente)\b", re.IGNORECASE)
_PERFECT = re.compile(r"\b(?:has|have|ha|han)\s+(?:been\s+|sido\s+)?[a-záéíóú]+(?:ed|en|ado|ido)\b", re.IGNORECASE)
_LEGAL = ("Law", "Regulation", "InternationalInstrument", "LegalInstrument", "Guideline")
# File of each proposed class.
KINDS = {
    "Program": "programs",
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


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    quote: str | None  # a unique quote of the source holding the sentence, or None if there is none


def sentences(source: Source) -> list[Sentence]:
    """The source's sentences, each with the shortest unique quote that holds it."""
    from tipkg.curation.sentences import split

    spans = split(source.text, source.language)
    out = []
    for i, (start, end) in enumerate(spans):
        quote = None
        for last in range(i, min(i + 3, len(spans))):
            candidate = " ".join(source.text[start : spans[last][1]].split())
            if len(locate(source.text, candidate)) == 1:
                quote = candidate
                break
        out.append(Sentence(start, end, source.text[start:end], quote))
    return out


def country_currency(source: Source) -> str | None:
    """The currency a bare "$" stands for: that of the country the metadata names (``country``,
    or a ``gov/<country>`` creator or author), else None."""
    for field in ("country", "creator", "author"):
        value = source.meta.items.get(field)
        text = getattr(value, "text", None) or ""
        name = text.removeprefix("gov/").lower() if field == "country" or text.startswith("gov/") else ""
        if name in CURRENCIES:
            return CURRENCIES[name]
    return None


def source_country(source: Source) -> str | None:
    """The alpha-2 code of the country the metadata names (``country``, or a ``gov/<country>``
    creator or author): the country whose states the report's state names are taken to be."""
    for field in ("country", "creator", "author"):
        text = getattr(source.meta.items.get(field), "text", None) or ""
        if field == "country" or text.startswith("gov/"):
            code = country_code(text)
            if code:
                return code
    return None


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
        self._graph_places = {key(e.name): e.id for e in index.entries if e.cls in ("Country", "FederalEntity")}
        self._counter: Counter[str] = Counter()
        self._new_names: dict[str, str] = {}  # each name of a proposed entity -> its id
        self._index_of_new: NameIndex | None = None

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
        mentions = self.index.mentions(sentence.text)
        subjects: dict[str, int] = {}  # each entity the sentence names -> where it first does
        for mention in mentions:
            if mention.id not in subjects:
                subjects[mention.id] = mention.start
                record = {"about": mention.id, "evidence": quote}
                reason = f"names {mention.id} as {mention.name!r}"
                self._add(KINDS.get(self._class(mention.id), "actors"), record, 0.8, reason, sentence, (mention.start, mention.end))
        for place in place_mentions(sentence.text, self.source.language):
            self.place(place, sentence, mentions, subjects)  # a new place is no subject: it has no founding date
        for entity in new_entities(sentence.text):
            local = self.entity(entity, sentence, mentions)
            if local:
                subjects.setdefault(local, entity.start)
        for mention in self._draft_index().mentions(sentence.text):  # entities proposed earlier, by any of their names
            subjects.setdefault(mention.id, mention.start)
        self.values(sentence, subjects)

    def _draft_index(self) -> NameIndex:
        if self._index_of_new is None:
            self._index_of_new = NameIndex([NameEntry(i, "", n) for n, i in self._new_names.items()])
        return self._index_of_new

    def entity(self, entity: NewEntity, sentence: Sentence, mentions: list[Mention]) -> str | None:
        """Propose a new entity unless the graph (or this draft) already has one of its names."""
        names = [entity.label, *(n for n in (entity.acronym, entity.translation) if n)]
        keys = [key(n) for n in names]
        if any(k in self.known for k in keys) or any(m.start < entity.end and entity.start < m.end for m in mentions):
            return None
        for k in keys:
            if k in self.new:
                return self.new[k]
        local = self._id(entity.prefix, slug(entity.acronym or entity.label))
        record: dict[str, Any] = {"id": local, "type": entity.cls, "label": {self.source.language: entity.label}}
        alt: list[Any] = [n for n in (entity.acronym,) if n]
        if entity.translation:
            alt.append({"en": entity.translation} if self.source.language != "en" else entity.translation)
        if alt:
            record["altLabel"] = alt
        record["evidence"] = sentence.quote
        self._add(KINDS.get(entity.cls, "actors"), record, entity.confidence, entity.reason, sentence, (entity.start, entity.end))
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

    def place(self, mention: PlaceMention, sentence: Sentence, mentions: list[Mention], subjects: dict[str, int]) -> None:
        """Propose a country or state the graph and this draft do not hold yet (once); name one they hold."""
        if any(m.start < mention.end and mention.start < m.end for m in mentions):
            return  # the graph's name holding it was matched (the longest wins)
        resolved = resolve(mention, self.country)
        if resolved is None:
            return
        place, confidence = resolved
        span = (mention.start, mention.end)
        known = self._place_id(place.code)
        if known:
            if known not in self.places.values() and known not in subjects:  # the graph's, by another name
                subjects[known] = mention.start  # one about: record per sentence, as for the graph's other names
                reason = f"names {known} ({place.code}) as {mention.text!r}"
                self._add("places", {"about": known, "evidence": sentence.quote}, 0.8, reason, sentence, span)
            return
        local = self._id("place", slug(place.name if place.cls == COUNTRY else mention.text))
        record: dict[str, Any] = {"id": local, "type": place.cls, "label": {self.source.language: mention.text}}
        record["evidence"] = sentence.quote
        record["iso3166Code"] = place.code
        if place.former:
            record["formerIso3166Code"] = place.former
        reason = f"names {'the country' if place.cls == COUNTRY else 'the subdivision'} {place.code} ({place.name})"
        if place.cls != COUNTRY:
            country = self._place_id(place.country)
            if country:
                record["country"] = country
            if place.country != self.country:
                reason += f" of {place.country}, the only one so named: the source's country is {self.country or 'not known'}"
        self._add("places", record, confidence, reason, sentence, span)
        self.places[place.code] = local

    def values(self, sentence: Sentence, subjects: dict[str, int]) -> None:
        from tipkg.curation.drafting.indicators import attach_indicator
        from tipkg.curation.drafting.values import find_list_items, find_values

        found = find_values(sentence.text, self.source.language, self.currency or "")
        figures = [f for f in found if f.kind in ("amount", "count")]
        period = _period([f for f in found if f.kind in ("date", "period")]) if figures else {}
        period = period or (self._as_of(sentence.text) if figures else {})
        for item in found:
            if item.kind in ("date", "period") and subjects and not (figures and period):
                self.date(sentence, item, subjects)
            elif item.kind == "amount":
                self.amount(sentence, item, list(subjects), period)
            elif item.kind == "count":
                indicator = attach_indicator(sentence.text, item, self.indicators)
                self.count(sentence, item, indicator, list(subjects), period, None)
        for label, item in find_list_items(sentence.text, self.source.language):
            indicator = attach_indicator(sentence.text, item, self.indicators)
            self.count(sentence, item, indicator, list(subjects), period, label)

    def date(self, sentence: Sentence, item: Any, subjects: dict[str, int]) -> None:
        """A date (or period) as a fact of the entity named next after it (else last before it)."""
        after = [s for s in subjects if subjects[s] >= item.end]  # "in 2008 Mexico created the X": what follows the date
        subject = min(after, key=subjects.__getitem__) if after else max(subjects, key=subjects.__getitem__)
        cls = self._class(subject)
        record: dict[str, Any] = {"about": subject}
        if item.kind == "period":
            record["startDate"], record["endDate"] = item.value.split("/")
        elif cls in _LEGAL:
            record["legislationDate"] = item.value
        else:
            record["foundingDate" if _FOUNDED.search(sentence.text) else "startDate"] = item.value
        record["evidence"] = sentence.quote
        reason = f"{item.reason}; {subject} is the entity named next to it" + (f" of {len(subjects)}" if len(subjects) > 1 else "")
        confidence = item.confidence * (0.7 if len(subjects) == 1 else 0.5)
        self._add(KINDS.get(cls, "actors"), record, confidence, reason, sentence, (item.start, item.end))

    def _as_of(self, text: str) -> dict[str, str]:
        """A count "to date", "at present" or in the present perfect ("have legislated") holds at the
        report's date (the metadata's ``issued``), as the curation rules read it."""
        issued = getattr(self.source.meta.items.get("issued"), "text", None)
        return {"asOf": issued} if issued and (_TO_DATE.search(text) or _PERFECT.search(text)) else {}

    def amount(self, sentence: Sentence, item: Any, subjects: list[str], period: dict[str, str]) -> None:
        self._counter["allocation"] += 1
        amount: dict[str, Any] = {"value": item.value}
        if item.currency:
            amount["currency"] = item.currency
        if item.currency_inferred:
            amount["currencyInferred"] = True
        local = self._id("allocation", f"{self.source.id}-{self._counter['allocation']}")
        record: dict[str, Any] = {"id": local, "type": "FundingAllocation", "evidence": sentence.quote, "amount": amount, **period}
        channels = [s for s in subjects if self._class(s) in ("Fund", "FundingProgram", "Program", "NationalProgram")]
        funders = [s for s in subjects if s not in channels]
        if len(channels) == 1:
            record["fundingChannel"] = channels[0]
        elif len(funders) == 1:
            record["funder"] = funders[0]
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
        record["observedMoreThan" if item.bound == "more-than" else "observedValue"] = (
            int(item.value) if item.value.isdigit() else item.value
        )
        record.update(period)
        if len(subjects) == 1:
            record["concerns"] = subjects[0]
        reason = item.reason + (f"; item {label!r} of a list" if label else "") + ("" if indicator else "; no indicator found: give one")
        if item.bound not in ("exact", "more-than"):
            reason += f"; the text gives it as {item.bound}: say so in a note"
        self._add("statistics", record, item.confidence * (1.0 if indicator else 0.6), reason, sentence, (item.start, item.end))

    def _class(self, local: str) -> str:
        if local in self.classes:
            return self.classes[local]
        for p in self.proposals:
            if p.record.get("id") == local:
                return str(p.record.get("type", ""))
        return ""


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
    from tipkg.curation.drafting.indicators import indicator_labels

    sources = load_sources(root / "graph_data" / "sources", root)
    if source_id not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise TipkgError(f"no source {source_id!r} in graph_data/sources (known: {known})")
    source = sources[source_id]
    index = NameIndex.from_project(root)
    return source, Drafter(source, index, indicator_labels(root / "ontology")).run()


def write_draft(root: Path, source_id: str, output: Path | None = None, html: Path | None = None) -> list[str]:
    """Write the draft file (and the review page); return what was written."""
    source, proposals = draft(root, source_id)
    target = output or root / "graph_data" / source_id / "_draft.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(draft_text(source_id, proposals), encoding="utf-8")
    lines = [f"{target}: {len(proposals)} proposals"]
    lines += [f"  {kind}: {n}" for kind, n in sorted(Counter(p.kind for p in proposals).items())]
    if html is not None:
        from tipkg.curation.drafting.review import review_page

        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(review_page(root, source, proposals), encoding="utf-8")
        lines.append(f"{html}: review page")
    return lines


def accept_draft(root: Path, source_id: str, file: Path) -> list[str]:
    from tipkg.curation.drafting.accept import accept

    return accept(root, source_id, file)
