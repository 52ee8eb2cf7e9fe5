"""Node positions computed in Python, for graphs too large to lay out in the browser.

A Fruchterman–Reingold force layout in pure Python: repulsion is computed only between nodes in
neighbouring cells of a grid (the grid variant of the original paper), so one iteration costs
about O(nodes + edges) instead of O(nodes²). Each connected component is laid out on its own and
the components are then packed in rows, largest first. Deterministic for a given seed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable

Position = tuple[float, float]
_HALF_NEIGHBOURHOOD = ((0, 0), (1, 0), (0, 1), (1, 1), (1, -1))  # each pair of cells once
_CROWD = 24  # above this many nodes in a cell, repulsion is sampled or taken from centroids


def force_layout(
    nodes: Iterable[Hashable], edges: Iterable[tuple[Hashable, Hashable]], seed: int = 0, scale: float = 60.0
) -> dict[Hashable, Position]:
    """Positions for ``nodes`` (in pixels, about ``scale`` apart along an edge).

    >>> pos = force_layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos) == ["a", "b", "c"]
    True
    """
    order = list(dict.fromkeys(nodes))
    index = {n: i for i, n in enumerate(order)}
    adjacency: list[set[int]] = [set() for _ in order]
    for u, v in edges:
        i, j = index.get(u), index.get(v)
        if i is not None and j is not None and i != j:
            adjacency[i].add(j)
            adjacency[j].add(i)
    rng = random.Random(seed)
    placed: list[tuple[list[int], list[Position]]] = []
    for component in _components(adjacency):
        placed.append((component, _fruchterman_reingold(component, adjacency, rng)))
    placed.sort(key=lambda item: -len(item[0]))
    out: dict[Hashable, Position] = {}
    for component, positions in _pack(placed):
        for i, (x, y) in zip(component, positions, strict=True):
            out[order[i]] = (round(x * scale, 1), round(y * scale, 1))
    return out


def _components(adjacency: list[set[int]]) -> list[list[int]]:
    seen = [False] * len(adjacency)
    out = []
    for start in range(len(adjacency)):
        if seen[start]:
            continue
        seen[start] = True
        stack, members = [start], []
        while stack:
            i = stack.pop()
            members.append(i)
            for j in adjacency[i]:
                if not seen[j]:
                    seen[j] = True
                    stack.append(j)
        out.append(sorted(members))
    return out


def _fruchterman_reingold(component: list[int], adjacency: list[set[int]], rng: random.Random) -> list[Position]:
    """Positions of one component, with unit ideal edge length, centred on (0, 0)."""
    n = len(component)
    if n == 1:
        return [(0.0, 0.0)]
    local = {g: i for i, g in enumerate(component)}
    links = [(i, local[j]) for i, g in enumerate(component) for j in adjacency[g] if local[j] > i]
    side = math.sqrt(n) * 1.5
    xs = [rng.uniform(0, side) for _ in range(n)]
    ys = [rng.uniform(0, side) for _ in range(n)]
    iterations = 60 if n < 1000 else 40
    cutoff = 2.0  # repulsion is ignored beyond twice the ideal length: the grid cell size
    temperature = side / 8
    for step in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = {}
        for i in range(n):
            grid.setdefault((int(xs[i] // cutoff), int(ys[i] // cutoff)), []).append(i)
        for (cx, cy), cell in grid.items():
            for ox, oy in _HALF_NEIGHBOURHOOD:
                other = cell if (ox, oy) == (0, 0) else grid.get((cx + ox, cy + oy))
                if not other:
                    continue
                if other is cell and len(cell) > _CROWD:
                    _sampled_repulsion(cell, xs, ys, dx, dy, rng)
                elif other is not cell and len(cell) * len(other) > _CROWD * _CROWD:
                    _centroid_repulsion(cell, other, xs, ys, dx, dy)
                    _centroid_repulsion(other, cell, xs, ys, dx, dy)
                else:
                    _exact_repulsion(cell, other, xs, ys, dx, dy, cutoff, rng)
        for a, b in links:
            ddx = xs[a] - xs[b]
            ddy = ys[a] - ys[b]
            d = math.sqrt(ddx * ddx + ddy * ddy)
            dx[a] -= ddx * d
            dy[a] -= ddy * d
            dx[b] += ddx * d
            dy[b] += ddy * d
        for i in range(n):
            length = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if length > 0:
                move = min(length, temperature) / length
                xs[i] += dx[i] * move
                ys[i] += dy[i] * move
        temperature = max(side / 8 * (1 - (step + 1) / iterations), 0.02)
    mx, my = sum(xs) / n, sum(ys) / n
    return [(x - mx, y - my) for x, y in zip(xs, ys, strict=True)]


def _exact_repulsion(
    cell: list[int], other: list[int], xs: list[float], ys: list[float], dx: list[float], dy: list[float], cutoff: float, rng: random.Random
) -> None:
    same = other is cell
    for a_pos, a in enumerate(cell):
        ax, ay = xs[a], ys[a]
        for b in cell[a_pos + 1 :] if same else other:
            ddx = ax - xs[b]
            ddy = ay - ys[b]
            d2 = ddx * ddx + ddy * ddy
            if d2 >= cutoff * cutoff:
                continue
            if d2 < 1e-9:
                ddx, ddy, d2 = rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01), 1e-4
            f = 1.0 / d2
            dx[a] += ddx * f
            dy[a] += ddy * f
            dx[b] -= ddx * f
            dy[b] -= ddy * f


def _sampled_repulsion(cell: list[int], xs: list[float], ys: list[float], dx: list[float], dy: list[float], rng: random.Random) -> None:
    """Repulsion inside a crowded cell: each node from a few others, weighted to stand for all."""
    m = len(cell)
    weight = (m - 1) / _CROWD
    for i, a in enumerate(cell):
        ax, ay = xs[a], ys[a]
        for j in range(1, _CROWD + 1):
            b = cell[(i + j * 7919) % m]
            if b == a:
                continue
            ddx = ax - xs[b]
            ddy = ay - ys[b]
            d2 = ddx * ddx + ddy * ddy
            if d2 < 1e-4:
                ddx, ddy, d2 = rng.uniform(-0.01, 0.01), rng.uniform(-0.01, 0.01), 1e-4
            f = weight / d2
            dx[a] += ddx * f
            dy[a] += ddy * f


def _centroid_repulsion(cell: list[int], other: list[int], xs: list[float], ys: list[float], dx: list[float], dy: list[float]) -> None:
    """Repulsion of the nodes of ``cell`` from a crowded neighbouring cell, as from its centroid."""
    m = len(other)
    ox = sum(xs[b] for b in other) / m
    oy = sum(ys[b] for b in other) / m
    for a in cell:
        ddx = xs[a] - ox
        ddy = ys[a] - oy
        d2 = max(ddx * ddx + ddy * ddy, 0.25)
        f = m / d2
        dx[a] += ddx * f
        dy[a] += ddy * f


def _pack(placed: list[tuple[list[int], list[Position]]]) -> list[tuple[list[int], list[Position]]]:
    """Shift each component into a row layout so that no two overlap."""
    total = sum(_extent(p)[0] * _extent(p)[1] for _c, p in placed) or 1.0
    row_width = max(math.sqrt(total) * 1.2, max(_extent(p)[0] for _c, p in placed))
    out = []
    x = y = row_height = 0.0
    for component, positions in placed:
        w, h = _extent(positions)
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        min_x = min(px for px, _ in positions)
        min_y = min(py for _, py in positions)
        out.append((component, [(px - min_x + x, py - min_y + y) for px, py in positions]))
        x += w
        row_height = max(row_height, h)
    return out


def _extent(positions: list[Position]) -> tuple[float, float]:
    xs = [x for x, _ in positions]
    ys = [y for _, y in positions]
    return max(xs) - min(xs) + 1.5, max(ys) - min(ys) + 1.5
