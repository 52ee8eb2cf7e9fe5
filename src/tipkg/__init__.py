"""tipkg: a knowledge graph of government action against trafficking in persons.

In a project folder where ``tipkg build`` has written ``build/`` (the README's example, run by
``tests/sparql/test_query_layer.py``)::

    import tipkg
    kg = tipkg.open()
    rows = kg.query("victims_by_nationality").to_dicts()
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tipkg.kg import KnowledgeGraph

__all__ = ["open"]


def open(path: str | Path = ".", *, engine: str = "oxigraph") -> KnowledgeGraph:
    """Open a built graph (see :func:`tipkg.kg.open`)."""
    from tipkg import kg

    return kg.open(path, engine=engine)
