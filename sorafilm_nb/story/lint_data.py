"""The data lint's rules run on, and reading a prompt's structure with it.

Lists (real people, copyrighted characters and music, secret shapes, camera moves, section
headings) live in data/lint/*.toml and are validated on load, so they can grow without code:
``Rules.load()`` reads them once per process (plus any user files of the same format). The
rules themselves, their ids and severities are in ``lint``; a list names its rule, and a rule
of lint's catalogue takes its severity from there (a list file may restate it, not change it).
A user list may bring a rule of its own, with its own severity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..datafiles import field, load_toml, packaged, str_list
from ..errors import DataFileError
from ..redact import SecretPattern, parse_patterns
from ..redact import fold as _fold
from .findings import ERROR, RULES, SEVERITIES

_WORD = re.compile(r"\w+")


def _squash(text: str) -> str:
    """The letters and digits of a folded name: "Spider-Man", "spider man" -> "spiderman"."""
    return "".join(_WORD.findall(_fold(text)))


@dataclass(frozen=True)
class WordList:
    """Names the API refuses (people, characters, music): one rule, one list of terms.

    Matching is by words, not substrings: the text's words are joined in runs of up to the
    longest term's length and looked up, so "Spider Man", "spider-man" and "Spiderman" all
    name Spider-Man, "Chaplin's" names Chaplin, and "Disneyland" names nothing. Only words
    that start a term are looked at: far faster than a regular expression of 150 alternatives.
    """

    rule: str
    severity: str
    what: str  # "a real person": used in the message
    hint: str
    terms: tuple[str, ...]
    file: str = ""
    # computed in __post_init__: squashed term -> term, first word -> lengths, first words
    _canonical: dict[str, str] = dc_field(init=False, repr=False, compare=False)
    _starts: dict[str, tuple[int, ...]] = dc_field(init=False, repr=False, compare=False)
    _start_set: frozenset[str] = dc_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        canonical: dict[str, str] = {}
        starts: dict[str, set[int]] = {}  # a term's first word -> its lengths in words
        for term in self.terms:
            words = _WORD.findall(_fold(term))  # folded once: "".join(words) is _squash(term)
            canonical["".join(words)] = term
            starts.setdefault(words[0], set()).add(len(words))
            starts.setdefault("".join(words), set()).add(1)  # written as one word
        object.__setattr__(self, "_canonical", canonical)
        object.__setattr__(
            self, "_starts", {w: tuple(sorted(ns, reverse=True)) for w, ns in starts.items()}
        )
        object.__setattr__(self, "_start_set", frozenset(starts))

    def find(self, text: str, *, folded: bool = False) -> tuple[str, ...]:
        """The listed terms the text names, in order of first appearance, each once.

        At each word the longest matching run wins ("Elvis Presley", not "Elvis").
        """
        return self.find_words(_WORD.findall(text if folded else _fold(text)))

    def find_words(self, words: list[str]) -> tuple[str, ...]:
        """find() on a text already split into folded words (shared by every list)."""
        hits = self._start_set.intersection(words)
        if not hits:
            return ()  # the common case, decided in C
        canonical, starts = self._canonical, self._starts
        positions: list[int] = []
        for hit in hits:  # list.index scans in C: long texts cost little more than short
            at = -1
            try:
                while True:
                    at = words.index(hit, at + 1)
                    positions.append(at)
            except ValueError:
                pass
        found: list[str] = []
        skip_to = 0
        for i in sorted(positions):
            if i < skip_to:
                continue
            word = words[i]
            for n in starts[word]:
                term = canonical.get("".join(words[i : i + n]))
                if term is not None:
                    if term not in found:
                        found.append(term)
                    skip_to = i + n
                    break
        return tuple(found)


# A quotation: "...", “...” or '...' (a single quote opens only after a space or a bracket,
# so "the guard's torch" and "{hero}'s torch" open none). Longer spans are prose, not labels.
_QUOTED = re.compile(r'"[^"\n]{1,80}"|“[^”\n]{1,80}”|(?<![^\s(\[])\'[A-Za-z][^\'\n]{0,78}\'(?!\w)')
_QUOTE_MARK = "\x00"  # a quotation's place among a clause's words
_CLAUSES = re.compile(r"[.;!?\n]+")
_TOKEN = re.compile(r"\x00|[,:]|[A-Za-z][\w'’-]*")
# A line that is only a heading and a quotation: `Intertitle: "Then everything went wrong"`.
_QUOTE_LINE = re.compile(r'^\s*[\w -]{0,20}:\s*"[^"]+"\s*$', re.M)
_GLUE = frozenset({"that", "which", "is", "now", "still"})  # "a sign that reads"
_WINDOW = 6  # words after a writing verb that may name what is written
_BEFORE = 8  # words before a quotation that may say it is written


@dataclass(frozen=True)
class TextAsks:
    """Words that ask a video model to draw text meant to be read (rules.toml [text]).

    ``find`` says which kind of request a text makes, or "" for none: the on-screen-text
    rule of lint, the eval's story check and the sound line's clause filter all use it.
    """

    asks: tuple[str, ...] = ()
    writing: frozenset[str] = frozenset()
    written: frozenset[str] = frozenset()
    shown: frozenset[str] = frozenset()
    surfaces: frozenset[str] = frozenset()
    introduces: frozenset[str] = frozenset()
    naming: frozenset[str] = frozenset()
    speech: frozenset[str] = frozenset()
    _asks_re: re.Pattern[str] = dc_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = "|".join(
            re.escape(a).replace(r"\ ", r"[\s-]+") for a in sorted(self.asks, key=len, reverse=True)
        )
        object.__setattr__(
            self, "_asks_re", re.compile(r"(?<!\w)(?:" + (words or "(?!)") + r")(?!\w)", re.I)
        )

    def mentions(self, text: str) -> bool:
        """True when the text names an intertitle, title card or on-screen text."""
        return bool(self._asks_re.search(text))

    def find(self, text: str) -> str:
        """What kind of words the text asks the model to draw ("" when none)."""
        if self.mentions(text):
            return "an intertitle or title card"
        if _QUOTE_LINE.search(text):
            return "a line of quoted text"
        masked = _QUOTED.sub(f" {_QUOTE_MARK} ", text)
        for clause in _CLAUSES.split(masked):
            tokens = _TOKEN.findall(clause)
            kind = self._in_clause(tokens, [t.lower() for t in tokens])
            if kind:
                return kind
        return ""

    def _in_clause(self, tokens: list[str], low: list[str]) -> str:
        unspoken = 0  # quotations not after a speech verb: two in one clause are labels
        for i, word in enumerate(low):
            after = low[i + 1 : i + 1 + _WINDOW]
            if word == _QUOTE_MARK:
                written = self._quoted_text(low, i)
                unspoken += written is not None
                if written or unspoken > 1:  # "crosses out 'onions', circles 'large'"
                    return "quoted words on a sign, label or screen"
            elif self._writes_words(word, after, tokens[i + 1 : i + 3]):
                return "written words"
            elif word in self.surfaces and _next(after, skip=_GLUE) in self.introduces:
                return "words on a sign or screen"
        return ""

    def _writes_words(self, word: str, after: list[str], next_two: list[str]) -> bool:
        """Words being written: "chalks his name", "chalks SUGAR", "a word printed on it"."""
        if word in self.writing:
            caps = any(len(t) > 1 and t.isupper() for t in next_two)
            return caps or bool(self.written.intersection(after))
        if word in self.written and self.writing.intersection(after[:3]):
            return True
        return word in self.shown and _next(after, skip=self.writing) in _ON

    def _quoted_text(self, low: list[str], at: int) -> bool | None:
        """Whether the quotation at ``at`` is written on something: True when its clause
        says so, None when it is spoken (after a speech verb, and no sign "says" it)."""
        before = [t for t in low[max(0, at - _BEFORE) : at] if t not in (",", ":")]
        if before and before[-1] in self.speech:
            return True if self.surfaces.intersection(before[-4:-1]) else None
        cues = self.writing | self.introduces | self.naming | self.surfaces
        return bool(cues.intersection(before) or self.surfaces.intersection(low[at + 1 : at + 3]))


_ON = frozenset({"on", "across", "along", "over", "around"})


def _next(words: Sequence[str], *, skip: Iterable[str]) -> str:
    """The first of ``words`` not in ``skip`` ("" when none)."""
    skip = frozenset(skip)
    return next((w for w in words if w not in skip), "")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: caches key on it
class Rules:
    """All data the rules run on, loaded once from data/lint/ (plus any user files)."""

    words: tuple[WordList, ...]
    secrets: tuple[SecretPattern, ...]
    secret_rule: str
    secret_hint: str
    token_warning_margin: Decimal
    seconds_per_action: Decimal
    max_camera_moves: int
    camera_moves: Mapping[str, tuple[str, ...]]  # family -> phrases
    headings: Mapping[str, tuple[str, ...]]  # section -> heading words
    secret_severity: str = ERROR
    text: TextAsks = TextAsks()  # what asks the model for words on screen
    # computed in __post_init__
    _move_family: dict[str, str] = dc_field(init=False, repr=False)
    _moves_re: re.Pattern[str] = dc_field(init=False, repr=False)
    _camera_verb_re: re.Pattern[str] = dc_field(init=False, repr=False)
    _heading_of: dict[str, str] = dc_field(init=False, repr=False)
    _heading_re: re.Pattern[str] = dc_field(init=False, repr=False)

    @classmethod
    def load(cls, extra: Iterable[str | Path] = ()) -> Rules:
        """The packaged rules, plus extra word-list or pattern files (same format)."""
        extra = tuple(str(Path(p).resolve()) for p in extra)
        return _load_rules(extra)

    def __post_init__(self) -> None:
        phrases = sorted(
            ((p, fam) for fam, ps in self.camera_moves.items() for p in ps),
            key=lambda x: len(x[0]),
            reverse=True,
        )
        move_words = "|".join(re.escape(p).replace(r"\ ", r"[\s\-]+") for p, _ in phrases)
        object.__setattr__(self, "_move_family", {_fold(p): fam for p, fam in phrases})
        object.__setattr__(
            self, "_moves_re", re.compile(r"(?<!\w)(?:" + (move_words or "(?!)") + r")(?!\w)")
        )
        object.__setattr__(
            self,
            "_camera_verb_re",
            re.compile(r"\bcamera\s+(?:\w+\s+){0,2}?(" + (move_words or "(?!)") + r")(?!\w)"),
        )
        heads = {_fold(w): sec for sec, ws in self.headings.items() for w in ws}
        alternatives = "|".join(sorted(map(re.escape, heads), key=len, reverse=True))
        object.__setattr__(self, "_heading_of", heads)
        object.__setattr__(
            self, "_heading_re", re.compile(r"^\s*(" + alternatives + r")\s*:\s?(.*)$", re.I)
        )

    def camera_moves_in(self, camera_text: str, other_text: str) -> tuple[str, ...]:
        """Distinct move families in the camera line, plus "camera <move>" elsewhere."""
        families: list[str] = []
        for m in self._moves_re.finditer(_fold(camera_text)):
            fam = self._family(m.group(0))
            if fam not in families:
                families.append(fam)
        for m in self._camera_verb_re.finditer(_fold(other_text)):
            fam = self._family(m.group(1))
            if fam not in families:
                families.append(fam)
        return tuple(families)

    def _family(self, phrase: str) -> str:
        key = re.sub(r"[\s\-]+", " ", phrase)
        table = self._move_family
        return table.get(key) or table.get(key.replace(" ", "-")) or key


def _severity(data: Mapping[str, Any], file: str, rule: str) -> str:
    """A list's severity: the catalogue's for a rule of findings.RULES, else the file's own."""
    known = RULES[rule][0] if rule in RULES else None
    severity = field(data, "severity", str, file=file, default=known or ...)
    if severity not in SEVERITIES:
        raise DataFileError(file, f"expected one of {', '.join(SEVERITIES)}", field="severity")
    if known is not None and severity != known:
        raise DataFileError(
            file,
            f"rule {rule!r} is {'an' if known == ERROR else 'a'} {known} in lint's rule catalogue; "
            "leave severity out "
            "(or name a rule of your own)",
            field="severity",
        )
    return severity


