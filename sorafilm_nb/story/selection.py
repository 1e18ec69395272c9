"""Selection: which concepts of a repository get a shot, and which siblings share one.

``pick_groups`` is the first half of casting (``casting.cast`` assigns the metaphors after):
the public API first and the package's insides (ranked below zero) last, a quarter of the
places at most for the project's exceptions (no warning class: is_warning), one docstring
theme at most and only once the code is all placed, concepts no metaphor fits passed over
for ones that fit, and each family of siblings (siblings.py) on ONE shot, the places it
frees going to names outside it.
It knows nothing of metaphors beyond the ``fits`` predicate cast hands it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from ..analysis.profile import Concept, RepoProfile
from .scoring import name_words, project_words, stem
from .siblings import NAMES_LIMIT, are_siblings, group_names

__all__ = [
    "MAX_THEMES",
    "SEARCH_DEPTH",
    "is_warning",
    "max_exceptions",
    "pick_concepts",
    "pick_groups",
]

MAX_THEMES = 1  # docstring themes in one casting: a word is a subject, not an API name
THEME_MIN_DOCSTRINGS = 3  # a theme must recur: in at least this many docstrings
SEARCH_DEPTH = 2  # a weak concept is passed over for one at most top*2 places down the list


def max_exceptions(top: int) -> int:
    """About a quarter of the shots: exceptions are the trouble of the story, not its cast."""
    return 0 if top < 3 else max(1, top // 4)


def is_warning(c: Concept) -> bool:
    """A warning class (its name or a base's ends in "Warning": UserWarning, pluggy's
    PluggyWarning and the PluggyTeardownRaisedWarning built on it). It is warned, not
    raised: nothing a user calls fails with it, so it is no trouble of the story, and a
    film has no other place for an exception. It gets no shot, on any provider: pluggy's
    PluggyWarning, 9th of its ranking, was "the trouble" of its Veo film (whose 8 s clips
    cast more concepts) and absent from its sora-2 film."""
    if c.kind != "exception":
        return False
    return any(n.rsplit(".", 1)[-1].endswith("Warning") for n in (c.name, *c.bases))


def _api_tier(c: Concept) -> int:
    """0 for what the project hands its users (exported, in the README's examples, used as a
    decorator there), 3 for what the analysis ranked below zero (its penalty for how the
    package works inside, api.PRIVATE_PENALTY), 2 for a docstring theme, 1 for the rest of
    the code: the public API is filmed first, and a better fit is never looked for among the
    package's insides (dayjs' parseDate, -1.39, took the place of its Dayjs class, 5.62,
    which fit no gag). A theme is a word, not a thing a user calls: it takes a place only
    when no code of tiers 0 and 1 is left for it, fit or weak fit, never ahead of one
    (dayjs' heist film had "cloned: a word in 8 of its docstrings" while Dayjs.add and
    Dayjs.diff went unfilmed; nanoid's had "alphabet: a word in 3 of its docstrings": a
    caption that teaches nothing, on a paid shot). Tier 3 fills no place left over either:
    it is filmed only when nothing else is (chalk's film was 7 of 9 shots of its module
    internals, applyOptions -3.00, createBuilder -3.00; a short honest film, plan's
    "short-film", beats paid shots of what users never touch)."""
    if c.kind == "theme":
        return _THEME_TIER
    if c.exported or c.in_readme or c.decorator:
        return 0
    return _INSIDES_TIER if c.score < 0 else 1


_THEME_TIER = 2
_INSIDES_TIER = 3


# "similar to the :class:`File` type", "Works like :class:`.Serializer`", "Similar to
# :func:`pass_context`": the name a docstring's first sentence compares its concept to
_COMPARED = re.compile(
    r"\b(?:(?:works|behaves|acts)\s+(?:just\s+|exactly\s+)?like|(?:similar|identical|equivalent)"
    r"\s+to|same\s+as)\s+(?:the\s+)?(?:regular\s+|default\s+)?(?::\w+:)?`*[~.]?"
    r"(?:\w+\.)*(\w+)`*",
    re.I,
)


def variant_of(c: Concept, names: Collection[str]) -> str | None:
    """The concept of the project this one's docstring introduces it as a variant of:
    click's Path ("The Path type is similar to the File type, but returns the filename"),
    itsdangerous' TimestampSigner ("Works like the regular Signer but also records the
    time"); None when it stands on its own or compares itself to something foreign
    (pydantic's dataclass, "similar to the standard Python dataclass")."""
    first = re.split(r"(?<=[.!?])\s", c.summary.strip(), maxsplit=1)[0]
    m = _COMPARED.search(first)
    if m is None:
        return None
    other = m.group(1)
    own = c.name.rsplit(".", 1)[-1]
    return other if other != own and other in names else None


def _theme_ok(c: Concept, own: frozenset[str], named: set[str]) -> bool:
    """A docstring theme worth a shot: a real recurring idea, i.e. a word that recurs in
    docstrings AND names something in the code (a name word of some concept: "request" in
    Flask's Request), that is not the project's own name."""
    word = c.name.lower()
    return (
        len(word) >= 4
        and c.refs >= THEME_MIN_DOCSTRINGS
        and word not in own
        and stem(word) in named
    )


def pick_concepts(
    profile: RepoProfile, top: int = 8, *, fits: Callable[[Concept], bool] | None = None
) -> tuple[Concept, ...]:
    """The concepts worth a shot, one per shot (see pick_groups; siblings left out)."""
    return tuple(g[0] for g in pick_groups(profile, top, fits=fits))


def pick_groups(
    profile: RepoProfile, top: int = 8, *, fits: Callable[[Concept], bool] | None = None
) -> tuple[tuple[Concept, ...], ...]:
    """The concepts worth a shot, in the order they are ranked, one per name, each with the
    siblings that share its shot (siblings.py; as many as NAMES_LIMIT characters hold).

    A sibling of a concept already picked joins its shot instead of taking a place, and
    public siblings ranked past the last place join too: "get" brings "put", "patch" and
    "post" onto one shot and frees three places for other concepts. A sibling whose name the
    caption has no room for is left out: its family has its shot. A family takes ONE shot,
    however many places the film has: a freed place goes to the next name outside every
    family shown, never back to a sibling (requests' film had the verbs' shot and then put,
    patch and post each on their own: 4 of 8 shots of HTTP verbs), and never to an exception
    (the film without grouping sets how many exceptions the story has).

    The public API first (exported, README, decorators), each group by the analysis score;
    project-defined exceptions take at most max_exceptions(top) places (more only when
    nothing else is left); at most one docstring theme, and only a recurring idea (see
    _theme_ok) that some gag plays (a weak fit of a word is no shot at all), in a place no
    code is left for (see _api_tier). fits (a
    concept -> bool, cast's "some metaphor plays it well") passes over a concept that does
    not fit for the next ones of the same standing (public API for public
    API, at most top*SEARCH_DEPTH places down) that do; never a name the README's examples
    use, which is what users touch whatever the theme offers. Places still empty go to the
    passed-over concepts, in order, before the next group is looked at and before any
    concept past the search depth, which fits no better than they do (the cast follows the
    scores).
    """
    if top < 1:
        return ()
    # one per name; a docstring theme that is also a name in the code ("request" and the
    # class Request) is that code, never the word. Two names of the code that differ only in
    # case are two things (requests' request() and its Request class) and both may play.
    code_names = {c.name.lower() for c in profile.concepts if c.kind != "theme"}
    unique: list[Concept] = []
    seen: set[str] = set()
    for c in profile.concepts:
        key = c.name.lower() if c.kind == "theme" else c.name
        if key not in seen and not (c.kind == "theme" and key in code_names) and not is_warning(c):
            seen.add(key)
            unique.append(c)
    ordered = sorted(range(len(unique)), key=lambda i: (_api_tier(unique[i]), i))
    own = project_words(profile.name, profile.title)
    named = {stem(w) for c in unique if c.kind != "theme" for w in name_words(c.name)}
    rank_of = {i: r for r, i in enumerate(ordered)}
    # the film without siblings.py sets how many exceptions the story has: a place freed by
    # grouping siblings never goes to one (they are the story's trouble, not its cast)
    base, _ = _select(unique, ordered, top, own, named, fits, grouping=False)
    exceptions = sum(unique[i].kind == "exception" for i in base)
    chosen, joined = _select(
        unique, ordered, top, own, named, fits, grouping=True, exception_cap=exceptions
    )
    return tuple(
        (unique[i], *(unique[k] for k in sorted(joined.get(i, ()), key=rank_of.__getitem__)))
        for i in sorted(chosen, key=rank_of.__getitem__)
    )


def _select(
    unique: Sequence[Concept],
    ordered: Sequence[int],
    top: int,
    own: frozenset[str],
    named: set[str],
    fits: Callable[[Concept], bool] | None,
    *,
    grouping: bool,
    exception_cap: int | None = None,
) -> tuple[list[int], dict[int, list[int]]]:
    """The places of pick_groups (indexes into unique) and, with ``grouping``, the siblings
    that join each picked one's shot; without it every concept takes a place of its own (the
    film as it would be without siblings.py, which sets the grouped film's exception count:
    ``exception_cap``, then taken as a hard cap)."""
    hard_cap = exception_cap is not None
    names = {c.name.rsplit(".", 1)[-1] for c in unique if c.kind != "theme"}
    cap = {
        "exception": max_exceptions(top) if exception_cap is None else exception_cap,
        "theme": MAX_THEMES,
    }
    count = {"exception": 0, "theme": 0}
    chosen: list[int] = []
    over_cap: list[int] = []
    joined: dict[int, list[int]] = {}  # a picked concept -> the siblings on its shot

    passed: list[int] = []  # weak fits of a tier, taken before the next tier's

    def join(i: int) -> bool:
        """Whether unique[i] belongs to a family already shown: a sibling of a picked
        concept or of one on its shot joins that shot while the caption has room for its
        name, else it is left out (its family has its shot). Never a shot of its own: a
        family takes one shot, however many places the film has (a sibling of a concept
        passed over for a weak fit is passed over with it)."""
        if not grouping:
            return False
        for j in (*chosen, *passed):
            members = (j, *joined.get(j, ()))
            if any(are_siblings(unique[k], unique[i]) for k in members):
                group = [unique[k] for k in (*members, i)]
                if len(group_names(group)) <= NAMES_LIMIT:
                    joined.setdefault(j, []).append(i)
                return True
        return False

    def take_passed() -> None:
        """The passed-over concepts into the places left, in order, within the caps: two
        docstring themes that fit no gag were each passed over below the cap of one, and
        both played (nanoid's "alphabet" and "custom": "a word in 3 of its docstrings")."""
        for i in passed:
            kind = unique[i].kind
            if len(chosen) < top and not (kind in cap and count[kind] >= cap[kind]):
                count[kind] = count.get(kind, 0) + 1
                chosen.append(i)
            elif kind == "exception":
                over_cap.append(i)
        passed.clear()

    for tier in (0, 1, _THEME_TIER, _INSIDES_TIER):
        if tier == _INSIDES_TIER and chosen:
            break  # the package's insides never fill a film (see _api_tier)
        passed.clear()
        looked = 0
        for i in (i for i in ordered if _api_tier(unique[i]) == tier):
            if len(chosen) >= top:
                break
            c = unique[i]
            if c.kind == "theme" and not (_theme_ok(c, own, named) and (fits is None or fits(c))):
                # a word no gag plays is never a paid shot, not even an empty place's:
                # tabulate's "format" (weak fit) took $1.20 beside its public API
                continue
            if join(i):
                continue
            if c.kind in cap and count[c.kind] >= cap[c.kind]:
                if c.kind == "exception":
                    over_cap.append(i)
                continue
            looked += 1
            if looked > top * SEARCH_DEPTH and passed:
                # the search is over: the concepts passed over rank above this one, so they
                # take the places first (dayjs' Dayjs and dayjs.unix went to locale modules
                # found past the depth, which fit no better and scored a fifth as much)
                take_passed()
                if len(chosen) >= top:
                    break
            may_pass = not c.in_readme and looked <= top * SEARCH_DEPTH
            if may_pass and (
                variant_of(c, names) is not None or (fits is not None and not fits(c))
            ):
                passed.append(i)
                continue
            if c.kind in count:
                count[c.kind] += 1
            chosen.append(i)
        take_passed()
    if not hard_cap:  # only when nothing else is left
        chosen.extend(over_cap[: max(0, top - len(chosen))])
    if grouping:
        taken = set(chosen) | {i for g in joined.values() for i in g}
        for i in ordered:  # public siblings past the last place still join a picked one's shot
            if i not in taken and _api_tier(unique[i]) == 0 and join(i):
                taken.add(i)
    return chosen, joined
