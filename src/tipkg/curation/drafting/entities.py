"""New entities a sentence names: "Long Name (ACRONYM)", and capitalized phrases whose head noun
names a class of the ontology ("the Blue Heart Campaign", "Fondo Pro-equidad").

Pure: works on a sentence's text; :mod:`tipkg.curation.drafting.draft` decides which are new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tipkg.curation.names import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Head noun -> (ontology class, id prefix as in graph_data/mx-2011). Checked against ontology/tipkg.ttl by the tests.
HEADS: dict[str, tuple[str, str]] = {
    # English
    "secretariat": ("GovernmentBody", "agency"),
    "ministry": ("GovernmentBody", "agency"),
    "department": ("GovernmentBody", "agency"),
    "agency": ("GovernmentBody", "agency"),
    "institute": ("GovernmentBody", "agency"),
    "commission": ("GovernmentBody", "agency"),
    "office": ("GovernmentBody", "agency"),
    "police": ("GovernmentBody", "agency"),
    "unit": ("GovernmentUnit", "agency"),
    "committee": ("InterAgencyCommittee", "committee"),
    "council": ("GovernmentBody", "agency"),
    "program": ("Program", "program"),
    "programme": ("Program", "program"),
    "campaign": ("Campaign", "campaign"),
    "law": ("Law", "law"),
    "act": ("Law", "law"),
    "code": ("Law", "law"),
    "regulations": ("Regulation", "regulation"),
    "protocol": ("InternationalInstrument", "instrument"),
    "convention": ("InternationalInstrument", "instrument"),
    "fund": ("Fund", "fund"),
    "shelter": ("Shelter", "service"),
    "hotline": ("Hotline", "service"),
    "observatory": ("Organization", "org"),
    "coalition": ("NGO", "ngo"),
    "foundation": ("NGO", "ngo"),
    "organization": ("Organization", "org"),
    "award": ("Award", "award"),
    "system": ("GovernmentBody", "agency"),
    "government": ("NationalGovernment", "gov"),
    "center": ("Organization", "org"),
    "centre": ("Organization", "org"),
    "rules": ("Regulation", "regulation"),
    "guidelines": ("Guideline", "guideline"),
    "guideline": ("Guideline", "guideline"),
    "manual": ("Guideline", "guideline"),
    # Spanish
    "secretaria": ("GovernmentBody", "agency"),
    "instituto": ("GovernmentBody", "agency"),
    "comision": ("GovernmentBody", "agency"),
    "procuraduria": ("GovernmentBody", "agency"),
    "consejo": ("GovernmentBody", "agency"),
    "sistema": ("GovernmentBody", "agency"),
    "fiscalia": ("GovernmentUnit", "agency"),
    "comite": ("InterAgencyCommittee", "committee"),
    "programa": ("Program", "program"),
    "campana": ("Campaign", "campaign"),
    "ley": ("Law", "law"),
    "reglamento": ("Regulation", "regulation"),
    "protocolo": ("InternationalInstrument", "instrument"),
    "fondo": ("Fund", "fund"),
    "refugio": ("Shelter", "service"),
    "albergue": ("Shelter", "service"),
    "observatorio": ("Organization", "org"),
    "coalicion": ("NGO", "ngo"),
    "fundacion": ("NGO", "ngo"),
    "organizacion": ("Organization", "org"),
    "gobierno": ("NationalGovernment", "gov"),
    "centro": ("Organization", "org"),
    "reglas": ("Regulation", "regulation"),
    "lineamientos": ("Guideline", "guideline"),
}
# Small words inside a name ("Unit for the Crimes of Violence", "Ley para Prevenir y Sancionar la Trata").
CONNECTORS = _words("of for the and on in to against at de del la las los el y para contra en sobre a al e")
# Capitalized words that end a name: months ("... General and in July").
_STOPS = _words(
    "january february march april may june july august september october november december enero febrero "
    "marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
)
_LEADING = _words("the a an this its el la los las un una")
_WORD = re.compile(r"[^\W_][\w'’.-]*[^\W_]|[^\W_]")
_WHERE = _words("in en at")
_QUOTED = re.compile(r"“([^“”]{3,200})”|\"([^\"]{3,200})\"")
_AFTER_QUOTE = re.compile(r"\s+([^\W\d_]+)")
_ALIAS_END = re.compile(r"\s*(?:[,;:.)]|$|(?:in|en|at)\s)")  # what follows an alias: the name ends there
NEAR = 12  # words before a quote where a plural class noun may type it
_TRANSLATED = re.compile(r"\s*\(([^()]{3,200})\)")
_NEXT_ARTICLE = re.compile(r"\s+(?:and|or|y|e|o)\s+(?:Articles?|Artículos?|Articulos?|Art\.)")
_ARTICLE = re.compile(r"\b(?:Article|Artículo|Articulo|Art\.)\s+\d+[\w-]*\s+(?:of|de)\s+(?:the\s+|la\s+|el\s+|los\s+)?")
# A legal form that ends an organization's name: "Women's Transitional Living Center, Inc.".
_SUFFIX = re.compile(r",?\s(?:Inc\.|Ltd\.|LLC\b|A\.\s?C\.|S\.\s?A\.|S\.\s?C\.|I\.\s?A\.\s?P\.)")
_ACRONYM = re.compile(r"\(([A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑ&-]{1,11})\)")


@dataclass(frozen=True)
class NewEntity:
    label: str
    acronym: str | None
    cls: str
    prefix: str
    start: int  # offsets in the sentence
    end: int
    confidence: float
    reason: str
    translation: str | None = None  # "Programa de Coinversión Social (Social Joint Venture Program) (PCS)"
    aliases: tuple[str, ...] = ()  # other names it goes by: "Standing Against Global Exploitation “Project SAGE”"


def slug(text: str, words: int = 6) -> str:
    """``Fondo Pro-equidad`` → ``fondo-pro-equidad``: folded words, small words left out but the
    first (``Los Angeles`` → ``los-angeles``)."""
    found = [w for i, w in enumerate(re.findall(r"[a-z0-9]+", fold(text))) if i == 0 or w not in CONNECTORS]
    return "-".join(found[:words]) or "entity"


def head_of(words: list[str]) -> tuple[str, str] | None:
    """The class of a name by its head noun: the last head word before the first small word
    (English: "Special Prosecution Unit for ..."), else the first one (Spanish: "Fiscalía Especial ...")."""
    folded = [fold(w) for w in words]
    lead = folded[: next((i for i, w in enumerate(folded) if w in CONNECTORS), len(folded))]
    for w in reversed(lead):
        if w in HEADS:
            return HEADS[w]
    for w in folded:
        if w in HEADS:
            return HEADS[w]
    return None


def _capitalized(word: str) -> bool:
    return word[0].isupper() and fold(word) not in _STOPS


def _phrases(sentence: str, places: frozenset[int] = frozenset()) -> list[tuple[int, int, list[str]]]:
    """Runs of capitalized words, with small words inside (never at either end), each with the legal
    form that ends it (", Inc."); "in", "en" or "at" before a place (an offset in ``places``) ends
    a run: "the International Rescue Committee in Miami"."""
    out = []
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    i = 0
    while i < len(tokens):
        if not _capitalized(tokens[i][2]) or tokens[i][2].isdigit():
            i += 1
            continue
        j = i + 1
        last = i
        while j < len(tokens):
            gap = sentence[tokens[j - 1][1] : tokens[j][0]]
            if gap.strip():  # punctuation ends a name
                break
            word = tokens[j][2]
            if fold(word) in _WHERE and j + 1 < len(tokens) and tokens[j + 1][0] in places:
                break
            if _capitalized(word):
                last = j
            elif fold(word) not in CONNECTORS:
                break
            j += 1
        run = tokens[i : last + 1]
        while run and fold(run[0][2]) in _LEADING and not run[0][2].isupper():  # "the", not "UN"
            run = run[1:]
        i = last + 1
        if run:
            suffix = _SUFFIX.match(sentence, run[-1][1])
            end = suffix.end() if suffix else run[-1][1]
            out.append((run[0][0], end, [t[2] for t in run]))
            while i < len(tokens) and tokens[i][0] < end:
                i += 1
    return out


def _initials_hold(words: list[str], acronym: str) -> bool:
    """Whether the acronym's letters are, in order, initials of the capitalized words."""
    letters = iter(fold(w)[0] for w in words if _capitalized(w))
    return all(any(c == letter for c in letters) for letter in fold(acronym) if letter.isalpha())


