"""A generated block of the README, between two marker comments: the one way tools/
command_table.py and tools/film_table.py print their table or write it into README.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def replace_block(text: str, start: str, end: str, fresh: str) -> str:
    """text with what lies between the ``start`` and ``end`` lines replaced by ``fresh``."""
    head, found, rest = text.partition(start + "\n")
    if not found or end not in rest:
        raise SystemExit(f"no {start!r} ... {end!r} block to fill")
    return head + start + "\n" + fresh + end + rest.split(end, 1)[1]


def run(argv: list[str], table: Callable[[], str], replace_in: Callable[[str], str]) -> int:
    """No argument: print the table. A path: rewrite its block in place, atomically
    (safeio.write_text: a failure half-way leaves the README as it was, never cut short)."""
    if not argv:
        print(table(), end="")
        return 0
    path = Path(argv[0])
    fresh = replace_in(path.read_text(encoding="utf-8"))  # the table imported sorafilm_nb
    from sorafilm_nb.safeio import write_text

    write_text(path, fresh)
    return 0
