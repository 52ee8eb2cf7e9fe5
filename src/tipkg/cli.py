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