def _own_name(sentence: str, start: int, words: list[str], acronym: str) -> tuple[int, list[str]]:
    """The name an acronym abbreviates, not running across "and"/"y" into a name before it:
    in "NO and the Northern Office (NO)" only "Northern Office", whose initials still spell the
    acronym ("Ley para Prevenir y Sancionar ... (LPS)" keeps its "y": the rest would not)."""
    for i in range(len(words) - 1, 0, -1):
        if fold(words[i]) in ("and", "y", "e"):
            rest = words[i + 1 :]
            while rest and fold(rest[0]) in _LEADING:
                rest = rest[1:]
            if rest and _initials_hold(rest, acronym):
                at = start
                for w in words[: len(words) - len(rest)]:
                    at = sentence.index(w, at) + len(w)
                return sentence.index(rest[0], at), rest
    return start, words


def acronym_names(sentence: str, places: frozenset[int] = frozenset()) -> list[NewEntity]:
    """ "Long Name (ACRONYM)": the capitalized words before the parenthesis."""
    out = []
    for m in _ACRONYM.finditer(sentence):
        acronym = m.group(1)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        cut, alt = m.start(), None
        translated = re.search(r"\(([^()]+)\)\s*$", sentence[:cut])  # "Name (Its Translation) (ACR)"
        if translated:
            cut, alt = translated.start(), translated.group(1).strip()
        before = [p for p in _phrases(sentence[:cut], places) if not sentence[p[1] : cut].strip()]
        if not before:
            continue
        start, end, words = before[-1]
        start, words = _own_name(sentence, start, words, acronym)
        if sum(_capitalized(w) for w in words) < 2:
            continue
        typed = head_of(words)
        reason = f"a name followed by its acronym ({acronym})" + ("" if typed else "; no head noun names a class: check the type")
        if typed is None and alt:
            typed = head_of(alt.split())
        cls, prefix = typed or ("Organization", "org")
        out.append(NewEntity(sentence[start:end], acronym, cls, prefix, start, m.end(), 0.85 if typed else 0.6, reason, alt))
    return out


