"""Dry-run rules: what the Videos API would refuse, and what wastes money.

CONTRACT: Finding is shared with plan.py, studio.py, ui/.

Every rule has a stable id, a severity (ERROR blocks submission, WARNING informs), a message
and a fix hint. Lists (real people, copyrighted characters and music, secret shapes, camera
moves) live in data/lint/*.toml and are validated on load, so they can grow without code.
A refused job is not free to find out about: it costs a queue slot and minutes, and whether
failed jobs are billed is not documented. So everything the API is known to refuse is an
error here, before any money moves.

A message never repeats prompt text: a prompt may hold a secret, and findings are printed,
logged and saved. Matched secrets show their kind and first 4 characters only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..datafiles import field, load_toml, packaged, str_list
from ..errors import DataFileError
from ..redact import SecretPattern, hint, parse_patterns
from ..redact import fold as _fold

if TYPE_CHECKING:
    from ..money.cost import Cost
    from ..money.prices import PriceTable
    from .boards import Storyboard
    from .casting import MetaphorLibrary
    from .prompts import ShotPrompt

ERROR = "error"  # blocks submission
WARNING = "warning"  # informs
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id, "real-person", "secret-in-prompt", ...
    severity: str  # ERROR or WARNING
    message: str
    hint: str  # how to fix it
    shot_index: int | None = None  # None for plan-wide findings
    where: str = ""  # added: "metaphor kitchen.milk-wont-pour, field gag" for library findings

    def __str__(self) -> str:
        place = f"shot {self.shot_index + 1}: " if self.shot_index is not None else ""
        if self.where:
            place = f"{self.where}: "
        return f"{self.severity.upper()} [{self.rule}] {place}{self.message}"


# Rule ids with their severity and what they check: the catalogue the docs and UI show.
RULES: dict[str, tuple[str, str]] = {
    "empty-plan": (ERROR, "the storyboard has no shots"),
    "prompt-count": (ERROR, "not exactly one prompt per shot"),
    "empty-prompt": (ERROR, "a shot's prompt is empty"),
    "prompt-over-tokens": (
        WARNING,
        "a prompt is over its tier's token cap (an error beyond the margin in rules.toml)",
    ),
    "illegal-seconds": (ERROR, "a shot's length is not one the API accepts (4, 8, 12)"),
    "unknown-model": (ERROR, "a shot's model is not in the price table"),
    "illegal-size": (ERROR, "a shot's size is not offered for its model"),
    "real-person": (ERROR, "a real person's name (data/lint/people.toml)"),
    "copyrighted-character": (ERROR, "a copyrighted character (data/lint/characters.toml)"),
    "copyrighted-music": (ERROR, "copyrighted music (data/lint/music.toml)"),
    "secret-in-prompt": (ERROR, "a secret or personal data (data/lint/secrets.toml)"),
    "too-many-actions": (WARNING, "more distinct actions than the clip length holds"),
    "too-many-camera-moves": (WARNING, "more than one camera move in a shot"),
    "missing-camera": (WARNING, "no cinematography/camera line"),
    "missing-lighting": (WARNING, "no lighting line"),
    "duplicate-shot": (WARNING, "two shots have the same prompt"),
    "style-drift": (WARNING, "the style, palette or lighting block differs between shots"),
    "over-budget": (ERROR, "the plan costs more than the remaining budget"),
    # added by plan(), which knows the prices and the casting
    "unpriced": (ERROR, "a shot's model or size has no price in the price table"),
    "nothing-cast": (WARNING, "the repository gave no concept to cast: every shot is filler"),
}

LEGAL_SECONDS = (4, 8, 12)  # same as story.LEGAL_SECONDS; not imported to keep lint light


# -- rule data ---------------------------------------------------------------------------------


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
        canonical = {_squash(t): t for t in self.terms}
        starts: dict[str, set[int]] = {}  # a term's first word -> its lengths in words
        for term in self.terms:
            words = _WORD.findall(_fold(term))
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


def _severity(data: Mapping[str, Any], file: str) -> str:
    severity = field(data, "severity", str, file=file)
    if severity not in SEVERITIES:
        raise DataFileError(file, f"expected one of {', '.join(SEVERITIES)}", field="severity")
    return severity


def _word_list(data: Mapping[str, Any], file: str) -> WordList:
    rule = field(data, "rule", str, file=file)
    terms = str_list(data, "terms", file=file)
    if not terms:
        raise DataFileError(file, "the list is empty", field="terms")
    for i, term in enumerate(terms):
        if not _squash(term) or len(term.strip()) < 2:
            raise DataFileError(
                file, f"term {i + 1} is blank or too short: {term!r}", field="terms"
            )
    seen: dict[str, str] = {}
    for term in terms:
        key = _squash(term)
        if key in seen:
            raise DataFileError(
                file, f"{term!r} is listed twice (also as {seen[key]!r})", field="terms"
            )
        seen[key] = term
    return WordList(
        rule=rule,
        severity=_severity(data, file),
        what=field(data, "what", str, file=file),
        hint=field(data, "hint", str, file=file),
        terms=terms,
        file=file,
    )


def _decimal(data: Mapping[str, Any], name: str, file: str, entry: str) -> Decimal:
    raw = field(data, name, (str, int), file=file, entry=entry)
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


@lru_cache(maxsize=8)
def _load_rules(extra: tuple[str, ...]) -> Rules:
    files = [str(p) for p in packaged("lint").values()] + list(extra)
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
            secret_severity = _severity(data, file)
            secrets.extend(parse_patterns(data, file))
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


def _a(noun: str) -> str:
    """The article a kind name takes: "an e-mail address", "an API key", "a US number"."""
    return "an" if noun[:1].lower() in "aeio" else "a"


def _count_tokens(text: str) -> tuple[int, bool]:
    """(tokens, exact): tiktoken's o200k count (tokens.py), loaded only when a count is missing."""
    try:
        from .tokens import count_tokens
    except ImportError:  # pragma: no cover - tiktoken is a core dependency
        return math.ceil(len(text.encode("utf-8")) / 4), False  # ≈ 4 bytes a token in English
    return count_tokens(text), True


