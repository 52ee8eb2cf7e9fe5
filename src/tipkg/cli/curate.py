"""Curating a new report: add its text, find the ids of what it names, draft records for review."""

from __future__ import annotations

from pathlib import Path

import click

from tipkg.cli.common import ROOT

FILE = click.Path(dir_okay=False, path_type=Path)


@click.group("source")
def source() -> None:
    """The source reports of graph_data/sources/."""


@source.command("add")
@ROOT
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "source_id", required=True, help="The source's id: lower-case letters, digits and '-' (also its folder).")
@click.option("--title", help="Its title (in its language).")
@click.option("--author", help="Who wrote it: a name, or the id of an entity of the graph.")
@click.option("--issued", help="Its date at the precision known: 2011, 2011-03 or 2011-03-15.")
@click.option("--language", type=click.Choice(["en", "es"]), default="en", show_default=True, help="The language of its text.")
@click.option("--url", help="Where it is published.")
def source_add(
    root: Path, path: Path, source_id: str, title: str | None, author: str | None, issued: str | None, language: str, url: str | None
) -> None:
    """Add a report: copy its text (as UTF-8 NFC) and write its metadata, sha256 and sections."""
    from tipkg.curation.intake import add_source

    meta = add_source(root, path, source_id=source_id, title=title, author=author, issued=issued, language=language, url=url)
    click.echo(str(meta))


@click.command("find")
@ROOT
@click.argument("name")
@click.option("-n", "--limit", default=10, show_default=True, help="At most this many ids.")
def find(root: Path, name: str, limit: int) -> None:
    """Ids of the curated data's entities by any name or acronym (no build needed)."""
    from tipkg.curation.names import find_names

    for match in find_names(root, name, limit):
        click.echo(f"{match.id}\t{match.cls}\t{match.name}\t{match.score:.0f}")


@click.command("draft")
@ROOT
@click.argument("source_id")
@click.option("-o", "--output", type=FILE, help="The draft file [default: graph_data/ID/_draft.yaml].")
@click.option("--html", "html", type=FILE, help="Also write an offline review page here.")
@click.option("--accept", "accept", type=FILE, help="Move the kept proposals of this draft into the curated files.")
@click.option("--force", is_flag=True, help="Replace an existing draft file or review page (a review in progress is lost).")
def draft(root: Path, source_id: str, output: Path | None, html: Path | None, accept: Path | None, force: bool) -> None:
    """Propose records for a source (entities, dates, amounts, counts), each with its quote, for review."""
    from tipkg.curation.drafting.writing import accept_draft, write_draft

    if accept is not None:
        for line in accept_draft(root, source_id, accept):
            click.echo(line)
        return
    for line in write_draft(root, source_id, output=output, html=html, force=force):
        click.echo(line)
