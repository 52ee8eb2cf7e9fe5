"""The service's settings, declared as data: a name, a safe default and what it does.

``tipkg serve --setting NAME VALUE`` overrides one; :func:`resolve` checks the names and turns the
values into the type of their defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tipkg.errors import TipkgError
from tipkg.messages import languages


class SettingError(TipkgError):
    """An unknown setting, or a value of the wrong kind."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("query_time_limit", 10.0, "Seconds a query may run; then its worker process is stopped and the answer is 503."),
    Setting("row_cap", 10_000, "Most rows (or triples) in one answer; a cut answer says so in the X-Tipkg-Truncated header."),
    Setting("page_rows", 1_000, "Most rows one HTML page of an answer shows; ?page= and the page's links go through the rest."),
    Setting("max_query_bytes", 65_536, "Largest query accepted, in bytes of UTF-8; larger ones get 413."),
    Setting("workers", 2, "Worker processes that run queries, each with the store open read-only and no network access."),
    Setting(
        "saved_query_workers",
        1,
        "Of the workers, how many run only saved queries and the pages that show them, so these never wait for ad-hoc /sparql queries.",
    ),
    Setting(
        "client_queries",
        1,
        "Ad-hoc /sparql queries one client address may have running at once; more wait for its earlier ones, addresses taking turns.",
    ),
    Setting(
        "queue_time_limit",
        30.0,
        "Seconds a query may wait for a free worker (not counted in query_time_limit); then the answer is 503 (busy).",
    ),
    Setting(
        "worker_memory_mb",
        2048,
        "Resident memory a worker may use, in MB; a query that takes more is stopped, its worker replaced, and the answer is 503.",
    ),
    Setting(
        "service_allow_list",
        "",
        "Endpoints SERVICE may call (IRI, or IRI=URL), separated by spaces; by default TIPKG_SERVICES's, none if unset.",
    ),
    Setting("licence", "https://creativecommons.org/licenses/by/4.0/", "Licence IRI of the data, given in the VoID and DCAT descriptions."),
    Setting("lang", "en", "Language of the labels in pages (en or es); ?lang= chooses per request."),
    Setting(
        "base_url",
        "",
        "The service's address (http://HOST:PORT/): what its descriptions name, and the only Host it answers (others get 400);"
        " empty: the address tipkg serve listens at.",
    ),
    Setting(
        "node_modules", "", "Folder of the npm packages the /sparql editor loads; empty: node_modules/ of the checkout (make installs it)."
    ),
)
BY_NAME = {s.name: s for s in SETTINGS}
MIN_WORKER_MEMORY_MB = 128
LOOPBACK = {"127.0.0.1", "localhost", "::1"}  # the names of a loopback address, which a browser may use for one another


def resolve(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every setting's value: its default, or the override converted to the default's type."""
    from tipkg.sparql.federation import SERVICES_ENV

    values = {s.name: s.default for s in SETTINGS}
    values["service_allow_list"] = os.environ.get(SERVICES_ENV, "")  # one allow-list, the CLI's, unless set here
    for name, raw in (overrides or {}).items():
        setting = BY_NAME.get(name)
        if setting is None:
            raise SettingError(f"unknown setting {name!r}: expected one of {', '.join(BY_NAME)}")
        values[name] = _convert(setting, raw)
    try:
        allowed_services(values)
    except TipkgError as exc:
        raise SettingError(f"setting service_allow_list: {exc}") from None
    if values["lang"] not in languages():
        raise SettingError(f"setting lang: expected {' or '.join(languages())}, got {values['lang']!r}")
    for name in ("query_time_limit", "row_cap", "page_rows", "max_query_bytes", "workers", "client_queries", "queue_time_limit"):
        if values[name] <= 0:
            raise SettingError(f"setting {name}: expected a positive number, got {values[name]}")
    if not 0 <= values["saved_query_workers"] < values["workers"]:
        most = values["workers"] - 1
        raise SettingError(f"setting saved_query_workers: expected 0 to {most} (fewer than workers), got {values['saved_query_workers']}")
    if values["base_url"]:
        values["base_url"] = base_url(values["base_url"])
    if values["worker_memory_mb"] < MIN_WORKER_MEMORY_MB:
        raise SettingError(
            f"setting worker_memory_mb: expected at least {MIN_WORKER_MEMORY_MB} (a worker with the store open uses about 60), "
            f"got {values['worker_memory_mb']}"
        )
    return values


def _convert(setting: Setting, raw: Any) -> Any:
    kind = type(setting.default)
    if isinstance(raw, kind):
        return raw
    try:
        return kind(str(raw).strip())
    except ValueError:
        raise SettingError(f"setting {setting.name}: expected {kind.__name__}, got {raw!r}") from None


def allowed_services(settings: Mapping[str, Any]) -> dict[str, str]:
    """Endpoint IRI -> URL called, read from ``service_allow_list`` as ``TIPKG_SERVICES`` is read."""
    from tipkg.sparql.federation import allowed_services as parse

    return parse(str(settings["service_allow_list"]))


def base_url(raw: str) -> str:
    """``raw`` as the service's address: ``http(s)://HOST[:PORT]/``, nothing after the slash."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(raw.strip())
        parts.port  # noqa: B018 -- raises ValueError for a port that is no number
    except ValueError:
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingError(f"setting base_url: expected http://HOST:PORT/, got {raw!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}/"


def hosts(base: str) -> frozenset[str]:
    """The ``Host`` headers that name ``base`` (a :func:`base_url`): its own, with or without its
    default port; and, for a loopback address, every loopback name with its port.

    >>> sorted(hosts("http://127.0.0.1:8000/"))
    ['127.0.0.1:8000', '[::1]:8000', 'localhost:8000']
    """
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    default = {"http": 80, "https": 443}[parts.scheme]
    port = parts.port or default
    names = {parts.hostname or ""}
    if names & LOOPBACK:
        names = LOOPBACK
    shown = {f"[{n}]" if ":" in n else n for n in names}
    return frozenset({f"{n}:{port}" for n in shown} | ({*shown} if port == default else set()))
