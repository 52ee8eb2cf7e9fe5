"""What the commands share: the options they repeat, the project they work on, one-line failures,
and the network lock around a query."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tipkg.errors import TipkgError

if TYPE_CHECKING:
    from tipkg.sparql.paging import Window

ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project folder (with ontology/ and graph_data/).",
)
BASE = click.option(
    "--base", envvar="TIPKG_BASE", default=None, help="Base IRI of the data [env TIPKG_BASE; default https://w3id.org/tipkg/id/]."
)


def fail(message: str) -> None:
    click.echo(f"tipkg: error: {message}", err=True)
    sys.exit(2)


MAX_FILE_MB = click.option(
    "--max-file-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Largest curated YAML, source metadata, CSV or ontology file, in MB [env TIPKG_MAX_FILE_MB; default 4].",
)
MAX_TEXT_MB = click.option(
    "--max-text-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Largest source text, in MB [env TIPKG_MAX_TEXT_MB; default 16].",
)


def project_at(root: Path, base: str | None, max_file_mb: float | None = None, max_text_mb: float | None = None):  # type: ignore[no-untyped-def]
    from tipkg.curation.records import Limits
    from tipkg.namespaces import DEFAULT_BASE
    from tipkg.project import Project

    return Project(root.resolve(), base or DEFAULT_BASE, Limits.from_env(max_file_mb, max_text_mb))


def _engine(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if value in ("oxigraph", "rdflib") or value.startswith(("http://", "https://")):
        return value
    raise click.BadParameter(f"{value!r}: expected oxigraph, rdflib or the http(s) URL of a SPARQL endpoint")


ENGINE = click.option(
    "--engine",
    default="oxigraph",
    show_default=True,
    callback=_engine,
    help="Query engine: oxigraph, rdflib, or the URL of a SPARQL endpoint the build was published to.",
)
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md", "sparql-json"]), default="table", show_default=True
)
LANG = click.option("--lang", default="en", show_default=True, help="Language of the labels (en, es).")
OFFSET = click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows (in a stable order: docs/queries.md).")
LIMIT = click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many rows.")
PARAM = click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")


def key_values(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"parameter {pair!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def guarded(engine: str, text: str, run: Callable[[], str]) -> str:
    """``run()`` where no network connection can be opened (:mod:`tipkg.sandbox`), unless the engine
    is a remote store or the query calls an endpoint of ``TIPKG_SERVICES``."""
    from tipkg.engines import SparqlError, one_line
    from tipkg.sandbox import call_locked, needs_network
    from tipkg.sparql.federation import allowed_services

    try:
        allowed = allowed_services()
    except TipkgError:  # a malformed allow-list: the guard says so if the query calls a SERVICE
        allowed = {}
    try:
        if engine.startswith(("http://", "https://")) or needs_network(text, allowed):
            return run()
        return call_locked(run)
    except OSError as exc:  # met while reading the answer (a SERVICE call refused or cut): one line too
        raise SparqlError(f"query failed: {one_line(exc)}") from None


def window(offset: int, limit: int | None) -> Window | None:
    """The rows ``--offset`` and ``--limit`` keep (None: all of them, in the engine's order)."""
    from tipkg.sparql.paging import Window

    return Window(offset, limit) if offset or limit is not None else None
