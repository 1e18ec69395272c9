"""Dry-run rules on one prompt and on a theme: what the Videos API would refuse, or wastes money.

Every rule has a stable id and a severity (ERROR blocks submission, WARNING informs) in the
one catalogue, ``findings.RULES``, and one small function here (single-prompt and content
rules) or in ``plan_lint`` (rules over the whole plan) that checks it; a finding takes its
severity from the catalogue through ``finding()``, so no call site restates it. The data the
rules run on (word lists, secret shapes, camera moves, thresholds) is loaded by ``lint_data``.
A refused job is not free to find out about: it costs a queue slot and minutes, and whether
failed jobs are billed is not documented. So everything the API is known to refuse is an
error here, before any money moves.

A message never repeats prompt text: a prompt may hold a secret, and findings are printed,
logged and saved. Matched secrets show their kind and first 4 characters only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from ..capabilities import clip_seconds
from ..redact import hint as secret_hint
from .findings import ERROR, RULES, SEVERITIES, WARNING, Finding, errors, finding, lengths_text
from .lint_data import (
    _WORD,
    Rules,
    WordList,
    _fold,
    _squash,
    count_actions,
    sections_of,
    text_request,
)

if TYPE_CHECKING:
    from ..money.prices import PriceTable
    from .metaphors import MetaphorLibrary

__all__ = [
    "ERROR",
    "RULES",
    "SEVERITIES",
    "WARNING",
    "Allowances",
    "Finding",
    "Rules",
    "WordList",
    "count_actions",
    "errors",
    "finding",
    "lint_library",
    "lint_prompt",
    "scan_text",
    "sections_of",
    "split_identifiers",
]


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


# -- content rules: any text a prompt is made of --------------------------------------------

# Where an identifier joins words: camelCase and CamelCase humps, acronym ends ("HTTPServer"),
# underscores. "MickeyMouseError" -> "Mickey Mouse Error", "Gordon_Ramsay_Kitchen" -> ...
_IDENTIFIER_JOIN = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|_+")


def split_identifiers(text: str) -> str:
    """The text with every identifier split into its words, so a listed name hidden inside
    a class or function name is found like any other ("DarthVaderClient")."""
    return _IDENTIFIER_JOIN.sub(" ", text)


@dataclass(frozen=True)
class Allowances:
    """Listed terms that are not a block for this plan.

    own: terms the project's own name says (a repository called "Transformers"): a warning,
    not an error, since a film about the project must name it. allowed: terms nobody is
    warned about any more: any term the person running the tool allowed (--allow, plan(allow=)),
    and the project's own name when its repository allows it (see plan_lint.allowances).
    Both hold _squash() keys ("mickeymouse").
    """

    own: frozenset[str] = field(default_factory=frozenset)
    allowed: frozenset[str] = field(default_factory=frozenset)


NO_ALLOWANCES = Allowances()


def _listed_names(
    wl: WordList,
    words: list[str],
    shot_index: int | None,
    where: str,
    split: list[str] | None = None,
    allow: Allowances = NO_ALLOWANCES,
) -> list[Finding]:
    """A word list's rule (real-person, copyrighted-character, ...): each listed name once.

    The list's own severity: the catalogue's for its rule (checked on load), or its own; a
    warning for the project's own name, nothing for an allowed term. split: the words of the
    text with its identifiers split (split_identifiers), looked up too.
    """
    terms = list(wl.find_words(words))
    if split is not None and split != words:
        terms += [t for t in wl.find_words(split) if t not in terms]
    out = []
    for term in terms:
        key = _squash(term)
        if key in allow.allowed:
            continue
        if key in allow.own:
            out.append(
                Finding(
                    wl.rule,
                    WARNING,
                    f"names {wl.what}: {term}, which is the project's own name",
                    f"The video API may refuse shots that say it. To stop this warning, allow "
                    f"it: --allow {term!r} on plan/film, plan(allow=[{term!r}]), or "
                    f'allow = ["{term}"] in the [lint] table of the repository\'s .sorafilm.toml.',
                    shot_index,
                    where,
                )
            )
            continue
        out.append(
            Finding(wl.rule, wl.severity, f"names {wl.what}: {term}", wl.hint, shot_index, where)
        )
    return out


def _secrets(
    text: str, folded: str, rules: Rules, shot_index: int | None, where: str
) -> list[Finding]:
    """secret-in-prompt: each secret or personal datum once, shown by kind and 4 characters."""
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for pat in rules.secrets:
        for m in pat.finditer(text, folded):
            key = (pat.kind, secret_hint(m.group(0)))
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
    return out


def scan_text(
    text: str,
    *,
    rules: Rules | None = None,
    shot_index: int | None = None,
    where: str = "",
    allow: Allowances = NO_ALLOWANCES,
) -> tuple[Finding, ...]:
    """The content rules (people, characters, music, secrets) on any text a prompt is made of.

    Shared by prompts and metaphor libraries, so user theme files obey the same rules. Names
    are looked up in the words of the text and in the words of its identifiers split apart.
    """
    rules = rules or Rules.load()
    folded = _fold(text)
    words = _WORD.findall(folded)
    split = _WORD.findall(_fold(split_identifiers(text)))
    out: list[Finding] = []
    for wl in rules.words:
        out.extend(_listed_names(wl, words, shot_index, where, split, allow))
    out.extend(_secrets(text, folded, rules, shot_index, where))
    return tuple(out)


# -- single-prompt rules --------------------------------------------------------------------


@dataclass(frozen=True)
class _Prompt:
    """One shot's prompt as the single-prompt rules see it."""

    text: str
    seconds: int
    tier_cap: int
    shot_index: int | None
    tokens: int | None  # the count prompts.py made, or None (counted here)
    parts: dict[str, str]  # section name -> text (sections_of)
    rules: Rules
    allow: Allowances = NO_ALLOWANCES


