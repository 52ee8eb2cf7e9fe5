"""The words of the interface (the site, the network pages), in message catalogues: one YAML file per
language (``en.yaml``, ``es.yaml``), each a mapping of message ids to texts with ``{name}`` fields.

Code and templates name a message by its id; a language whose catalogue lacks an id falls back to
English. Data (labels, quotes) is never here: it comes from the graph, in its own languages.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

DEFAULT = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of ``lang`` over the English ones (an unknown language: English alone)."""
    import yaml

    def read(code: str) -> dict[str, str]:
        path = resources.files("tipkg.messages").joinpath(f"{code}.yaml")
        if not path.is_file():
            return {}
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {str(k): str(v) for k, v in data.items()}

    return {**read(DEFAULT), **(read(lang) if lang != DEFAULT else {})}


def languages() -> tuple[str, ...]:
    """The languages that have a catalogue, English first."""
    found = sorted(p.name.removesuffix(".yaml") for p in resources.files("tipkg.messages").iterdir() if p.name.endswith(".yaml"))
    return (DEFAULT, *[code for code in found if code != DEFAULT])


def text(key: str, lang: str = DEFAULT, **values: Any) -> str:
    """The message ``key`` in ``lang``, its ``{name}`` fields filled from ``values``."""
    message = catalogue(lang)[key]
    return message.format(**values) if values else message
