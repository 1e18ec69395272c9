"""The rules over a whole plan: every shot's prompt rules, then the plan-wide ones.

``lint_plan`` runs ``lint.lint_prompt`` on each shot and adds: empty-plan, prompt-count,
over-budget, prompt-over-provider-limit, duplicate-shot, style-drift and caption-too-long
(one small function each; severities from the catalogue in ``findings``). planning.plan()
adds unpriced and nothing-cast, which need the prices and the casting.

Listed names (people, characters, music) block a plan, except the project's own name, which
is a warning (a repository called "Transformers" must be able to film itself), and terms
allowed (``allowances``): by the person running the tool, any term (--allow, plan(allow=));
by the repository's own ``.sorafilm.toml`` (``[lint] allow = [...]``), only its own name.
The repository is untrusted input: its file may silence the warning about its name, never
allow anything else, and a file that cannot be read is a warning, not a crash.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..datafiles import toml_error, tomllib_module
from ..money.cost import left_of
from .captions import card_seconds, reading_seconds
from .findings import Finding, finding
from .lint import _WORD, Allowances, _model_and_size, lint_prompt, split_identifiers
from .lint_data import Rules, _fold, _squash, sections_of

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
            "Shorten the film (a shorter template or --seconds), pick a cheaper model or size "
            "(`sorafilm plan --verbose` prices each), or raise the monthly budget; the "
            "animatic (simulator) is free.",
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


PROJECT_FILE = ".sorafilm.toml"  # in the repository's root: [lint] allow = ["Its Name"]
MAX_PROJECT_FILE = 64 * 1024  # bytes; a bigger file is not a settings file


def own_terms(rules: Rules, *names: str) -> frozenset[str]:
    """The listed terms (as _squash keys) that the project's own name(s) say."""
    out: set[str] = set()
    for name in names:
        if not name:
            continue
        words = _WORD.findall(_fold(name))
        split = _WORD.findall(_fold(split_identifiers(name.replace("-", " "))))
        for wl in rules.words:
            out.update(_squash(t) for t in (*wl.find_words(words), *wl.find_words(split)))
    return frozenset(out)


def read_project_allow(root: str | os.PathLike[str]) -> tuple[tuple[str, ...], str | None]:
    """([lint] allow of the repository's .sorafilm.toml, or (), and why it was not read).

    Untrusted: a symlink, a file over MAX_PROJECT_FILE, bad TOML or a wrong shape is skipped
    with a reason, never raised.
    """
    path = Path(root) / PROJECT_FILE
    try:
        if not path.exists():
            return (), None
        if path.is_symlink() or not path.is_file():
            return (), "it is not a regular file"
        if path.stat().st_size > MAX_PROJECT_FILE:
            return (), f"it is over {MAX_PROJECT_FILE // 1024} KiB"
        data: Any = tomllib_module().loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, toml_error()) as exc:
        return (), f"it is not readable TOML ({type(exc).__name__})"
    allow = data.get("lint", {}).get("allow", []) if isinstance(data.get("lint"), dict) else []
    if not isinstance(allow, list) or not all(isinstance(t, str) for t in allow):
        return (), "[lint] allow is not a list of strings"
    return tuple(allow), None


def allowances(
    rules: Rules, profile: Any, allow: Iterable[str] = ()
) -> tuple[Allowances, list[Finding]]:
    """What is not a block for this project (see the module docstring), and the warnings
    about a project file that tried more than it may."""
    names = (getattr(profile, "name", "") or "", getattr(profile, "title", "") or "")
    own = own_terms(rules, *names)
    allowed = {_squash(t) for t in allow if _squash(t)}
    notes: list[Finding] = []
    root = getattr(profile, "root", "")
    repo_allow, problem = read_project_allow(root) if root else ((), None)
    if problem:
        notes.append(
            finding(
                "bad-project-file",
                f"the repository's {PROJECT_FILE} was not read: {problem}",
                f"Fix or remove {PROJECT_FILE}; it only ever allows the project's own name.",
            )
        )
    for term in repo_allow:
        key = _squash(term)
        if key in own:
            allowed.add(key)
        elif key:
            notes.append(
                finding(
                    "allow-ignored",
                    f"the repository's {PROJECT_FILE} allows a term that is not the project's "
                    "own name; ignored",
                    "A repository may only allow its own name. To allow another term, pass "
                    "--allow TERM (or plan(allow=[...])) yourself.",
                )
            )
    return Allowances(own=own, allowed=frozenset(allowed)), notes


def _caption_text(value: Any) -> str:
    text = value if isinstance(value, str) else getattr(value, "text", None)
    return text.strip() if isinstance(text, str) else ""


