"""The files ``tipkg draft`` writes: the draft and its review page, each written whole or not at all,
never over a curated file or (without ``--force``) a review in progress; ``--accept`` in :mod:`.accept`."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

from tipkg.curation.drafting.draft import drafter_for
from tipkg.curation.drafting.proposals import draft_text
from tipkg.curation.records import shown_path
from tipkg.errors import TipkgError


def _output(root: Path, path: Path, force: bool, what: str) -> str:
    """``path`` as messages show it, once it may be written: not a curated file (in graph_data/, only
    a name starting with ``_``, and none in its sources/ or reference/), and not an existing file
    unless ``force``."""
    resolved, data = path.resolve(), (root / "graph_data").resolve()
    shown = shown_path(resolved, root.resolve())
    for folder in ("sources", "reference"):
        if resolved.is_relative_to(data / folder):
            raise TipkgError(f"{shown}: {what} in graph_data/{folder}/ would be read as its data: expected a file elsewhere")
    if resolved.is_relative_to(data) and not resolved.name.startswith("_"):
        raise TipkgError(f"{shown}: {what} in graph_data/ would be read as curated data: expected a name starting with '_'")
    if resolved.exists() and not force:
        raise TipkgError(f"{shown}: exists (a review in progress?): expected a new file, or --force to replace it")
    return shown


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``: a reader (or a
    failure) sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_draft(root: Path, source_id: str, output: Path | None = None, html: Path | None = None, force: bool = False) -> list[str]:
    """Write the draft file (and the review page); return what was written.

    An existing draft is a review in progress, and a file of graph_data/ may be curated: neither is
    replaced unless ``force`` (and a curated file never)."""
    target = output or root / "graph_data" / source_id / "_draft.yaml"
    shown = _output(root, target, force, "the draft")
    shown_html = _output(root, html, force, "the review page") if html is not None else ""
    source, drafter = drafter_for(root, source_id)
    proposals = drafter.run()
    write_atomically(target, draft_text(source_id, proposals))
    left_out = f", {drafter.left_out} figures left out: bounded otherwise than by 'more than' or 'about'" if drafter.left_out else ""
    lines = [f"{shown}: {len(proposals)} proposals{left_out}"]
    lines += [f"  {kind}: {n}" for kind, n in sorted(Counter(p.kind for p in proposals).items())]
    if html is not None:
        from tipkg.curation.drafting.review import review_page

        write_atomically(html, review_page(root, source, proposals))
        lines.append(f"{shown_html}: review page")
    return lines


def accept_draft(root: Path, source_id: str, file: Path) -> list[str]:
    from tipkg.curation.drafting.accept import accept

    return accept(root, source_id, file)