def headed_names(sentence: str, places: frozenset[int] = frozenset()) -> list[NewEntity]:
    """Capitalized phrases of two words or more whose head noun names a class."""
    out = []
    for start, end, words in _phrases(sentence, places):
        if len(words) < 2 or (start == 0 and len(words) < 3):
            continue
        typed = head_of(words)
        if typed is None or fold(words[-1]) in CONNECTORS:
            continue
        cls, prefix = typed
        reason = f"a capitalized name whose head noun names a {cls}"
        out.append(NewEntity(sentence[start:end], None, cls, prefix, start, end, 0.6, reason))
    return out


def _class_noun(word: str) -> tuple[str, str] | None:
    """The class a noun names, singular or plural ("campaigns", "programas")."""
    folded = fold(word)
    for form in (folded, folded[:-1] if folded.endswith("s") else "", folded[:-2] if folded.endswith("es") else ""):
        if form in HEADS:
            return HEADS[form]
    return None


def _plural_class_noun(word: str) -> tuple[str, str] | None:
    """The class a plural noun names ("campaigns", "programas"): the kind a quoted name that follows is
    one of ("campaigns such as “…”"); a singular noun names another entity."""
    folded = fold(word)
    return None if folded in HEADS or not folded.endswith("s") else _class_noun(word)


