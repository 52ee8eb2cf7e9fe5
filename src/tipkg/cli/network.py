"""The network: interactive pages of it, and its analysis."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tipkg.cli.common import ROOT, project_at

VIEW_LANG = click.option("--lang", "view_lang", default="en", show_default=True, help="Language of the labels: en or es.")


@click.command("viz")
@ROOT
@click.argument("view")
@click.argument("entity", required=False)
@click.option("--depth", default=1, show_default=True, help="Hops around the entity (entity view).")
@VIEW_LANG
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="HTML file to write [default: build/views/].")
def viz_command(root: Path, view: str, entity: str | None, depth: int, view_lang: str, output: Path | None) -> None:
    """Write an interactive, offline network page: tipkg viz graph|entity NAME|funding|committee|partners|flows.

    ``tipkg viz standard`` writes all of them (and pages for the best-connected entities) under build/views/.
    """
    from tipkg.build.swap import pin
    from tipkg.viz.files import write_standard_views, write_view

    build, link = pin(root.resolve()), project_at(root, None).build_dir

    def shown(path: Path) -> Path:  # build/views/…, not the folder build/ links to
        return link / path.relative_to(build.path) if path.is_relative_to(build.path) else path

    if view == "standard":
        for path in write_standard_views(build.path, lang=view_lang):
            click.echo(str(shown(path)))
        return
    click.echo(str(shown(write_view(build.path, view, entity=entity, depth=depth, lang=view_lang, output=output))))


@click.command("analyze")
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
    from tipkg.network.describe import label
    from tipkg.network.reading import load_network
    from tipkg.network.search import resolve

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
