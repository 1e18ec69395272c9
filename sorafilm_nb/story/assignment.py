"""The minimum-cost assignment casting solves (casting._assign builds its cost matrix).

A generic algorithm with no story in it, kept apart so casting.py holds only what a cast
means: the scores, the reuse column, the variety pass.
"""

from __future__ import annotations


def hungarian(cost: list[list[int]]) -> list[int]:
    """Minimum-cost assignment of every row to a distinct column (rows <= columns).

    The O(rows^2 x columns) potentials method; integers in, so the result is exact and the
    same on every machine.
    """
    n, m = len(cost), len(cost[0])
    unreachable = 1 << 100  # above any cost, forbidden ones included
    u, v = [0] * (n + 1), [0] * (m + 1)
    p, way = [0] * (m + 1), [0] * (m + 1)  # p[j]: row (1-based) holding column j
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [unreachable] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], unreachable, 0
            row = cost[i0 - 1]
            for j in range(1, m + 1):
                if not used[j]:
                    cur = row[j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(m + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    col_of_row = [0] * n
    for j in range(1, m + 1):
        if p[j]:
            col_of_row[p[j] - 1] = j - 1
    return col_of_row
