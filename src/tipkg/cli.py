"""The ``tipkg`` command: thin over the library. Exit codes: 0 ok, 1 findings, 2 could not run."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from tipkg.errors import TipkgError

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


class Group(click.Group):
    """Turns library errors into one line and exit code 2."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except TipkgError as exc:
            fail(str(exc))
        except RecursionError:
            fail("input nested too deeply")


@click.group(cls=Group)
@click.version_option(package_name="tipkg")
def main() -> None:
    """tipkg: a knowledge graph of government action against trafficking in persons."""


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


def _project(root: Path, base: str | None, max_file_mb: float | None = None, max_text_mb: float | None = None):  # type: ignore[no-untyped-def]
    from tipkg.curation.records import Limits
    from tipkg.namespaces import DEFAULT_BASE
    from tipkg.project import Project

    return Project(root.resolve(), base or DEFAULT_BASE, Limits.from_env(max_file_mb, max_text_mb))


@main.command()
@ROOT
@BASE
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("--no-check", is_flag=True, help="Skip SHACL validation (tipkg check runs it with the OWL reasoner).")
@MAX_FILE_MB
@MAX_TEXT_MB
def build(root: Path, base: str | None, quiet: bool, no_check: bool, max_file_mb: float | None, max_text_mb: float | None) -> None:
    """Build the graph from ontology/ and graph_data/ into build/."""
    from tipkg.build.pipeline import build as run_build

    def progress(msg: str) -> None:
        if not quiet:
            click.echo(f"  … {msg}", err=True)

    summary = run_build(_project(root, base, max_file_mb, max_text_mb), progress, check=not no_check)
    if quiet:
        return
    click.echo(
        f"Built {summary.triples} triples in {summary.seconds:.1f} s: {summary.facts} facts"
        f" ({summary.statements} statements by {len(summary.sources)} sources), {summary.evidence} evidence quotes."
    )
    click.echo("Entities by class:")
    for name, n in sorted(summary.entities.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {n:5d}  {name}")
    click.echo("Named graphs:")
    for graph, n in summary.graphs.items():
        click.echo(f"  {n:6d}  {graph}")
    click.echo(f"Written: {', '.join(Path(f).name for f in summary.files)} in {root / 'build'}")


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
PARAM = click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            fail(f"parameter {pair!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def _guarded(engine: str, text: str, run: Callable[[], str]) -> str:
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


@main.group()
def query() -> None:
    """Saved queries: list, show, run."""


@query.command("list")
@ROOT
@click.option("--tag", default=None, help="Only queries with this tag.")
def query_list(root: Path, tag: str | None) -> None:
    """List the saved queries with their titles."""
    from tipkg.sparql.saved import load_saved_queries

    for q in load_saved_queries(root / "queries").values():
        if tag is None or tag in q.tags:
            params = " ".join(f"{p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name:34s} {q.title}" + (f"  [{params}]" if params else ""))


@query.command("show")
@ROOT
@click.argument("name")
def query_show(root: Path, name: str) -> None:
    """Show a saved query: its description, parameters and SPARQL."""
    from tipkg.sparql.saved import find, load_saved_queries

    q = find(load_saved_queries(root / "queries"), name)
    click.echo(q.text.rstrip())


@query.command("run")
@ROOT
@click.argument("name")
@PARAM
@FORMAT
@LANG
@ENGINE
def query_run(root: Path, name: str, params: tuple[str, ...], fmt: str, lang: str, engine: str) -> None:
    """Run a saved query: tipkg query run NAME -p key=value."""
    import tipkg

    kg = tipkg.open(root, engine=engine)
    bound, saved = _params(params), kg.queries.get(name)
    out = _guarded(engine, saved.text if saved else name, lambda: kg.query(name, lang=lang, **bound).render(fmt))
    click.echo(out, nl=not out.endswith("\n"))


@main.command()
@ROOT
@click.argument("text", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False, path_type=Path), help="Read the query from a file.")
@PARAM
@FORMAT
@LANG
@ENGINE
def sparql(root: Path, text: str | None, file: Path | None, params: tuple[str, ...], fmt: str, lang: str, engine: str) -> None:
    """Run a SPARQL query: tipkg sparql 'SELECT ...' or tipkg sparql -f query.rq."""
    import tipkg

    if (text is None) == (file is None):
        fail("give the query as an argument or with -f FILE (one of the two)")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            fail(f"{file}: {exc.strerror}")
        except UnicodeDecodeError as exc:
            fail(f"{file}: not UTF-8 (byte {exc.start + 1})")
    assert text is not None
    kg = tipkg.open(root, engine=engine)
    bound, query_text = _params(params), text
    out = _guarded(engine, query_text, lambda: kg.query(query_text, lang=lang, **bound).render(fmt))
    click.echo(out, nl=not out.endswith("\n"))


@main.command()
@ROOT
@click.argument("source_a")
@click.argument("source_b")
@LANG
@ENGINE
def compare(root: Path, source_a: str, source_b: str, lang: str, engine: str) -> None:
    """Two sources side by side: what both state, where they differ, what only one states."""
    import tipkg
    from tipkg.compare.agreement import compare_sources, report_lines

    kg = tipkg.open(root, engine=engine)
    click.echo("\n".join(report_lines(kg, compare_sources(kg, source_a, source_b), lang)))


@main.command()
@ROOT
@click.option("--all", "show_all", is_flag=True, help="List cited sentences too.")
@MAX_FILE_MB
@MAX_TEXT_MB
def coverage(root: Path, show_all: bool, max_file_mb: float | None, max_text_mb: float | None) -> None:
    """How much of each source the evidence cites; lists sentences no fact cites."""
    from tipkg.build.pipeline import load_project
    from tipkg.curation import coverage as cov
    from tipkg.curation.sources import load_sources

    project = _project(root, None, max_file_mb, max_text_mb)
    loaded = load_project(project)
    sources = load_sources(project.data_dir / "sources", project.root, project.limits)
    reports = cov.coverage(sources, [(e.source, e.start, e.end) for e in loaded.evidence])
    missing = 0
    for report in reports:
        click.echo(
            f"{report.source}: {report.count(cov.CITED)} sentences cited, {report.count(cov.MISSING)} not cited, "
            f"{report.count(cov.HEADING)} headings, {report.count(cov.NOT_A_FACT)} declared not a fact: "
            f"{report.percent:.1f}% of fact-stating sentences cited"
        )
        for s in report.sentences:
            if s.status == cov.CITED and not show_all:
                continue
            reason = f" ({s.reason})" if s.reason else ""
            click.echo(f"  [{s.status}{reason}] {s.start}-{s.end}: {s.text}")
        missing += report.count(cov.MISSING)
    sys.exit(1 if missing else 0)


# -- network views and analysis -----------------------------------------------------------------

VIEW_LANG = click.option("--lang", "view_lang", default="en", show_default=True, help="Language of the labels: en or es.")


@main.command("viz")
@ROOT
@click.argument("view")
@click.argument("entity", required=False)
@click.option("--depth", default=1, show_default=True, help="Hops around the entity (entity view).")
@VIEW_LANG
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="HTML file to write [default: build/views/].")
def viz_command(root: Path, view: str, entity: str | None, depth: int, view_lang: str, output: Path | None) -> None:
    """Write an interactive, offline network page: tipkg viz graph|entity NAME|funding|committee|partners.

    ``tipkg viz standard`` writes all of them (and pages for the best-connected entities) under build/views/.
    """
    from tipkg.build.swap import pin
    from tipkg.viz.views import write_standard_views, write_view

    build, link = pin(root.resolve()), _project(root, None).build_dir

    def shown(path: Path) -> Path:  # build/views/…, not the folder build/ links to
        return link / path.relative_to(build.path) if path.is_relative_to(build.path) else path

    if view == "standard":
        for path in write_standard_views(build.path, lang=view_lang):
            click.echo(str(shown(path)))
        return
    click.echo(str(shown(write_view(build.path, view, entity=entity, depth=depth, lang=view_lang, output=output))))


