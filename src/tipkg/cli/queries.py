"""Queries: the saved ones (list, show, run), any SPARQL text, and two sources compared."""

from __future__ import annotations

from pathlib import Path

import click

from tipkg.cli.common import ENGINE, FORMAT, LANG, LIMIT, OFFSET, PARAM, ROOT, fail, guarded, key_values, window


@click.group()
def query() -> None:
    """Saved queries: list, show, run."""


@query.command("list")
@ROOT
@click.option("--tag", default=None, help="Only queries with this tag.")
def query_list(root: Path, tag: str | None) -> None:
    """List the saved queries with their titles."""
    from tipkg.project import Project
    from tipkg.sparql.saved import load_saved_queries

    for q in load_saved_queries(Project(root).queries_dir).values():
        if tag is None or tag in q.tags:
            params = " ".join(f"{p.name}=<{p.type}>" for p in q.params)
            click.echo(f"{q.name:34s} {q.title}" + (f"  [{params}]" if params else ""))


@query.command("show")
@ROOT
@click.argument("name")
def query_show(root: Path, name: str) -> None:
    """Show a saved query: its description, parameters and SPARQL."""
    from tipkg.project import Project
    from tipkg.sparql.saved import find, load_saved_queries

    q = find(load_saved_queries(Project(root).queries_dir), name)
    click.echo(q.text.rstrip())


@query.command("run")
@ROOT
@click.argument("name")
@PARAM
@FORMAT
@LANG
@ENGINE
@click.option(
    "--offset", type=click.IntRange(min=0), default=0, help="Skip this many rows first (the order is stable: see docs/queries.md)."
)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="At most this many rows.")
def query_run(root: Path, name: str, params: tuple[str, ...], fmt: str, lang: str, engine: str, offset: int, limit: int | None) -> None:
    """Run a saved query: tipkg query run NAME -p key=value [--offset N --limit M]."""
    import tipkg

    kg = tipkg.open(root, engine=engine)
    bound, saved, rows = key_values(params), kg.queries.get(name), window(offset, limit)
    results = []

    def run() -> str:
        results.append(kg.query(name, lang=lang, window=rows, **bound))
        return results[0].render(fmt)

    out = guarded(engine, saved.text if saved else name, run)
    click.echo(out, nl=not out.endswith("\n"))
    if saved is not None and results and not results[0].rows and results[0].boolean is None and results[0].triples is None:
        from tipkg.sparql.absence import why_empty

        note = why_empty(kg, saved, lang)
        if note:
            click.echo(note, err=True)  # on stderr: the answer on stdout stays the engine's


@click.command("sparql")
@ROOT
@click.argument("text", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False, path_type=Path), help="Read the query from a file.")
@PARAM
@FORMAT
@LANG
@ENGINE
@OFFSET
@LIMIT
def sparql(
    root: Path,
    text: str | None,
    file: Path | None,
    params: tuple[str, ...],
    fmt: str,
    lang: str,
    engine: str,
    offset: int,
    limit: int | None,
) -> None:
    """Run a SPARQL query: tipkg sparql 'SELECT ...' or tipkg sparql -f query.rq [--offset N --limit M]."""
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
    bound, query_text = key_values(params), text
    rows = window(offset, limit)
    out = guarded(engine, query_text, lambda: kg.query(query_text, lang=lang, window=rows, **bound).render(fmt))
    click.echo(out, nl=not out.endswith("\n"))


@click.command("compare")
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
