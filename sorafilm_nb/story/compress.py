"""Compression: cutting rendered prompts down to a token tier, the same way in every shot.

A Tier (prompts.Tier) caps each prompt's tokens (o200k_base, counted offline by
sorafilm_nb.story.tokens; the Videos API publishes no tokenizer, so this is a proxy for
length, not a billing unit). Tiers change prompt length, never the per-second price. The
provider's own limit (capabilities: Runway's promptText takes 1000 characters) binds too:
``render_prompts()`` fits every prompt under both, and lint blocks a plan whose prompt
cannot fit, before any money is reserved.

``compress()`` walks the ``ladder()`` of steps, least important first, and stops as soon as
the prompt fits. Text is cut by whole clauses, never mid-phrase. The first steps cut prose
(secondary clauses, adjectives, props the actions do not use, setting, look, palette) and
leave what keeps separately made clips consistent and the shot readable: the camera, the
action lines, the protagonist's description, the sound line (which says whether anyone
speaks), the shot's cause and every prop the actions use. Only when a prompt is still over
after all of them do the last-resort steps (``LAST_RESORT``, in its stated order) cut into
those. The action lines, the camera's shot size and move, and the style's name are never
cut: a prompt still over after every step is reported (``fits`` False) and lint says so.

Steps marked shared edit the film's shared block (style, palette, setting, lighting, the
protagonist), and ``render_prompts()`` applies those to every shot alike, as far as the
most demanding shot needs, so compression cannot make the style drift between shots.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from ..capabilities import prompt_length, prompt_limits
from ..lazyre import LazyPattern
from .captions import DANGLING
from .prompts import (
    SECTION_ORDER,
    ShotPrompt,
    Tier,
    _cap,
    _sentence,
    join_sections,
    parse_tier,
    render_sections,
    section_tokens,
    tier_cap,
    wording,
)

if TYPE_CHECKING:
    from .boards import Storyboard


Sections = dict[str, str]


@lru_cache(maxsize=4096)
def _first_clause(text: str) -> str:
    """Each sentence cut to its first clause, at a comma, colon or semicolon that ends one:
    "a carton that will not pour, however hard it is shaken." -> "a carton that will not
    pour.". A sentence whose first clause would end on an article, a preposition or a
    conjunction, or leave fewer than four words, is kept whole."""
    out = []
    for s in re.split(r"(?<=[.!?])\s+", text.strip()):
        m = re.search(r"[,:;]\s", s)
        head = s[: m.start()] if m else s
        words = head.split()
        if m and len(words) >= 4 and words[-1].lower() not in DANGLING:
            out.append(_sentence(head.rstrip(".")))
        else:
            out.append(s)
    return " ".join(out)


@lru_cache(maxsize=4096)
def _drop_words(text: str, words: frozenset[str]) -> str:
    def keep(m: re.Match[str]) -> str:
        return "" if m.group(0).lower() in words else m.group(0)

    # only a word before another word (an adjective's place): "the dark." keeps its noun
    out = re.sub(r"[A-Za-z]+(?:-[A-Za-z]+)*(?= [A-Za-z])", keep, text)
    out = re.sub(r"\s+([,.;:])", r"\1", re.sub(r"[ \t]{2,}", " ", out))
    out = re.sub(r"([.!?]\s+)(\w)", lambda m: m.group(1) + m.group(2).upper(), out.strip())
    if text[:1].isupper():
        out = _cap(out)
    return re.sub(r"\b(a|an) (a|an)\b", r"\2", out)


def _label_split(text: str) -> tuple[str, str]:
    label, _, body = text.partition(": ")
    return label, body.rstrip(".")


def _list_keep(text: str, n: int) -> str:
    """'Palette: a, b, c, d.' -> 'Palette: a, b, c.' (first n items)."""
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(",") if x.strip()]
    return _sentence(f"{label}: " + ", ".join(items[:n])) if items else ""


_CONTENT = re.compile(r"[a-z]{3,}")
_LIST_STOP = frozenset({"the", "and", "with", "for", "one", "row", "set", "pair", "full"})


def _used(prop: str, actions: str) -> bool:
    """A prop the actions name: one of its words ("glass" of "empty glass") is in them."""
    words = {w for w in _CONTENT.findall(prop.lower()) if w not in _LIST_STOP}
    said = set(_CONTENT.findall(actions.lower()))
    stems = {w.rstrip("s") for w in said}
    return any(w in said or w.rstrip("s") in stems for w in words)


def _props_kept(s: Sections, keep: int) -> Sections:
    """Props cut to those the actions use, plus the first ``keep`` others: a prop the
    actions use stays, or the prompt would show one thing and do another."""
    text = s.get("props", "")
    if not text:
        return s
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(",") if x.strip()]
    actions = s.get("actions", "") + " " + s.get("subject", "")
    kept, spare = [], keep
    for item in items:
        if _used(item, actions):
            kept.append(item)
        elif spare > 0:
            kept.append(item)
            spare -= 1
    out = dict(s)
    if kept:
        out["props"] = _sentence(f"{label}: " + ", ".join(kept))
    else:
        out.pop("props", None)
    return out


def _adjectives(drop: frozenset[str]) -> Callable[[Sections], Sections]:
    """Decorative words out of the scene, and out of the props the actions do not name."""

    def step(s: Sections) -> Sections:
        out = dict(s)
        if out.get("subject"):
            out["subject"] = _drop_words(out["subject"], drop)
        props = out.get("props", "")
        if props:
            label, body = _label_split(props)
            actions = out.get("actions", "") + " " + out.get("subject", "")
            items = [x.strip() for x in body.split(",") if x.strip()]
            items = [x if _used(x, actions) else _drop_words(x, drop) or x for x in items]
            out["props"] = _sentence(f"{label}: " + ", ".join(items))
        return out

    return step


def _style_repeats(s: Sections) -> Sections:
    style = s.get("style", "")
    if not style:
        return s
    return {**s, "style": _style_without_repeats(style, s.get("palette", ""))}


@lru_cache(maxsize=256)
def _style_without_repeats(style: str, palette_line: str) -> str:
    """Look items whose head noun repeats a palette colour or the style name say nothing new:
    "warm sepia" beside a sepia palette goes, "film grain" beside "silent-film comedy" stays
    (it adds the grain, and the animatic draws grain from that word too)."""
    label, body = _label_split(style)
    if not body:
        return style
    items = [x.strip() for x in body.split(",")]
    name, look = items[0], items[1:]
    _, palette = _label_split(palette_line)
    seen = {w for w in re.findall(r"[a-z]+", (palette + " " + name).lower()) if len(w) > 3}

    def head(item: str) -> str:
        words = re.findall(r"[a-z]+", item.lower())
        return words[-1] if words else ""

    kept = [x for x in look if head(x) not in seen]
    return _sentence(f"{label}: " + ", ".join([name, *kept]))


def _on(names: Sequence[str], fn: Callable[[str], str]) -> Callable[[Sections], Sections]:
    def step(s: Sections) -> Sections:
        out = dict(s)
        for n in names:
            if out.get(n):
                out[n] = fn(out[n])
        return out

    return step


def _drop(name: str) -> Callable[[Sections], Sections]:
    return lambda s: {k: v for k, v in s.items() if k != name}


def _label_first_clause(text: str) -> str:
    label, body = _label_split(text)
    return _sentence(f"{label}: {body.split(',', 1)[0].strip()}") if body else text


def _style_name_only(text: str) -> str:
    label, body = _label_split(text)
    return _sentence(f"{label}: {body.split(',', 1)[0].strip()}")


# -- last-resort steps: only for a prompt still over its cap after every step above ---------

# LazyPattern: compiled at first use, as most plans never reach these last resorts (issue 14)
_BECAUSE = LazyPattern(r"^Because\b[^,]*,\s+")
# Camera-line items that describe the lens or focus, not what the camera sees or does.
_LENS = LazyPattern(r"\b(?:mm|lens|focus|depth of field|background)\b", re.I)
_MOOD = LazyPattern(r";\s*mood:[^.;]*")


def _props_line(s: Sections) -> Sections:
    """The props line goes: by now it lists only props the actions use, and the action
    lines name each of them, so nothing shown contradicts what is done."""
    return {k: v for k, v in s.items() if k != "props"}


def _without_cause(s: Sections) -> Sections:
    """The shot's cause goes ("Because the kettle did the trick, "), as its own section or
    at the head of the subject; what follows it opens the sentence, capitalised."""
    out = dict(s)
    if out.pop("cause", None):
        after = SECTION_ORDER[SECTION_ORDER.index("cause") + 1 :]
        nxt = next((n for n in after if out.get(n)), None)
        if nxt is not None:
            out[nxt] = _cap(out[nxt])
        return out
    m = _BECAUSE.match(out.get("subject", ""))
    if m and out["subject"][m.end() :].strip():
        out["subject"] = _cap(out["subject"][m.end() :])
    return out


def _camera_core(text: str) -> str:
    """'Cinematography: medium shot, slow push-in, 35 mm lens, shallow depth of field.' ->
    'Cinematography: medium shot, slow push-in.': the shot size and the move stay."""
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(",")]
    kept = [x for x in items if not _LENS.search(x)] or items[:1]
    return _sentence(f"{label}: " + ", ".join(kept)) if body else text


def _sound_core(text: str) -> str:
    """'Sound: ragtime piano; the piano races; no dialogue.' -> 'Sound: ragtime piano; no
    dialogue.': the theme's sound (the same in every shot) and whether anyone speaks stay."""
    label, body = _label_split(text)
    items = [x.strip() for x in body.split(";") if x.strip()]
    if len(items) < 3:
        return text
    return _sentence(f"{label}: {items[0]}; {items[-1]}")


def _hero_first_clause(text: str) -> str:
    """The protagonist's description to its first clause: 'a programmer in braces, a
    striped shirt and a bowler hat,' -> 'a programmer in braces' (its closing comma only
    set the clauses off; a description of its own, a sentence, keeps its full stop)."""
    body = text.rstrip()
    end = body[-1:] if body[-1:] in ",." else ""
    body = body[: len(body) - len(end)] if end else body
    m = re.search(r",\s", body)
    if not m:
        return text
    head = body[: m.start()]
    words = head.split()
    if len(words) < 3 or words[-1].lower() in DANGLING:
        return text
    return head + ("." if end == "." else "")


@dataclass(frozen=True)
class Step:
    """One compression step: a name for the report, whether it edits the film's shared block."""

    name: str
    shared: bool
    apply: Callable[[Sections], Sections]