@main.command("analyze")
@ROOT
@click.argument("what", default="centrality")
@click.argument("ends", nargs=-1)
@click.option("--top", default=15, show_default=True, help="How many entries to list.")
@click.option("--places", is_flag=True, help="Keep places in the network (left out by default: nearly everything is in one country).")
@VIEW_LANG
def analyze_command(root: Path, what: str, ends: tuple[str, ...], top: int, places: bool, view_lang: str) -> None:
    """Network analysis: tipkg analyze [centrality|components|bridges|path A B] (A, B: IRI, id or name)."""
    from tipkg.build.swap import pin
    from tipkg.errors import NetworkError
    from tipkg.network import analysis
    from tipkg.network.graph import label, load_network, resolve

    if what not in ("centrality", "components", "bridges", "path"):
        raise NetworkError(f"unknown analysis {what!r}: expected centrality, components, bridges or path A B")
    if (what == "path") != bool(ends) or (what == "path" and len(ends) != 2):
        raise NetworkError("path takes two entities: tipkg analyze path A B" if what == "path" else f"{what} takes no entities")
    build = pin(root.resolve())
    g = load_network(build.path)
    if what == "centrality":
        click.echo(analysis.centrality_report(g, analysis.centrality(g, places=places), top, view_lang))
    elif what == "components":
        click.echo(analysis.components_report(g, analysis.components(g, places=places), top, view_lang))
    elif what == "bridges":
        click.echo(analysis.bridges_report(g, analysis.bridges(g, places=places), top, view_lang))
    else:
        a, b = (resolve(g, x) for x in ends)
        hops = analysis.path(g, a, b, places=places)
        if hops is None:
            click.echo(f"{label(g, a, view_lang)} and {label(g, b, view_lang)} are not connected" + ("" if places else " (try --places)"))
            sys.exit(1)
        click.echo(analysis.path_report(g, hops, view_lang))


