"""One home for secrets in text: what they look like, and masking them.

Every string that came from a scanned repository or a server is hostile: it may hold an API
key, a password or a token, and it may be printed, logged, saved in a ledger row, a manifest,
a report or a shared page, or sent in a prompt. The shapes are data
(``data/lint/secrets.toml``, one ``[[pattern]]`` each); this module compiles them once and
offers two things:

- ``find(text)``: every match, for lint's "secret-in-prompt" rule, which blocks a plan;
- ``redact(text)``: the text with every credential-shaped match and the value of every
  secret environment variable replaced by ``[redacted]``, for everything else.

Patterns marked ``personal = true`` (e-mail addresses, phone numbers, private hosts, local
paths) and patterns with an ``entropy`` threshold (random-looking tokens, a guess rather than
a known shape) are found by lint but not masked by ``redact``: a server's message naming
``localhost:8080`` or a job id is useful to its reader and no secret. ``redact(text,
strict=True)`` masks them too: for text that was bound for a prompt and is written before
lint has had its say (plan.json, plan.md, the plan printed in a terminal).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .datafiles import data_dir, field, load_toml, packaged, str_list
from .entropy import looks_random
from .errors import DataFileError
from .lazyre import LazyPattern
from .terminal import hidden_class

__all__ = [
    "MASK",
    "SECRET_ENV_VARS",
    "SecretPattern",
    "find",
    "fold",
    "hint",
    "is_password",
    "looks_random",
    "masked",
    "masks",
    "parse_patterns",
    "patterns",
    "redact",
    "url",
    "visible",
]

MASK = "[redacted]"

# Environment variables whose values are secrets wherever they turn up in text. Each provider
# backend reads its key from one of these; a key echoed by a server is masked by value even
# when its shape is unknown.
SECRET_ENV_VARS = (
    "OPENAI_API_KEY",
    "SORAFILM_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "RUNWAYML_API_SECRET",
)

# Compiled at the first text that is not ASCII: a class this wide costs ~2 ms to compile,
# and most runs fold only ASCII (issue 14).
_COMBINING = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Beyoncé" and "BEYONCE" fold to the same text."""
    if text.isascii():
        return text.casefold()
    return re.sub(_COMBINING, "", unicodedata.normalize("NFKD", text)).casefold()