def _illegal_seconds(
    seconds: object, shot_index: int | None, allowed: Sequence[int] | None = None
) -> list[Finding]:
    allowed = clip_seconds() if allowed is None else allowed
    if isinstance(seconds, bool) or seconds not in allowed:
        return [
            finding(
                "illegal-seconds",
                f"{seconds!r} s is not a length the API accepts",
                f"Use {lengths_text(allowed)} seconds; split a longer moment into several shots.",
                shot_index,
            )
        ]
    return []


def _model_and_size(
    model: str, size: str | None, table: PriceTable | None, shot_index: int | None
) -> list[Finding]:
    """unknown-model, or else illegal-size: checked against the price table's offer."""
    from ..money.prices import PriceError, PriceTable

    table = PriceTable.load() if table is None else table
    try:
        offered = table.sizes(model)
    except PriceError:
        allowed = ", ".join(table.models)
        return [
            finding(
                "unknown-model",
                f"model {model!r} is not in the price table",
                f"Use one of: {allowed} (or add it to your prices file).",
                shot_index,
            )
        ]
    if size is not None and size not in offered:
        return [
            finding(
                "illegal-size",
                f"{model} is not offered at {size}",
                f"Use one of {model}'s sizes: {', '.join(offered)}.",
                shot_index,
            )
        ]
    return []


def _empty_prompt(shot_index: int | None) -> list[Finding]:
    return [
        finding(
            "empty-prompt",
            "the prompt is empty",
            "Give the shot a scene, an action, a camera line and lighting.",
            shot_index,
        )
    ]


def _over_tokens(p: _Prompt) -> list[Finding]:
    """prompt-over-tokens: a warning within the margin of rules.toml, an error beyond it."""
    tokens, exact = (p.tokens, True) if p.tokens is not None else _count_tokens(p.text)
    cap, margin = p.tier_cap, p.rules.token_warning_margin
    if cap <= 0 or tokens <= cap:
        return []
    over = Decimal(tokens - cap) / Decimal(cap)
    about = "" if exact else "about "
    return [
        finding(
            "prompt-over-tokens",
            f"{about}{tokens} tokens, {tokens - cap} over the tier's cap of {cap} "
            f"({over:.0%} over; more than {margin:.0%} is an error)",
            "Choose a higher budget tier, or cut secondary details and adjectives; keep the "
            "action and the camera line.",
            p.shot_index,
            severity=None if over <= margin else ERROR,
        )
    ]


def _missing_camera(p: _Prompt) -> list[Finding]:
    if p.parts.get("camera"):
        return []
    return [
        finding(
            "missing-camera",
            "no camera line (shot type, lens, camera move)",
            'Add a line like "Cinematography: medium shot, locked-off camera, 35 mm lens."',
            p.shot_index,
        )
    ]


def _missing_lighting(p: _Prompt) -> list[Finding]:
    if p.parts.get("lighting"):
        return []
    return [
        finding(
            "missing-lighting",
            "no lighting line",
            'Add a line like "Lighting: morning window light from the left."; the same '
            "light in every shot keeps the film consistent.",
            p.shot_index,
        )
    ]


def _too_many_actions(p: _Prompt) -> list[Finding]:
    actions, seconds, per = p.parts.get("actions", ""), p.seconds, p.rules.seconds_per_action
    if not actions or not isinstance(seconds, int) or seconds <= 0:
        return []
    n = count_actions(actions)
    allowed = max(1, math.ceil(Decimal(seconds) / per))
    if n <= allowed:
        return []
    return [
        finding(
            "too-many-actions",
            f"{n} distinct actions in {seconds} s (at most {allowed}: about one per {per} s)",
            "Keep one subject action per beat; move the rest into another shot. Shorter, "
            "simpler clips follow instructions more reliably.",
            p.shot_index,
        )
    ]


