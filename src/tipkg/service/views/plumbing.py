"""What every page needs from its request: the service's context, the language, the templates, the
page and error responses with their security policy, and the content negotiation of HTML."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from tipkg.service.context import Context
from tipkg.service.formats import GRAPHS, HTML, choose

PAGE_CSP = "; ".join(
    (
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    )
)
VIEW_CSP = "frame-ancestors 'self'"  # the network pages carry their own script policy in a <meta> element
TRUNCATED = "X-Tipkg-Truncated"


@cache
def templates() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("tipkg.service", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx


def lang_of(request: Request) -> str:
    """The page's language: ``?lang=``, else the first of ``Accept-Language`` the site speaks, else
    the service's setting."""
    from tipkg.messages import languages

    lang = request.query_params.get("lang", "")
    if lang in languages():
        return lang
    return accepted_language(request.headers.get("accept-language", ""), languages()) or context(request).settings["lang"]


def accepted_language(header: str, offered: tuple[str, ...]) -> str | None:
    """The language of ``offered`` an ``Accept-Language`` header prefers ("es-MX,es;q=0.9,en;q=0.8"
    gives "es"), by quality then order; a range matches by its primary subtag; None when none does."""
    ranked = []
    for n, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if quality > 0 and primary in offered:
            ranked.append((-quality, n, primary))
    return min(ranked)[2] if ranked else None


def relative(request: Request, **changes: str) -> str:
    """This page's path and query with ``changes``: links never name the host."""
    params = dict(request.query_params)
    params.update(changes)
    return request.url.path + ("?" + urlencode(params) if params else "")


def page(
    request: Request, template: str, *, title: str, status: int = 200, headers: dict[str, str] | None = None, **values: Any
) -> Response:
    """The HTML page of ``template``, its interface words in the request's language (``t(id)``)."""
    from tipkg.messages import languages, text

    ctx = context(request)
    lang = lang_of(request)

    def t(key: str, **fields: Any) -> str:
        return text(key, lang, **fields)

    def num(n: Any) -> str:
        from tipkg.service.views.pager import grouped

        return grouped(int(n), lang)  # as the pager and the class pages write counts

    html = (
        templates()
        .get_template(template)
        .render(
            title=title,
            t=t,
            num=num,
            lang=lang,
            langs=languages(),
            lang_links=[(code, relative(request, lang=code)) for code in languages()],
            search_text=values.pop("search_text", None),
            built=ctx.built.strftime("%Y-%m-%d %H:%M UTC"),
            **values,
        )
    )
    merged = {"Content-Security-Policy": PAGE_CSP, **(headers or {})}
    if request.query_params.get("lang") not in languages():  # the words follow the header
        merged["Vary"] = ", ".join(v for v in (merged.get("Vary"), "Accept-Language") if v)
    return HTMLResponse(html, status_code=status, headers=merged)


def error_page(
    request: Request, status: int, message: str, title: str | None = None, suggestions: list[tuple[str, str, str]] | None = None
) -> Response:
    """An error page: the message, and (name, link, title) of what the request may have meant (a
    list, even empty, also links the saved queries)."""
    from tipkg.messages import catalogue

    if title is None:
        words = catalogue(lang_of(request))
        title = words.get(f"site.error.{status}", words["site.error.other"])
    return page(request, "error.html", title=title, status=status, message=message, suggestions=suggestions)


def words(request: Request, key: str, **fields: Any) -> str:
    """The interface message ``key`` in the request's language, its ``{name}`` fields filled."""
    from tipkg.messages import text

    return text(key, lang_of(request), **fields)


def wants_html(request: Request) -> bool:
    return choose(request.headers.get("accept"), None, (HTML, *GRAPHS)) is HTML


def truncated_header(ctx: Context, truncated: bool) -> dict[str, str]:
    """The header that says an answer stops at the row cap (none when it does not)."""
    return {TRUNCATED: str(ctx.settings["row_cap"])} if truncated else {}


def stylesheet(request: Request) -> Response:
    css = resources.files("tipkg.service").joinpath("static", "site.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})
