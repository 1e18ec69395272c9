"""Regular expressions compiled at their first use, not at import (a shared leaf).

Most of a module's patterns may never run in a given plan: Django's cold analysis uses none
of examples.py's 12 or exports.py's 19 (no README examples, no package.json entry), a plan
asks redact's secret shapes only about texts holding their required words, and compiling
them at import or load cost ~8 ms of every cold plan (issue 14). A LazyPattern stands where
``re.compile(...)`` stood and behaves as the compiled pattern (every attribute is the
compiled pattern's); it only cannot be passed to ``re.*`` functions in a pattern's place.
A leaf of the package (it imports nothing of it), so every layer can use it: the shared
leaves (redact, markup) as well as analysis, story and the command line.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class LazyPattern:
    """``re.compile(pattern, flags)``, done the first time an attribute is asked for."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[Any] | None = None

    def compiled(self) -> re.Pattern[Any]:
        """The compiled pattern (compiling it now if it is not yet)."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)
        return compiled

    def __getattr__(self, name: str) -> Any:  # only names the instance lacks: search, sub...
        if name.startswith("__") or name in self.__slots__:
            # asked by copy and pickle (__setstate__, ...) before the slots are filled: as
            # re.Pattern, no such attribute (asking the compiled pattern recursed forever)
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __reduce__(self) -> tuple[Any, ...]:  # copied and pickled as its source and flags
        return (LazyPattern, self._args)

    def __eq__(self, other: object) -> bool:  # as re.Pattern: same source, same flags
        if isinstance(other, LazyPattern):
            return self._args == other._args
        if isinstance(other, re.Pattern):
            return self.compiled() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._args)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r}, {self._args[1]})"


# -- compiled patterns remembered between processes ------------------------------------------
#
# A `sorafilm plan` compiles about 170 patterns (the story's modules at import, the lint
# lists' alternations, a few per concept name), and re compiles in pure Python: parse, then
# emit the matcher's code, 25-35 ms of CPU in every warm plan (issue 14). What the compiler
# emits for a (pattern, flags) is a list of integers that ``_sre.compile`` turns into a
# Pattern in microseconds; CompiledStore keeps those lists in one JSON file under the user
# cache dir (cli/__init__.py names it and saves it), so a process compiles only patterns no
# earlier one on this machine did. A Pattern made so equals re.compile's (re.Pattern's ==
# compares the code), and _sre validates any code it is given, so a damaged or edited file
# can at worst change what a pattern matches (as editing the data files can), never crash or
# run anything. The file is stamped with the exact Python build and the regex engine's magic:
# another interpreter ignores it.

STORE_FORMAT = 1
STORE_LIMIT = 3000  # entries kept: the packaged patterns (~250) and the names of recent plans


def _engine() -> tuple[Any, Any, Any] | None:
    """(_sre, the compiler module, the parser module) of this Python, or None."""
    try:
        import _sre  # type: ignore[import-not-found]  # re's engine: no stub

        if sys.version_info >= (3, 11):
            from re import _compiler, _parser
        else:  # pragma: no cover - 3.10
            import sre_compile as _compiler
            import sre_parse as _parser
    except ImportError:  # pragma: no cover - another implementation
        return None
    return _sre, _compiler, _parser


def _stamp() -> list[Any]:
    import _sre

    return [STORE_FORMAT, sys.version, _sre.MAGIC, _sre.CODESIZE, _sre.MAXREPEAT, _sre.MAXGROUPS]


class CompiledStore:
    """What the regex compiler made of each (pattern, flags), kept between processes.

    ``installed()`` makes every compile in this process (re.compile, re.search with a
    string, LazyPattern: all go through re's compiler) take a remembered entry or remember
    a new one; ``dumps()`` is the file's new text, None when nothing was added. Only str
    patterns without re.DEBUG are remembered. The first pattern this process compiles is
    compiled both ways and compared: were the compiler ever to make its Pattern otherwise
    than _code_of below, nothing would be remembered or used.
    """

    def __init__(self, text: bytes | str | None = None) -> None:
        self.entries: dict[tuple[str, int], list[Any]] = {}
        self.added = 0
        self.used: set[tuple[str, int]] = set()
        self._checked: bool | None = None
        if text:
            self._read(text)

    def _read(self, text: bytes | str) -> None:
        import json

        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("stamp") != _stamp():
                return
            for entry in data["entries"]:
                pattern, flags, *rest = entry
                if isinstance(pattern, str) and isinstance(flags, int) and len(rest) == 5:
                    self.entries[(pattern, flags)] = rest
        except (ValueError, TypeError, KeyError):
            self.entries.clear()  # not ours, or damaged: compile afresh (and rewrite it)

    def compile(self, pattern: Any, flags: int, compile_anew: Any) -> Any:
        """The Pattern for (pattern, flags): remembered, else compile_anew's (remembered)."""
        engine = _engine()
        if engine is None or not isinstance(pattern, str) or flags & re.DEBUG or not self._ok:
            return compile_anew(pattern, flags)
        key = (pattern, flags)
        entry = self.entries.get(key)
        if entry is not None:
            try:
                made = _made(engine[0], pattern, entry)
            except (RuntimeError, TypeError, ValueError, OverflowError):
                made = None  # _sre refused the code: damaged, compile afresh
            if made is not None:
                self.used.add(key)
                return made
        try:
            entry = _code_of(engine, pattern, flags)
            made = _made(engine[0], pattern, entry)
        except Exception:  # the compiler's own errors (re.error...): compile_anew raises them
            return compile_anew(pattern, flags)
        if self._checked is None:  # once a process: the same Pattern as the compiler's?
            self._checked = made == compile_anew(pattern, flags)
            if not self._checked:
                return compile_anew(pattern, flags)
        self.entries[key] = entry
        self.used.add(key)
        self.added += 1
        return made

    @property
    def _ok(self) -> bool:
        return self._checked is not False

    def dumps(self) -> bytes | None:
        """The file's new content (this process's patterns first, then the others up to
        STORE_LIMIT), or None when this process added nothing."""
        import json

        if not self.added or not self._ok:
            return None
        keys = [k for k in self.entries if k in self.used]
        keys += [k for k in self.entries if k not in self.used]
        rows = [[*k, *self.entries[k]] for k in keys[:STORE_LIMIT]]
        return json.dumps({"stamp": _stamp(), "entries": rows}).encode("utf-8")

    @contextmanager
    def installed(self) -> Iterator[CompiledStore]:
        """Route this process's regex compiles through this store while the block runs."""
        engine = _engine()
        if engine is None:  # pragma: no cover
            yield self
            return
        compiler = engine[1]
        original = compiler.compile

        def compile(p: Any, flags: int = 0) -> Any:
            return self.compile(p, flags, original)

        compiler.compile = compile
        try:
            yield self
        finally:
            if compiler.compile is compile:
                compiler.compile = original


def _code_of(engine: tuple[Any, Any, Any], pattern: str, flags: int) -> list[Any]:
    """What the compiler hands _sre.compile for (pattern, flags), as re/_compiler.py's
    compile() does (the same steps since Python 3.7): [flags, code, groups, groupindex,
    indexgroup], the code as a string (base64 of the 32-bit words, short in JSON)."""
    import base64
    from array import array

    _sre, compiler, parser = engine
    parsed = parser.parse(pattern, flags)
    code = compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    words = array("I", code)
    if words.itemsize != _sre.CODESIZE:  # pragma: no cover - an unusual build
        raise ValueError("code size")
    packed = base64.b64encode(words.tobytes()).decode("ascii")
    return [flags | parsed.state.flags, packed, parsed.state.groups - 1, groupindex, indexgroup]


def _made(_sre: Any, pattern: str, entry: list[Any]) -> Any:
    import base64
    from array import array

    flags, packed, groups, groupindex, indexgroup = entry
    words = array("I")
    words.frombytes(base64.b64decode(packed))
    return _sre.compile(pattern, flags, words.tolist(), groups, groupindex, tuple(indexgroup))