def _word_list(data: Mapping[str, Any], file: str) -> WordList:
    rule = field(data, "rule", str, file=file)
    terms = str_list(data, "terms", file=file)
    if not terms:
        raise DataFileError(file, "the list is empty", field="terms")
    keys = [_squash(term) for term in terms]  # each term folded once, for both checks
    for i, (term, key) in enumerate(zip(terms, keys, strict=True)):
        if not key or len(term.strip()) < 2:
            raise DataFileError(
                file, f"term {i + 1} is blank or too short: {term!r}", field="terms"
            )
    seen: dict[str, str] = {}
    for term, key in zip(terms, keys, strict=True):
        if key in seen:
            raise DataFileError(
                file, f"{term!r} is listed twice (also as {seen[key]!r})", field="terms"
            )
        seen[key] = term
    return WordList(
        rule=rule,
        severity=_severity(data, file, rule),
        what=field(data, "what", str, file=file),
        hint=field(data, "hint", str, file=file),
        terms=terms,
        file=file,
    )


def _decimal(data: Mapping[str, Any], name: str, file: str, entry: str) -> Decimal:
    raw: str | int = field(data, name, (str, int), file=file, entry=entry)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise DataFileError(file, f"not a number: {raw!r}", entry=entry, field=name) from None
    if not value.is_finite() or value < 0:
        raise DataFileError(file, f"expected a number ≥ 0, got {raw!r}", entry=entry, field=name)
    return value


