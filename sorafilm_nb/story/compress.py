"""Compression: cutting rendered prompts down to a token tier, the same way in every shot.

A Tier (prompts.Tier) caps each prompt's tokens (o200k_base, counted offline by
sorafilm_nb.story.tokens; the Videos API publishes no tokenizer, so this is a proxy for
length, not a billing unit). Tiers change prompt length, never the per-second price. The
provider's own limit (capabilities: Runway's promptText takes 1000 characters) binds too:
``render_prompts()`` fits every prompt under both, and lint blocks a plan whose prompt
cannot fit, before any money is reserved.

``compress()`` walks the ``ladder()`` of steps, least important first, and stops as soon as
the prompt fits. Text is cut by whole clauses, never mid-phrase. The first steps cut prose
(secondary clauses, adjectives, a clause naming a prop, props the actions do not use,
setting, look, palette) and leave what keeps separately made clips consistent and the shot
readable: the camera, the
action lines, the protagonist's description, the sound line (which says whether anyone
speaks), the shot's cause and every prop the actions use. Only when a prompt is still over
after all of them do the last-resort steps (``LAST_RESORT``, in its stated order) cut into
those. The action lines, the camera's shot size and move, and the style's name are never
cut: a prompt still over after every step is reported (``fits`` False) and lint says so.

Steps marked shared edit the film's shared block (style, palette, setting, lighting, the
protagonist), and ``render_prompts()`` applies those to every shot alike, as far as the
most demanding shot needs, so compression cannot make the style drift between shots.

The steps themselves (each cut, and ``LAST_RESORT``) live in ``compress_steps``; this module
walks them, counts, and fits every shot of a film alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from ..capabilities import prompt_length, prompt_limits
from .compress_steps import (
    LAST_RESORT,
    Sections,
    Step,
    _adjectives,
    _drop,
    _drop_words,
    _first_clause,
    _label_first_clause,
    _list_keep,
    _on,
    _props_kept,
    _secondary_clauses,
    _style_name_only,
    _style_repeats,
)
from .prompts import (
    ShotPrompt,
    Tier,
    join_sections,
    parse_tier,
    render_sections,
    section_tokens,
    tier_cap,
    wording,
)

if TYPE_CHECKING:
    from .boards import Storyboard


@cache
def ladder() -> tuple[Step, ...]:
    """The compression steps, least important first, ending with ``LAST_RESORT``."""
    drop = wording().droppable

    def words(t: str) -> str:
        return _drop_words(t, drop)

    def style_repeats(s: Sections) -> Sections:
        return _on(["setting"], words)(_style_repeats(s))

    return (
        Step("secondary clauses", False, _secondary_clauses),
        Step("adjectives", False, _adjectives(drop)),
        # the clause _secondary_clauses kept for the prop it alone names goes before any
        # shared step: kept any longer, it raised the film's shared cuts (three space films
        # lost "cramped" from every shot's setting for one shot's clause)
        Step("clauses naming a prop", False, _on(["subject"], _first_clause)),
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
