"""The review page of a draft: the source's text, sentence by sentence, each proposal highlighted
in its sentence and listed under it, and the sentences no curated record cites marked.

One self-contained HTML file: no script, no external resource; its only style sheet is allowed by
its hash in the Content-Security-Policy, and every text of the source or of a proposal is escaped.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from pathlib import Path

from tipkg.curation.coverage import MISSING, Sentence, classify
from tipkg.curation.drafting.proposals import Proposal
from tipkg.curation.sources import Source

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.s{margin:.6rem 0;padding:.2rem .5rem;border-left:4px solid #ddd}
.s.missing{border-left-color:#d9822b;background:#fff7ec}
.s.cited{border-left-color:#3a7}
mark{background:#ffe58a;padding:0 .1rem}
ul{margin:.2rem 0 .2rem 1rem;padding:0;font-size:13px;color:#444}
.legend span{margin-right:1rem}
code{background:#f2f2f2;padding:0 .2rem}
"""


def _style_hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"


def cited_spans(root: Path, source_id: str) -> list[tuple[int, int]]:
    """The spans of the source that the project's curated records cite (none if it does not load)."""
    from tipkg.build.pipeline import load_project
    from tipkg.project import Project

    loaded = load_project(Project(root))
    return [(ref.start, ref.end) for ref in loaded.evidence if ref.source == source_id]


def _highlighted(text: str, offset: int, proposals: list[Proposal]) -> str:
    out, at = [], 0
    for p in sorted(proposals, key=lambda p: (p.start, -p.end)):
        start, end = p.start - offset, p.end - offset
        if start < at or end > len(text):
            continue  # overlaps one already highlighted: listed below only
        out += [escape(text[at:start]), f'<mark title="{escape(p.name)}">', escape(text[start:end]), "</mark>"]
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def page(source: Source, sentences: list[Sentence], proposals: list[Proposal]) -> str:
    """The HTML of the review page (pure)."""
    body = []
    pending = sorted(proposals, key=lambda p: p.start)
    for s in sentences:
        mine = [p for p in pending if s.start <= p.start < s.end]
        note = " <small>(no record cites this sentence)</small>" if s.status == MISSING else ""
        body.append(f'<div class="s {escape(s.status.replace(" ", "-"))}"><p>{_highlighted(s.text, s.start, mine)}{note}</p>')
        if mine:
            body.append("<ul>")
            for p in mine:
                body.append(f"<li><code>{escape(p.kind)}</code> {escape(p.name)} · {p.confidence:.2f} · {escape(p.reason)}</li>")
            body.append("</ul>")
        body.append("</div>")
    title = f"Draft of {source.id}: {len(proposals)} proposals"
    csp = f"default-src 'none'; style-src {_style_hash(_CSS)}; img-src 'none'; form-action 'none'; base-uri 'none'"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(source.language)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        '<p class="legend"><span><mark>proposal</mark></span><span>orange: no curated record cites the sentence</span></p>'
        + "\n".join(body)
        + "</body></html>\n"
    )


def review_page(root: Path, source: Source, proposals: list[Proposal]) -> str:
    """The review page of ``proposals`` for ``source`` in the project at ``root``."""
    return page(source, classify(source, cited_spans(root, source.id)), proposals)