def _table_of_lists(
    data: Mapping[str, Any], name: str, file: str, entry: str
) -> dict[str, tuple[str, ...]]:
    table = field(data, name, dict, file=file, entry=entry)
    return {key: str_list(table, key, file=file, entry=f"{entry}.{name}") for key in table}


def _text_asks(data: Mapping[str, Any], file: str) -> TextAsks:
    """The [text] table of a settings file: what asks the model for words on screen."""
    lists = _table_of_lists(data, "text", file, "text")
    names = ("asks", "writing", "written", "shown", "surfaces", "introduces", "naming", "speech")
    missing = [n for n in names if n not in lists]
    if missing:
        raise DataFileError(file, f"missing lists: {', '.join(missing)}", entry="text")
    folded = {n: frozenset(w.lower() for w in lists[n]) for n in names[1:]}
    return TextAsks(asks=lists["asks"], **folded)


def text_request(text: str, rules: Rules | None = None) -> str:
    """What kind of words on screen a text asks the video model to draw, "" when none.

    Models garble text (PROMPTING.md), so the film's words are drawn by sorafilm instead
    (captions.py). Lint's on-screen-text rule and ``prompts.asks_for_text`` use this.
    """
    return (rules or Rules.load()).text.find(text)


@lru_cache(maxsize=8)
def _load_rules(extra: tuple[str, ...]) -> Rules:
    files = [str(p) for p in packaged("lint").values()] + list(extra)
    # the packaged secret shapes compile at first use (see redact.parse_patterns); a user's
    # extra file is checked now, so a bad pattern in it is a DataFileError naming it
    own = frozenset(files[: len(files) - len(extra)])
    words: list[WordList] = []
    secrets: list[SecretPattern] = []
    secret_rule, secret_hint, secret_severity = "secret-in-prompt", "", ERROR
    settings: dict[str, Any] | None = None
    for file in files:
        data = load_toml(file)
        kind = field(data, "kind", str, file=file)
        if kind == "words":
            words.append(_word_list(data, file))
        elif kind == "patterns":
            secret_rule = field(data, "rule", str, file=file)
            secret_hint = field(data, "hint", str, file=file)
            secret_severity = _severity(data, file, secret_rule)
            secrets.extend(parse_patterns(data, file, compiled=file not in own))
        elif kind == "settings":
            tokens = field(data, "tokens", dict, file=file)
            actions = field(data, "actions", dict, file=file)
            camera = field(data, "camera", dict, file=file)
            spa = _decimal(actions, "seconds_per_action", file, "actions")
            if spa == 0:
                raise DataFileError(
                    file, "must be above 0", entry="actions", field="seconds_per_action"
                )
            max_moves = field(camera, "max_moves", int, file=file, entry="camera")
            settings = {
                "token_warning_margin": _decimal(tokens, "warning_margin", file, "tokens"),
                "seconds_per_action": spa,
                "max_camera_moves": max_moves,
                "camera_moves": _table_of_lists(camera, "moves", file, "camera"),
                "headings": _table_of_lists(data, "sections", file, "sections")
                if "sections" in data
                else {},
                "text": _text_asks(data, file),
            }
            missing = {"camera", "lighting", "actions", "style", "palette"} - set(
                settings["headings"]
            )
            if missing:
                raise DataFileError(
                    file, f"missing sections: {', '.join(sorted(missing))}", field="sections"
                )
        else:
            raise DataFileError(
                file, 'expected kind = "words", "patterns" or "settings"', field="kind"
            )
    if settings is None:
        raise DataFileError(str(packaged("lint")), 'no settings file (kind = "settings")')
    return Rules(
        words=tuple(words),
        secrets=tuple(secrets),
        secret_rule=secret_rule,
        secret_hint=secret_hint,
        secret_severity=secret_severity,
        **settings,
    )


