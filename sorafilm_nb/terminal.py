"""Text from a repository or a server made safe to print on a terminal.

Why: a terminal obeys the bytes it is given. A file name holding ``ESC[2K`` and ``\\r`` erases
the line it is printed on and writes its own, so a crafted name redrew "warnings: 1" as
"warnings: 0"; bidi overrides (U+202E) reorder what follows them. Every control character is
therefore printed as a visible escape (``\\x1b``, ``\\r``, ``\\u202e``), never obeyed.

Two layers, one rule (``printable``):

- ``printable(text)`` at the places that put foreign text on one line of output (names, file
  names, titles, server messages): there even a newline is escaped, since a name that starts a
  new line can forge the line after it.
- ``guard_streams()`` around the whole CLI: sys.stdout and sys.stderr escape every control
  character except newline and tab in anything written, so a message nobody thought of (an
  exception's text, a log line) is inert too. Progress bars, which need ``\\r`` and cursor
  moves, write to ``raw_stderr()`` with their foreign text passed through ``printable``.

C1 controls, format characters and lone surrogates (a path's bytes that are no UTF-8) are
written ``\\u009b`` style, so that escaping a JSON
document (``--json`` output with ensure_ascii=False) keeps it valid JSON with the same value;
DEL, which json.dumps leaves raw and the guard writes ``\\x7f``, is escaped first by
``json_text``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# Bidi embeddings/overrides/isolates, marks, and line/paragraph separators: each changes how
# the rest of a line is shown without being visible itself.
_FORMAT = [0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# The C0 controls, DEL and the C1 controls: the one home of these ranges for printable's
# escapes and shown's removals.
_CONTROLS = [*range(0x00, 0x20), *range(0x7F, 0xA0)]
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


# Lone surrogates: a path's bytes that are no UTF-8 (an --out folder named b"out\xff"
# reaches Python as "out\udcff"); a strict UTF-8 terminal (en_US.UTF-8) raised
# UnicodeEncodeError at the first print of one. Written as JSON writes them, like C1. Built
# once for both tables: the loop per table was half of their 1 ms CPU at import.
_SURROGATES = {code: f"\\u{code:04x}" for code in range(0xD800, 0xE000)}


def _table(keep: str) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*_CONTROLS, *_FORMAT]:  # C0 and DEL as \x.., C1 and format as JSON's \u....
        table[code] = _NAMED.get(code, f"\\x{code:02x}" if code <= 0x7F else f"\\u{code:04x}")
    table.update(_SURROGATES)
    for ch in keep:
        table.pop(ord(ch), None)
    return table


_ONE_LINE = _table("")
_LINES = _table("\n\t")

# Invisible characters that make text read other than it is, beyond _FORMAT: zero-width space,
# word joiner and invisible operators, the BOM, the soft hyphen, the Mongolian vowel separator.
# ZWJ and ZWNJ (U+200D, U+200C) stay: emoji sequences and Persian or Indic words need them.
_INVISIBLE = [0x00AD, 0x180E, 0x200B, *range(0x2060, 0x2065), 0xFEFF]
# Controls that separate words become a space (so "a\tb" stays two words), the rest go.
_SPACING = [0x09, 0x0A, 0x0B, 0x0C, 0x0D, *range(0x1C, 0x20), 0x85, 0x2028, 0x2029]
_SHOWN: dict[int, str | None] = {code: None for code in [*_CONTROLS, *_FORMAT, *_INVISIBLE]}
_SHOWN.update({code: " " for code in _SPACING})
# Tag characters (U+E0000-E007F) are invisible ASCII ("ASCII smuggling" into a model's prompt);
# the one use kept is a subdivision flag: U+1F3F4, tag letters, CANCEL TAG.
_TAGS = re.compile("(\U0001f3f4[\U000e0020-\U000e007e]{1,6}\U000e007f)|[\U000e0000-\U000e007f]")


def hidden_class(*, ascii_only: bool = False) -> str:
    """A regular expression's character class of every character that hides in a word
    without showing: what ``shown`` removes (controls that part no words, DEL, bidi and
    format characters, the zero-width ones, tag characters) plus ZWJ, ZWNJ and the variation
    selectors, which it keeps for emoji. Why: redact reads a key through them ("sk-proj-A1b2"
    ZWSP "C3d4..." is the key to a reader, a model, and to ``shown``, which joins it up
    again), and this module is their one home. ascii_only: only those in ASCII (the
    controls), a class that is quick to compile for the text that is all ASCII."""
    spacing = set(_SPACING)
    codes = sorted(
        {c for c, v in _SHOWN.items() if v is None and c not in spacing}
        | {0x200C, 0x200D, *range(0xFE00, 0xFE10)}
    )
    if ascii_only:
        return "[" + "".join(f"\\x{c:02x}" for c in codes if c < 0x80) + "]"
    return "[" + "".join(f"\\U{c:08x}" for c in codes) + "\\U000e0000-\\U000e007f]"


def shown(text: str) -> str:
    """Repository text fit to be saved for a person (a caption, plan.md, film.vtt, a prompt):
    every C0/C1 control, DEL, bidi override, embedding, isolate or mark and zero-width trick
    removed, a line or tab break made a space; accents, CJK and emoji are left as they are.

    Why removed and not escaped like ``printable``: a caption is read, not debugged, and a
    ``\\u202e`` in a film's subtitle is noise; the terminal guard still escapes whatever else
    reaches it. Same character sets as ``printable`` (one home), plus the invisible ones.

    Printable ASCII (all but a few of a profile's 4,500 texts) holds none of them and comes
    back as it is, without the translation: a tenth of the time (3 ms of a cold build)."""
    if text.isascii() and text.isprintable():
        return text
    text = text.translate(_SHOWN)
    if max(text, default="") >= "\U000e0000":
        text = _TAGS.sub(lambda m: m.group(1) or "", text)
    return text


def printable(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every control, DEL, C1 and bidi character written as a visible escape.

    By default a newline and a tab are escaped too (foreign text stays on its line); with
    ``keep_newlines=True`` they are kept, for multi-line text the program itself composed.
    """
    return str(text).translate(_LINES if keep_newlines else _ONE_LINE)


def json_text(document: str) -> str:
    """A JSON document from json.dumps(ensure_ascii=False) as the guard can print it: DEL
    written ``\\u007f`` (the same value), since the guard's ``\\x7f`` is no JSON escape and
    a repository's docstring holding one made `--json` output unparseable. json.dumps
    escapes every other control itself, and the guard writes C1 and format characters as
    JSON escapes already."""
    return document.replace("\x7f", "\\u007f")


def json_out(value: Any) -> str:
    """The text every JSON document the tool prints is: indented, non-ASCII as is ("café",
    not "caf\\u00e9"), DEL escaped for the guard (json_text). One home, here beside the guard
    so money's `budget report --format json` writes it too (cli.analyze, plan and budget's
    other commands each built it once, and the report still ASCII-escaped its names)."""
    import json

    return json_text(json.dumps(value, indent=2, ensure_ascii=False, default=str)) + "\n"


class _GuardedStream:
    """A text stream that writes ``printable(s, keep_newlines=True)`` of everything given."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text, keep_newlines=True))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, isatty, encoding, ...
        return getattr(self._stream, name)


def raw_stderr() -> TextIO:
    """The real stderr under a guard: for progress bars, whose own \\r and ESC must work."""
    stream = sys.stderr
    while isinstance(stream, _GuardedStream):
        stream = stream._stream
    return stream


@contextmanager
def guard_streams() -> Iterator[None]:
    """Within the block, sys.stdout and sys.stderr print control characters as escapes."""
    saved = sys.stdout, sys.stderr
    sys.stdout = _GuardedStream(saved[0])
    sys.stderr = _GuardedStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