def quoted_names(sentence: str, places: frozenset[int] = frozenset()) -> list[NewEntity]:
    """Names the text quotes: "Name “Alias”" then punctuation or "in" (the alias an alt label);
    "“Name” Program" and "“Name” (Its Translation) Award" (typed by the noun after them); "“Name”
    (Its Translation)" and "“guidelines for …”" (typed by their own first or head noun, their
    translation's, else by a plural class noun among the dozen words before them, the kind they are
    one of, "campaigns such as “Desde la infancia …”", as are the sentence's next quoted names (a
    list), with a lower confidence). A quote that is neither capitalized nor starts with a
    class noun, or that ends a sentence of its own ("… a Crime.”), is a quotation, not a name."""
    out = []
    phrases = {end: (start, words) for start, end, words in _phrases(sentence, places)}
    listed: tuple[str, str] | None = None  # the kind a plural noun gave a quoted name of this sentence
    for m in _QUOTED.finditer(sentence):
        quoted = (m.group(1) or m.group(2)).strip()
        name = quoted.rstrip(",.;:")
        words = name.split()
        first = _class_noun(words[0]) if words else None
        if len(words) < 2 or not (words[0][0].isupper() or first) or quoted.endswith((".", "?", "!")):
            continue
        before = phrases.get(m.start() - 1) if sentence[m.start() - 1 : m.start()] == " " else None
        if before and len(before[1]) >= 2 and not first and _ALIAS_END.match(sentence, m.end()):
            start, alias_of = before
            cls, prefix = head_of(alias_of) or ("Organization", "org")
            label = sentence[start : m.start() - 1]
            reason = "a name followed by another it goes by, quoted"
            reason += "" if head_of(alias_of) else "; no head noun names a class: check the type"
            out.append(NewEntity(label, None, cls, prefix, start, m.end(), 0.5, reason, aliases=(name,)))
            continue
        translated = _TRANSLATED.match(sentence, m.end())
        after = _AFTER_QUOTE.match(sentence, translated.end() if translated else m.end())
        typed, confidence, end = None, 0.6, m.end()
        if after and after.group(1)[0].isupper() and fold(after.group(1)) in HEADS:
            typed, end, reason = HEADS[fold(after.group(1))], after.end(), f"a quoted name followed by its class noun ({after.group(1)})"
        elif head_of(words) and (first or words[0][0].isupper()):
            typed, reason = head_of(words), "a quoted name whose head noun names a class"
        elif translated and head_of(translated.group(1).split()):
            typed, reason = head_of(translated.group(1).split()), "a quoted name whose translation's head noun names a class"
        else:
            nearby = _WORD.findall(sentence[: m.start()])[-NEAR:]
            typed = next((n for n in map(_plural_class_noun, reversed(nearby)) if n), None) or listed
            confidence, reason = 0.4, "a quoted name, typed by the kind it is one of, named just before it: check the type"
            listed = typed  # the next quoted names of the sentence are of the list's kind too
        if typed is None:
            continue
        translation = translated.group(1).strip() if translated else None
        end = max(end, translated.end()) if translated else end
        out.append(NewEntity(name, None, typed[0], typed[1], m.start(), end, confidence, reason, translation))
    return out


def article_names(sentence: str, places: frozenset[int] = frozenset()) -> list[NewEntity]:
    """ "Article 3 of the Palermo Protocol", "Artículo 5 de la Ley …": a provision of a named instrument."""
    out = []
    phrases = {start: end for start, end, _ in _phrases(sentence, places)}
    for m in _ARTICLE.finditer(sentence):
        end = phrases.get(m.end())
        if end is not None:
            following = _NEXT_ARTICLE.search(sentence, m.end(), end)  # "… of the Constitution and Article 10 of …"
            end = following.start() if following else end
            reason = "an article of a named instrument"
            out.append(NewEntity(sentence[m.start() : end], None, "LegalProvision", "provision", m.start(), end, 0.6, reason))
    return out


def new_entities(sentence: str, places: frozenset[int] = frozenset()) -> list[NewEntity]:
    """Every pattern, in order of trust: a name found by a later one that overlaps one found earlier
    is the same entity (or runs into it across "and"), kept once. ``places``: where the places the
    sentence names start (a name ends before "in" such a place)."""
    named: list[NewEntity] = []
    for pattern in (acronym_names, article_names, quoted_names, headed_names):
        for entity in pattern(sentence, places):
            if not any(entity.start < e.end and e.start < entity.end for e in named):
                named.append(entity)
    return sorted(named, key=lambda e: e.start)
