"""Types of the C scanner (_pyscan.c), for type checkers: the compiled module has none."""

from typing import Any

VERSION: int

def scan(data: bytes, /) -> tuple[Any, ...] | None:
    """The statement-level facts of a Python file, or None when CPython's parser must judge it."""