def _captions_too_long(shots: Sequence[Shot]) -> list[Finding]:
    """caption-too-long: a shot's caption (a lower third, over the shot) or card (a still of
    its own) with more words than its time on screen lets anyone read (captions.
    reading_seconds). A caption object's own start/end win over the shot's length, and a
    card's text is on screen as long as the film holds it (captions.card_seconds: longer
    for a long card, as the title card with the README's promise is)."""
    out: list[Finding] = []
    for shot in shots:
        for attr in ("caption", "card"):
            value = getattr(shot, attr, None)
            text = _caption_text(value)
            if not text:
                continue
            default = float(shot.seconds) if attr == "caption" else card_seconds(text)
            shown = getattr(value, "seconds", None)
            shown = float(shown) if isinstance(shown, (int, float)) else default
            need = reading_seconds(text)
            if need > shown + 1e-9:
                words = len(text.split())
                out.append(
                    finding(
                        "caption-too-long",
                        f"the {attr} has {words} words: {need:.1f} s to read, on screen "
                        f"for {shown:g} s",
                        "Shorten it to a few words (about 3 a second), or show it longer.",
                        shot.index,
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


def _over_provider_limit(storyboard: Storyboard, shot: Shot, prompt: ShotPrompt) -> list[Finding]:
    """prompt-over-provider-limit: a prompt the provider would refuse for its length
    (Runway's promptText: 1000 UTF-16 code units; capabilities). The compressor fits every
    prompt it can; one it cannot (a long typed gag, a long title) is caught here, before any
    money is reserved, not by the API's HTTP 400 after."""
    from ..capabilities import prompt_length, prompt_limits

    provider = getattr(storyboard, "provider", "openai")
    chars, tokens = prompt_limits(provider, shot.model)
    length = prompt_length(prompt.text)
    where = f"{provider} {shot.model}"
    if chars is not None and length > chars:
        what = f"{length} characters; {where} takes at most {chars}"
    elif tokens is not None and prompt.tokens > tokens:
        what = f"{prompt.tokens} tokens; {where} takes at most {tokens}"
    else:
        return []
    return [
        finding(
            "prompt-over-provider-limit",
            f"the prompt is {what} even after compression, and would be refused",
            "Shorten the shot's gag, title or tagline, or use a model that takes longer prompts.",
            shot.index,
        )
    ]


def lint_plan(
    storyboard: Storyboard,
    prompts: Sequence[ShotPrompt],
    *,
    tier_cap: int,
    total: Cost | None = None,
    remaining: Cost | None = None,
    table: PriceTable | None = None,
    rules: Rules | None = None,
    allow: Iterable[str] = (),
) -> tuple[Finding, ...]:
    """Every rule on every shot, then the rules over the whole plan.

    remaining: what is left of the month's budget (from the ledger); when given, a plan that
    costs more is an error. total defaults to the price table's estimate of the storyboard.
    allow: listed terms the person running the tool allows (see the module docstring).
    """
    from ..money.prices import PriceTable

    rules = rules or Rules.load()
    table = PriceTable.load() if table is None else table
    shots = storyboard.shots
    out = _empty_plan(shots) + _prompt_count(prompts, shots)
    out += _over_budget(storyboard, total, remaining, table)
    casting = getattr(storyboard, "casting", None)
    allowed, notes = allowances(rules, getattr(casting, "profile", None), allow)
    out += notes

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
                allow=allowed,
                allowed_seconds=_allowed_seconds(storyboard, shot.model, shot.size),
            )
        )
        out += _over_provider_limit(storyboard, shot, prompt)
        if prompt.text.strip():
            texts[shot.index] = _norm(prompt.text)
            parts = sections_of(prompt.text, prompt.sections, rules)
            for name in blocks:
                blocks[name][shot.index] = _norm(parts.get(name, ""))
    out += _captions_too_long(shots)
    out += _caption_content(shots, getattr(storyboard, "end_card", None), rules, allowed)
    return tuple(out + _duplicate_shots(texts) + _style_drift(blocks))


def _caption_content(
    shots: Sequence[Shot], end_card: Any, rules: Rules, allowed: Allowances
) -> list[Finding]:
    """The content rules (names, secrets) on the film's own words. A caption or card never
    goes to the video model, but it is drawn into the film and its WebVTT track, which get
    shared: a secret there blocks the plan as in a prompt, and a listed name is judged as in
    a prompt, with the same allowances (the project's own name is a warning)."""
    from .lint import scan_text

    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    items: list[tuple[int | None, str, Any]] = [
        (s.index, a, getattr(s, a, None)) for s in shots for a in ("card", "caption")
    ]
    items.append((None, "card", end_card))
    for index, where, value in items:
        text = _caption_text(value)
        if not text:
            continue
        for f in scan_text(text, rules=rules, shot_index=index, where=where, allow=allowed):
            if (f.rule, f.message) not in seen:
                seen.add((f.rule, f.message))
                out.append(f)
    return out
