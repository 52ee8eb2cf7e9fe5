"""The built graph's embedded Oxigraph store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tipkg.errors import NotBuiltError


def open_store(build_dir: Path) -> Any:
    """Open ``build_dir/store`` read-only (several processes may read it at once)."""
    import pyoxigraph as ox

    path = build_dir / "store"
    if not path.is_dir():
        raise NotBuiltError(f"no built graph in {build_dir}: run 'tipkg build' first")
    return ox.Store.read_only(str(path))
