"""Why each shot happens: the clause that opens its scene sentence ("Because the service
bell did the trick, a programmer in braces ... taps ..."), and the ending's extras.

The plot (plot.py) decides who plays which part; this says, shot by shot, how each part
follows from the one before, in the theme's own words (data/prompts/story.toml, read by
wording.story_wording): the film's first shot sets up the work, a concept follows from the
one before, the first error from the ease of the step before and the next from the error
before, the rescue from the trouble, the ending from the rescue. Kept apart from prompts.py,
which renders a shot from these pieces.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .boards import Shot, Storyboard
    from .wording import StoryWording

__all__ = ["alone_uses_a_prop", "cause", "ending", "wording_for"]

_PROP_CUT = re.compile(r"[,:;(]| (?:with|in|on|for|from|outside|under|behind|above|across) ")


def _thing(shot: Shot | None) -> str:
    """A shot's main prop, as the next shot's cause names it: "pantry door" of "pantry door
    with chains and bolts"; "" for an uncast shot or a typed gag (no props of its own)."""
    cast = shot.cast if shot is not None else None
    if cast is None or cast.custom_gag or not cast.metaphor.props:
        return ""
    prop = _PROP_CUT.split(cast.metaphor.props[0].strip().lower(), maxsplit=1)[0]
    return re.sub(r"^(a|an|the)\s+", "", prop.strip())


def _gag_clause(shot: Shot) -> str:
    """The gag's first clause, a noun phrase ("a milk carton that will not pour"); past
    eight words (a prompt has no room for more), its main prop ("the milk carton")."""
    gag = shot.cast.gag if shot.cast is not None else ""
    head = re.split(r"[,;:(]| - | — ", gag.strip(), maxsplit=1)[0].strip().rstrip(".")
    if 0 < len(head.split()) <= 8:
        return head
    thing = _thing(shot)
    return f"the {thing}" if thing else ""


_WORDINGS: dict[int, tuple[object, StoryWording]] = {}  # id(library) -> (library, wording)


def wording_for(board: Storyboard) -> StoryWording:
    """The board's theme's story wording; a user theme reads the packaged theme most of its
    metaphors come from ("kitchen.milk-wont-pour": kitchen). Kept per library: every shot
    of every plan asks (the plan's time budget is 50 ms)."""
    from .wording import story_wording

    library = board.casting.library
    kept = _WORDINGS.get(id(library))
    if kept is not None and kept[0] is library:
        return kept[1]
    prefixes = Counter(m.id.split(".", 1)[0] for m in library.metaphors if "." in m.id)
    words = story_wording(library.theme, tuple(p for p, _ in prefixes.most_common()))
    if len(_WORDINGS) >= 64:
        _WORDINGS.clear()
    _WORDINGS[id(library)] = (library, words)
    return words


def _fill(line: str, **values: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), line)


def cause(board: Storyboard, shot: Shot) -> str:
    """Why this shot happens, one clause ending in a comma: "Because the service bell did
    the trick,". By the shot's part in the story: the film's first shot sets up the work; a
    concept follows from the one before; the first error from the ease of the step before,
    the next from the error before; the rescue from the trouble; the ending from the
    rescue."""
    words = wording_for(board)
    shots = board.shots
    i = shot.index
    role = board.beat(shot.beat).role
    before = shots[i - 1] if i > 0 else None
    prev_role = board.beat(before.beat).role if before is not None else ""
    thing = _thing(before) or "last step"
    trouble = [s for s in shots[:i] if s.cast and board.beat(s.beat).role == "trouble"]
    if before is None:
        line = words.opening
    elif role == "trouble":
        line = words.trouble_next if prev_role == "trouble" else words.trouble
    elif role == "overcome" and prev_role != "overcome" and trouble and _gag_clause(trouble[-1]):
        line = _fill(words.overcome, trouble=_gag_clause(trouble[-1]))
    elif role == "overcome" and prev_role != "overcome":
        line = words.overcome_alone
    elif role == "payoff" and i == len(shots) - 1:
        line = words.payoff
    else:
        line = words.use[i % len(words.use)]
    return _fill(line, before=thing).rstrip(",. ") + ","


def ending(board: Storyboard, shot: Shot, hero: str) -> tuple[str, str]:
    """(together, close) for the film's last shot when it shows the star: the earlier
    concepts' props joining in ("and this time the service bell and the egg carton join
    in") and the last action line (the promise kept); ("", "") for any other shot."""
    if shot.index != len(board.shots) - 1 or shot.cast is None:
        return "", ""
    if board.beat(shot.beat).role != "payoff":
        return "", ""
    words = wording_for(board)
    # a thing named like one of this shot's own props would read as that prop (and the
    # prompt's props would change with it): only the earlier shots' own things join in
    own = set(re.findall(r"[a-z]+", " ".join(shot.cast.metaphor.props).lower()))
    things: list[str] = []
    for s in reversed(board.shots[:-1]):
        thing = _thing(s)
        role = board.beat(s.beat).role
        fresh = not set(re.findall(r"[a-z]+", thing)) & own
        if thing and fresh and thing not in things and role != "trouble":
            things.append(thing)
        if len(things) == 2:
            break
    props = " and ".join(f"the {t}" for t in things)
    together = _fill(words.together, props=props) if props else ""
    return together, _fill(words.close, hero=hero)


_PROP_WORD = re.compile(r"[a-z]{3,}")


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
