"""plan(): the dry run, from a repository to a Plan (story.plans), before any spend.

It reads the repository (or takes a profile or casting already made), casts, storyboards,
renders and compresses the prompts, prices every shot from the price table and lints the
whole. It never talks to any API and never writes the ledger; it only reads the ledger's
remaining budget, so "what would this cost and what would go wrong" is free.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..money.cost import Cost
from .findings import finding
from .tiers import Tier  # not from prompts: importing it (and lint's lists) can wait, see _prepare

if TYPE_CHECKING:
    from ..analysis.profile import RepoProfile
    from ..money.prices import PriceTable
    from .boards import Storyboard, StoryTemplate
    from .casting import Casting, MetaphorLibrary
    from .findings import Finding
    from .plans import SCHEMA, Plan
    from .prompts import ShotPrompt


__all__ = ["SCHEMA", "Plan", "film_casting", "plan", "plan_id"]


def __getattr__(name: str) -> Any:
    """SCHEMA and Plan (story.plans), imported when first asked for: with the storyboard's
    modules they are what plan() loads while the repository is read (see _prepare)."""
    if name in ("SCHEMA", "Plan"):
        from . import plans

        return getattr(plans, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- building a plan -----------------------------------------------------------------------


def plan_id(
    board: Storyboard,
    prompts: Sequence[ShotPrompt],
    costs: Sequence[Cost],
    cap: int,
    extra: dict[str, Any] | None = None,
) -> str:
    """A stable content hash: same shots, prompts, cap and prices give the same id.

    ``extra`` (the provider and the continuity, when not the defaults) joins the hash, so
    the same shots on another provider or with another look are another plan."""
    payload: dict[str, Any] = {
        "template": board.template.id,
        "target": board.target_seconds,
        "cap": cap,
        "shots": [
            [s.beat, s.seconds, s.model, s.size, p.text, str(c.cents), c.currency]
            for s, p, c in zip(board.shots, prompts, costs, strict=True)
        ],
    }
    if extra:
        payload["extra"] = extra
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _prepare(theme: Any, template: Any) -> None:
    """Load what plan() needs once it has a profile: the storyboard's, captions' and lint's
    modules, the packaged theme and template, the lint lists and the token counter (about
    80 ms on a cold start). analyze() calls this while its worker processes read the
    repository (its meanwhile), so none of it waits until the reading is done (issue 14).
    Each is cached once loaded, so the plan finds it ready; whatever fails here is dropped,
    and fails again, reported, where the plan needs it."""
    import base64  # noqa: F401  (redact's look for encoded keys, in the captions)

    from .. import safeio  # noqa: F401  (the token counts' save)
    from . import boards, captions, compress, plan_lint, plans, tokens  # noqa: F401
    from .casting import MetaphorLibrary  # and casting's modules
    from .lint_data import Rules
    from .templates import StoryTemplate

    if isinstance(theme, str) and theme in MetaphorLibrary.themes():  # parsed once a process
        MetaphorLibrary.load(theme)
    if isinstance(template, (str, Path)):  # parsed once per file version
        StoryTemplate.load(template)
    Rules.load()
    tokens.counter()


def _casting(
    repo: Any,
    theme: Any,
    top: int,
    profile: RepoProfile | None,
    options: dict[str, Any],
    template: Any = None,
) -> Casting:
    from dataclasses import replace

    from ..analysis.profile import RepoProfile, analyze

    if profile is None and isinstance(repo, (str, Path)):
        # casting's modules too are loaded while the workers read (_prepare)
        profile = analyze(str(repo), **options, meanwhile=lambda: _prepare(theme, template))
    from .casting import Casting, MetaphorLibrary, cast

    if isinstance(repo, Casting):
        return repo
    if profile is None:
        if isinstance(repo, RepoProfile):
            profile = repo
        else:
            raise TypeError(
                f"plan() takes a path, a RepoProfile or a Casting, not {type(repo).__name__}"
            )
    if options.get("title"):  # overrides apply to a given profile too
        profile = replace(profile, title=" ".join(str(options["title"]).split()))
    if options.get("tagline") is not None:
        profile = replace(profile, tagline=" ".join(str(options["tagline"]).split()))
    library = theme if isinstance(theme, MetaphorLibrary) else MetaphorLibrary.load(theme)
    return cast(profile, library, top=top)


DEFAULT_TOP = 8  # concepts cast for a film, before its clips ask for more (_grown)


def _grown(
    casting: Casting, board: Storyboard, board_for: Callable[[Casting], Storyboard]
) -> tuple[Casting, Storyboard]:
    """The casting and storyboard with as many concepts as the film's clips need: while the
    storyboard is shorter than its timed length (a clip would have had no concept, so
    boards.fit cut it) and the ranking still has concepts worth filming (cast gave all it was
    asked for), cast as many more as the missing seconds make clips. Why: Veo's and Runway's
    longest clip is 8 s, so a 90 s film needs 11 clips where sora-2's 12 s clips need 8; the
    8 concepts that fill a sora film left three Veo shots with nothing of the code in them,
    $8 of $35.20. Never beyond the ranking (selection.pick_groups stops where the
    repository's concepts do, weak fits last)."""
    from .casting import cast

    asked = DEFAULT_TOP
    longest = max((s.seconds for s in board.shots), default=1)
    for _ in range(4):  # each round asks for every missing clip: one or two rounds suffice
        missing = board.timed_seconds - board.seconds
        if missing <= 0 or len(casting.entries) < asked:
            break
        asked += -(-missing // longest)
        more = cast(casting.profile, casting.library, top=asked)
        grown = board_for(more)
        if grown.seconds <= board.seconds:  # nothing more to show: keep the smaller cast
            break
        casting, board = more, grown
    return casting, board


def film_casting(
    profile: RepoProfile,
    theme: str | Path | MetaphorLibrary = "kitchen",
    template: str | Path | StoryTemplate = "silent-90",
    *,
    provider: str = "openai",
    model: str | None = None,
    size: str = "1280x720",
    target_seconds: int | None = None,
) -> Casting:
    """The casting plan() would film on this provider: DEFAULT_TOP concepts and as many more
    down the ranking as its clips need (_grown). For a casting made ahead of the plan (the
    notebook's picker), so a Veo film made from it has no shot left without a concept, and
    its gags are the film's (no ending gag before the last shot: casting.mid_film)."""
    from ..capabilities import default_model
    from .casting import MetaphorLibrary, cast

    model = model or default_model(provider)
    library = theme if isinstance(theme, MetaphorLibrary) else MetaphorLibrary.load(theme)
    casting = cast(profile, library, top=DEFAULT_TOP)
    board = _boarded(casting, True, template, target_seconds, model, size, provider)[1]
    return board.casting  # as the board plays it (casting.mid_film may swap a gag)


def _boarded(
    casting: Casting,
    grow: bool,
    template: str | Path | StoryTemplate,
    target_seconds: int | None,
    model: str,
    size: str,
    provider: str,
) -> tuple[Casting, Storyboard]:
    """The casting's storyboard and, with ``grow``, the casting grown as its clips need
    (_grown): one way to board a casting for plan() and film_casting, which the notebook's
    picker films with plan() later, so both must grow the cast alike."""
    from .boards import storyboard

    def board_for(c: Casting) -> Storyboard:
        return storyboard(c, template, target_seconds, model, size, provider)

    board = board_for(casting)
    return _grown(casting, board, board_for) if grow else (casting, board)


def _weak_fits(board: Storyboard) -> list[Finding]:
    """A warning on each shot whose concept no metaphor of the theme plays well (casting
    flags it CastEntry.weak): without it a poor gag was filmed, and paid for, unannounced;
    `sorafilm analyze` showed it, the plan did not."""
    from .scoring import WEAK_BELOW

    # A concept whose good fits another shot plays (the demo's `plan`: housekeeping-book,
    # match 17, went to Ledger at 27) was told "nothing ... matched a gag of this theme",
    # which is not so: the finding names them, and who plays them.
    playing = {s.cast.metaphor.id: s.cast.concept.name for s in board.shots if s.cast}
    out = []
    for shot in board.shots:
        entry = shot.cast
        if entry is None or not entry.weak or shot.reprise:
            continue
        taken = [
            f"{mid} (match {fit:g}) plays {playing[mid]}"
            for mid, fit in entry.alternatives
            if fit >= WEAK_BELOW and mid in playing and playing[mid] != entry.concept.name
        ]
        why = (
            "its good fits play other shots: " + "; ".join(taken)
            if taken
            else "nothing the concept is called or does matched a gag of this theme"
        )
        out.append(
            finding(
                "weak-fit",
                f"{entry.concept.name} is played by {entry.metaphor.id}, a weak fit (match "
                f"{entry.score:g}, below {WEAK_BELOW:g}): {why}",
                "Pick another gag in the notebook's picker, try another theme (--theme), or "
                "add a metaphor for it in a theme file of your own (--theme FILE.toml).",
                shot.index,
            )
        )
    return out


def _short_film(
    board: Storyboard, casting: Casting, fixed: bool, table: PriceTable, audio: bool
) -> Finding:
    """The note of a film cut short for want of concepts (boards._no_filler): how long it
    runs, why, what the cut saves, and how to get more of the code into it. fixed: the cast
    was given (top, a Casting) rather than grown down the ranking."""
    from ..money.prices import PriceError
    from .templates import UNIT  # the shortest clip: one more concept per UNIT seconds

    missing = board.timed_seconds - board.seconds
    try:
        saved = f", {table.clip_cost(board.model, board.size, missing, audio=audio)} not spent"
    except PriceError:
        saved = ""
    shown = len({id(s.cast) for s in board.shots if s.cast is not None})
    if board.unused:  # concepts enough, but this template's beats have no place for them
        hint = (
            f"This template's beats have no place for the other {len(board.unused)} concepts "
            "(left out), a template with a use beat (silent-90) has; or "
        )
    elif fixed and len(casting.profile.concepts) > len(casting.entries):
        more = len(casting.entries) + -(-missing // UNIT)
        hint = f"Cast more concepts (--top {more}; top={more} in cast() or studio()), or "
    else:
        hint = "Film more of the code (--include tests or examples, --include-private), or "
    return finding(
        "short-film",
        f"the film runs {board.seconds} s, not the {board.timed_seconds} s its "
        f"{board.target_seconds} s target makes: "
        f"{len(casting.entries)} concepts were cast and {shown} fit its beats, and the "
        f"other {missing} s would have shown nothing of the code (filler){saved}",
        hint + f"ask for this length (--seconds {board.seconds}) or a shorter template.",
    )


def plan(
    repo: str | Path | RepoProfile | Casting = ".",
    theme: str | Path | MetaphorLibrary = "kitchen",
    template: str | Path | StoryTemplate = "silent-90",
    tier: Tier | int | str = Tier.MEDIUM,
    model: str | None = None,
    size: str = "1280x720",
    *,
    provider: str = "openai",
    look: str | Path | None = None,
    chain: bool = False,
    audio: bool | None = None,
    target_seconds: int | None = None,
    top: int | None = None,
    ledger: Any = None,
    prices: PriceTable | str | Path | None = None,
    profile: RepoProfile | None = None,
    remaining: Cost | None = None,
    title: str | None = None,
    tagline: str | None = None,
    include: tuple[str, ...] = (),
    include_private: bool = False,
    allow: tuple[str, ...] | list[str] = (),
) -> Plan:
    """Everything a film would be, and cost, before any money moves.

    repo: a path (analyzed, with its cache), a RepoProfile, or a Casting (then theme and top
    are not used). top: how many concepts to cast; None (the default) casts DEFAULT_TOP and
    more, down the ranking, while the film's clips need them (_grown). profile: a
    RepoProfile to use instead of analyzing repo. ledger: a Ledger
    whose remaining() budget the plan is linted against (not a sandbox ledger's: it never
    refuses); remaining: the same from elsewhere (the CLI's --monthly-budget), which wins over
    the ledger. prices: a PriceTable or a price
    file (default: the packaged one or $SORAFILM_PRICES). title, tagline, include and
    include_private are passed to analyze() (title and tagline also override a given profile).
    allow: names on the lint lists (people, characters, music) that you allow in this plan;
    the project's own name is only a warning anyway (story.plan_lint).

    provider ("openai", "veo", "runway") chooses whose models render the film: model defaults
    to its default model (capabilities), clip lengths follow what that model renders at
    size, and the prices come from its price file. look (an image file, or "first": a frame
    of the first finished shot) and chain (each shot starts from the last frame of the one
    before) ask for continuity where the model takes an image (story/continuity.py).
    audio=False makes the film without audio where the model can leave it out (Veo's
    generate_audio = false; capabilities.sent_silent), priced at the price file's no_audio
    price when it lists one, else at the price with audio; its prompts carry no sound line,
    or ask for silence where the model makes sound regardless (prompts.sound_for). None
    (the default): as the theme says (a silent theme's file says audio = false).

    A shot whose model or size the price table does not list is costed at zero and the plan
    is blocked with an error, so every other problem is reported in the same pass.
    """
    from ..capabilities import default_model
    from ..money.prices import PriceError, PriceTable
    from .continuity import check_look, references
    from .tiers import parse_tier, tier_cap

    tier = parse_tier(tier)
    cap = tier_cap(tier)
    model = model or default_model(provider)
    look = check_look(look)
    table = prices if isinstance(prices, PriceTable) else PriceTable.load(prices, provider=provider)
    options: dict[str, Any] = {"title": title, "tagline": tagline}
    options.update({"include": include, "include_private": include_private})
    casting = _casting(repo, theme, top or DEFAULT_TOP, profile, options, template)
    from .captions import film_captions
    from .compress import render_prompts
    from .plan_lint import lint_plan
    from .plans import Plan

    if audio is None:
        audio = casting.library.style.audio
    fixed = top is not None or casting is repo  # a cast given (top, a Casting): not grown
    casting, board = _boarded(casting, not fixed, template, target_seconds, model, size, provider)
    refs, note = references(provider, board.shots, look, chain)
    if any(refs):
        note += (
            f"Image conditioning is priced as text-to-video: the price file "
            f"({table.provider}, as of {table.date}) lists no difference."
        )
    prompts = render_prompts(board, tier, audio)
    costs: list[Cost] = []
    unpriced: list[int] = []
    reasons: list[str] = []
    for shot in board.shots:
        try:
            costs.append(table.clip_cost(shot.model, shot.size, shot.seconds, audio=audio))
        except PriceError as exc:
            costs.append(Cost.zero(table.currency))
            unpriced.append(shot.index)
            if str(exc) not in reasons:
                reasons.append(str(exc))
    total = Cost.zero(table.currency)
    for c in costs:
        total = total + c
    # A sandbox ledger (simulated runs) never refuses for money, so its budget blocks
    # nothing here either; the studio compares a simulated film with the real budget.
    if remaining is None and ledger is not None and not getattr(ledger, "sandbox", False):
        remaining_of = getattr(ledger, "remaining", None)
        remaining = remaining_of() if callable(remaining_of) else None
    findings = list(
        lint_plan(
            board,
            prompts,
            tier_cap=cap,
            total=total,
            remaining=remaining,
            table=table,
            allow=tuple(allow),
        )
    )
    if unpriced:
        findings.insert(
            0,
            finding(
                "unpriced",
                f"{len(unpriced)} of {len(costs)} shots cannot be priced, so the total is "
                f"incomplete: {'; '.join(reasons)}",
                "Pick a model and size the price table lists, or add them to your price file.",
            ),
        )
    if board.shots and not casting.entries:
        files = casting.profile.files_scanned
        findings.append(
            finding(
                "nothing-cast",
                f"no concept of the repository was cast ({files} file"
                f"{'' if files == 1 else 's'} scanned, {len(casting.profile.concepts)} "
                f"concepts): every shot is filler, nothing from this code, and it still costs "
                f"{total}",
                "Point the plan at the code's root folder (check that its files are not all "
                "git-ignored or skipped: see the profile's warnings), or make the animatic "
                "on the simulator first.",
            )
        )
    findings.extend(_weak_fits(board))
    if board.shots and casting.entries and board.seconds < board.timed_seconds:
        findings.append(_short_film(board, casting, fixed, table, audio))
    captions = film_captions(board.shots, board.end_card)
    # and UNVERIFIED: a price file with no source but an UNVERIFIED note still says so
    shown = getattr(table, "source", "") or getattr(table, "unverified", False)
    source = table.provenance() if shown else ""
    extra: dict[str, Any] = {}
    if provider != "openai":
        extra["provider"] = provider
    if not audio:
        extra["audio"] = False
    if look is not None or chain:
        extra["continuity"] = [None if r is None else r.to_dict() for r in refs]
        if isinstance(look, Path):
            extra["look"] = hashlib.sha256(look.read_bytes()).hexdigest()
    return Plan(
        board,
        prompts,
        tier,
        tuple(costs),
        total,
        tuple(findings),
        plan_id(board, prompts, costs, cap, extra),
        remaining,
        source,
        tuple(unpriced),
        captions,
        look=None if look is None else str(look),
        chain=chain,
        references=refs,
        continuity_note=note,
        audio=audio,
    )
