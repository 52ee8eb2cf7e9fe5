"""The pages of a long answer on the site: which page a request asks for (``?page=``), and the
"rows a–b of n" line with links to the previous and next pages (:mod:`tipkg.sparql.paging`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from tipkg.service.views.plumbing import lang_of, words
from tipkg.sparql.paging import Page, Window, page_number
from tipkg.sparql.results import Result


class PageError(ValueError):
    """A ``page`` that is no page of the answer: the message to show."""


def requested(request: Request, size: int) -> tuple[int, Window]:
    """The page number the request asks for and its window of rows, or :class:`PageError`."""
    raw = request.query_params.get("page")
    try:
        number = page_number(raw)
    except ValueError:
        raise PageError(words(request, "site.page.bad", given=raw or "")) from None
    return number, Window.page(number, size)


def pager(request: Request, result: Result, number: int, size: int, keep: dict[str, str] | None = None) -> dict[str, Any]:
    """The line and links of page ``number``; ``keep``: parameters the links carry besides the URL's.

    Raises :class:`PageError` for a page past the last one (the first page always exists).
    """
    page = Page(number, size, result.total if result.total is not None else len(result.rows), len(result.rows))
    if number > page.count:
        raise PageError(words(request, "site.page.past_last", number=number, count=page.count))
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page" and k not in (keep or {})]
    params += list((keep or {}).items())

    def href(to: int | None) -> str | None:
        return None if to is None else request.url.path + "?" + urlencode([*params, ("page", str(to))])

    lang = lang_of(request)
    if page.total:
        text = words(
            request, "site.page.rows", first=grouped(page.first, lang), last=grouped(page.last, lang), total=grouped(page.total, lang)
        )
    else:
        text = words(request, "site.page.none")
    return {"text": text, "previous": href(page.previous), "next": href(page.next), "number": page.number, "count": page.count}


def grouped(n: int, lang: str) -> str:
    """A count with its thousands grouped as the language writes them (1,000; 1 000)."""
    return f"{n:,}".replace(",", "\u202f") if lang == "es" else f"{n:,}"
