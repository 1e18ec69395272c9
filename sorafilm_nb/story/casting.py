"""Casting: which concepts of a repository the film shows, and the metaphor each is played as.

``cast(profile, library)`` picks the concepts a maintainer would name (``pick_concepts``: the
public API by the analysis score, a quarter at most for exceptions, one docstring theme at
most), ranks every metaphor of the theme for each by role and polarity (``scoring.rank``), and
then solves one assignment for all of them at once: no metaphor plays two concepts, and the sum
of the squared scores is as high as it can be (``_assign``: the Hungarian method of
story.assignment, in exact integers). A metaphor is shared only when some concept has no unused
candidate left. A film then shows at most MOTIF_SHOTS gags of one motif (``_vary``: gags whose
roles overlap, the kitchen's pigeon, speaking tube and telegram boy all carry a note) where a
concept of the crowd has a fit of another motif: what tells an HTTP client's concepts apart is
what each does beside sending (a Session persists, a Response answers).

A concept no metaphor fits (its best score is below scoring.WEAK_BELOW) is passed over when
a next-best concept fits; when too few do, it is cast anyway and flagged ``weak``, which
``sorafilm analyze`` and the picker show. Equal scores are broken by an order seeded with the
project's name, so two projects' films share few gags while each film is the same every time
and no tie-break ever costs fit.

Which concepts get a shot (and which siblings share one) is decided in ``selection``; the model
(``Metaphor``, ``MetaphorLibrary``, ...) lives in ``metaphors``, theme files in ``themes``, the
scores in ``scoring``; their public names are importable from here too.

CONTRACT (shared with boards, prompts, lint, ui/): CastEntry and Casting below.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..analysis.profile import Concept, RepoProfile
from ..errors import DataFileError
from ..markup import md_code, md_no_tex
from .assignment import hungarian
from .metaphors import (
    BEATS,
    MAX_TEXT,
    PLACEHOLDERS,
    MatchRule,
    Metaphor,
    MetaphorLibrary,
    Style,
    UnknownMetaphor,
    _clip,
    _md,
)
from .scoring import (
    BASE,
    DOC_WORD,
    KIND,
    KIND_FALLBACK,
    NAME,
    NAME_WORD,
    WEAK_BELOW,
    name_words,
    project_words,
    score,
    stem,
)
from .scoring import rank as rank_metaphors
from .selection import max_exceptions, pick_concepts, pick_groups

__all__ = [
    "BASE",
    "BEATS",
    "DOC_WORD",
    "KIND",
    "MAX_ALTERNATIVES",
    "NAME",
    "NAME_WORD",
    "PLACEHOLDERS",
    "WEAK_BELOW",
    "CastEntry",
    "Casting",
    "MatchRule",
    "Metaphor",
    "MetaphorLibrary",
    "Style",
    "UnknownMetaphor",
    "cast",
    "max_exceptions",
    "mid_film",
    "name_words",
    "pick_concepts",
    "pick_groups",
    "score",
    "stem",
]

MAX_ALTERNATIVES = 20  # ranked alternatives kept per entry, for the notebook's picker


@dataclass(frozen=True)
class CastEntry:
    """One concept cast as one metaphor, with the ranked alternatives the UI offers."""

    concept: Concept
    metaphor: Metaphor
    score: float
    alternatives: tuple[tuple[str, float], ...] = ()  # (metaphor id, score), best first
    custom_gag: str | None = None  # free text typed by the user overrides metaphor.gag
    weak: bool = False  # the best this theme offers is a poor fit (score below WEAK_BELOW)
    # look-alike concepts filmed in this shot too (siblings.py: get beside put, patch, post)
    siblings: tuple[Concept, ...] = ()

    @property
    def gag(self) -> str:
        return self.custom_gag or self.metaphor.gag

    @property
    def concepts(self) -> tuple[Concept, ...]:
        """Every concept this shot names: the one cast, then its siblings."""
        return (self.concept, *self.siblings)

    def __repr__(self) -> str:  # not the concept's and the metaphor's every field
        custom = f", custom gag {_clip(self.custom_gag, 60)!r}" if self.custom_gag else ""
        weak = ", weak fit" if self.weak else ""
        return (
            f"CastEntry({self.concept.name} ({self.concept.kind}) -> {self.metaphor.id}, "
            f"score {self.score:g}{weak}{custom})"
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.concept
        return {
            "concept": {
                "name": c.name,
                "kind": c.kind,
                "file": c.file,
                "line": c.line,
                "score": c.score,
                "summary": c.summary,
            },
            "metaphor": self.metaphor.id,
            "score": self.score,
            "weak": self.weak,
            "gag": self.gag,
            "scene": self.metaphor.scene,
            "polarity": self.metaphor.polarity,
            "custom_gag": self.custom_gag,
            "props": list(self.metaphor.props),
            "beat": self.metaphor.beat,
            "seconds": self.metaphor.seconds,
            "tone": self.metaphor.tone,
            "actions": list(self.metaphor.actions),
            "alternatives": [{"id": i, "score": s} for i, s in self.alternatives],
            "siblings": [x.name for x in self.siblings],
        }


@dataclass(frozen=True)
class Casting:
    """The concepts chosen for a film and the metaphor each is played as."""

    profile: RepoProfile
    library: MetaphorLibrary
    entries: tuple[CastEntry, ...]

    def __repr__(self) -> str:  # the profile alone would print the whole repository
        shown = ", ".join(f"{e.concept.name}->{e.metaphor.id}" for e in self.entries[:3])
        more = f", +{len(self.entries) - 3} more" if len(self.entries) > 3 else ""
        return _clip(
            f"Casting(repo={self.profile.name!r}, theme={self.library.theme!r}, "
            f"{len(self.entries)} entries: {shown}{more})",
            280,
        )

    def _repr_markdown_(self) -> str:
        """A notebook shows the casting as a table: concept, kind, metaphor, gag. Names are
        code spans no backtick of theirs can close; a gag's "$" is never typeset as TeX."""
        lines = [
            f"**Casting** of {md_code(self.profile.name)} in theme {md_code(self.library.theme)} "
            f"({len(self.entries)} concepts)",
            "",
            "| # | concept | kind | metaphor | gag |",
            "|---:|---|---|---|---|",
        ]
        for i, e in enumerate(self.entries):
            gag = e.gag + (" *(typed)*" if e.custom_gag else "")
            gag += " *(weak fit)*" if e.weak else ""
            lines.append(
                f"| {i + 1} | {md_code(_md(e.concept.name))} | {e.concept.kind} | "
                f"{md_code(_md(e.metaphor.id))} | {_md(gag)} |"
            )
        return md_no_tex("\n".join(lines) + "\n")

    def entry(self, concept: str | int) -> CastEntry:
        """The entry for a concept name (case-sensitive first, then not) or an index."""
        return self.entries[self._index(concept)]

    def _index(self, concept: str | int) -> int:
        if isinstance(concept, int):
            n = len(self.entries)
            if not -n <= concept < n:
                raise IndexError(
                    f"no concept #{concept} in this casting: it has {n} "
                    + (f"(indexes 0-{n - 1})" if n else "(none)")
                )
            return concept % n
        for exact in (True, False):
            for i, e in enumerate(self.entries):
                if e.concept.name == concept or (
                    not exact and e.concept.name.lower() == concept.lower()
                ):
                    return i
        names = ", ".join(e.concept.name for e in self.entries)
        raise UnknownMetaphor(f"no concept {concept!r} in this casting (cast: {names})")

    def recast(
        self, concept: str | int, metaphor_id: str | None = None, *, custom_gag: str | None = None
    ) -> Casting:
        """A new casting with one concept played differently: the notebook picker's action.

        metaphor_id picks another metaphor of the library (and drops any custom gag, as
        choosing from the dropdown replaces typed text); custom_gag keeps the metaphor's beat
        and timing but replaces its gag with the user's words (the prompt then leaves out the
        metaphor's props and actions, which belong to its own gag). Give either or both;
        custom_gag="" clears a custom gag.
        """
        if metaphor_id is None and custom_gag is None:
            raise ValueError("recast needs a metaphor_id, a custom_gag, or both")
        i = self._index(concept)
        old = self.entries[i]
        new = old
        if metaphor_id is not None:
            m = self.library.get(metaphor_id)
            fit = score(old.concept, m, project_words(self.profile.name, self.profile.title))
            new = replace(new, metaphor=m, score=fit, custom_gag=None, weak=fit < WEAK_BELOW)
        if custom_gag is not None:
            text = " ".join(custom_gag.split())
            if len(text) > MAX_TEXT:
                raise ValueError(
                    f"custom gag is {len(text)} characters; keep it under "
                    f"{MAX_TEXT} (one visible action reads best)"
                )
            new = replace(new, custom_gag=text or None)
        entries = (*self.entries[:i], new, *self.entries[i + 1 :])
        return replace(self, entries=entries)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the theme, its style and each entry."""
        style = self.library.style
        return {
            "theme": self.library.theme,
            "title": self.library.title,
            "style": {
                "name": style.name,
                "look": style.look,
                "palette": list(style.palette),
                "setting": style.setting,
                "protagonist": style.protagonist,
                "lighting": style.lighting,
                "sound": style.sound,
            },
            "entries": [e.to_dict() for e in self.entries],
        }


# Scores this close are one fit: which of them plays a concept is the project-seeded order's
# choice (one KIND bonus: a gag written for the kind is no better a picture for it).
NEAR_EQUAL = 4.0


def _weight(score: float) -> int:
    """A score in exact half points for the assignment; a fit (at least WEAK_BELOW) rounded
    to NEAR_EQUAL, so near-equal fits weigh the same and the seeded order picks among them.
    A weak claim (a stray keyword) weighs less than a fallback, a gag written for any concept
    of the kind: `plan` (money "moves") was a parcel readdressed, a claim a viewer reads."""
    if score >= WEAK_BELOW:
        return round(score / NEAR_EQUAL) * round(2 * NEAR_EQUAL)
    if score > KIND_FALLBACK:
        return 1
    return round(score * 2)


def _seeded(seed: str, metaphor_id: str) -> int:
    """A tie-break order of metaphors that differs per project and never per run."""
    digest = hashlib.blake2b(f"{seed}\0{metaphor_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _by_weight(ranked: Iterable[tuple[Metaphor, float]], seed: str) -> list[tuple[Metaphor, float]]:
    """A concept's metaphors as the assignment sees them: near-equal fits as equal
    (_weight), in the project's seeded order (_seeded); the one order for cast() and
    mid_film, so a gag moved off a mid-film ending is the one cast() would have picked."""
    return sorted(ranked, key=lambda t: (-_weight(t[1]), _seeded(seed, t[0].id)))


def cast(
    profile: RepoProfile | str | Path, library: MetaphorLibrary | str = "kitchen", *, top: int = 8
) -> Casting:
    """Rank candidate metaphors for the top concepts and pick one each, deterministically.

    The picks are the assignment in which no metaphor plays two concepts and the sum of the
    squared scores is highest, fits rounded to NEAR_EQUAL (_weight; ties: each concept's
    candidates in an order seeded by the project's name). Squared, so a strong match is not
    split into two middling ones (ScreenRecorder keeps the camera gag rather than yielding it to the
    docstring theme "screen"), while a concept with a second good match still yields the
    first to one that has none (InvalidURL, a ValueError, leaves the HTTP gag to HTTPError).
    A metaphor is reused only when some concept has no unused candidate left. Concepts no
    metaphor fits are passed over (pick_concepts' fits) or flagged weak.
    """
    if isinstance(profile, (str, Path)):  # a path, as plan() takes one
        from ..analysis.profile import analyze

        profile = analyze(str(profile))
    elif not isinstance(profile, RepoProfile):
        raise TypeError(
            f"cast() takes a path or a RepoProfile (from analyze), not {type(profile).__name__}"
        )
    lib = library if isinstance(library, MetaphorLibrary) else MetaphorLibrary.load(library)
    if not lib.metaphors:
        raise DataFileError(lib.source or lib.theme, "the theme has no metaphors", field="metaphor")
    ignore = project_words(profile.name, profile.title)
    seed = profile.name
    memo: dict[int, tuple[tuple[Metaphor, float], ...]] = {}

    def ranked_for(c: Concept) -> tuple[tuple[Metaphor, float], ...]:
        if id(c) not in memo:
            got = rank_metaphors(c, lib.playable, ignore)
            memo[id(c)] = tuple(sorted(got, key=lambda t: (-t[1], _seeded(seed, t[0].id))))
        return memo[id(c)]

    def fits(c: Concept) -> bool:
        best = ranked_for(c)
        return bool(best) and best[0][1] >= WEAK_BELOW

    groups = pick_groups(profile, top, fits=fits)
    concepts = [g[0] for g in groups]
    ranked = [ranked_for(c) or ((lib.metaphors[0], 0.0),) for c in concepts]
    # the assignment sees near-equal fits as equal, in the project's seeded order
    by_weight = [_by_weight(r, seed) for r in ranked]
    picks = _vary(by_weight, _assign(by_weight), lambda m: _seeded(seed, m.id))
    chosen = [by_weight[i][picks[i]] for i in range(len(concepts))]
    entries = tuple(
        CastEntry(
            concept=c,
            metaphor=chosen[i][0],
            score=chosen[i][1],
            alternatives=tuple((m.id, s) for m, s in ranked[i][:MAX_ALTERNATIVES]),
            weak=chosen[i][1] < WEAK_BELOW,
            siblings=groups[i][1:],
        )
        for i, c in enumerate(concepts)
    )
    return Casting(profile=profile, library=lib, entries=entries)


def mid_film(casting: Casting, last: CastEntry | None) -> Casting:
    """The casting with no ending gag (Metaphor.ends) on a concept that plays before the
    film's last shot: each such concept takes its best-ranked gag that no other concept
    plays and that ends nothing, as cast() ranks them (the project's seeded order among
    near-equal fits). ``last``: the entry of the last shot when it is shown there alone (a
    star first seen in the ending may keep its getaway); a custom gag is the user's words
    and stays. The casting itself when nothing moves."""
    seed, lib = casting.profile.name, casting.library
    ignore = project_words(seed, casting.profile.title)
    used = {e.metaphor.id for e in casting.entries}
    entries = list(casting.entries)
    for i, e in enumerate(entries):
        if e is last or not e.metaphor.ends or e.custom_gag:
            continue
        ranked = _by_weight(rank_metaphors(e.concept, lib.playable, ignore), seed)
        pick = next(((m, f) for m, f in ranked if not m.ends and m.id not in used), None)
        if pick is not None:
            used.add(pick[0].id)
            entries[i] = replace(e, metaphor=pick[0], score=pick[1], weak=pick[1] < WEAK_BELOW)
    same = all(a is b for a, b in zip(entries, casting.entries, strict=True))
    return casting if same else replace(casting, entries=tuple(entries))


# Two gags whose roles overlap this much (Jaccard of their stemmed roles) show one action: the
# kitchen's pigeon, speaking tube, pneumatic tube and telegram boy all carry a note there and
# back, and requests' film had five of them.
SAME_MOTIF = 1 / 3
# A concept moves to a gag of another motif only when it keeps this share of its fit: a film
# of command-line definitions is allowed its command gags rather than given off-role ones.
# At a half, commander's Command.command (19: its name) went to a key mould (12: one word of
# its docstring), the seeded choice among everything above the half; at two thirds such a
# move is refused, a move among near-equal fits still happens, and across the eval's 54
# films every cast that changed scores as well or better (requests "send a note" stays thin).
KEEP_FIT = 2 / 3
MOTIF_SHOTS = 2  # gags of one motif a film may show (a third one moves where it can)


@functools.lru_cache(maxsize=4096)
def _motif(metaphor: Metaphor) -> frozenset[str]:
    return frozenset(stem(w) for w in (*metaphor.roles, *metaphor.matches.words))


def same_motif(a: Metaphor, b: Metaphor) -> bool:
    """Whether two gags show one action (SAME_MOTIF): a film of them says one thing twice."""
    ra, rb = _motif(a), _motif(b)
    union = ra | rb
    return a.id == b.id or (bool(union) and len(ra & rb) / len(union) >= SAME_MOTIF)


def _vary(
    ranked: Sequence[Sequence[tuple[Metaphor, float]]],
    picks: list[int],
    order: Callable[[Metaphor], int] = lambda m: 0,
) -> list[int]:
    """The assignment with at most MOTIF_SHOTS gags of one motif (same_motif) where concepts
    have other fits: of the concepts crowding a motif, the one whose best fit of a motif with
    room (at least WEAK_BELOW and KEEP_FIT of its present score), unused, costs the least
    weight moves to it; a crowd no such fit thins is kept.
    The domain's nouns are in every gag written for it ("request" in eight HTTP gags), so
    the assignment alone gives each concept of an HTTP client a note sent somewhere; what
    tells them apart is the rest of what each does (a Session persists, a Response answers).
    Only a crowd moves, not a pair: each move goes to one of the few gags of another motif
    that fit, the same few for every project of a trade, so moving every pair made two HTTP
    clients' films more alike."""
    picks = list(picks)
    kept: set[int] = set()
    for _ in range(4 * len(picks)):  # each move thins a crowd; bounded all the same
        gag = [ranked[i][picks[i]][0] for i in range(len(picks))]

        def crowd(m: Metaphor, skip: int, gag: list[Metaphor] = gag) -> list[int]:
            return [n for n, g in enumerate(gag) if n != skip and same_motif(m, g)]

        over = next(
            (
                i
                for i in range(len(picks))
                if i not in kept and len(crowd(gag[i], i)) >= MOTIF_SHOTS
            ),
            None,
        )
        if over is None:
            break
        moves = []
        for k in (over, *crowd(gag[over], over)):
            score_now = ranked[k][picks[k]][1]
            now = _weight(score_now)
            room = [
                (order(m), r)
                for r, (m, s) in enumerate(ranked[k])
                if s >= max(WEAK_BELOW, KEEP_FIT * score_now)
                and len(crowd(m, k)) < MOTIF_SHOTS
                and not same_motif(m, gag[over])
                and not any(m.id == g.id for n, g in enumerate(gag) if n != k)
            ]
            if room:  # which fit with room: the project's seeded choice, as for ties
                r = min(room)[1]
                moves.append((now - _weight(ranked[k][r][1]), r, k))
        if not moves:
            kept.add(over)
            continue
        _, r, k = min(moves)
        picks[k] = r
    return picks


def _assign(ranked: Sequence[Sequence[tuple[Metaphor, float]]]) -> list[int]:
    """For each concept, the index into its ranked candidates it gets (see cast()).

    A max-weight assignment (weight: _weight(score) squared; the Hungarian method, in exact
    integers) over concepts x distinct candidates, plus one private "reuse" column per
    concept that costs more than any real pick, so it is taken only when no unused
    candidate is left; such a concept then gets its best candidate, shared.
    """
    n = len(ranked)
    if n == 0:
        return []
    columns: dict[str, int] = {}
    for options in ranked:
        for m, _ in options:
            columns.setdefault(m.id, len(columns))
    width = max(len(o) for o in ranked)
    scale = n * width + 1  # any difference in weight outweighs every rank tie-break
    forbidden = 1 << 62
    m_real = len(columns)
    cost = [[forbidden] * (m_real + n) for _ in range(n)]
    for i, options in enumerate(ranked):
        for place, (m, s) in enumerate(options):
            w = _weight(s)
            cost[i][columns[m.id]] = -(w**2) * scale + place  # exact integers
        cost[i][m_real + i] = 0  # reuse: worse than any real pick (those are all negative)
    col_of_row = hungarian(cost)
    out = []
    for i, options in enumerate(ranked):
        j = col_of_row[i]
        out.append(next((r for r, (m, _) in enumerate(options) if columns[m.id] == j), 0))
    return out
