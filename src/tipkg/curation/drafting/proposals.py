"""A proposal of ``tipkg draft``: one curated record, with what a reviewer needs to judge it.

A draft file is a curated file (``source:`` and ``records:``) whose records carry four draft-only
keys, which ``tipkg draft --accept`` strips before moving a record into the curated files:

- ``accept: false``: the reviewer's marker; set it to ``true`` to keep the record (edit it first
  if it needs edits: the marker alone says what is kept);
- ``_kind``: the curated file it goes to (``graph_data/<source>/<kind>.yaml``);
- ``_confidence`` (0 to 1) and ``_reason``: why the record is proposed.

Keys rather than YAML comments, so that a reviewer's editor or a YAML round trip keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

ACCEPT, KIND, CONFIDENCE, REASON = "accept", "_kind", "_confidence", "_reason"
DRAFT_KEYS = (ACCEPT, KIND, CONFIDENCE, REASON)


@dataclass
class Proposal:
    """A record to review; ``start``/``end`` are the offsets of what it was drawn from in the text."""

    kind: str  # the curated file it goes to: actors, programs, funding, statistics, mentions ...
    record: dict[str, Any]
    confidence: float
    reason: str
    start: int
    end: int

    @property
    def name(self) -> str:
        """What the review page shows for it: its id (or the id it is about) and its type."""
        target = self.record.get("id") or self.record.get("about") or ""
        return f"{target} ({self.record['type']})" if "type" in self.record else str(target)

    def as_yaml_data(self) -> dict[str, Any]:
        return {**self.record, KIND: self.kind, CONFIDENCE: round(self.confidence, 2), REASON: self.reason, ACCEPT: False}


def dump_records(records: list[dict[str, Any]]) -> str:
    """Records as the items of a ``records:`` list (two spaces in), one blank line between them."""
    chunks = []
    for record in records:
        text = yaml.safe_dump([record], sort_keys=False, allow_unicode=True, width=10**6, default_flow_style=False)
        chunks.append("".join("  " + line if line.strip() else line for line in text.splitlines(keepends=True)))
    return "\n".join(chunks)


def draft_text(source_id: str, proposals: list[Proposal]) -> str:
    """The draft file: ``source: ID`` and the proposals, in the order of the text."""
    head = (
        f"# Proposals of `tipkg draft {source_id}`: check each against its quote, edit it if needed, set\n"
        f"# `accept: true` on those to keep, then run `tipkg draft {source_id} --accept <this file>`.\n"
        "# `_kind` is the curated file a record goes to; `_confidence` and `_reason` say why it is proposed.\n"
    )
    return f"{head}source: {source_id}\nrecords:\n" + dump_records([p.as_yaml_data() for p in proposals])