@cache
def ladder() -> tuple[Step, ...]:
    """The compression steps, least important first, ending with ``LAST_RESORT``."""
    drop = wording().droppable

    def words(t: str) -> str:
        return _drop_words(t, drop)

    def style_repeats(s: Sections) -> Sections:
        return _on(["setting"], words)(_style_repeats(s))

    return (
        Step("secondary clauses", False, _on(["subject"], _first_clause)),
        Step("adjectives", False, _adjectives(drop)),
        Step("repeated style words", True, style_repeats),
        Step("secondary props", False, lambda s: _props_kept(s, 1)),
        Step("palette extras", True, _on(["palette"], lambda t: _list_keep(t, 3))),
        Step("lighting detail", True, _on(["lighting"], _label_first_clause)),
        Step("setting detail", True, _on(["setting"], _first_clause)),
        Step("props", False, lambda s: _props_kept(s, 0)),
        # The look and palette are what keep separately made clips alike: they go last, after
        # the setting (the scene sentence and the props still place the shot).
        Step("setting", True, _drop("setting")),
        Step("style look", True, _on(["style"], _style_name_only)),
        Step("palette", True, _drop("palette")),  # the style name still carries the colour
        *LAST_RESORT,
    )


#: The steps that cut into what keeps a shot readable and its clips alike, least harmful
#: first; compress() reaches them only when every step before left the prompt over its cap:
#: the props line (the actions name each prop it still lists), the camera's mood (the
#: actions play it), the shot's cause (a model cannot film "because"), the lens and focus
#: (the shot size and move stay), the beat's own sound (the theme's sound and whether
#: anyone speaks stay), the lighting (for the whole film), the protagonist's detail after
#: its first clause (for the whole film, so every clip still shows the same person).
LAST_RESORT: tuple[Step, ...] = (
    Step("props line", False, _props_line),
    Step("camera mood", False, _on(["camera"], lambda t: _MOOD.sub("", t))),
    Step("cause", False, _without_cause),
    Step("lens and focus", False, _on(["camera"], _camera_core)),
    Step("beat sound", False, _on(["sound"], _sound_core)),
    Step("lighting", True, _drop("lighting")),
    Step("protagonist detail", True, _on(["hero"], _hero_first_clause)),
)