# -- the rules -----------------------------------------------------------------------------


def scan_text(
    text: str, *, rules: Rules | None = None, shot_index: int | None = None, where: str = ""
) -> tuple[Finding, ...]:
    """The content rules (people, characters, music, secrets) on any text a prompt is made of.

    Shared by prompts and metaphor libraries, so user theme files obey the same rules.
    """
    rules = rules or Rules.load()
    out: list[Finding] = []
    folded = _fold(text)
    words = _WORD.findall(folded)
    for wl in rules.words:
        for term in wl.find_words(words):
            out.append(
                Finding(
                    wl.rule, wl.severity, f"names {wl.what}: {term}", wl.hint, shot_index, where
                )
            )
    seen: set[tuple[str, str]] = set()
    for pat in rules.secrets:
        for m in pat.finditer(text, folded):
            key = (pat.kind, hint(m.group(0)))
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Finding(
                    rules.secret_rule,
                    rules.secret_severity,
                    f"contains something shaped like {_a(pat.kind)} {pat.kind} ({key[1]})",
                    rules.secret_hint,
                    shot_index,
                    where,
                )
            )
    return tuple(out)


def lint_prompt(
    text: str,
    *,
    seconds: int,
    tier_cap: int,
    shot_index: int | None = None,
    tokens: int | None = None,
    sections: Sequence[tuple[str, str]] = (),
    model: str | None = None,
    size: str | None = None,
    table: PriceTable | None = None,
    rules: Rules | None = None,
) -> tuple[Finding, ...]:
    """Every single-prompt rule on one shot's prompt.

    tokens: the count prompts.py made (counted here when omitted). model and size, when
    given, are checked against the price table (which sizes a model offers).
    """
    rules = rules or Rules.load()
    out: list[Finding] = []

    def add(rule: str, message: str, hint: str, severity: str | None = None) -> None:
        out.append(Finding(rule, severity or RULES[rule][0], message, hint, shot_index))

    if isinstance(seconds, bool) or seconds not in LEGAL_SECONDS:
        add(
            "illegal-seconds",
            f"{seconds!r} s is not a length the API accepts",
            "Use 4, 8 or 12 seconds; split a longer moment into several shots.",
        )
    if model is not None:
        out.extend(_check_model_size(model, size, table, shot_index))
    if not text.strip():
        add(
            "empty-prompt",
            "the prompt is empty",
            "Give the shot a scene, an action, a camera line and lighting.",
        )
        return tuple(out)

    if tokens is None:
        tokens, exact = _count_tokens(text)
    else:
        exact = True
    if tier_cap > 0 and tokens > tier_cap:
        over = Decimal(tokens - tier_cap) / Decimal(tier_cap)
        severity = WARNING if over <= rules.token_warning_margin else ERROR
        about = "" if exact else "about "
        add(
            "prompt-over-tokens",
            f"{about}{tokens} tokens, {tokens - tier_cap} over the tier's cap of {tier_cap} "
            f"({over:.0%} over; more than {rules.token_warning_margin:.0%} is an error)",
            "Choose a higher budget tier, or cut secondary details and adjectives; keep the "
            "action and the camera line.",
            severity,
        )

    parts = sections_of(text, sections, rules)
    camera = parts.get("camera", "")
    if not camera:
        add(
            "missing-camera",
            "no camera line (shot type, lens, camera move)",
            'Add a line like "Cinematography: medium shot, locked-off camera, 35 mm lens."',
        )
    if not parts.get("lighting"):
        add(
            "missing-lighting",
            "no lighting line",
            'Add a line like "Lighting: morning window light from the left."; the same '
            "light in every shot keeps the film consistent.",
        )

    actions = parts.get("actions", "")
    if actions and isinstance(seconds, int) and seconds > 0:
        n = count_actions(actions)
        allowed = max(1, math.ceil(Decimal(seconds) / rules.seconds_per_action))
        if n > allowed:
            add(
                "too-many-actions",
                f"{n} distinct actions in {seconds} s (at most {allowed}: about one per "
                f"{rules.seconds_per_action} s)",
                "Keep one subject action per beat; move the rest into another shot. Shorter, "
                "simpler clips follow instructions more reliably.",
            )
    moves = rules.camera_moves_in(camera, text)
    if len(moves) > rules.max_camera_moves:
        add(
            "too-many-camera-moves",
            f"{len(moves)} camera moves in one shot ({', '.join(moves)})",
            f"Use at most {rules.max_camera_moves} camera move per shot; a locked-off "
            "camera is often funnier.",
        )

    out.extend(scan_text(text, rules=rules, shot_index=shot_index))
    return tuple(out)