# -- validation and reasoning -------------------------------------------------------------------


@main.command("check")
@ROOT
@BASE
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Time limit of the OWL reasoner, in seconds.")
@MAX_FILE_MB
@MAX_TEXT_MB
def check_command(root: Path, base: str | None, timeout: float, max_file_mb: float | None, max_text_mb: float | None) -> None:
    """Check the curated data: SHACL shapes, OWL consistency (HermiT), ontology lint.

    Exit code 0: conforms (warnings allowed); 1: violations; 2: could not check (bad curated data,
    no Java, reasoner time-out).
    """
    from tipkg.check.findings import SEVERITIES
    from tipkg.check.report import check_project

    report = check_project(_project(root, base, max_file_mb, max_text_mb), timeout=timeout)
    for severity in SEVERITIES:
        items = [f for f in report.findings if f.severity == severity]
        if items:
            click.echo(f"{severity.capitalize()}s ({len(items)}):")
            for finding in items:
                click.echo(f"  {finding}")
    counts = ", ".join(f"{n} {s}s" for s in SEVERITIES if (n := sum(f.severity == s for f in report.findings)) or s != "info")
    times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.seconds.items())
    click.echo(f"{counts} ({times})")
    for error in report.errors:
        click.echo(f"tipkg: error: {error}", err=True)
    sys.exit(report.exit_code)


# -- remote stores and Wikidata links ------------------------------------------------------------

TIMEOUT = click.option("--timeout", type=float, default=60.0, show_default=True, help="Time limit of each request, in seconds.")


@main.command("publish")
@ROOT
@click.option("--endpoint", required=True, help="SPARQL query endpoint of the store.")
@click.option("--update-endpoint", default=None, help="SPARQL update endpoint [default: --endpoint].")
@click.option("--graph", "graphs", multiple=True, metavar="IRI", help="Publish only this named graph (repeatable) [default: all].")
@click.option("--batch", type=click.IntRange(1), default=500, show_default=True, help="Triples per INSERT DATA request.")
@TIMEOUT
def publish_command(root: Path, endpoint: str, update_endpoint: str | None, graphs: tuple[str, ...], batch: int, timeout: float) -> None:
    """Upload the build to a SPARQL 1.1 store, replacing the previous version of its graphs.

    Credentials come from TIPKG_ENDPOINT_USER and TIPKG_ENDPOINT_PASSWORD (TIPKG_ENDPOINT_AUTH=digest
    for Virtuoso's /sparql-auth); see docs/remote.md.
    """
    from tipkg.build.swap import pin
    from tipkg.remote.endpoint import Endpoint
    from tipkg.remote.publish import publish

    store = Endpoint(endpoint, update_url=update_endpoint, timeout=timeout)
    build = pin(root.resolve())
    done = publish(build.path, store, list(graphs) or None, batch, lambda msg: click.echo(f"  … {msg}", err=True))
    for graph, sent in done.graphs.items():
        click.echo(f"  {sent:6d} triples sent, {done.stored[graph]:6d} stored  {graph}")
    click.echo(f"Published {done.triples} triples in {done.seconds:.1f} s ({done.rate:.0f} triples/s, {done.requests} requests).")


@main.command("link")
@ROOT
@click.option("--endpoint", default=None, help="SPARQL endpoint to look names up in [default: Wikidata's].")
@TIMEOUT
def link_command(root: Path, endpoint: str | None, timeout: float) -> None:
    """Propose Wikidata ids for the entities without one, into graph_data/reference/wikidata_candidates.csv.

    A curator marks rows accepted (or rejected); the next build links the accepted ones.
    """
    from tipkg.remote.endpoint import Endpoint
    from tipkg.remote.wikidata import WIKIDATA_SPARQL, link

    report = link(root, Endpoint(endpoint or WIKIDATA_SPARQL, timeout=timeout), lambda msg: click.echo(f"  … {msg}", err=True))
    click.echo(f"{report.entities} entities looked up; {report.proposed} proposed candidates to review in {report.path}")


# -- the service --------------------------------------------------------------------------------


@main.command("serve")
@ROOT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option(
    "--setting",
    "settings",
    multiple=True,
    nargs=2,
    metavar="NAME VALUE",
    help="A service setting (repeatable): query_time_limit, row_cap, max_query_bytes, workers, saved_query_workers, client_queries,"
    " queue_time_limit, worker_memory_mb, service_allow_list, licence, lang.",
)
def serve_command(root: Path, host: str, port: int, settings: tuple[tuple[str, str], ...]) -> None:
    """Serve the built graph: a read-only SPARQL endpoint at /sparql and a browsable site."""
    import socket

    import uvicorn

    from tipkg.service.app import create_app

    app = create_app(root, dict(settings))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted connections only for a TCP socket;
    # without it a kept-alive connection waits about 40 ms per answer (Nagle meets delayed ACKs)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror}")
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"tipkg: serving {root.resolve()} at http://{shown}:{sock.getsockname()[1]}/ (Ctrl-C to stop)", err=False)
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])
