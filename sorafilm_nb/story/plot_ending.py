"""The film's last shot: a payoff of the story, never its opening gag again.

When the last shot shows the star (plot.star), ``finale`` turns its scene and action lines
into the ending: a reprise (the star shown before) becomes a consequence of the story (the
theme's ``payoffs`` in data/prompts/story.toml: the guests fed, the vault open, the capsule
docked), the star's main prop and the earlier concepts' in it; the star's first showing
gets the earlier props joining in and the promise kept as its last action. Split from
causes.py, which says why each shot follows the one before.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .causes import _fill, main_prop, names_a_prop, wording_for
from .wording import clash

if TYPE_CHECKING:
    from .boards import Shot, Storyboard
    from .wording import Payoff, StoryWording

__all__ = ["alone_uses_a_prop", "ending_mood", "finale"]


def _joining(things: list[str]) -> str:
    """The things of _joined as words ("the service bell and the egg carton")."""
    return " and ".join(f"the {t}" for t in things)


def _series(text: str, things: Sequence[str]) -> str:
    """Three or more of the things named in a row as a list is written: "the hand card punch,
    the corridor of hatches and the launch key show every system green", not "the hand card
    punch and the corridor of hatches and the launch key" (a payoff line puts the star's
    prop beside the earlier ones, each joined by "and")."""
    if len(things) < 3:
        return text
    one = "the (?:" + "|".join(re.escape(t) for t in sorted(things, key=len, reverse=True)) + ")"

    def listed(m: re.Match[str]) -> str:
        parts = m.group(0).split(" and the ")
        return ", the ".join(parts[:-1]) + " and the " + parts[-1]

    return re.sub(rf"{one}(?: and {one}){{2,}}", listed, text)


def _joined(board: Storyboard, shot: Shot) -> list[str]:
    """Up to two earlier concepts' props that join the ending ("the service bell and the
    egg carton"): never a trouble's, nor a thing named like one of this shot's own props
    (it would read as that prop, and the prompt's props would change with it)."""
    assert shot.cast is not None
    own = set(re.findall(r"[a-z]+", " ".join(shot.cast.metaphor.props).lower()))
    things: list[str] = []
    for s in reversed(board.shots[:-1]):
        thing = main_prop(s)
        role = board.beat(s.beat).role
        fresh = not set(re.findall(r"[a-z]+", thing)) & own
        if (
            thing
            and fresh
            and thing not in things
            and role != "trouble"
            and s.cast is not shot.cast
        ):
            things.append(thing)
        if len(things) == 2:
            break
    return things


def finale(
    board: Storyboard, shot: Shot, hero: str, scene: str, lines: list[str]
) -> tuple[str, list[str], tuple[str, ...] | None]:
    """The film's last shot when it shows the star: (scene, action lines, props to list or
    None for the metaphor's own) with the earlier concepts' props joining in and the
    promise kept as the last action.

    A reprise (the star shown before) shows a consequence of the story (_payoff, the
    theme's ``payoffs``), never its opening gag again, in no more lines than the opening had
    and no more characters than the film's longest gag (a longer ending would be the
    film's longest prompt, and cut the setting of every shot, which is shared). A theme
    without payoffs plays the same props at scale: the gag's first action, the earlier
    props beside it (``encore``), the close. Either lists only the props its lines use.
    Any other shot: as given."""
    if shot.index != len(board.shots) - 1 or shot.cast is None or not lines:
        return scene, lines, None
    if board.beat(shot.beat).role != "payoff":
        return scene, lines, None
    words = wording_for(board)
    joined = _joined(board, shot)
    props = _joining(joined)
    close = _fill(words.close, hero=hero)
    own = shot.cast.metaphor.props if not shot.cast.custom_gag else ()
    thing = main_prop(shot)
    if shot.reprise and words.payoffs and thing and len(lines) >= 2:
        budget = max(len(scene) + sum(map(len, lines)) + len(", ".join(own)), _longest(board, hero))
        roles = shot.cast.metaphor.roles if not shot.cast.custom_gag else ()
        paid = _payoff(board, words, hero, thing, joined, len(lines), budget, roles)
        if paid is not None:
            return paid
    if shot.reprise and props and len(lines) >= 2:
        head = lines[:1] if len(lines) > 2 else []
        encore = _fill(words.encore, props=props)
        items = [x.strip() for prop in own for x in prop.split(", ")]  # as the prompt lists them
        kept = tuple(x for i, x in enumerate(items) if i == 0 or _acts_on(x, " ".join(head)))
        return scene, [*head, encore, close], kept
    if not props:
        return scene, lines, None
    # the star's first showing: the earlier props join in the scene, and the close ends it
    scene = f"{scene.rstrip('.')}, {_fill(words.together, props=props)}" if scene else scene
    if not alone_uses_a_prop(lines, own):
        lines = [*lines[:-1], close]
    return scene, lines, None


def _longest(board: Storyboard, hero: str) -> int:
    """The characters of the film's longest gag as a prompt says it (scene, action lines,
    props): what an ending may take without being the prompt that cuts the shared setting.
    The star's own gag alone was the budget, and a short one (a pancake flipped, 190)
    fitted only the shortest payoff: every such film ended alike."""
    sizes = [
        len(_fill(m.scene, hero=hero))
        + sum(len(_fill(a, hero=hero)) for a in m.actions)
        + len(", ".join(m.props))
        for m in (s.cast.metaphor for s in board.shots if s.cast and not s.cast.custom_gag)
    ]
    return max(sizes, default=0)


def ending_mood(board: Storyboard) -> str:
    """The mood word of an ending finale changed (story.toml's ``mood``): the guests fed or
    the vault open is no longer its gag, whose tone ("frantic") the camera line kept."""
    return wording_for(board).mood


def _payoff(
    board: Storyboard,
    words: StoryWording,
    hero: str,
    thing: str,
    things: list[str],
    room: int,
    budget: int,
    roles: Sequence[str] = (),
) -> tuple[str, list[str], tuple[str, ...]] | None:
    """The reprise as a consequence (story.toml's ``payoffs``): not the opening's scene and
    lines again with more props (every eval film ended on a bigger repeat of its opening
    gag), but what the star's work made possible: the guests fed, the vault open, the
    capsule docked, the star's main prop and the earlier ones in it. One picture per film:
    the one that pays off the star's gag (_by_fit: its roles), ties taken in turn by the
    project's name; no more lines than the gag had (``room``) and no more characters
    (``budget``: scene, lines and props, those of the film's longest gag, finale): a longer
    ending cut the shared setting of every shot of 5 more eval films at the medium tier.
    So fewer earlier props, or two lines, when the picture is too long, and only then the
    next picture (the shortest picture ended every short gag's film); the consequence
    always last; a line naming the earlier props only when there are some; always the
    star's own prop (None: no picture names it). A picture whose clause naming the star's
    prop names a thing of its kind too comes last ("the tracing-paper plan ticked off the
    plan": two plans, one a prop, one the crew's), and an earlier prop like that stays out
    (_echoes). A picture that cannot happen in the theme's setting (wording.clash: a
    splashdown under "a porthole full of stars") is never one (None when none is left)."""
    made = []
    where = board.casting.library.style.where
    fits_in = [p for p in words.payoffs if not clash(where, " ".join((p.scene, *p.actions)))]
    pictures = _by_fit(fits_in, roles, board.casting.profile.name)
    pictures = [p for p in pictures if not _echoes(thing, p)] or pictures
    for picture in pictures:
        scene, actions, shown = picture.scene, picture.actions, picture.props
        fresh = [t for t in things if not _echoes(t, picture, "{props}")]
        for joined, cap in itertools.product((fresh, fresh[:1], []), (room, min(room, 2))):
            props = " and ".join(f"the {t}" for t in joined)
            lines = [x for x in actions if props or "{props}" not in x]
            if len(lines) > cap:  # the lines that show the star's prop first
                named = [x for x in lines[:-1] if "{thing}" in x] or lines[:-1]
                lines = [*named[: cap - 1], lines[-1]]
            filled = [
                _series(_fill(x, hero=hero, thing=thing, props=props), [thing, *joined])
                for x in lines
            ]
            said = " ".join(lines)  # the props the lines use (a scene clause may be cut)
            kept = ((thing,) if "{thing}" in said else ()) + (
                tuple(joined) if "{props}" in said else ()
            )
            if shown is not None:  # a picture away from the gags: the star's prop only named
                kept = tuple(x for x in shown if _acts_on(x, " ".join(filled)))
            if "{thing}" not in scene + said:
                continue  # the star's own prop is what makes it this film's ending
            out = (_fill(scene, thing=thing), filled, kept)
            size = len(out[0]) + sum(map(len, filled)) + len(", ".join(kept))
            if size <= budget:
                return out
            made.append((size, out))
    return min(made, key=lambda m: m[0])[1] if made else None


_PLACEHOLDER = re.compile(r"\{\w+\}")


def _echoes(prop: str, picture: Payoff, slot: str = "{thing}") -> bool:
    """Whether a clause of a payoff picture that names the prop (at ``slot``: "{thing}", or
    "{props}" for an earlier one) names a thing of its kind in its own words too: its head
    noun, the last word of each part ("plan" of "tracing-paper plan"; "heap" and "coins" of
    "heap of gold coins"), singular or plural. "The tracing-paper plan ticked off the plan"
    echoes; "the vault door swings open, the garage doors ticked off the plan" does not (the
    doors are another clause's), nor does an adjective ("a little sketch", "little bowls")."""
    clauses = [c for line in (picture.scene, *picture.actions) for c in re.split(r"[,;:]", line)]
    own = " ".join(_PLACEHOLDER.sub(" ", c) for c in clauses if slot in c)
    return names_a_prop(own, (prop,))


def _by_fit(payoffs: Sequence[Payoff], roles: Sequence[str], name: str) -> list[Payoff]:
    """The theme's payoffs, the star's best first: the one whose roles meet the star gag's
    earliest role (a gag lists what it plays best first: the typewriter "print" before
    "message"), so the ending follows from what the opening showed (a seeded pick ended 10
    of 18 kitchen films at the judges' table, "every dish fresh from the typewriter"). Ties,
    and a gag no payoff names, in turn from a place set by the project's name, so films of
    one theme differ."""
    seed = zlib.crc32(name.encode("utf-8"))
    n = len(payoffs)
    turn = [payoffs[(seed + k) % n] for k in range(n)]
    rank = {r: i for i, r in reversed(list(enumerate(roles)))}

    def fit(picture: Payoff) -> int:
        return min((rank[r] for r in picture.roles if r in rank), default=len(roles))

    return sorted(turn, key=fit)  # stable: the turn breaks ties


_PROP_WORD = re.compile(r"[a-z]{3,}")
_NOT_A_THING = frozenset({"and", "the", "with", "for", "from", "into", "onto", "its", "his", "her"})


def _acts_on(prop: str, text: str) -> bool:
    """Whether the text names the prop: one of its words ("socks" of "floating socks"),
    singular or plural; never by "and" or "the"."""
    said = {w.rstrip("s") for w in _PROP_WORD.findall(text.lower())}
    words = {w.rstrip("s") for w in _PROP_WORD.findall(prop.lower()) if w not in _NOT_A_THING}
    return bool(words & said)


def alone_uses_a_prop(lines: list[str], props: Sequence[str]) -> bool:
    """Whether the last action line is the only one to use some prop: the ending's close
    does not replace it then, or the prompt would list a prop nothing does anything with
    (and compression would cut it)."""
    last = set(_PROP_WORD.findall(lines[-1].lower()))
    rest = set(_PROP_WORD.findall(" ".join(lines[:-1]).lower()))
    for prop in props:
        words = set(_PROP_WORD.findall(prop.lower()))
        if words & last and not words & rest:
            return True
    return False
