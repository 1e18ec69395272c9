"""The rules over a whole plan: every shot's prompt rules, then the plan-wide ones.

``lint_plan`` runs ``lint.lint_prompt`` on each shot and adds: empty-plan, prompt-count,
over-budget, duplicate-shot and style-drift (one small function each; severities from the
catalogue in ``findings``). planning.plan() adds unpriced and nothing-cast, which need the
prices and the casting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..money.cost import left_of
from .findings import Finding, finding
from .lint import _model_and_size, lint_prompt
from .lint_data import Rules, _fold, sections_of

if TYPE_CHECKING:
    from ..money.cost import Cost
    from ..money.prices import PriceTable
    from .boards import Shot, Storyboard
    from .prompts import ShotPrompt


def _norm(text: str) -> str:
    return " ".join(_fold(text).split())


def _empty_plan(shots: Sequence[Shot]) -> list[Finding]:
    if shots:
        return []
    return [
        finding(
            "empty-plan",
            "the storyboard has no shots",
            "Pick a longer target or a template with at least one beat.",
        )
    ]


def _prompt_count(prompts: Sequence[ShotPrompt], shots: Sequence[Shot]) -> list[Finding]:
    if len(prompts) == len(shots):
        return []
    return [
        finding(
            "prompt-count",
            f"{len(prompts)} prompts for {len(shots)} shots",
            "Render the prompts again from this storyboard.",
        )
    ]


def _over_budget(
    storyboard: Storyboard, total: Cost | None, remaining: Cost | None, table: PriceTable
) -> list[Finding]:
    """over-budget: the plan's total (the table's estimate when not given) above what is left."""
    from ..money.prices import PriceError
    from ..money.strategies import estimate

    if remaining is None or not storyboard.shots:
        return []
    cost = total
    if cost is None:
        try:
            cost = estimate(storyboard, table)
        except PriceError:
            return []  # reported per shot
    if not cost > remaining:
        return []
    return [
        finding(
            "over-budget",
            f"the plan costs {cost}, {cost - remaining} more than the {remaining} left this month"
            if remaining.cents >= 0
            else f"the plan costs {cost}, and this month is already {left_of(remaining)}",
            "Use sora-2 or 720p, shorten the film, draft fewer shots, or raise the "
            "monthly budget; the animatic (simulator) is free.",
        )
    ]


def _duplicate_shots(texts: dict[int, str]) -> list[Finding]:
    """duplicate-shot: a prompt the same (folded, spaces squeezed) as an earlier shot's."""
    out: list[Finding] = []
    first_seen: dict[str, int] = {}
    for index, text in texts.items():
        if text in first_seen:
            out.append(
                finding(
                    "duplicate-shot",
                    f"same prompt as shot {first_seen[text] + 1}",
                    "Each shot should move the story on; change the action or "
                    "drop one of them (each costs money).",
                    index,
                )
            )
        else:
            first_seen[text] = index
    return out


def _style_drift(blocks: dict[str, dict[int, str]]) -> list[Finding]:
    """style-drift: a shot whose style, palette or lighting block differs from the majority's.

    A missing lighting block is missing-lighting's business, not drift."""
    out: list[Finding] = []
    for name, values in blocks.items():
        if len(values) < 2 or not any(values.values()):
            continue
        common, count = Counter(values.values()).most_common(1)[0]
        for index, value in values.items():
            if value != common and (value or name != "lighting"):
                state = "is missing" if not value else "differs"
                out.append(
                    finding(
                        "style-drift",
                        f"the {name} block {state} from the one {count} of {len(values)} "
                        "shots share",
                        f"Use the identical {name} block in every shot: continuity comes from it.",
                        index,
                    )
                )
    return out


def _allowed_seconds(storyboard: Storyboard, model: str, size: str) -> tuple[int, ...]:
    """The lengths the board's provider takes for this model at this size (capabilities);
    a model the provider does not list: what all its models take (unknown-model says why)."""
    from ..capabilities import clip_seconds, for_model

    provider = getattr(storyboard, "provider", "openai")
    try:
        return for_model(provider, model).allowed_seconds(size)
    except KeyError:
        return clip_seconds(provider)


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
    from ..money.prices import PriceTable

    rules = rules or Rules.load()
    table = PriceTable.load() if table is None else table
    shots = storyboard.shots
    out = _empty_plan(shots) + _prompt_count(prompts, shots)
    out += _over_budget(storyboard, total, remaining, table)

    by_index = {p.shot_index: p for p in prompts}
    texts: dict[int, str] = {}
    blocks: dict[str, dict[int, str]] = {"style": {}, "palette": {}, "lighting": {}}
    for pos, shot in enumerate(shots):
        prompt = by_index.get(shot.index, prompts[pos] if pos < len(prompts) else None)
        if prompt is None:
            out += _model_and_size(shot.model, shot.size, table, shot.index)
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
                allowed_seconds=_allowed_seconds(storyboard, shot.model, shot.size),
            )
        )
        if prompt.text.strip():
            texts[shot.index] = _norm(prompt.text)
            parts = sections_of(prompt.text, prompt.sections, rules)
            for name in blocks:
                blocks[name][shot.index] = _norm(parts.get(name, ""))
    return tuple(out + _duplicate_shots(texts) + _style_drift(blocks))
