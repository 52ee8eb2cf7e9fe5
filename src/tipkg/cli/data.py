"""The curated data: build the graph, check it, measure how much of the sources it cites."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tipkg.cli.common import BASE, MAX_FILE_MB, MAX_TEXT_MB, ROOT, project_at


@click.command("build")
@ROOT
@BASE
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("--no-check", is_flag=True, help="Skip SHACL validation (tipkg check runs it with the OWL reasoner).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    envvar="TIPKG_BUILD_WORKERS",
    default=None,
    help="Processes that build and validate the reports' units [env TIPKG_BUILD_WORKERS; default: one per core].",
)
@MAX_FILE_MB
@MAX_TEXT_MB
def build(
    root: Path, base: str | None, quiet: bool, no_check: bool, workers: int | None, max_file_mb: float | None, max_text_mb: float | None
) -> None:
    """Build the graph from ontology/ and graph_data/ into build/."""
    from tipkg.build.pipeline import build as run_build

    def progress(msg: str) -> None:
        if not quiet:
            click.echo(f"  … {msg}", err=True)

    summary = run_build(project_at(root, base, max_file_mb, max_text_mb), progress, check=not no_check, workers=workers)
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


@click.command("coverage")
@ROOT
@click.option("--all", "show_all", is_flag=True, help="List cited sentences too.")
@click.option("--numbered", is_flag=True, help="List every sentence with its number and offsets (to quote or cite a span).")
@MAX_FILE_MB
@MAX_TEXT_MB
def coverage(root: Path, show_all: bool, numbered: bool, max_file_mb: float | None, max_text_mb: float | None) -> None:
    """How much of each source the evidence cites; lists sentences no fact cites."""
    from tipkg.build.pipeline import load_project
    from tipkg.curation import coverage as cov
    from tipkg.curation.sources import load_sources

    project = project_at(root, None, max_file_mb, max_text_mb)
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
        for n, s in enumerate(report.sentences, 1):
            reason = f" ({s.reason})" if s.reason else ""
            if numbered:
                click.echo(f"{n:4d}  [{s.start}-{s.end}]  [{s.status}{reason}] {s.text}")
            elif s.status != cov.CITED or show_all:
                click.echo(f"  [{s.status}{reason}] {s.start}-{s.end}: {s.text}")
        missing += report.count(cov.MISSING)
    sys.exit(1 if missing else 0)


@click.command("check")
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

    report = check_project(project_at(root, base, max_file_mb, max_text_mb), timeout=timeout)
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