def _check_model_size(
    model: str, size: str | None, table: PriceTable | None, shot_index: int | None
) -> list[Finding]:
    from ..money.prices import PriceError, PriceTable

    table = PriceTable.load() if table is None else table
    try:
        offered = table.sizes(model)
    except PriceError:
        allowed = ", ".join(table.models)
        return [
            Finding(
                "unknown-model",
                ERROR,
                f"model {model!r} is not in the price table",
                f"Use one of: {allowed} (or add it to your prices file).",
                shot_index,
            )
        ]
    if size is not None and size not in offered:
        return [
            Finding(
                "illegal-size",
                ERROR,
                f"{model} is not offered at {size}",
                f"Use one of {model}'s sizes: {', '.join(offered)}.",
                shot_index,
            )
        ]
    return []


def _norm(text: str) -> str:
    return " ".join(_fold(text).split())


def lint_plan(
    storyboard: Storyboard,
    prompts: Sequence[ShotPrompt],
    *,
    tier_cap: int,
    total: Cost | None = None,
    remaining: Cost | None = None,
    table: PriceTable | None = None,
    rules: Rules | None = None,
) -> tuple[Finding, ...]:
    """Every rule on every shot, then the rules over the whole plan.

    remaining: what is left of the month's budget (from the ledger); when given, a plan that
    costs more is an error. total defaults to the price table's estimate of the storyboard.
    """
    from ..money.prices import PriceError, PriceTable
    from ..money.strategies import estimate

    rules = rules or Rules.load()
    table = PriceTable.load() if table is None else table
    out: list[Finding] = []
    shots = storyboard.shots
    if not shots:
        out.append(
            Finding(
                "empty-plan",
                ERROR,
                "the storyboard has no shots",
                "Pick a longer target or a template with at least one beat.",
            )
        )
    if len(prompts) != len(shots):
        out.append(
            Finding(
                "prompt-count",
                ERROR,
                f"{len(prompts)} prompts for {len(shots)} shots",
                "Render the prompts again from this storyboard.",
            )
        )

    if remaining is not None and shots:
        cost = total
        if cost is None:
            try:
                cost = estimate(storyboard, table)
            except PriceError:
                cost = None  # reported per shot below
        if cost is not None and cost > remaining:
            out.append(
                Finding(
                    "over-budget",
                    ERROR,
                    f"the plan costs {cost}, {cost - remaining} more than the {remaining} left "
                    "this month",
                    "Use sora-2 or 720p, shorten the film, draft fewer shots, or raise the "
                    "monthly budget; the animatic (simulator) is free.",
                )
            )

    by_index = {p.shot_index: p for p in prompts}
    texts: dict[int, str] = {}
    blocks: dict[str, dict[int, str]] = {"style": {}, "palette": {}, "lighting": {}}
    for pos, shot in enumerate(shots):
        prompt = by_index.get(shot.index, prompts[pos] if pos < len(prompts) else None)
        if prompt is None:
            out.extend(_check_model_size(shot.model, shot.size, table, shot.index))
            continue
        out.extend(
            lint_prompt(
                prompt.text,
                seconds=shot.seconds,
                tier_cap=tier_cap,
                shot_index=shot.index,
                tokens=prompt.tokens,
                sections=prompt.sections,
                model=shot.model,
                size=shot.size,
                table=table,
                rules=rules,
            )
        )
        if prompt.text.strip():
            texts[shot.index] = _norm(prompt.text)
            parts = sections_of(prompt.text, prompt.sections, rules)
            for name in blocks:
                blocks[name][shot.index] = _norm(parts.get(name, ""))

    first_seen: dict[str, int] = {}
    for index, text in texts.items():
        if text in first_seen:
            out.append(
                Finding(
                    "duplicate-shot",
                    WARNING,
                    f"same prompt as shot {first_seen[text] + 1}",
                    "Each shot should move the story on; change the action or "
                    "drop one of them (each costs money).",
                    index,
                )
            )
        else:
            first_seen[text] = index

    for name, values in blocks.items():
        if len(values) < 2 or not any(values.values()):
            continue
        common, count = Counter(values.values()).most_common(1)[0]
        for index, value in values.items():
            if value != common and (value or name != "lighting"):  # missing: own rule
                state = "is missing" if not value else "differs"
                out.append(
                    Finding(
                        "style-drift",
                        WARNING,
                        f"the {name} block {state} from the one {count} of {len(values)} "
                        "shots share",
                        f"Use the identical {name} block in every shot: continuity comes from it.",
                        index,
                    )
                )
    return tuple(out)


