"""The service's query guard is :mod:`tipkg.sparql.guard`, the one decision every path takes; these names
stay importable from here."""

from __future__ import annotations

from tipkg.sparql.guard import CheckedQuery, Refused, check_graphs, check_query, expand_escapes

__all__ = ["CheckedQuery", "Refused", "check_graphs", "check_query", "expand_escapes"]