@dataclass(frozen=True)
class Compressed:
    """What compress() returns: the sections kept, the text and the token counts."""

    sections: tuple[tuple[str, str], ...]
    text: str
    tokens: int
    tokens_before: int
    cap: int
    fits: bool
    steps: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.tokens / self.tokens_before if self.tokens_before else 1.0


def _as_tuple(s: Sections) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in s.items() if v)


def compress(
    prompt_sections: Sequence[tuple[str, str]],
    cap: int,
    *,
    shared_steps: int | None = None,
    verify: bool = True,
    max_chars: int | None = None,
) -> Compressed:
    """Remove the least important parts until the prompt fits cap tokens (deterministic).

    Steps run in ladder() order; after each, the text is re-counted and compression stops as
    soon as it fits. max_chars, when given, must be met too: the provider's limit on the
    prompt's length (capabilities.prompt_length: Runway's 1000 characters). The camera's
    shot and move and the action lines are never changed. shared_steps, when
    given, applies every shared step up to that ladder position first and forbids later
    ones, then this prompt's own steps while it is over the cap: render_prompts() uses it so
    the style block is cut the same way in every shot and no shot loses more of its own
    detail than the shared cuts leave necessary. fits is
    False when even the last step leaves the prompt over the cap. Tokens are counted piece by
    piece (see pieces()); verify re-counts the final text whole, and should the two ever
    differ, compression is redone with whole-text counts.
    """
    from .tokens import count_tokens

    if cap < 1:
        raise ValueError(f"a token cap must be positive, got {cap}")
    if max_chars is not None and max_chars < 1:
        raise ValueError(f"a character limit must be positive, got {max_chars}")
    result = _compress(prompt_sections, cap, shared_steps, section_tokens, max_chars)
    if verify and count_tokens(result.text) != result.tokens:  # pragma: no cover
        result = _compress(
            prompt_sections,
            cap,
            shared_steps,
            lambda secs: count_tokens(join_sections(secs)),
            max_chars,
        )
    return result


