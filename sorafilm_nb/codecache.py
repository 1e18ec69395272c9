"""The methods dataclasses writes, compiled once per Python and kept beside the bytecode.

Making a dataclass writes the source of its __init__, __repr__, __eq__, __hash__ (and, frozen,
__setattr__ and __delattr__) and exec()s it: Python parses and compiles ~200 such functions
whenever `sorafilm plan` starts, 12 % of a warm plan's instructions, ~25 ms (issue 14). The
text is the same every run, so its compiled code can be kept as the package's own modules'
is: MethodCode marshals the code objects, keyed by their exact source, into one file in the
package's ``__pycache__`` (under the same trust as the .pyc files beside it, which Python runs:
not the user cache dir, whose files never hold code). It is stamped with the interpreter's
bytecode magic, read like a .pyc, and written only where Python would write bytecode
(``sys.dont_write_bytecode`` unset, a writable folder). The command line installs it for the
commands it times (cli/__init__.py); a library caller's process is left as it is.

How it hooks in: dataclasses calls ``exec(text, globals, ns)`` by name from its module's
globals, so a module-level ``exec`` there (installed only while the block runs) takes the text,
finds its code (or compiles it with the same filename exec would use, "<string>") and runs the
code with the same globals and namespace. Any other exec, and every call once the block ends,
is Python's own.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

FORMAT = b"sorafilm-methods-1\n"
LIMIT = 2000  # entries kept (the package's dataclasses and the standard library's: ~250)


def default_path() -> Path:
    """The cache file: the package's __pycache__, named for this interpreter."""
    tag = sys.implementation.cache_tag or "none"
    return Path(__file__).parent / "__pycache__" / f"dataclass-methods.{tag}.bin"


def _magic() -> bytes:
    from importlib.util import MAGIC_NUMBER

    return FORMAT + MAGIC_NUMBER + sys.version.encode("utf-8", "replace") + b"\n"


class MethodCode:
    """Compiled method code by source text (see the module docstring)."""

    def __init__(self, blob: bytes | None = None) -> None:
        self.codes: dict[str, Any] = {}
        self.added = 0
        if blob:
            self._read(blob)

    def _read(self, blob: bytes) -> None:
        import marshal

        magic = _magic()
        if not blob.startswith(magic):
            return  # another interpreter's, or not ours
        try:
            codes = marshal.loads(blob[len(magic) :])
        except (ValueError, EOFError, TypeError):
            return
        if isinstance(codes, dict):
            code_type = type(_magic.__code__)
            self.codes = {
                k: v for k, v in codes.items() if isinstance(k, str) and type(v) is code_type
            }

    def compiled(self, text: str) -> Any:
        """The code of text as exec(text) compiles it."""
        code = self.codes.get(text)
        if code is None:
            code = compile(text, "<string>", "exec")
            self.codes[text] = code
            self.added += 1
        return code

    def dumps(self) -> bytes | None:
        """The file's new content, or None when nothing was compiled anew."""
        import marshal

        if not self.added:
            return None
        keep = dict(list(self.codes.items())[-LIMIT:])
        return _magic() + marshal.dumps(keep)

    @contextmanager
    def installed(self) -> Iterator[MethodCode]:
        """dataclasses' exec() of method source takes compiled code from here meanwhile."""
        import dataclasses

        def exec_(source: Any, globals: Any = None, locals: Any = None, /) -> None:
            if isinstance(source, str):
                source = self.compiled(source)
            builtins.exec(source, globals, locals)

        had = "exec" in vars(dataclasses)
        before = vars(dataclasses).get("exec")
        dataclasses.exec = exec_  # type: ignore[attr-defined]
        try:
            yield self
        finally:
            if had:
                dataclasses.exec = before  # type: ignore[attr-defined]
            else:
                del dataclasses.exec  # type: ignore[attr-defined]


@contextmanager
def remembered(path: Path | None = None) -> Iterator[MethodCode]:
    """MethodCode read from path (default_path()) and installed while the block runs; its
    file rewritten at the end when something was compiled anew and bytecode may be written."""
    where = default_path() if path is None else path
    try:
        store = MethodCode(where.read_bytes())
    except OSError:
        store = MethodCode()
    try:
        with store.installed():
            yield store
    finally:
        blob = store.dumps()
        if blob is not None and not sys.dont_write_bytecode:
            _write(where, blob)


def _write(where: Path, blob: bytes) -> None:
    """Atomically (safeio, as a .pyc is written: a temporary file renamed over it); no error
    when the folder cannot be written (the next process compiles again)."""
    from .safeio import write_bytes

    with suppress(OSError):
        write_bytes(where, blob, durable=False)
