"""A project folder: where its ontology, curated data, saved queries and build live.

One place for the layout (``ontology/``, ``graph_data/`` with ``sources/`` and ``reference/``,
``queries/``, the ``build`` link and its ``manifest.json``), so that no module works out a path
of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tipkg.curation.records import Limits
from tipkg.errors import NotBuiltError
from tipkg.namespaces import DEFAULT_BASE

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Project:
    """A project folder, with the base IRI of its data and the size limits of its input files.

    >>> Project(Path("kg")).sources_dir.as_posix(), Project(Path("kg")).manifest_path.as_posix()
    ('kg/graph_data/sources', 'kg/build/manifest.json')
    """

    root: Path
    base: str = DEFAULT_BASE
    limits: Limits = field(default_factory=Limits.from_env)

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        """``graph_data``: the curated records, the source reports and the reference lists."""
        return self.root / "graph_data"

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "sources"

    @property
    def reference_dir(self) -> Path:
        """Lists curators keep: the checked Wikidata ids, the candidates to review."""
        return self.data_dir / "reference"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def build_dir(self) -> Path:
        """``build``: a link to the current build's folder under ``.builds/``."""
        return self.root / "build"

    @property
    def manifest_path(self) -> Path:
        return self.build_dir / MANIFEST


def read_manifest(build: Path, shown: Path | None = None) -> dict[str, Any]:
    """The manifest of the build in folder ``build`` (its base IRI, graphs and counts).

    ``shown`` is the folder named if there is none (the ``build`` link rather than the folder it
    was resolved to).
    """
    path = build / MANIFEST
    if not path.exists():
        raise NotBuiltError(f"no built graph in {shown or build}: run 'tipkg build' first")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest
