"""The plot: which cast concept plays which part of the story, in what order.

A template's beats may name a ``role`` (templates.ROLES). With roles, the film tells one arc
about the project instead of filing concepts by kind:

- ``opening`` is the setup: the title card (the name and the README's promise: what the
  project is for), then the first concept a user meets, its caption its own gloss like every
  concept shot's (the promise says nothing about that concept; an uncast shot of the beat
  may quote it).
- ``use`` shows the concepts in the order a user meets them: first the order of the README's
  examples (Concept.readme_order), then the import and call structure (a base class before
  the classes built on it, the most referenced first), then rank.
- ``trouble`` shows the errors the project defines: the trouble a user meets, in the order of
  the concepts they belong to (the error a concept raises, else the one that names it,
  follows it).
- ``overcome`` (the centrepiece) shows the concept that overcomes them: one that puts a
  failure right by what it does (an error handler, a retry, a fallback, a catch), else no
  rescue but the film's big number, the best-ranked concept left; never a README concept
  the use beat would then show out of the README's order, nor the star.
- ``payoff`` ends on the README's own promise kept by the project's most central concept,
  the ``star`` (one of the cast's three best-ranked code concepts, the README's first of
  them): its shot is the film's last. When the use order showed the star already, the
  ending is its reprise (the same entry, one more shot): the same props at scale with the
  earlier concepts' joining in (plot_ending.finale), under the promise it kept
  (reprise_words). Never the last leftovers of the use order, which ended films on
  MockTransport and Auth. A one-shot film (single-12) is just the payoff: the star, never
  an error class (zod's ZodError ranks first).
- Leftovers (concepts no beat's fewest clips asked for) fill the opening and use beats
  only: never the trouble (not an error) nor the rescue (a second concept after the rescue
  breaks the README's order and the arc).

The facts the captions and cards quote (the title, the promise, the entry point, how to get
it) are card_facts.py's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from .captions import reading_seconds
from .scoring import rescues

if TYPE_CHECKING:
    from ..analysis.concepts import Concept
    from .casting import CastEntry
    from .templates import Beat, StoryTemplate

ROLES = ("opening", "use", "trouble", "overcome", "payoff")
# Beats whose part IS a concept (an error the project defines, the concept that overcomes
# them): given fewer concepts than their time holds they shrink, never fill (boards.fit).
CONCEPT_ONLY = ("trouble", "overcome")
# Beats that show the use order, one after another (the payoff shows the star).
_SEQUENCE = ("opening", "use")

_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
# Words every error shares, which say nothing about which concept overcomes it.
_GENERIC = frozenset(
    [
        "error",
        "errors",
        "exception",
        "exceptions",
        "raise",
        "raised",
        "raises",
        "invalid",
        "bad",
        "base",
        "class",
        "object",
        "value",
        "type",
        "when",
        "with",
        "that",
        "this",
        "from",
        "into",
        "item",
        "items",
        "used",
        "uses",
        "used",
        "the",
        "and",
        "for",
        "not",
    ]
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ers", "er", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _words(entry: CastEntry) -> frozenset[str]:
    c = entry.concept
    return _word_set(" ".join((_CAMEL.sub(r"\1 \2", c.name), *c.bases, c.summary, *c.words)))


@lru_cache(maxsize=4096)
def _word_set(text: str) -> frozenset[str]:
    """The stemmed content words of a concept's text, kept: the plot asks for each concept's
    several times per storyboard (every fitting pass re-arranges)."""
    words = _WORD.findall(text.lower())
    return frozenset(_stem(w) for w in words if len(w) > 2 and w not in _GENERIC)


def use_order(entries: Sequence[CastEntry]) -> list[CastEntry]:
    """Concepts in the order a user meets them: README examples first (in their order), then
    the rest by structure: the most referenced first, and a base class before any cast class
    built on it."""
    rank = {id(e): r for r, e in enumerate(entries)}
    readme = sorted(
        (e for e in entries if e.concept.in_readme or e.concept.readme_order >= 0),
        key=lambda e: (
            e.concept.readme_order if e.concept.readme_order >= 0 else 10**9,
            rank[id(e)],
        ),
    )
    seen = {id(e) for e in readme}
    rest = sorted(
        (e for e in entries if id(e) not in seen), key=lambda e: (-e.concept.refs, rank[id(e)])
    )
    # a base before its subclasses: move each class after the last of its cast bases
    names = {e.concept.name.rsplit(".", 1)[-1]: e for e in (*readme, *rest)}
    ordered = list(readme)
    for e in rest:
        bases = [
            names[b.rsplit(".", 1)[-1]] for b in e.concept.bases if b.rsplit(".", 1)[-1] in names
        ]
        ordered.append(e)
        for base in bases:
            if base is not e and base in rest and base not in ordered:
                ordered.insert(len(ordered) - 1, base)
    out: list[CastEntry] = []
    for e in ordered:
        if e not in out:
            out.append(e)
    return out


def star(entries: Sequence[CastEntry]) -> CastEntry | None:
    """The project's most central concept, which ends the film: of the three best-ranked code
    concepts (no error, no docstring theme: neither keeps a promise), the one the README's
    examples use first, else the best-ranked. Why the README's first: it is what the
    promise is about for a user (zod's string() and object(), not its base class ZodType)."""
    code = [e for e in entries if e.concept.kind not in ("exception", "theme")][:3]
    if not code:
        return None
    shown = [e for e in code if e.concept.readme_order >= 0]
    return min(shown, key=lambda e: e.concept.readme_order) if shown else code[0]


def rescuer(
    order: Sequence[CastEntry],
    avoid: CastEntry | None = None,
    before_star: bool = False,
    errors: Sequence[CastEntry] = (),
) -> CastEntry | None:
    """The concept of the centrepiece: a rescue when the cast has one, one that puts a
    failure right by what it does (scoring.rescues: an error handler such as koa's onerror,
    a retry, a fallback, a catch; its gag shows a mishap put right, so a film whose project
    defines no error still has a rescue), else the best-ranked: the beat is then the film's
    big number, no rescue (calm). Words an error shares with a concept are no picture of a
    rescue: axios' AxiosHeaders.get "got past" AxiosError on the words "axios" and "headers",
    pegging orders on a washing line.

    With a choice, the README's very first concept stays in the opening, where a user meets
    it; the star (``avoid``) stays for the ending; and a concept of the README's examples
    plays the centrepiece only when it is the last of them (the centrepiece comes after the
    use beat, so any other would be shown out of the README's order). ``before_star``: no
    use beat shows the star first (teaser-30), so the centrepiece comes straight before it:
    after a rescue, one that raises an error of the cast (``errors``: the trouble it
    follows), then a concept the README uses before the star, then one it uses after it
    (shown out of the README's order: the lesser wrong), then a lesser one by rank. pluggy's
    teaser, whose star is the README's first, put HookCaller here and left out
    PluginManager, the README's core class.
    """
    if not order:
        return None
    rank = {id(e): r for r, e in enumerate(order)}
    if before_star and avoid is not None and avoid.concept.readme_order >= 0:
        star_at = avoid.concept.readme_order

        def standing(e: CastEntry) -> tuple[bool, bool, int, float, int]:
            at = e.concept.readme_order
            readme = 0 if 0 <= at < star_at else 1 if at >= 0 else 2
            raiser = any(raises(e, err.concept) for err in errors)
            return (not rescues(e.concept), not raiser, readme, -e.concept.score, rank[id(e)])

        shown = [e for e in order if e is not avoid and e.concept.kind != "theme"]
        return min(shown or order, key=standing)
    pool = list(order[1:]) if len(order) > 2 and order[0].concept.readme_order >= 0 else list(order)
    pool = [e for e in pool if e is not avoid] or pool
    readme = [id(e) for e in order if e.concept.readme_order >= 0 or e.concept.in_readme]
    pool = [e for e in pool if id(e) not in readme[:-1]] or pool
    pool = [e for e in pool if e.concept.kind != "theme"] or pool
    by_rank = sorted(
        pool, key=lambda e: (not rescues(e.concept), e.concept.score * -1, rank[id(e)])
    )
    return by_rank[0]


def the_rescue(group: Sequence[CastEntry]) -> CastEntry | None:
    """The concept that plays a centrepiece's rescue: its first that puts a failure right
    (scoring.rescues), or None, and the beat is the big number (calm). The one decision:
    calm names the beat by it, and the causes say that concept's shot got past the trouble
    and the ending that it saw the trouble off (causes.py asked the beat's first concept
    alone, so a rescue second in its beat was named at the end and never got past)."""
    return next((e for e in group if rescues(e.concept)), None)


def raises(entry: CastEntry, error: Concept) -> bool:
    """Whether the code of a shot's concept (or a sibling on its shot) raises ``error``
    (Concept.raises, read off its raise sites by analysis.raisers): the one test for the
    rescuer that follows the trouble, the errors' order, and the causes' "raises" links."""
    return any(error.name in c.raises for c in entry.concepts)


def trouble_order(errors: Sequence[CastEntry], order: Sequence[CastEntry]) -> list[CastEntry]:
    """Errors in the order of the concepts that raise them (Concept.raises), else of those
    they share words with (unrelated ones last): the error follows the thing that raises
    it."""
    where: dict[int, int] = {}
    for i, err in enumerate(errors):
        hits = [j for j, e in enumerate(order) if raises(e, err.concept)]
        if not hits:
            words = _words(err)
            hits = [j for j, e in enumerate(order) if words & _words(e)]
        where[i] = hits[0] if hits else len(order)
    return [errors[i] for i in sorted(range(len(errors)), key=lambda i: (where[i], i))]


def arrange(
    beats: Sequence[Beat],
    entries: Sequence[CastEntry],
    lo: Sequence[int],
    hi: Sequence[int],
) -> tuple[list[list[CastEntry]], list[CastEntry]]:
    """Cast entries per beat by role (see the module docstring), and those left over.

    lo and hi are each beat's fewest and most clips. The star is the last payoff beat's last
    entry; it may also stand in the opening or use beats (then the ending is its reprise, and
    it is in two groups). Beats without a role are filled last, by rank.
    """
    roles = [b.role for b in beats]
    placed: list[list[CastEntry]] = [[] for _ in beats]
    errors = [e for e in entries if e.concept.kind == "exception"]
    order = use_order([e for e in entries if e.concept.kind != "exception"])
    payoff = [i for i, r in enumerate(roles) if r == "payoff"]
    lead = star(entries) if payoff else None
    no_use = not any(r in _SEQUENCE for r in roles)
    hero = rescuer(order, lead, no_use, errors) if "overcome" in roles else None
    if hero is not None and hero is not lead:
        order = [e for e in order if e is not hero]
        placed[roles.index("overcome")].append(hero)
    errors = trouble_order(errors, order)
    left_errors: list[CastEntry] = []
    trouble = [i for i, r in enumerate(roles) if r == "trouble"]
    for e in errors:
        room = next((i for i in trouble if len(placed[i]) < hi[i]), None)
        (placed[room] if room is not None else left_errors).append(e)
    # the use order over the sequence beats: each its fewest clips first, then its most
    seq = [i for i, r in enumerate(roles) if r in _SEQUENCE]
    want = dict.fromkeys(seq, 0)  # how many of the use order each sequence beat shows
    remaining = len(order)
    first = [min(1, x) for x in lo]  # one concept in every beat before a second in any
    for limit in (first, lo, hi):
        for i in seq:
            add = max(0, min(limit[i] - len(placed[i]) - want[i], remaining))
            want[i] += add
            remaining -= add
    queue = list(order)
    for i in seq:
        placed[i].extend(queue[: want[i]])
        queue = queue[want[i] :]
    if lead is not None:  # the ending: the star, after any concept the payoff's time needs
        queue = [e for e in queue if e is not lead]
        end = payoff[-1]
        for i in payoff:
            if not seq and "overcome" in roles:
                break  # no use beat (teaser-30): nothing between the rescue and the star
            extra = max(0, lo[i] - len(placed[i]) - (i == end))
            placed[i].extend(queue[:extra])
            queue = queue[extra:]
        placed[end].append(lead)
    # with no use beat and no trouble before it, the rescue's beat opens the film: the
    # concepts it needs besides the rescue come first there, in the use order
    if not seq and lead is not None and lead.concept.readme_order >= 0:
        # nothing the README uses after the star may come before it (no use beat shows it)
        late = [e for e in queue if e.concept.readme_order > lead.concept.readme_order]
        queue = [e for e in queue if e not in late]
    else:
        late = []
    lead_in = [i for i, r in enumerate(roles) if r == "overcome"][:1] if not seq else []
    if lead_in and not any(placed[i] for i in trouble if i < lead_in[0]):
        i = lead_in[0]
        # the README's concepts before lesser ones: those it uses before the star, then its
        # later ones in its order (shown before the star out of the README's order, the
        # lesser wrong), then the rest. Why: a project without errors gives the trouble's
        # time to this beat (boards._room_for), and humanize's star is the README's first,
        # so every other concept was "late": its teaser dropped 8 s beside six concepts
        # left out; pluggy's then kept HookImpl and left out PluginManager, its core class.
        readme = [e for e in queue if e is not lead and e.concept.readme_order >= 0]
        rest = [e for e in queue if e is not lead and e.concept.readme_order < 0]
        ahead = [*readme, *late, *rest][: max(0, lo[i] - len(placed[i]))]
        placed[i][:0] = ahead
        if not any(rescues(e.concept) for e in placed[i]):  # no rescue to end the beat on
            placed[i].sort(key=lambda e: (e.concept.readme_order < 0, e.concept.readme_order))
        queue = [e for e in queue if e not in ahead]
        late = [e for e in late if e not in ahead]
    leftovers = queue + left_errors
    unused: list[CastEntry] = list(late)
    for e in leftovers:  # any beat still short of its fewest clips, then any with room
        short = [i for i in range(len(beats)) if len(placed[i]) < lo[i]]
        fits = [i for i in range(len(beats)) if len(placed[i]) < hi[i]]
        if e.concept.kind != "exception":  # an ordinary concept never plays trouble
            short = [i for i in short if roles[i] != "trouble"]
            fits = [i for i in fits if roles[i] != "trouble"]
        # nor after the rescue: the rescue is the one concept that overcomes the trouble, and
        # a leftover after it is shown out of the README's order (teaser-30 put one there).
        # With no trouble before it, the rescue's beat continues the use order: a leftover
        # comes before the rescue there. Else the beat shrinks to what it shows (boards.fit).
        calm = not any(placed[i] for i in trouble)
        short = [i for i in short if roles[i] != "overcome" or calm]
        fits = [i for i in fits if roles[i] != "overcome" or calm]
        if lead is not None:  # the star's shot ends the film: nothing after it
            short = [i for i in short if roles[i] != "payoff"]
            fits = [i for i in fits if roles[i] != "payoff"]
        space = short or fits
        if not space:
            unused.append(e)
        elif roles[space[0]] == "overcome" and hero in placed[space[0]]:
            placed[space[0]].insert(placed[space[0]].index(hero), e)
        else:
            placed[space[0]].append(e)
    return placed, unused


def calm(template: StoryTemplate, placed: list[list[CastEntry]]) -> StoryTemplate:
    """The template as this film tells it: a beat that overcomes the trouble goes by its
    calm_name ("the big number") unless a rescue plays it (the_rescue: an error handler, a
    retry, a fallback; its gag is the mishap put right). "The rescue" landed on Flask.route
    in a film with no error, and on AxiosHeaders.get, which rescues nothing, in one with
    errors. The film's shots and lookups use these names."""
    for b, group in zip(template.beats, placed, strict=True):
        if b.role == "overcome" and the_rescue(group) is not None:
            return template
    names = {b.name for b in template.beats}
    beats = tuple(
        replace(b, name=b.calm_name)
        if b.role == "overcome" and b.calm_name and b.calm_name not in names
        else b
        for b in template.beats
    )
    return template if beats == template.beats else replace(template, beats=beats)


def reprise_words(
    entry: CastEntry, said: dict[str, str], seconds: float, gloss: str
) -> tuple[str, str]:
    """(title, caption) of the ending's reprise: the star shown once more, now as the
    payoff. Its caption sums up instead of repeating the opening's ``gloss``: the README's
    promise, which the film's concepts kept together ("Flask: a lightweight WSGI web
    application framework"); without a promise, the names the film showed (``facts``).
    Its title says the promise was kept, not the opening gag again ("analyze, at last: the
    trail of chalk arrows" was the opening's title with two words added). A caption longer
    than the shot lets anyone read (lint's caption-too-long) gives way to the next.
    """
    title = f"{entry.concept.name}: the promise kept"
    recap = said.get("recap", "")
    choices = [
        said.get("promise", "") if said.get("tagline", "").strip() else "",
        recap if recap != said.get("title") else "",
    ]
    for text in choices:
        if text and reading_seconds(text) <= seconds:
            return title, text
    return title, gloss