def _compress(
    prompt_sections: Sequence[tuple[str, str]],
    cap: int,
    shared_steps: int | None,
    counter: Callable[[Sequence[tuple[str, str]]], int],
    max_chars: int | None = None,
) -> Compressed:
    current: Sections = dict(prompt_sections)
    before = counter(_as_tuple(current))
    tokens = before

    def fits() -> bool:
        if tokens > cap:
            return False
        return max_chars is None or prompt_length(join_sections(_as_tuple(current))) <= max_chars

    applied: list[str] = []
    steps = list(enumerate(ladder()))
    if shared_steps is not None:
        # The film's shared cuts first (they happen anyway), then this shot's own cuts,
        # least important first, only while it is still over the cap.
        steps = [(p, st) for p, st in steps if st.shared and p <= shared_steps] + [
            (p, st) for p, st in steps if not st.shared
        ]
    ok = fits()
    for _pos, step in steps:
        if (not step.shared or shared_steps is None) and ok:
            continue
        nxt = step.apply(current)
        if nxt == current:
            continue
        current = nxt
        applied.append(step.name)
        tokens = counter(_as_tuple(current))
        ok = fits()
    final = _as_tuple(current)
    return Compressed(final, join_sections(final), tokens, before, cap, ok, tuple(applied))


def shared_level(prompt_sections: Sequence[tuple[str, str]], cap: int) -> int:
    """The ladder position up to which shared steps are needed for this prompt to fit (-1: none).

    Found by compressing with local and shared steps interleaved, as compress() does alone.
    """
    return _level_of(compress(prompt_sections, cap, verify=False))


def _level_of(result: Compressed) -> int:
    steps = ladder()
    last = -1
    for pos, step in enumerate(steps):
        if step.shared and step.name in result.steps:
            last = pos
    if not result.fits:  # nothing short of every shared step is enough
        last = len(steps) - 1
    return last


def render_prompts(
    storyboard: Storyboard,
    tier: Tier | int | str = Tier.MEDIUM,
    audio: bool | None = None,
) -> tuple[ShotPrompt, ...]:
    """Every shot's prompt, compressed to the tier's cap, with one shared style block.

    The shared block is cut as far as the most demanding shot needs, in every shot, so the
    film's style words stay identical (lint checks for drift); the rest of each prompt is cut
    only as far as that shot needs. Each shot also fits its model's own limit (capabilities:
    characters, and tokens where the provider's are fewer than the tier's), so no prompt the
    provider would refuse is planned; ``fits`` is False for one that cannot.
    """
    from .tokens import count_tokens

    tier_tokens = tier_cap(parse_tier(tier))
    provider = getattr(storyboard, "provider", "openai")
    limits = [prompt_limits(provider, shot.model) for shot in storyboard.shots]
    caps = [min(tier_tokens, t) if t is not None else tier_tokens for _, t in limits]
    full = [render_sections(shot, storyboard, audio) for shot in storyboard.shots]
    first = [
        compress(s, cap, verify=False, max_chars=chars)
        for s, cap, (chars, _) in zip(full, caps, limits, strict=True)
    ]
    levels = [_level_of(r) for r in first]
    level = max(levels, default=-1)
    out = []
    for shot, sections, done, own, cap, (chars, _) in zip(
        storyboard.shots, full, first, levels, caps, limits, strict=True
    ):
        # A shot that needed exactly the film's shared cuts and none of its own was compressed
        # just as the second pass would do it. Reuse it.
        only_shared = all(step.shared for step in ladder() if step.name in done.steps)
        if own == level and only_shared and count_tokens(done.text) == done.tokens:
            c = done
        else:
            c = compress(sections, cap, shared_steps=level, max_chars=chars)
        out.append(
            ShotPrompt(
                shot.index, c.text, c.tokens, c.tokens_before, cap, c.sections, c.fits, c.steps
            )
        )
    return tuple(out)


def prompt_report(prompts: Sequence[ShotPrompt]) -> dict[str, Any]:
    """Totals for a set of prompts: tokens before and after, the ratio, how many fit."""
    before = sum(p.tokens_before for p in prompts)
    after = sum(p.tokens for p in prompts)
    return {
        "tokens_before": before,
        "tokens": after,
        "ratio": after / before if before else 1.0,
        "fit": sum(p.fits for p in prompts),
        "shots": len(prompts),
    }