def lint_library(library: MetaphorLibrary, *, rules: Rules | None = None) -> tuple[Finding, ...]:
    """The content rules on every text of a theme (style block, gags, props, actions).

    User metaphor files go into prompts word for word, so they get the same checks.
    """
    rules = rules or Rules.load()
    out: list[Finding] = []
    src = f" ({library.source})" if library.source else ""
    style = library.style
    style_fields = {
        "name": style.name,
        "look": style.look,
        "palette": ", ".join(style.palette),
        "setting": style.setting,
        "protagonist": style.protagonist,
        "lighting": style.lighting,
        "sound": style.sound,
    }
    fields = {f"theme {library.theme}{src}, style.{k}": v for k, v in style_fields.items()}
    for m in library.metaphors:
        where = f"metaphor {m.id}{src}"
        fields[f"{where}, field gag"] = m.gag
        fields[f"{where}, field props"] = "; ".join(m.props)
        fields[f"{where}, field actions"] = "\n".join(m.actions)
    # One scan of everything first: a clean theme (the usual case) costs one pass, and only
    # a theme with a hit is scanned field by field to say where.
    if scan_text("\n".join(fields.values()), rules=rules):
        for where, text in fields.items():
            out.extend(scan_text(text, rules=rules, where=where))
    for m in library.metaphors:
        where = f"metaphor {m.id}{src}"
        if isinstance(m.seconds, bool) or m.seconds not in LEGAL_SECONDS:
            out.append(
                Finding(
                    "illegal-seconds",
                    WARNING,
                    f"timing hint {m.seconds!r} s is not 4, 8 or 12",
                    "Use 4, 8 or 12; the storyboard snaps it anyway.",
                    where=f"{where}, field seconds",
                )
            )
    return tuple(out)


def errors(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings that block submission."""
    return tuple(f for f in findings if f.severity == ERROR)
