"""How deep a JavaScript/TypeScript syntax tree goes, for scan_js, without walking it:
a tree deeper than tree-sitter's query can see is not queried at all (issue 11)."""

from __future__ import annotations

from typing import Any

# tree-sitter's query cursor keeps a node's depth in 16 bits: above 65,535 levels of syntax
# tree a query silently stops capturing (10,000 calls nested in callbacks, five levels each,
# were captured up to 13,107) and each node costs more than the last (20,000 of them: over 5
# s; 40,000: 54 s; issue 11). A file that deep is refused, with a warning.
MAX_DEPTH = 65_535
_STEP = 1024  # preorder nodes between two depth samples (too_deep)
TOO_DEEP = f"nested too deeply to parse (~{MAX_DEPTH:,} levels): skipped"  # the warning


def too_deep(root: Any) -> bool:
    """True for a tree with a node MAX_DEPTH levels down; perhaps (never for real code) for
    one that comes within _STEP levels of it.

    Why sampling every _STEP-th node in preorder suffices: the node after a node is at most
    one level deeper, so of a node at depth d, the last sample before it is at depth
    d - _STEP or more. And a tree of fewer nodes than that depth cannot reach it: ordinary
    files (up to ~150 KB) are answered without a sample, and a 1 MB bundle takes a few
    hundred moves of one TreeCursor (goto_descendant, in C).

    By the same rule, a sample at depth d says the next floor - d nodes are under the
    floor: the samples among them are skipped, which keeps every answer and leaves a flat
    tree a few samples. Each move reads the children of the node it starts from one by one,
    so a 1 MB file of 140,000 statements (140,000 children of the root) took 0.26 s in its
    400 samples."""
    count = root.descendant_count
    floor = MAX_DEPTH - _STEP
    if count <= floor:
        return False
    cursor = root.walk()
    index = floor
    while index < count:
        cursor.goto_descendant(index)
        depth = cursor.depth
        if depth >= floor:
            return True
        index += -(-(floor - depth) // _STEP) * _STEP  # the first sample that can be deeper
    return False
