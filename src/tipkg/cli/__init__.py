"""The ``tipkg`` command: thin over the library. Exit codes: 0 ok, 1 findings, 2 could not run.

One module per family of commands: :mod:`~tipkg.cli.data` (build, check, coverage),
:mod:`~tipkg.cli.queries` (query, sparql, compare), :mod:`~tipkg.cli.network` (viz, analyze),
:mod:`~tipkg.cli.remote` (publish, link), :mod:`~tipkg.cli.serve`; the options they share in
:mod:`~tipkg.cli.common`.
"""

from __future__ import annotations

import click

from tipkg.cli import curate, data, network, queries, remote, serve
from tipkg.cli.common import fail
from tipkg.errors import TipkgError


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


for command in (
    data.build,
    data.check_command,
    data.coverage,
    curate.source,
    curate.find,
    curate.draft,
    queries.query,
    queries.sparql,
    queries.compare,
    network.viz_command,
    network.analyze_command,
    remote.publish_command,
    remote.link_command,
    serve.serve_command,
):
    main.add_command(command)