@cache
def _look_alikes() -> dict[int, str]:
    """str.translate table: each look-alike of a key's ASCII characters -> that character
    (data/look_alikes.txt, from Unicode's confusables.txt). Read at the first text that is
    neither ASCII nor NFKC-stable, so most runs never read it."""
    table: dict[int, str] = {}
    text = (data_dir() / "look_alikes.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            target, _, chars = line.partition("\t")
            table.update((ord(c), target) for c in chars.encode().decode("unicode_escape"))
    return table


@lru_cache(maxsize=8)
def _compatible(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = "".join(n if len(n := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)
    return text if text.isascii() else text.translate(_look_alikes())


def compatible(text: str) -> str:
    """text with each character that has a one-character compatibility form (fullwidth 'ｓ',
    mathematical bold '𝐬', a superscript) written as that form, and then each look-alike of
    an ASCII letter, digit, '-' or '_' (Cyrillic 'р', Greek 'ο', Cherokee 'Ꭺ') written as
    that ASCII character. Why: a key in such letters is the key again once NFKC-normalised
    (Python does it to every identifier; a reader or a video model reads it so), and a key
    spelt with look-alikes ("sk-рrој-...", Cyrillic р о ј) reads as the key to anyone who
    sees it, yet the shapes match only ASCII. Same length as text, so a span found here masks
    the same characters of text (kept for the few texts find() asks about once per
    pattern)."""
    return text if text.isascii() else _compatible(text)


@lru_cache(maxsize=8)
def _compatible_folded(text: str) -> str:
    return fold(compatible(text))


# What hides inside a key without showing: terminal.hidden_class, and combining marks.
_HIDDEN = LazyPattern(f"{hidden_class()}+|{_COMBINING}+")
_HIDDEN_ASCII = LazyPattern(hidden_class(ascii_only=True))  # a plan's prompts: ~30 µs to compile


@lru_cache(maxsize=8)
def visible(text: str) -> tuple[str, tuple[int, ...] | None]:
    """(text without the characters that hide inside a word, where each character kept
    stood in text): None for the second when nothing was taken out. The shapes are matched
    in the first (``SecretPattern.finditer``), and redact masks a match's characters of text
    through the second.

    Why: a zero-width space, a soft hyphen, a bidi mark, a control or a combining accent
    inside a key ("sk-proj-A1b2" ZWSP "C3d4...") broke every shape at that point, so only
    the part before it was masked (or none), while a reader, a video model and
    terminal.shown (which drops them for captions and plan.md) see the whole key again."""
    if text.isascii() and (text.isprintable() or _HIDDEN_ASCII.search(text) is None):
        return text, None
    pieces: list[str] = []
    where: list[int] = []
    pos = 0
    for m in _HIDDEN.finditer(text):  # one pass gives the pieces and where they stood
        pieces.append(text[pos : m.start()])
        where.extend(range(pos, m.start()))
        pos = m.end()
    if not pieces:
        return text, None
    pieces.append(text[pos:])
    where.extend(range(pos, len(text)))
    return "".join(pieces), tuple(where)


@dataclass(frozen=True)
class SecretPattern:
    id: str
    kind: str  # "GitHub token": what a message calls it
    regex: re.Pattern[str]
    requires: tuple[str, ...] = ()  # folded substrings, one of which must be in the text
    personal: bool = False  # personal data or a private host: found by lint, not redacted
    entropy: float = 0.0  # > 0: a match counts only when it looks random (looks_random)

    @property
    def masked_by_default(self) -> bool:
        """redact() masks it without strict=True: a credential of a known shape."""
        return not self.personal and not self.entropy

    @cached_property
    def _gate(self) -> re.Pattern[str] | None:
        """The required substrings as one alternation of literals: a single search in C
        answers "does any of them occur?", where a generator over them cost a Python step per
        substring; find() took half the time on Django's 25,000 names, docstrings and
        comments. Compiled at first use (a pattern never asked for costs nothing)."""
        if not self.requires:
            return None
        return re.compile("|".join(map(re.escape, self.requires)))

    def finditer(self, text: str, folded: str) -> Iterable[re.Match[str]]:
        """Matches in text read as it shows (``visible``: the characters hidden inside it
        taken out; find() maps them back) in its compatibility form (``compatible``);
        skipped outright when none of the required substrings occurs in it (folded:
        ``fold``)."""
        if not (text.isascii() and text.isprintable()):
            seen = visible(text)[0]
            if seen is not text or not text.isascii():  # required words in look-alikes too
                text, folded = compatible(seen), _compatible_folded(seen)
        if len(self.requires) == 1:  # one literal: `in` answers without compiling a gate
            if self.requires[0] not in folded:
                return ()
        else:
            gate = self._gate
            if gate is not None and gate.search(folded) is None:
                return ()
        if self.entropy:
            return (m for m in self.regex.finditer(text) if looks_random(m.group(0), self.entropy))
        return self.regex.finditer(text)


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE}


def parse_patterns(
    data: Mapping[str, Any], file: str, *, compiled: bool = True
) -> tuple[SecretPattern, ...]:
    """The ``[[pattern]]`` tables of a patterns file, checked (errors name file and entry).

    compiled=False leaves each regex to compile at its first use (a LazyPattern), unchecked:
    for the packaged file only, whose patterns tests/test_redact.py compiles and checks. A
    plan asks most shapes about no text at all (their required words never occur), and
    compiling all 23 cost ~4 ms of every plan (issue 14)."""
    entries = field(data, "pattern", list, file=file)
    out: list[SecretPattern] = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise DataFileError(file, "expected a [[pattern]] table", entry=f"pattern {i + 1}")
        pid = field(entry, "id", str, file=file, entry=f"pattern {i + 1}")
        kind = field(entry, "kind", str, file=file, entry=pid)
        source = field(entry, "regex", str, file=file, entry=pid)
        flags_text = field(entry, "flags", str, file=file, entry=pid, default="")
        personal = field(entry, "personal", bool, file=file, entry=pid, default=False)
        entropy = float(field(entry, "entropy", float, file=file, entry=pid, default=0.0))
        if not 0 <= entropy <= 8:
            raise DataFileError(
                file, "bits per character, between 0 and 8", entry=pid, field="entropy"
            )
        flags = 0
        for ch in flags_text:
            if ch not in _FLAGS:
                raise DataFileError(
                    file, f"unknown flag {ch!r} (known: i, m)", entry=pid, field="flags"
                )
            flags |= _FLAGS[ch]
        regex: re.Pattern[str] = LazyPattern(source, flags)  # type: ignore[assignment]
        if compiled:
            try:
                regex = re.compile(source, flags)
            except re.error as exc:
                raise DataFileError(
                    file, f"not a valid regular expression: {exc}", entry=pid, field="regex"
                ) from None
            if regex.search(""):
                raise DataFileError(file, "matches the empty string", entry=pid, field="regex")
        requires = str_list(entry, "requires", file=file, entry=pid, default=())
        if any(not r for r in requires):
            raise DataFileError(
                file, "an empty string is always present", entry=pid, field="requires"
            )
        folded = tuple(fold(r) for r in requires)
        out.append(SecretPattern(pid, kind, regex, folded, personal, entropy))
    return tuple(out)


@cache
def patterns() -> tuple[SecretPattern, ...]:
    """The packaged secret shapes (``data/lint/secrets.toml``), each compiled once, at its
    first use."""
    out: list[SecretPattern] = []
    for path in packaged("lint").values():
        data = load_toml(path)
        if data.get("kind") == "patterns":
            out.extend(parse_patterns(data, str(path), compiled=False))
    return tuple(out)


def find(
    text: str, pats: Iterable[SecretPattern] | None = None
) -> Iterator[tuple[SecretPattern, re.Match[str]]]:
    """Every (pattern, match) in text: the packaged shapes unless ``pats`` is given. Each
    match is of ``visible(text)[0]``, text without the characters hidden in it (the same
    text when it holds none): ``visible(text)[1]`` says where its characters stood."""
    folded = fold(text)
    for pat in patterns() if pats is None else pats:
        for m in pat.finditer(text, folded):
            yield pat, m


def hint(secret: str) -> str:
    """How a finding names a secret without repeating it: its first 4 characters."""
    return secret[:4] + "…"


def _env_secrets() -> list[str]:
    return [v for v in (os.environ.get(n, "") for n in SECRET_ENV_VARS) if len(v) >= 8]


_KEPT_MAX = 200  # characters of a text whose answer is kept (_redacted)


def redact(text: str, *, extra: Iterable[str] = (), strict: bool = False) -> str:
    """text with every credential (and the ``extra`` strings, an API key, say) replaced by
    ``[redacted]``. strict=True masks everything lint finds in a prompt as well: personal
    data, private hosts, local paths and random-looking tokens."""
    if len(text) < 8:  # too short to hold any key
        return text
    if extra == () and len(text) <= _KEPT_MAX:
        return _redacted(text, strict, tuple(map(os.environ.get, SECRET_ENV_VARS)))
    return _redact(text, extra, strict)


def masks(text: str) -> bool:
    """Whether redact(strict=True) would mask anything in text: repository text that would
    reach a caption, a card or a prompt with a mask in it (a README example, an entry line,
    a sentence) is passed over whole rather than shown half-masked."""
    return redact(text, strict=True) != text


@lru_cache(maxsize=512)
def _redacted(text: str, strict: bool, env: tuple[str | None, ...]) -> str:
    """redact(text), kept for short texts: a ledger writes the same short fields again and
    again (a model, a size, a backend; a job id on attach and again on settle), and matching
    every pattern was a sixth of a team-ledger pair's client CPU. env (the secret variables
    read by _env_secrets) is part of the key, so a key set later is still masked."""
    return _redact(text, (), strict)


def _redact(text: str, extra: Iterable[str], strict: bool) -> str:
    seen, where = visible(text)
    found: list[tuple[int, int]] = []
    for secret in (*_env_secrets(), *(s for s in extra if s and len(s) >= 8)):
        start = seen.find(secret)
        while start >= 0:
            found.append((start, start + len(secret)))
            start = seen.find(secret, start + len(secret))
    found.extend(
        _with_tail(seen, m.span()) if pat.masked_by_default else m.span()
        for pat, m in find(text)
        if strict or pat.masked_by_default
    )
    found.extend(_with_tail(seen, span) for span in _encoded(seen, found))
    if not found:
        return text
    if where is not None:  # spans of what shows, back onto text (the hidden ones inside too)
        found = [(where[start], where[end - 1] + 1) for start, end in found]
    spans = sorted(found, key=lambda s: (s[0], -s[1]))
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if end <= pos:
            continue
        out.append(text[pos : max(start, pos)])
        out.append(MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def masked(value: Any, *, strict: bool = False) -> Any:
    """value (a string, or the dicts, lists and tuples of them JSON and tables hold) with
    every string through redact(); dict keys stay, tuples come back as lists. The one way a
    face masks a whole record: plan.json (strict), `sorafilm analyze --json`, the notebook's
    concept frame."""
    if isinstance(value, str):
        return redact(value, strict=strict)
    if isinstance(value, dict):
        return {k: masked(v, strict=strict) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(v, strict=strict) for v in value]
    return value


# What may carry on a credential cut by a line break (and the indent, comment mark, quotes or
# "+" of a docstring, a comment or a string that wraps), or by the space a docstring's
# joined lines leave: a run of key characters, letters and digits both.
_TAIL = LazyPattern(
    r"(?:[\"']?[ \t]*\+?[ \t]*\r?\n[ \t]*(?:#|//|\*|>|\"|')?[ \t]*|[ \t]+)"
    r"(?=[A-Za-z0-9_+/=-]*[0-9])(?=[A-Za-z0-9_+/=-]*[A-Za-z])[A-Za-z0-9_+/=-]{8,}"
    r"(?![A-Za-z0-9_+/=-])"
)


def _with_tail(seen: str, span: tuple[int, int]) -> tuple[int, int]:
    """span of a credential, with the pieces of it that carry on after a break.

    Why: a key wrapped in a docstring or a comment ("sk-proj-A1b2C3d4E5f6" newline
    "    G7h8I9j0K1l2...", a summary's "...E5f6 G7h8...") matched only up to the break, and
    the rest of the key stayed in the text. Only a credential's own span grows, so text with
    none is never touched."""
    start, end = span
    while (m := _TAIL.match(seen, end)) is not None:
        end = m.end()
    return start, end


# A run of base64 (standard or URL-safe alphabet) long enough to hold a key's shortest shape.
_BASE64 = LazyPattern(r"(?<![\w+/-])[A-Za-z0-9+/_-]{24,}={0,2}")
_B64_ALT = str.maketrans("-_", "+/")


def _encoded(seen: str, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of seen holding a credential in base64: a run that decodes to ASCII in which a
    credential shape (masked by default) or a secret variable's value stands.

    Why: a repository can write its key base64'd ("c2stcHJvai1...", a config blob, a Basic
    auth header), which no shape matches and redact() left as written, while anyone who
    reads it is one decode away from the key. Runs inside a span already found are skipped;
    a run that is no base64, or decodes to bytes that are not ASCII text, costs one failed
    decode. Each span found is given its tail by the caller (_with_tail), as a shape's is:
    base64 wrapped over lines showed its second line."""
    import base64
    import binascii

    out: list[tuple[int, int]] = []
    secrets = _env_secrets()
    for m in _BASE64.finditer(seen):
        start, end = m.span()
        if any(a <= start and end <= b for a, b in found):
            continue
        core = m.group(0).rstrip("=")
        if len(core) % 4 == 1:
            continue
        try:
            raw = base64.b64decode(core.translate(_B64_ALT) + "=" * (-len(core) % 4))
            decoded = raw.decode("ascii")
        except (binascii.Error, ValueError):
            continue
        if not decoded.isprintable() and not decoded.strip().isprintable():
            continue
        hit = any(secret in decoded for secret in secrets) or any(
            pat.masked_by_default for pat, _ in find(decoded)
        )
        if hit:
            out.append((start, end))
    return out


def is_password(key: str) -> bool:
    """A URL parameter that holds a password: libpq's password and sslpassword (the client
    key's passphrase), any case. Public: money.location.url_passwords asks the same rule."""
    return "password" in key.lower()


def url(text: str) -> str:
    """A URL as it may be shown (printed, logged, saved, put in advice or a repr): the
    password of ``scheme://user:password@host`` and any ``?password=`` / ``?sslpassword=``
    masked, the user and host kept so a reader can tell which server and account were
    meant, and every other piece through redact() (a token used as the user, a key in the
    query). redact() on the whole text masks all of ``scheme://user:password@``
    ("[redacted]host"). The one home of this rule: the team ledger's URL (money.pgstore)
    and a --base-url are shown through it."""
    try:
        parts = urlsplit(text.strip())
        password = parts.password
    except ValueError:  # not a URL urlsplit can read ("http://[::1"): the shapes still apply
        return redact(text)
    if not parts.scheme or not parts.netloc:
        return redact(text)
    user, at, host = parts.netloc.rpartition("@")
    name = user.partition(":")[0] if password is not None else user
    user = redact(name) + (f":{MASK}" if password is not None else "")
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any(is_password(k) for k, _ in pairs):
        query = "&".join(
            f"{k}={MASK}" if is_password(k) else redact(urlencode([(k, v)], safe="/[]"))
            for k, v in pairs
        )
    else:
        query = redact(parts.query)
    netloc = f"{user}{at}{redact(host)}"
    return urlunsplit((parts.scheme, netloc, redact(parts.path), query, redact(parts.fragment)))
