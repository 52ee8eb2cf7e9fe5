"""Remote stores: publish the build to one, and look entities up in Wikidata."""

from __future__ import annotations

from pathlib import Path

import click

from tipkg.cli.common import ROOT

TIMEOUT = click.option("--timeout", type=float, default=60.0, show_default=True, help="Time limit of each request, in seconds.")


@click.command("publish")
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


@click.command("link")
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
