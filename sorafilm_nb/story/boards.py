"""Storyboards: a story template (``templates``) timed into shots the API renders, with the
cast concepts placed in its beats.

CONTRACT (shared with prompts, lint, money.prices, planning, studio, ui/): Shot, Storyboard.
Beat and StoryTemplate live in ``templates`` and are importable from here too.

How a storyboard is timed, and why:

1. The target is rounded to a multiple of 4 s (the API renders 4, 8 or 12 s clips, so every
   total is a multiple of 4); a tie rounds down, because the cheaper film is the safer one.
   Every beat needs at least one 4 s clip, so the total is raised to 4 s × beats when that is
   at most one 4 s clip above the target, and a target further below is a PlanError. So the
   total is always within 4 s of the target.
2. The total's 4 s units are shared out between beats by their share (largest remainders,
   at least one unit each), so beats keep their order and, as far as 4 s steps allow, their
   proportions.
3. Each beat's seconds are split into clips of 12 and 8 s, and 4 s only for a remainder.
   Why long clips: a gag needs a setup, an escalation and a reaction (three timed beats), and
   a film of fewer, longer clips needs fewer prompts to keep consistent. Why not always 12 s:
   the prompting guide finds shorter clips follow instructions more reliably, and a beat with
   several concepts to show should give each its own clip. So a beat of k units has between
   ceil(k/3) clips (all 12 s) and ceil(k/2) clips (mostly 8 s); the number of concepts cast
   into it picks the count within that range, and the seconds are spread evenly.
4. ``assign`` places the cast entries in beats; it is the seam where a story order plugs in,
   and the timing (steps 1-3) does not depend on it. When the template's beats name roles
   (opening, use, trouble, overcome, payoff), the plot decides (``plot.arrange``): the
   concepts in the order a user meets them, the project's errors as the trouble, the
   concept that overcomes them as the centrepiece, and the README's promise as the ending.
   A template without roles files entries in rank order: first the beat whose name or keys
   share a word with the metaphor's own `beat`, then the first beat featuring the concept's
   kind, then any beat with a free clip, emptiest first. Entries that find no clip are kept
   in Storyboard.unused, not silently lost. Clips are left without a concept only when
   nothing at all was cast (finding "nothing-cast"): then they show the beat's own scene,
   and say something from the project (its caption line: the language and entry point, the
   promise, the concepts shown).
5. ``fit`` then reshapes the timing around what was cast: every beat keeps at most the
   longest clip per concept it shows, and none when it shows none (the beat is left out; a
   card it opened with moves to the next beat). The time it gives up goes to the beats whose
   concepts can play longer clips, by share (the story's sequence before the trouble and the
   rescue), then to beats where a concept that found no clip may play; time none of them
   can take is dropped, and the film is shorter than the target (``Storyboard.timed_seconds``
   keeps what it was timed to; plan() says so, finding "short-film", after casting more
   concepts down the ranking when the repository has them). Why: a shot with no concept
   ("sorafilm-nb, written in Python", "First try") shows nothing of the project and costs
   as much as one that does (3 of a Veo film's 12 shots, $8 of $35.20); the README promises
   the money goes to the film, never to filler.
6. Words on screen are ours, never the video model's: each concept shot carries a gloss of
   its docstring as ``Shot.caption`` (a lower third; the setup's too: it teaches what the
   shown concept does, never the promise), a beat's ``card`` is a caption card before its
   first shot (``Shot.card``; the title card is one: the name and the README's promise,
   ``templates.TITLE_CARD``) and the template's ``end_card`` closes the film
   (``Storyboard.end_card``: the name and how to get it, "Flask: pip install Flask"). The
   ending's reprise (the star shown again) sums up instead: its caption is the promise the
   film kept (``plot.reprise_words``); a closing card that would repeat the reprise's words
   says the name and how to get it instead. Cards are stills: no video seconds, no cost
   (planning puts them on the film's timeline as ``Plan.captions``).

The 4, 8 and 12 above are OpenAI's. Another provider's model times in its own lengths,
``capabilities.clip_lengths(provider, model, size)``: a unit (the shortest length of at
least 4 s) and as many multiples of it as the model allows in a row, at most three. Veo
and Runway at 720p: 4 and 8 s; Veo at 1080p: 8 s only. The rules are the same in units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..capabilities import clip_lengths
from ..lazyre import LazyPattern
from .captions import gag_title
from .card_facts import facts
from .casting import CastEntry, Casting, mid_film
from .plot import CONCEPT_ONLY, arrange, calm, reprise_words
from .shot_captions import film_concept_captions
from .templates import (
    LEGAL_SECONDS,
    MAX_TARGET,
    MIN_TARGET,
    UNIT,
    Beat,
    StoryTemplate,
)
from .timing import beat_units, clip_range, film_seconds, split_units

__all__ = [
    "LEGAL_SECONDS",
    "MAX_TARGET",
    "MIN_TARGET",
    "UNIT",
    "Beat",
    "Shot",
    "StoryTemplate",
    "Storyboard",
    "assign",
    "beat_units",
    "clip_range",
    "film_seconds",
    "gag_title",
    "split_units",
    "storyboard",
]


@dataclass(frozen=True)
class Shot:
    index: int  # 0-based position in the film
    beat: str
    seconds: int  # one of LEGAL_SECONDS
    model: str
    size: str  # "1280x720"
    cast: CastEntry | None  # None for shots no concept is cast in (fillers)
    title: str  # a short human name for the shot: "ImportError: the milk won't pour"
    # Words on screen, drawn by this tool (never asked of the video model). caption: the
    # lower third over this shot ("Blueprint: a collection of routes"); card: a caption card
    # shown as a still just BEFORE this shot (the title card on the first shot), costing no
    # video seconds. The film's closing card is Storyboard.end_card.
    caption: str | None = None
    card: str | None = None
    # The ending's reprise: the star (plot.star) shown once more, its promise kept; the same
    # cast entry as an earlier shot's (added field)
    reprise: bool = False

    @property
    def id(self) -> str:
        return f"shot-{self.index + 1:02d}"


@dataclass(frozen=True)
class Storyboard:
    template: StoryTemplate
    casting: Casting
    shots: tuple[Shot, ...]
    target_seconds: int
    model: str
    size: str
    unused: tuple[CastEntry, ...] = ()  # cast entries no clip was left for (added field)
    end_card: str | None = None  # a caption card after the last shot (the promise kept)
    provider: str = "openai"  # whose model renders it (capabilities.PROVIDERS)
    # the length the target was timed to (step 1); more than ``seconds`` when the cast had
    # too few concepts to fill it without filler (step 5), 0 when not known (added field)
    timed_seconds: int = 0

    @property
    def seconds(self) -> int:
        return sum(s.seconds for s in self.shots)

    def __repr__(self) -> str:  # the casting inside would print the whole repository
        return (
            f"Storyboard({self.template.id!r}, {len(self.shots)} shots, {self.seconds} s "
            f"(target {self.target_seconds} s), {self.model} at {self.size}, "
            f"theme {self.casting.library.theme!r})"
        )

    def beat(self, name: str) -> Beat:
        """The template's beat of that name (every shot's beat is one of them)."""
        for b in self.template.beats:
            if b.name == name:
                return b
        raise KeyError(name)


# -- casting into beats --------------------------------------------------------------------

# LazyPattern: compiled at first use (issue 14): a plan with no beat to cast never uses it
_WORD = LazyPattern(r"[a-z0-9]+")
_STOP = {"the", "a", "an", "and", "of", "in", "to"}


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _beat_by_words(beats: tuple[Beat, ...], metaphor_beat: str) -> list[int]:
    wanted = _words(metaphor_beat)
    if not wanted:
        return []
    hits = []
    for i, b in enumerate(beats):
        overlap = len(wanted & (_words(b.name) | set(b.keys)))
        if overlap:
            hits.append((-overlap, i))
    return [i for _, i in sorted(hits)]


def assign(
    template: StoryTemplate,
    entries: tuple[CastEntry, ...],
    units: list[int],
    most: int = 3,
) -> tuple[list[list[CastEntry]], list[CastEntry]]:
    """Cast entries per beat and the entries that found no clip (step 4): by the plot when
    the beats name roles, else by rank, metaphor beat and kind."""
    beats = template.beats
    ranges = [clip_range(u, b.max_shots, most) for b, u in zip(beats, units, strict=True)]
    if any(b.role for b in beats):
        return arrange(beats, entries, [r[0] for r in ranges], [r[1] for r in ranges])
    capacity = [r[1] for r in ranges]
    placed: list[list[CastEntry]] = [[] for _ in beats]
    left: list[CastEntry] = []

    def free(i: int) -> bool:
        return len(placed[i]) < capacity[i]

    rest: list[CastEntry] = []
    for e in entries:  # pass 1: the metaphor's own beat
        target = next((i for i in _beat_by_words(beats, e.metaphor.beat) if free(i)), None)
        if target is None:
            rest.append(e)
        else:
            placed[target].append(e)
    for e in rest:  # pass 2: the first beat featuring the concept's kind
        target = next(
            (i for i, b in enumerate(beats) if e.concept.kind in b.features and free(i)), None
        )
        if target is None:
            left.append(e)
        else:
            placed[target].append(e)
    unused: list[CastEntry] = []
    for e in left:  # pass 3: wherever a clip is free, beats that would show fillers first
        open_beats = [i for i in range(len(beats)) if free(i)]
        if not open_beats:
            unused.append(e)
            continue

        def need(i: int) -> tuple[int, int, int]:
            lo = ranges[i][0]
            return (-(lo - len(placed[i])), -(capacity[i] - len(placed[i])), i)

        placed[min(open_beats, key=need)].append(e)
    # keep rank order inside each beat (pass 3 may have appended an earlier-ranked entry)
    rank = {id(e): r for r, e in enumerate(entries)}
    for group in placed:
        group.sort(key=lambda e: rank[id(e)])
    return placed, unused


def fit(
    template: StoryTemplate,
    entries: tuple[CastEntry, ...],
    units: list[int],
    most: int = 3,
) -> tuple[list[int], list[list[CastEntry]], list[CastEntry]]:
    """Units per beat reshaped around what was cast, with the entries per beat and the unused
    (step 5 of the module docstring). The total never grows; it shrinks when the cast has
    too few concepts for it (no clip is left without a concept, see _no_filler)."""
    beats = template.beats
    units = list(units)
    placed, unused = assign(template, entries, units, most)
    if not entries:  # nothing to show anywhere: the template's own shape
        return units, placed, unused
    total = sum(units)
    share_sum = sum(b.share for b in beats)
    ideal = [b.share / share_sum * total for b in beats]
    for _ in range(2 * len(beats)):
        spare = 0
        for i in range(len(beats)):
            room = most * len(placed[i])
            if units[i] > room:
                spare += units[i] - room
                units[i] = room
        if not spare:
            break
        # a beat left out stays out; the rest may take the time back where their concepts
        # can play longer clips (the story's sequence first), then where a concept left
        # without a clip may play (_room_for); time none can take is dropped
        open_beats = [i for i in range(len(beats)) if units[i]]
        waiting = most * len(unused)  # the units the unused concepts could fill
        for _unit in range(spare):
            longer = [i for i in open_beats if most * len(placed[i]) > units[i]]
            pool = [i for i in longer if beats[i].role not in CONCEPT_ONLY] or longer
            if not pool and waiting > 0:
                pool = _room_for(beats, unused, units, open_beats, most, placed)
                waiting -= 1
            if not pool:
                break
            i = min(pool, key=lambda j: (units[j] - ideal[j], j))  # furthest below its share
            units[i] += 1
        placed, unused = assign(template, entries, units, most)
    return _no_filler(template, entries, units, placed, unused, most)


def _room_for(
    beats: tuple[Beat, ...],
    unused: list[CastEntry],
    units: list[int],
    open_beats: list[int],
    most: int,
    placed: list[list[CastEntry]],
) -> list[int]:
    """The beats that would take a concept left without a clip if they were longer: the
    trouble for an error, the use order's beats (or a beat without a role) for any other
    concept, never past a beat's max_shots (plot.arrange files leftovers the same way).

    With none of those open and no error in the trouble (a project without errors of its
    own), the centrepiece: plot.arrange puts a leftover before the rescue there, where it
    continues the use order. Why: teaser-30 has no use beat, so on humanize (no error) its
    24 s on Veo ran 16 s, "left out (no clip left)" beside six concepts; the README says an
    error beat nobody plays gives its time to the other concepts, never to filler."""
    errors = any(e.concept.kind == "exception" for e in unused)
    others = any(e.concept.kind != "exception" for e in unused)

    def room(i: int) -> bool:
        return not beats[i].max_shots or units[i] < most * beats[i].max_shots

    pool = [
        i
        for i in open_beats
        if (
            (errors and beats[i].role == "trouble")
            or (others and beats[i].role in (None, "", "opening", "use"))
        )
        and room(i)
    ]
    calm = not any(g for b, g in zip(beats, placed, strict=True) if b.role == "trouble")
    if pool or not (others and calm):
        return pool
    return [i for i in open_beats if beats[i].role == "overcome" and room(i)]


def _no_filler(
    template: StoryTemplate,
    entries: tuple[CastEntry, ...],
    units: list[int],
    placed: list[list[CastEntry]],
    unused: list[CastEntry],
    most: int,
) -> tuple[list[int], list[list[CastEntry]], list[CastEntry]]:
    """Every beat cut to the longest clip per concept it shows, until none has a clip left
    without a concept. Why: a clip no concept is cast in shows nothing of the code ("sorafilm
    starts with import sorafilm", "written in Python") and costs as much as one that does;
    the README promises no filler, so a repository with too few concepts makes a shorter
    film (plan() says so: finding "short-film") rather than pay for padding."""
    for _ in range(2 * len(units) + 2):
        cut = [min(u, most * len(g)) for u, g in zip(units, placed, strict=True)]
        if cut == units:
            break
        units = cut
        placed, unused = assign(template, entries, units, most)
    return units, placed, unused


# -- shots ---------------------------------------------------------------------------------


# Beats whose fillers come before their concepts (storyboard): the rest end on their fillers.
_FILLERS_FIRST = ("opening", "use", "trouble", "payoff")


def storyboard(
    casting: Casting,
    template: StoryTemplate | str | Path = "silent-90",
    target_seconds: int | None = None,
    model: str = "sora-2",
    size: str = "1280x720",
    provider: str = "openai",
) -> Storyboard:
    """Shots for a film: legal clip lengths, beats in order and proportion, concepts cast in.

    See the module docstring for the timing rules; the lengths are the provider's model's
    at this size (a model the provider does not list is timed in lengths every one of its
    models allows, and lint reports the model). Raises PlanError when the template cannot
    fit the target (too short for its beats, or outside 4-120 s).
    """
    tpl = template if isinstance(template, StoryTemplate) else StoryTemplate.load(template)
    target = tpl.target_seconds if target_seconds is None else target_seconds
    try:
        legal = clip_lengths(provider, model, size)
    except (KeyError, ValueError):
        legal = clip_lengths(provider)
    unit, most = legal[0], len(legal)
    total = film_seconds(tpl, target, unit)
    units, placed, unused = fit(tpl, casting.entries, beat_units(tpl, total, unit), most)
    for _ in range(2):  # an ending gag before the last shot plays another (casting.mid_film)
        moved = mid_film(casting, _last_alone(tpl, units, placed, most))
        if moved is casting:
            break
        casting = moved
        units, placed, unused = fit(tpl, casting.entries, beat_units(tpl, total, unit), most)
    tpl = calm(tpl, placed)
    said = facts(casting.profile, [e for group in placed for e in group])
    shots: list[Shot] = []
    carried = ""  # the card of a beat left out opens the next one instead
    shown: set[int] = set()  # the entries with a shot already: a second one is the reprise
    captions = film_concept_captions([e for group in placed for e in group])
    for beat, k, group in zip(tpl.beats, units, placed, strict=True):
        if not k:
            carried = carried or beat.card
            continue
        lo, _hi = clip_range(k, beat.max_shots, most)
        n_clips = max(lo, len(group))
        lengths = [unit * u for u in split_units(k, n_clips, most)]  # longest first
        n_fill = n_clips - len(group)
        # Longest clips to the cast entries (ranked by their own timing hint, then order),
        # the shortest to fillers.
        order = sorted(range(len(group)), key=lambda j: (-group[j].metaphor.seconds, j))
        cast_len = {j: lengths[pos] for pos, j in enumerate(order)}
        fill_len = lengths[len(group) :]
        beat_title = beat.name[:1].upper() + beat.name[1:]
        lines = [_say(x, said) for x in (beat.captions or (beat.caption,))]
        lines = [x for x in lines if x] or [said["title"]]  # a filler still names the project
        cast_shots = [
            (cast_len[j], entry, gag_title(entry), captions[id(entry)])
            for j, entry in enumerate(group)
        ]
        fillers = []
        for f, seconds in enumerate(fill_len):
            line = lines[f % len(lines)]
            again = f" ({f + 1}/{n_fill})" if n_fill > len(lines) else ""
            fillers.append((seconds, None, f"{beat_title}: {line}{again}", line))
        # a filler sets the scene before the beat's concepts (the hero arrives, lays out the
        # tools, makes the first attempt), except where it resolves the story; the ending's
        # star is the film's last shot
        parts = fillers + cast_shots if beat.role in _FILLERS_FIRST else cast_shots + fillers
        card = _say(carried or beat.card, said) or None
        carried = ""
        for seconds, entry, title, caption in parts:
            # Every concept shot, the setup's and the ending's reprise included, teaches what
            # its concept does (its gloss): the README's promise is the closing card's, and a
            # list of names ("define, asdict and Factory, working together") teaches nothing.
            reprise = entry is not None and id(entry) in shown
            if reprise:
                assert entry is not None
                title, caption = reprise_words(entry, said, seconds, caption)
            if entry is not None:
                shown.add(id(entry))
            shots.append(
                Shot(
                    len(shots),
                    beat.name,
                    seconds,
                    model,
                    size,
                    entry,
                    title,
                    caption,
                    card,
                    reprise,
                )
            )
            card = None
    titles = [s.title for s in shots]
    shots = [  # two fillers of one beat saying the same line stay distinguishable
        s if titles.count(s.title) == 1 else replace(s, title=f"{s.title} #{s.index + 1}")
        for s in shots
    ]
    end = _say(tpl.end_card, said) or None
    if shots and end is not None and shots[-1].reprise and shots[-1].caption == end:
        end = said["closing"]  # the reprise said the promise: the film closes on its name
    board = Storyboard(
        tpl, casting, tuple(shots), target, model, size, tuple(unused), end, provider, total
    )
    assert board.seconds <= total and all(s.seconds in legal for s in shots)
    return board


def _last_alone(
    tpl: StoryTemplate, units: list[int], placed: list[list[CastEntry]], most: int
) -> CastEntry | None:
    """The entry of the film's last shot when that is its only shot (no reprise), as
    storyboard orders a beat's shots: None when a filler or a reprise ends the film."""
    beats = [i for i, k in enumerate(units) if k]
    if not beats or not placed[beats[-1]]:
        return None
    b = beats[-1]
    group = placed[b]
    fills = max(clip_range(units[b], tpl.beats[b].max_shots, most)[0], len(group)) > len(group)
    if fills and tpl.beats[b].role not in _FILLERS_FIRST:
        return None
    last = group[-1]
    return None if sum(e is last for g in placed for e in g) > 1 else last


def _say(template: str, said: dict[str, str]) -> str:
    """A beat's caption or card line with the project's facts filled in (card_facts.facts); ""
    when a fact it quotes is unknown (a card that would say nothing is no card)."""
    if any(said.get(k, "x") == "" for k in re.findall(r"\{(\w+)\}", template)):
        return ""
    text = re.sub(r"\{(\w+)\}", lambda m: said.get(m.group(1), m.group(0)), template)
    return " ".join(text.split())
