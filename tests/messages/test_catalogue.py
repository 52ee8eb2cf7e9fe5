"""The message catalogues: every id the code and templates name is there in English, translations
add no id of their own and keep English's ``{fields}``, and a missing translation falls back to
English."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml

from tipkg import messages

SRC = Path(messages.__file__).resolve().parents[1]
FOLDER = Path(messages.__file__).resolve().parent
# an id written whole in code or a template: "site.home.heading", 'viz.controls'
_NAMED = re.compile(r"""["']((?:site|viz|network)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)["']""")


def _file(lang: str) -> dict[str, str]:
    return yaml.safe_load((FOLDER / f"{lang}.yaml").read_text(encoding="utf-8")) or {}


def _fields(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def named_ids() -> set[str]:
    found: set[str] = set()
    for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]:
        found.update(_NAMED.findall(path.read_text(encoding="utf-8")))
    return {name for name in found if not name.endswith((".css", ".html", ".js"))}  # file names, not ids


def test_the_finder_sees_the_ids_of_code_and_templates() -> None:
    ids = named_ids()
    assert {"site.nav.home", "site.dataset.title", "network.projects"} <= ids, sorted(ids)[:20]


def test_every_id_named_in_code_or_templates_is_in_english() -> None:
    assert sorted(named_ids() - set(_file("en"))) == []


def test_english_comes_first_and_every_catalogue_is_a_language() -> None:
    assert messages.languages()[0] == "en"
    assert set(messages.languages()) == {p.stem for p in FOLDER.glob("*.yaml")}


@pytest.mark.parametrize("lang", [code for code in messages.languages() if code != "en"])
def test_a_translation_adds_no_id_and_keeps_the_fields(lang: str) -> None:
    english, translated = _file("en"), _file(lang)
    assert sorted(set(translated) - set(english)) == []
    changed = {key: (_fields(english[key]), _fields(text)) for key, text in translated.items() if _fields(english[key]) != _fields(text)}
    assert changed == {}


@pytest.mark.parametrize("folder", ["viz.", "network.", "site."])
def test_every_language_has_every_message_of_the_network_pages(folder: str) -> None:
    """No network page or site page falls back to English for want of a translation of one of its words."""

    def ids(lang: str) -> set[str]:
        return {k for k, v in _file(lang).items() if k.startswith(folder) and v}

    assert ids("en")
    for lang in messages.languages():
        assert ids(lang) == ids("en"), lang


def test_a_missing_translation_falls_back_to_english_and_fields_are_filled() -> None:
    english = _file("en")
    assert "fr" not in messages.languages()  # a language without a catalogue: every id falls back
    key = next(k for k, v in english.items() if "{" in v)
    fields = {name: f"<{name}>" for name in _fields(english[key])}
    assert messages.text(key, "fr", **fields) == english[key].format(**fields)
    assert messages.catalogue("fr") == english
