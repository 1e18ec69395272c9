"""A JavaScript file nested deeper than tree-sitter's query can see is skipped with a warning
(issue 11). tree-sitter's query cursor keeps a node's depth in 16 bits: past 65,535 levels
it stopped capturing (13,107 of 20,000 nested callbacks) and slowed down node by node (40,000
callbacks: 54 s of analysis). scan_js.too_deep samples the tree's depth instead of walking
it; the samples must find every tree that reaches the limit."""

from __future__ import annotations

import random
from typing import Any

import pytest

from sorafilm_nb.analysis import js_depth, scan_js
from sorafilm_nb.analysis.scan_js import _parser


def _nested(n: int) -> bytes:
    """n callbacks, each in a call whose first argument names a module (an 'imp' entry)."""
    return ("f('m', function () {\n" * n + "});\n" * n).encode()


def test_callbacks_nested_past_the_query_depth_are_skipped_with_a_warning() -> None:
    # 5 levels of tree a callback: 13,200 of them reach 66,000 levels, 12,800 stay under
    deep = scan_js.scan_js(_nested(13_200), "javascript")
    assert "imp" not in deep and "skipped" in deep["warn"]  # old: 13,107 imports, no warning
    fine = scan_js.scan_js(_nested(12_800), "javascript")
    assert "warn" not in fine and len(fine["imp"]) == 12_800


def _max_depth(root: Any) -> int:
    """The depth of the deepest node, by a walk of every node (what too_deep avoids)."""
    cursor, deepest = root.walk(), 0
    while True:
        deepest = max(deepest, cursor.depth)
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return deepest


def _random_js(rng: random.Random) -> str:
    """A random walk of nesting: opens and closes in runs of every length."""
    out: list[str] = []
    closers: list[str] = []
    shapes = [("f(", ")"), ("[b, ", "]"), ("{a: ", "}"), ("(x) => (", ")"), ("!(", ")")]
    bias = rng.uniform(0.55, 0.72)
    for _ in range(rng.randint(100, 500)):
        if closers and rng.random() > bias:
            out.append(closers.pop() + ", 1")
        else:
            opener, closer = rng.choice(shapes)
            out.append(opener)
            closers.append(closer)
    out.append("1")
    out.extend(reversed(closers))
    return "x = " + "".join(out) + ";\n"


def test_the_sampled_depth_finds_every_tree_that_reaches_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the limit scaled down (200 levels, a sample every 16 nodes), too_deep says yes
    for every tree whose deepest node reaches the limit and no for every tree that stays
    _STEP levels under it, on random nesting."""
    from sorafilm_nb.analysis.js_depth import too_deep

    monkeypatch.setattr(js_depth, "MAX_DEPTH", 200)
    monkeypatch.setattr(js_depth, "_STEP", 16)
    parser, _ = _parser("javascript")
    for before in range(0, 34, 3):  # one thin spike at every depth around the limit
        for spike in range(190, 206):
            source = "x = [" + "1, " * before + "[" * spike + "]" * spike + ", 2];\n"
            root = parser.parse(source.encode()).root_node
            depth = _max_depth(root)
            assert too_deep(root) == (depth >= 200) or 200 - 16 <= depth < 200, depth
    rng = random.Random(11)
    seen: list[bool] = []
    for _ in range(60):
        root = parser.parse(_random_js(rng).encode()).root_node
        depth = _max_depth(root)
        if depth >= 200:
            assert too_deep(root), depth
            seen.append(True)
        elif depth < 200 - 16:
            assert not too_deep(root), depth
            seen.append(False)
    assert seen.count(True) >= 2 and seen.count(False) >= 30


def _grid_too_deep(root: Any) -> bool:
    """too_deep as it sampled before it skipped samples: every _STEP-th node from the floor."""
    floor = js_depth.MAX_DEPTH - js_depth._STEP
    cursor = root.walk()
    for index in range(floor, root.descendant_count, js_depth._STEP):
        cursor.goto_descendant(index)
        if cursor.depth >= floor:
            return True
    return False


def test_skipping_the_samples_under_the_floor_keeps_every_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """too_deep skips the samples a sample proves under the floor: the same answer as
    every sample, on spikes at each depth around the (scaled) limit and on random nesting."""
    monkeypatch.setattr(js_depth, "MAX_DEPTH", 200)
    monkeypatch.setattr(js_depth, "_STEP", 16)
    parser, _ = _parser("javascript")
    sources = [
        "x = [" + "1, " * before + "[" * spike + "]" * spike + ", 2];\n" + "y;\n" * after
        for before in range(0, 40, 13)
        for spike in range(150, 206, 5)
        for after in (0, 90)
    ]
    rng = random.Random(12)
    sources += [_random_js(rng) for _ in range(30)]
    answers = []
    for source in sources:
        root = parser.parse(source.encode()).root_node
        answers.append(js_depth.too_deep(root))
        assert answers[-1] == _grid_too_deep(root), source[:80]
    assert True in answers and False in answers


class _CountedCursor:
    def __init__(self, cursor: Any, moves: list[int]) -> None:
        self.cursor, self.moves = cursor, moves

    def goto_descendant(self, index: int) -> None:
        self.moves.append(index)
        self.cursor.goto_descendant(index)

    @property
    def depth(self) -> int:
        return int(self.cursor.depth)


def test_a_flat_file_takes_a_few_samples() -> None:
    """70,000 statements (half a hostile 1 MB entry): each goto_descendant reads the root's
    children from the first, and every 1,024th node was sampled, 74 moves here (400 on the
    1 MB entry: 0.26 s). A sample near the root proves the next 64,000 nodes shallow: a
    few moves now."""
    parser, _ = _parser("javascript")
    root = parser.parse(b"  run(\n" * 70_000).root_node
    moves: list[int] = []

    class Root:
        descendant_count = root.descendant_count

        def walk(self) -> _CountedCursor:
            return _CountedCursor(root.walk(), moves)

    assert Root.descendant_count > 2 * js_depth.MAX_DEPTH
    assert not js_depth.too_deep(Root())
    assert 0 < len(moves) <= Root.descendant_count // (js_depth.MAX_DEPTH - js_depth._STEP) + 1
