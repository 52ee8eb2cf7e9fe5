"""The ``tipkg`` command: thin over the library. Exit codes: 0 ok, 1 findings, 2 could not run."""

from __future__ import annotations

import sys
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


def _project(root: Path, base: str | None):  # type: ignore[no-untyped-def]
    from tipkg.build import Project
    from tipkg.namespaces import DEFAULT_BASE

    return Project(root.resolve(), base or DEFAULT_BASE)


@main.command()
@ROOT
@BASE
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def build(root: Path, base: str | None, quiet: bool) -> None:
    """Build the graph from ontology/ and graph_data/ into build/."""
    from tipkg.build import build as run_build

    def progress(msg: str) -> None:
        if not quiet:
            click.echo(f"  … {msg}", err=True)

    summary = run_build(_project(root, base), progress)
    if quiet:
        return
    click.echo(
        f"Built {summary.triples} triples in {summary.seconds:.1f} s: {summary.statements} facts, {summary.evidence} evidence quotes."
    )
    click.echo("Entities by class:")
    for name, n in sorted(summary.entities.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"  {n:5d}  {name}")
    click.echo("Named graphs:")
    for graph, n in summary.graphs.items():
        click.echo(f"  {n:6d}  {graph}")
    click.echo(f"Written: {', '.join(Path(f).name for f in summary.files)} in {root / 'build'}")


ENGINE = click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True, help="Query engine.")
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


@main.group()
def query() -> None:
    """Saved queries: list, show, run."""


@query.command("list")
@ROOT
@click.option("--tag", default=None, help="Only queries with this tag.")
def query_list(root: Path, tag: str | None) -> None:
    """List the saved queries with their titles."""
    from tipkg.savedqueries import load_saved_queries

    for q in load_saved_queries(root / "queries").values():
        if tag is None or tag in q.tags:
            params = " ".join(f"{p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name:34s} {q.title}" + (f"  [{params}]" if params else ""))


@query.command("show")
@ROOT
@click.argument("name")
def query_show(root: Path, name: str) -> None:
    """Show a saved query: its description, parameters and SPARQL."""
    from tipkg.savedqueries import find, load_saved_queries

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
    click.echo(kg.query(name, lang=lang, **_params(params)).render(fmt))


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
    assert text is not None
    kg = tipkg.open(root, engine=engine)
    click.echo(kg.query(text, lang=lang, **_params(params)).render(fmt))


@main.command()
@ROOT
@click.option("--all", "show_all", is_flag=True, help="List cited sentences too.")
def coverage(root: Path, show_all: bool) -> None:
    """How much of each source the evidence cites; lists sentences no fact cites."""
    from tipkg import coverage as cov
    from tipkg.build import load_project
    from tipkg.sources import load_sources

    project = _project(root, None)
    loaded = load_project(project)
    sources = load_sources(project.data_dir / "sources", project.root)
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