def _too_many_camera_moves(p: _Prompt) -> list[Finding]:
    moves = p.rules.camera_moves_in(p.parts.get("camera", ""), p.text)
    most = p.rules.max_camera_moves
    if len(moves) <= most:
        return []
    return [
        finding(
            "too-many-camera-moves",
            f"{len(moves)} camera moves in one shot ({', '.join(moves)})",
            f"Use at most {most} camera move per shot; a locked-off camera is often funnier.",
            p.shot_index,
        )
    ]


_TEXT_HINT = (
    "Show it without words (a picture, a colour, a gesture): models garble text on screen, "
    "and sorafilm draws titles and captions itself."
)


def _text_finding(kind: str, shot_index: int | None = None, where: str = "") -> Finding:
    return finding(
        "on-screen-text",
        f"asks the video model to draw {kind}",
        _TEXT_HINT,
        shot_index,
        where=where,
    )


def _on_screen_text(p: _Prompt) -> list[Finding]:
    kind = text_request(p.text, p.rules)
    return [_text_finding(kind, p.shot_index)] if kind else []


def _content(p: _Prompt) -> tuple[Finding, ...]:
    return scan_text(p.text, rules=p.rules, shot_index=p.shot_index, allow=p.allow)


# The rules on a non-empty prompt, in the order their findings are reported.
PROMPT_RULES: tuple[Callable[[_Prompt], Iterable[Finding]], ...] = (
    _over_tokens,
    _missing_camera,
    _missing_lighting,
    _too_many_actions,
    _too_many_camera_moves,
    _on_screen_text,
    _content,
)


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
    allow: Allowances = NO_ALLOWANCES,
    allowed_seconds: Sequence[int] | None = None,
) -> tuple[Finding, ...]:
    """Every single-prompt rule on one shot's prompt.

    tokens: the count prompts.py made (counted here when omitted). model and size, when
    given, are checked against the price table (which sizes a model offers). allow: listed
    names that are a warning (the project's own) or nothing (allowed); see Allowances.
    allowed_seconds: the lengths the shot's model takes at its size (capabilities; default
    OpenAI's 4, 8 and 12).
    """
    rules = rules or Rules.load()
    out = _illegal_seconds(seconds, shot_index, allowed_seconds)
    if model is not None:
        out += _model_and_size(model, size, table, shot_index)
    if not text.strip():
        return (*out, *_empty_prompt(shot_index))
    p = _Prompt(
        text,
        seconds,
        tier_cap,
        shot_index,
        tokens,
        sections_of(text, sections, rules),
        rules,
        allow,
    )
    for rule in PROMPT_RULES:
        out.extend(rule(p))
    return tuple(out)


# -- themes ---------------------------------------------------------------------------------


def _timing_hints(library: MetaphorLibrary, src: str) -> list[Finding]:
    """illegal-seconds on a theme: only a warning, since the storyboard snaps a timing hint."""
    return [
        finding(
            "illegal-seconds",
            f"timing hint {m.seconds!r} s is not {lengths_text()}",
            f"Use {lengths_text()}; the storyboard snaps it anyway.",
            where=f"metaphor {m.id}{src}, field seconds",
            severity=WARNING,
        )
        for m in library.metaphors
        if isinstance(m.seconds, bool) or m.seconds not in clip_seconds()
    ]


def lint_library(library: MetaphorLibrary, *, rules: Rules | None = None) -> tuple[Finding, ...]:
    """The content rules on every text of a theme (style block, gags, scenes, props, actions),
    and whether any asks the video model for words on screen (on-screen-text).

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
        if m.scene:  # the prompt's action sentence, word for word
            fields[f"{where}, field scene"] = m.scene
        fields[f"{where}, field props"] = "; ".join(m.props)
        fields[f"{where}, field actions"] = "\n".join(m.actions)
    # One scan of everything first: a clean theme (the usual case) costs one pass, and only
    # a theme with a hit is scanned field by field to say where.
    if scan_text("\n".join(fields.values()), rules=rules):
        for where, text in fields.items():
            out.extend(scan_text(text, rules=rules, where=where))
    for where, text in fields.items():  # a sound's "intertitles only" is dropped (sound_line)
        kind = "" if where.endswith("style.sound") else text_request(text, rules)
        if kind:
            out.append(_text_finding(kind, where=where))
    return tuple(out + _timing_hints(library, src))
