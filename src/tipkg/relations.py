"""Two algorithms on relations, written once: the reflexive-transitive closure and union-find.

Superclasses and superproperties (of the schema, the inference rules, the lint and the OWL
explanation) are closures; individuals merged by ``owl:sameAs`` and blank-node structures sent
together to a store are union-find groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


def reachable(start: T, successors: Callable[[T], Iterable[T]]) -> set[T]:
    """``start`` and everything reachable from it by ``successors`` (reflexive, transitive).

    >>> sorted(reachable("a", {"a": ["b"], "b": ["c", "a"]}.get))
    ['a', 'b', 'c']
    """
    seen, todo = {start}, [start]
    while todo:
        for nxt in successors(todo.pop()) or ():
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def closure(direct: Mapping[T, Iterable[T]]) -> dict[T, set[T]]:
    """The reflexive-transitive closure of a relation given as successor sets, for each of its keys.

    >>> closure({"a": {"b"}, "b": {"c"}})["a"] == {"a", "b", "c"}
    True
    """
    return {start: reachable(start, lambda node: direct.get(node, ())) for start in list(direct)}


class UnionFind(Generic[T]):
    """Disjoint sets: ``union`` merges two elements' sets, ``find`` names an element's set.

    >>> groups = UnionFind[str]()
    >>> groups.union("a", "b")
    >>> groups.find("b") == groups.find("a") != groups.find("c")
    True
    """

    def __init__(self) -> None:
        self.parent: dict[T, T] = {}

    def find(self, x: T) -> T:
        while self.parent.get(x, x) != x:
            x = self.parent[x]
        return x

    def union(self, a: T, b: T) -> None:
        """Merge ``b``'s set into ``a``'s (``a``'s representative stays)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra

    def groups(self, elements: Iterable[T]) -> list[set[T]]:
        """The sets of ``elements`` and of every element ever merged, ordered by their representative's text."""
        out: dict[T, set[T]] = defaultdict(set)
        for x in set(elements) | set(self.parent):
            out[self.find(x)].add(x)
        return [out[k] for k in sorted(out, key=str)]
