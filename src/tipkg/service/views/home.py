"""The home page ``/``: what the graph holds (counts, sources, entities by class, downloads), and a
search by name."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from tipkg.namespaces import TIPKG
from tipkg.service.context import Context
from tipkg.service.views.cells import Cell, cell
from tipkg.service.views.plumbing import context, lang_of, page, words
from tipkg.service.views.sources import coverage


def home(request: Request) -> Response:
    from tipkg.service.charts import Bar, bar_svg

    ctx = context(request)
    lang = lang_of(request)

    def summary() -> tuple[list[tuple[Cell, int]], str, list[dict[str, Any]]]:
        counts = ctx.kg.query("counts_by_class", lang=lang)
        # each class links to its members, browsed by facets (views/classes.py)
        classes = [(replace(cell(ctx, counts, c), href=f"/classes/{str(c)[len(str(TIPKG)) :]}"), int(str(n))) for c, n in counts.rows]
        chart = bar_svg([Bar(c.text, float(n)) for c, n in classes], words(request, "site.home.chart"))
        return classes, chart, [{**s, "coverage": coverage(ctx, s["id"])} for s in ctx.source_docs]

    classes, chart, sources = ctx.memo(("home", lang), summary)
    text = request.query_params.get("q")
    return page(
        request,
        "home.html",
        title=words(request, "site.nav.home"),
        search_text=text,
        found=ctx.search(text, lang) if text is not None else [],
        manifest=ctx.manifest,
        sources=sources,
        classes=classes,
        chart=chart,
        downloads=_downloads(ctx),
    )


def _downloads(ctx: Context) -> list[str]:
    from tipkg.service.dataset import DOWNLOADS

    return [name for name in DOWNLOADS if (ctx.build_dir / name).is_file()]