# -- prompt structure --------------------------------------------------------------------------

_SECTION_ALIASES = {
    "cinematography": "camera",
    "intertitle": "sound",
    "intertitles": "sound",
    "audio": "sound",
    "colours": "palette",
    "colors": "palette",
}
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+(?:\.\d+)?\s*[-–—]\s*\d+(?:\.\d+)?\s*s\b|\d+[.)])")
_THEN = re.compile(r"\b(?:and then|then)\b", re.I)


def sections_of(
    text: str, sections: Sequence[tuple[str, str]] = (), rules: Rules | None = None
) -> dict[str, str]:
    """Section name -> text, from the ShotPrompt's sections and from "Heading:" lines.

    Given sections win; lines such as "Cinematography: ..." or "Actions:" followed by bullets
    fill in the rest, so lint works on hand-written prompts too.
    """
    key = tuple((str(name), str(body)) for name, body in sections)
    return dict(_sections(text, key, rules or Rules.load()))


@lru_cache(maxsize=512)
def _sections(
    text: str, sections: tuple[tuple[str, str], ...], rules: Rules
) -> tuple[tuple[str, str], ...]:
    """sections_of, cached: lint_prompt and lint_plan both need each prompt's sections."""
    found: dict[str, str] = {}
    current: str | None = None
    heading_re, heading_of = rules._heading_re, rules._heading_of
    for line in text.splitlines():
        m = heading_re.match(line)
        if m:
            current = heading_of[_fold(m.group(1))]
            found[current] = (found.get(current, "") + "\n" + m.group(2)).strip()
        elif not line.strip():
            current = None
        elif current is not None and (current == "actions" or _BULLET.match(line)):
            found[current] = (found[current] + "\n" + line).strip()
    for name, body in sections:
        key = _SECTION_ALIASES.get(name.lower(), name.lower())
        if body.strip():
            found[key] = body.strip()
    return tuple(found.items())


def count_actions(actions_text: str) -> int:
    """Distinct actions: one per timed beat or bullet, plus one per "then" inside a beat."""
    lines = [ln for ln in actions_text.splitlines() if ln.strip()]
    beats = [ln for ln in lines if _BULLET.match(ln)]
    if not beats:  # prose: one action per sentence
        beats = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(lines)) if s.strip()]
    return sum(1 + len(_THEN.findall(b)) for b in beats)
