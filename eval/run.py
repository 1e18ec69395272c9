"""`make eval`: film every golden package and score the films against issue 12's targets.

For each package of eval/golden.toml: fetch it (cached in .eval/, see fetch.py), then
``sf.analyze -> sf.cast -> sf.plan`` on the default theme and the silent-90 template, exactly
what a new user gets; score the plan (eval_metrics.py) and print a table per package, the
filmed concepts with what is wrong with each, and a summary of the targets with PASS/FAIL.
It also writes out/eval/gallery.html (every film's storyboard, captions and prompts, for a
person to judge), out/eval/results.json and one plan JSON per package.

Only the public API is used (``sorafilm_nb.analyze/cast/plan``), and the plan is read with
getattr and defaults: the casting and story are being reworked (issue 12) and this eval must
keep measuring them while they change shape. Nothing here talks to a video API or spends.

    python eval/run.py [--strict] [--only flask zod] [--theme kitchen] [--one-theme]
                        [--out out/eval]

Every other packaged theme (space, heist) is cast too, unless --one-theme: each theme's targets
(precision, fallback casts, gag overlap: the casting's) are printed after the main table and
count for --strict; its plans are written as <package>.<theme>.plan.json.

Exit status: 0, or 1 with --strict when a target fails, or 2 when a package cannot be fetched.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import eval_metrics as em  # noqa: E402  (a sibling module, not a package)
import fetch  # noqa: E402

DEFAULT_OUT = HERE.parent / "out" / "eval"
TEMPLATE = "silent-90"


# ----------------------------------------------------------------------------- reading a plan


def _first_attr(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of these attributes that obj has and is not None."""
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return value
    return default


def _fallback_flag(cast: Any) -> bool | None:
    """The casting's own "weak fit"/fallback mark when it has one (the coming API), else None."""
    for name in ("fallback", "is_fallback", "weak", "weak_fit"):
        value = getattr(cast, name, None)
        if isinstance(value, bool):
            return value
    return None


def _caption(shot: Any, prompt: Any) -> str:
    """The shot's caption: the coming local caption/gloss if the shot has one, else the
    on-screen text its prompt asks of the video model (today's intertitle)."""
    text = _first_attr(shot, "caption", "gloss", "lower_third", default="")
    if isinstance(text, str) and text:
        return text
    section = getattr(prompt, "section", None)
    if callable(section):
        for name in ("caption", "intertitle"):
            value = section(name)
            if value:
                return str(value)
    return ""


def shot_record(index: int, shot: Any, prompt: Any) -> em.ShotRecord:
    """One storyboard shot (and its prompt) as plain data."""
    cast = getattr(shot, "cast", None)
    concept = getattr(cast, "concept", None)
    metaphor = getattr(cast, "metaphor", None)
    custom = getattr(cast, "custom_gag", None)
    gag_id = getattr(metaphor, "id", None)
    if custom:
        gag_id = "custom:" + hashlib.sha1(str(custom).encode()).hexdigest()[:8]
    gag = _first_attr(cast, "gag", default="") or _first_attr(metaphor, "gag", default="")
    score = getattr(cast, "score", None)
    return em.ShotRecord(
        index=int(_first_attr(shot, "index", default=index)),
        beat=str(_first_attr(shot, "beat", default="")),
        seconds=int(_first_attr(shot, "seconds", default=0)),
        title=str(_first_attr(shot, "title", default="")),
        concept=getattr(concept, "name", None),
        kind=getattr(concept, "kind", None),
        file=str(getattr(concept, "file", "") or ""),
        bases=tuple(getattr(concept, "bases", ()) or ()),
        summary=str(getattr(concept, "summary", "") or ""),
        gag_id=gag_id,
        gag=str(gag or ""),
        score=float(score) if isinstance(score, (int, float)) else None,
        fallback=cast is not None
        and em.fallback_level(
            float(score) if isinstance(score, (int, float)) else None,
            generic=bool(getattr(metaphor, "is_fallback", False)),
            flagged=_fallback_flag(cast),
        ),
        caption=_caption(shot, prompt),
        prompt=str(_first_attr(prompt, "text", default="")),
        also=tuple(str(getattr(c, "name", "")) for c in getattr(cast, "siblings", ()) or ()),
        props=tuple(str(p) for p in getattr(metaphor, "props", ()) or ()),
        actions=tuple(_actions(prompt)) if prompt is not None else (),
        cause=_cause_of(prompt) if prompt is not None else "",
    )


def film_title(plan: Any, profile: Any) -> str:
    """What the title card says: the plan's or storyboard's own title once they have one, else
    the profile's title, which is what today's title card shows."""
    board = getattr(plan, "storyboard", None)
    for obj in (plan, board):
        value = getattr(obj, "title", None)
        if isinstance(value, str) and value:
            return value
    try:
        return str(plan.to_dict()["repo"]["title"])
    except (AttributeError, KeyError, TypeError):
        return str(getattr(profile, "title", "") or getattr(profile, "name", ""))


def film_record(package: str, plan: Any, profile: Any) -> em.FilmRecord:
    """A plan as a FilmRecord."""
    board = getattr(plan, "storyboard", None)
    shots = tuple(getattr(board, "shots", ()) or ())
    prompts = tuple(getattr(plan, "prompts", ()) or ())
    records = tuple(
        shot_record(i, s, prompts[i] if i < len(prompts) else None) for i, s in enumerate(shots)
    )
    return em.FilmRecord(package=package, title=film_title(plan, profile), shots=records)


# ----------------------------------------------------------------------------- the story check

# A prompt says why its shot happens in the clause before its hero ("Back at the message
# canister, an astronaut-programmer ..."): the prompt's "cause" section.
_OPENING = re.compile(r"[A-Za-z']+")
# "<hero> faces <gag>": the hero fights whatever the gag names (issue 12, item 5). Not a
# thing turned to face something: kitchen.cake-under-glass "turns the stand so it faces the
# window" failed flask's film once its cast was seeded by its own name (no longer its folder's)
_FACES = re.compile(r"(?<!\bit )\bfaces\s+(?:a|an|the)\s", re.I)
_CODE_LIKE = re.compile(r"[A-Z._]")  # inside a name: CamelCase, dotted, snake_case
_CODE_KINDS_OUT = ("exception", "theme")


class StoryCheck(NamedTuple):
    """Does the film tell one arc about the project? Plain figures, read off the plan.

    ending_rank: the last shot's concept among the cast's code concepts (exceptions and
    docstring themes left out, a family of siblings counted once), in the cast's rank
    order, 0-based; -1 when the last shot shows no concept. readme: the README-example
    concepts in shot order (errors left out: their place is the trouble; the last shot left
    out only when it repeats an earlier concept, a reprise), with the README position of
    each; inversions: pairs of them shown against the README's order. bare_beats: beats with
    no concept shot. causal: prompts that say why their shot happens (a cause clause);
    linked: causes that name what an earlier shot showed, its main prop (a cause that
    names none, "Because the kettle did the trick", is formulaic: it links nothing); coded:
    causes that name a concept in code words ("Handed the ZodString that string()
    returns": the video model cannot draw them, the captions name the code);
    same_opening: the share of the film's causes that open with its most common two words
    (every cause of the old films opened "Because the"; 0 for a film with one cause: one
    is no formula).
    reprise_repeats: the last shot repeats an earlier shot of its concept (the same
    caption, scene sentence or any action line) instead of paying it off.
    faces: prompts with "<hero> faces <gag>"; text: prompts that ask the video model for
    words on screen. (A NamedTuple, not a dataclass: the tests load this file without
    registering it as a module, which a dataclass needs.)
    """

    package: str
    ending: str
    ending_rank: int
    readme: tuple[tuple[str, int], ...]
    inversions: int
    bare_beats: tuple[str, ...]
    causal: int
    prompts: int
    faces: int
    text: int
    linked: int = 0
    coded: int = 0
    same_opening: float = 0.0
    reprise_repeats: bool = False

    def passes(self) -> dict[str, bool]:
        return {
            "ending in top 3": 0 <= self.ending_rank < 3,
            "README order": self.inversions == 0,
            "every beat a concept": not self.bare_beats,
            "causes show earlier props": self.causal > 0
            and self.linked == self.causal
            and self.coded == 0,
            "causes varied": self.same_opening <= 0.5,
            "reprise pays off": not self.reprise_repeats,
            "no faces, no text": self.faces == 0 and self.text == 0,
        }


def _names_of(entry: Any) -> tuple[str, ...]:
    concept = getattr(entry, "concept", None)
    siblings = getattr(entry, "siblings", ()) or ()
    return (str(getattr(concept, "name", "")), *(str(getattr(c, "name", "")) for c in siblings))


def story_check(
    package: str, plan: Any, casting: Any, film: em.FilmRecord | None = None
) -> StoryCheck:
    """The story figures of one film (see StoryCheck); reads the plan with getattr, and each
    prompt's cause from ``film`` (film_record's, which read them; made here when not given)."""
    from sorafilm_nb.story.causes import main_prop
    from sorafilm_nb.story.prompts import asks_for_text

    board = getattr(plan, "storyboard", None)
    shots = tuple(getattr(board, "shots", ()) or ())
    prompts = tuple(getattr(plan, "prompts", ()) or ())
    code = [
        e
        for e in getattr(casting, "entries", ()) or ()
        if getattr(getattr(e, "concept", None), "kind", "") not in _CODE_KINDS_OUT
    ]
    last = getattr(shots[-1], "cast", None) if shots else None
    ending, rank = "", -1
    if last is not None:
        ending = _names_of(last)[0]
        rank = next((i for i, e in enumerate(code) if ending in _names_of(e)), len(code))
    readme: list[tuple[str, int]] = []
    seen: list[int] = []
    for i, shot in enumerate(shots):
        cast = getattr(shot, "cast", None)
        concept = getattr(cast, "concept", None)
        if concept is None:
            continue
        reprise = i == len(shots) - 1 and id(cast) in seen
        seen.append(id(cast))
        order = getattr(concept, "readme_order", -1)
        if concept.kind != "exception" and not reprise and isinstance(order, int) and order >= 0:
            readme.append((concept.name, order))
    inversions = sum(1 for a, (_, x) in enumerate(readme) for _, y in readme[a + 1 :] if x > y)
    beats: dict[str, bool] = {}
    for shot in shots:
        name = str(getattr(shot, "beat", ""))
        beats[name] = beats.get(name, False) or getattr(shot, "cast", None) is not None
    texts = [str(getattr(p, "text", "")) for p in prompts]
    causes = [r.cause for r in (film or film_record(package, plan, None)).shots]
    things = {main_prop(s) for s in shots} - {""}
    # what an earlier shot showed, or an error's own "Raised when ..." event in its words
    linked = sum(
        bool(c)
        and (
            any(t in c.lower() for t in things)
            or _event(c, getattr(getattr(getattr(s, "cast", None), "concept", None), "summary", ""))
        )
        for c, s in zip(causes, shots, strict=False)
    )
    causes = [c for c in causes if c]
    names = {n for s in shots if getattr(s, "cast", None) for n in _names_of(s.cast) if n}
    names |= {n.rsplit(".", 1)[0] for n in names if "." in n}  # "the same app" of app.get
    # code words: a name that is code-like (CamelCase, dotted, snake_case) or called ("x()");
    # a plain word ("string", "get") cannot be told from English and is not counted
    code = [rf"(?<![\w.]){re.escape(n)}(?![\w])" for n in names if _CODE_LIKE.search(n[1:])]
    code += [rf"(?<![\w.]){re.escape(n)}\(\)" for n in names]
    openings = Counter(" ".join(_OPENING.findall(c)[:2]).lower() for c in causes)
    return StoryCheck(
        package=package,
        ending=ending,
        ending_rank=rank,
        readme=tuple(readme),
        inversions=inversions,
        bare_beats=tuple(b for b, named in beats.items() if not named),
        causal=len(causes),
        prompts=len(texts),
        faces=sum(bool(_FACES.search(t)) for t in texts),
        text=sum(asks_for_text(t) for t in texts),
        linked=linked,
        coded=sum(any(re.search(x, c) for x in code) for c in causes),
        # one cause is no formula: "Now URL has done its part", said of a big number that
        # rescued nothing, was httpx's second cause (story/causes.py no longer says it)
        same_opening=max(openings.values()) / len(causes) if len(causes) > 1 else 0.0,
        reprise_repeats=_reprise_repeats(shots, prompts),
    )


def scene_faults(plan: Any) -> tuple[str, ...]:
    """What does not hold together in one film's scenes, one line each: an ending gag
    (Metaphor.ends: the getaway van, the perfect breakfast at last) on a shot before the
    last, and a prompt that says an hour its theme's look, Setting and Lighting lines do
    not keep (wording.off_hours: "pulls away at dawn" under "Lighting: moonlight"). A new
    user's dayjs and uuid films had both; reads the plan with getattr."""
    from sorafilm_nb.story.wording import off_hours

    board = getattr(plan, "storyboard", None)
    shots = tuple(getattr(board, "shots", ()) or ())
    style = getattr(getattr(getattr(board, "casting", None), "library", None), "style", None)
    where = str(getattr(style, "where", ""))  # Style.where: the words every shot is seen in
    out = []
    for shot in shots[:-1]:
        metaphor = getattr(getattr(shot, "cast", None), "metaphor", None)
        if getattr(metaphor, "ends", False):
            out.append(f"shot {shot.index + 1}: the ending gag {metaphor.id} before the last")
    for i, prompt in enumerate(getattr(plan, "prompts", ()) or ()):
        why = off_hours(where, str(getattr(prompt, "text", "")))
        if why:
            out.append(f"shot {i + 1}: {why}")
    return tuple(out)


def print_scenes(scenes: list[tuple[str, tuple[str, ...]]]) -> None:
    """The films whose scenes do not hold together (scene_faults), and how many do."""
    for name, faults in scenes:
        for fault in faults:
            print(f"scenes of {name}: {fault}")
    ok = sum(not f for _, f in scenes)
    print(f"{'scenes hold together':<26}{'PASS' if ok == len(scenes) else 'FAIL':<8}", end="")
    print(f"{ok}/{len(scenes)} films (no ending gag before the last shot, the theme's hour)")


@functools.cache
def _event_openings() -> tuple[str, ...]:
    """The openings a cause says an error's own event with ("When", "Just as", "The
    moment"): story.toml's raised_when link, the one home of that wording. Read once a run:
    every cause of every film asks."""
    from sorafilm_nb.story.wording import story_wordings

    lines = story_wordings()["default"].links["raised_when"]
    return tuple(line.split("{when}")[0].strip() for line in lines if "{when}" in line)


def _event(cause: str, summary: str) -> bool:
    """Whether a cause is its error's own event ("When a pot cracks in the kiln," or "Just
    as a pot cracks in the kiln," of "Raised when a pot cracks in the kiln because ..."):
    only raised_when's openings are taken off, and the rest matches whole words ("Thanks to
    the timeout," is no event of "Raised when the timeouts expire")."""
    said = " ".join(cause.rstrip(",").split())
    opening = next((o for o in _event_openings() if said.lower().startswith(o.lower() + " ")), None)
    event = said[len(opening) + 1 :] if opening else ""
    if len(event.split()) < 2:
        return False
    spaced = r"\s+".join(map(re.escape, event.split()))
    return bool(re.search(rf"(?<!\w){spaced}(?!\w)", str(summary), re.I))


def _cause_of(prompt: Any) -> str:
    section = getattr(prompt, "section", None)
    return str(section("cause")) if callable(section) else ""


def _actions(prompt: Any) -> list[str]:
    section = getattr(prompt, "section", None)
    text = str(section("actions")) if callable(section) else ""
    return [re.sub(r"^- [\d.]+-[\d.]+ s: ", "", x) for x in text.splitlines()[1:]]


def _subject(prompt: Any) -> str:
    section = getattr(prompt, "section", None)
    return str(section("subject")) if callable(section) else ""


def _reprise_repeats(shots: tuple[Any, ...], prompts: tuple[Any, ...]) -> bool:
    """Whether the film's last shot shows a concept shown before with the same caption, the
    same scene sentence or any of the same action lines: the opening gag again, bigger (13
    of 18 films ended so, keeping its first line), not a payoff."""
    if len(shots) < 2 or getattr(shots[-1], "cast", None) is None:
        return False
    last = shots[-1]
    for i, shot in enumerate(shots[:-1]):
        if getattr(shot, "cast", None) is not last.cast:
            continue
        if getattr(shot, "caption", None) == getattr(last, "caption", None):
            return True
        if len(prompts) != len(shots):
            continue
        if set(_actions(prompts[i])) & set(_actions(prompts[-1])):
            return True
        if _subject(prompts[i]) and _subject(prompts[i]) == _subject(prompts[-1]):
            return True
    return False


def print_story(checks: list[StoryCheck]) -> None:
    """One row per film, then how many films pass each story rule."""
    head = (
        f"{'story':<13}{'ending (rank)':<34}{'README order':<14}{'bare beats':<12}{'causes':>8}"
        f"{'props':>7}{'code':>6}{'same start':>12}{'reprise':>9}"
    )
    print(head)
    print("-" * len(head))
    for c in checks:
        end = f"{c.ending or '-'} ({c.ending_rank + 1 if c.ending_rank >= 0 else '-'})"
        order = "ok" if not c.inversions else f"{c.inversions} inverted"
        order += f" /{len(c.readme)}"
        bare = ", ".join(c.bare_beats) or "-"
        print(
            f"{c.package:<13}{end[:33]:<34}{order:<14}{bare[:11]:<12}{c.causal:>4}/{c.prompts:<3}"
            f"{c.linked:>7}{c.coded:>6}{c.same_opening:>12.0%}"
            f"{'repeats' if c.reprise_repeats else 'ok':>9}"
        )
    print()
    rules = list(checks[0].passes()) if checks else []
    for rule in rules:
        ok = sum(c.passes()[rule] for c in checks)
        mark = "PASS" if ok == len(checks) else "FAIL"
        print(f"{rule:<26}{mark:<8}{ok}/{len(checks)} films")


def tier_fit(plan: Any) -> dict[str, int]:
    """How many of the film's prompts are over each token tier's cap (or their provider's
    prompt limit): the compressor must fit every one (story/compress_steps.py, LAST_RESORT)."""
    from sorafilm_nb.story.compress import render_prompts
    from sorafilm_nb.story.prompts import Tier

    board = getattr(plan, "storyboard", None)
    if board is None:
        return {}
    return {t.label: sum(not p.fits for p in render_prompts(board, t)) for t in Tier}


def print_tier_fit(rows: list[tuple[str, dict[str, int]]]) -> None:
    """Prompts over their tier's cap, per tier, summed over every film and theme."""
    films = len(rows)
    totals: dict[str, int] = {}
    for _, over in rows:
        for label, n in over.items():
            totals[label] = totals.get(label, 0) + n
    line = "  ".join(f"{label} {n}" for label, n in totals.items())
    print(f"tier fit: prompts over their cap in {films} films: {line or '-'}")


# ----------------------------------------------------------------------------- running


def make_film(root: Path, theme: str | None, scan_cache: Path) -> tuple[Any, Any, Any]:
    """analyze -> cast -> plan through the public API, as a new user would."""
    import sorafilm_nb as sf

    try:
        profile = sf.analyze(root, cache_dir=scan_cache)
    except TypeError:  # a future analyze() without cache_dir
        profile = sf.analyze(root)
    return (profile, *film_in_theme(profile, theme))


def film_in_theme(profile: Any, theme: str | None) -> tuple[Any, Any]:
    """cast -> plan of one analysed package in one theme (None: the package default)."""
    import sorafilm_nb as sf

    casting = sf.cast(profile) if theme is None else sf.cast(profile, theme)
    return casting, sf.plan(casting, template=TEMPLATE)


def other_themes(filmed: str | None) -> list[str]:
    """The packaged themes besides the one the main table films: every theme must meet the
    casting targets too (gag overlap, fallback casts), not only the default one."""
    import sorafilm_nb as sf

    default = filmed or sf.MetaphorLibrary.load().theme
    return [t for t in sf.MetaphorLibrary.themes() if t != default]


def _pct(x: float) -> str:
    return f"{x:.0%}"


def print_package_table(
    scores: list[em.FilmScore], golden: dict[str, fetch.Package], films: dict[str, em.FilmRecord]
) -> None:
    head = (
        f"{'package':<13}{'prec':>6}{'core':>7}{'junk':>6}  {'title':<7}"
        f"{'exc':>6}{'fallbk':>8}{'fill':>6}{'restate':>9}  title seen"
    )
    print(head)
    print("-" * len(head))
    for s in scores:
        pkg = golden[s.package]
        title = s.title if len(s.title) <= 40 else s.title[:39] + "…"
        name = s.package + ("*" if pkg.extra.get("held_out") else "")
        print(
            f"{name:<13}{s.precision:>6.2f}{len(s.core_filmed):>4}/{len(pkg.core):<2}"
            f"{len(s.junk):>6}  {'ok' if s.title_ok else 'WRONG':<7}{_pct(s.exception_share):>6}"
            f"{_pct(s.fallback_share):>8}{s.fillers:>6}"
            f"{len(s.restating):>5}/{len(em.concept_shots(films[s.package])):<3}  {title!r}"
        )
    total = sum(len(s.restating) for s in scores)
    shots = sum(len(em.concept_shots(f)) for f in films.values())
    print(f"restating captions (restate: caption says only the name/kind/module): {total}/{shots}")
    if any(p.extra.get("held_out") for p in golden.values()):
        print("(* held out: never used to tune the ranking; see golden.toml)")


def print_details(scores: list[em.FilmScore], films: dict[str, em.FilmRecord], golden) -> None:
    """Each film's concepts, marked: + core, ! junk (why), . neither; fallback casts marked ~."""
    for s in scores:
        pkg = golden[s.package]
        junk = dict(s.junk)
        marks = []
        for shot in em.named_shots(films[s.package]):
            name = shot.concept or ""
            if em.matches_core(name, shot.kind, pkg.core):
                mark = "+"
            elif name in junk:
                mark = f"!({junk[name]})"
            else:
                mark = "."
            fb = "~" if shot.fallback else ""
            marks.append(f"{mark}{fb}{name}[{(shot.kind or '?')[:3]}]")
        print(f"  {s.package}: " + ", ".join(marks))
    print("  (+ core, ! junk, . neither; ~ fallback-level cast; [kind])")


# What a caption can be drawn from (sorafilm's Concept fields), in the order it is tried.
_SOURCES = ("summary", "readme_sentence", "made_by", "makes", "params", "bases")


def caption_sources(concept: Any) -> list[str]:
    """The fields of a concept a caption could be drawn from ([] when it has nothing)."""
    return [f for f in _SOURCES if getattr(concept, f, None)]


def print_restating(scores: list[em.FilmScore], profiles: dict[str, Any]) -> None:
    """Each restating caption, and what its concept had to say: "nothing" means the project
    has no text about it at all (no docstring, README sentence or telling signature), so
    the caption is not padded; the fix there is the concept, not the caption."""
    rows = [(s.package, caption, why) for s in scores for caption, why in s.restating]
    if not rows:
        return
    print("restating captions, and what the concept had to draw on:")
    for package, caption, why in rows:
        name = caption.partition(": ")[0].split(", ")[0]
        concepts = getattr(profiles.get(package), "concepts", ())
        concept = next((c for c in concepts if c.name == name), None)
        had = caption_sources(concept) if concept is not None else []
        print(f"  {package}: {caption!r} ({why}); had: {', '.join(had) or 'nothing'}")


def print_caption_variety(films: list[em.FilmRecord]) -> None:
    """Each film's captions that repeat an earlier one, or share their opening words with
    another (em.repeated_captions, em.shared_openings)."""
    rows = [
        (f.package, why, caption)
        for f in films
        for why, captions in (
            ("repeats", em.repeated_captions(f)),
            ("shares its opening", em.shared_openings(f)),
        )
        for caption in captions
    ]
    print(
        f"captions that read alike (repeat an earlier one, or share the first "
        f"{em.OPENING_WORDS} words): {len(rows)}"
    )
    for package, why, caption in rows:
        print(f"  {package}: {caption!r} ({why})")


def print_variety(variety: dict[str, list[em.TargetResult]]) -> None:
    """The caption and story variety targets in every theme (counted for --strict:
    failed_targets)."""
    print("caption and story variety:")
    print(f"{'theme':<10}{'target':<34}{'goal':<8}{'result':<8}value")
    for theme, rows in variety.items():
        for r in rows:
            verdict = "PASS" if r.passed else "FAIL"
            print(f"{theme:<10}{r.target:<34}{r.goal:<8}{verdict:<8}{r.value}")


def print_theme(theme: str, scores: list[em.FilmScore], summary: list[em.TargetResult]) -> None:
    """One theme's casting targets, and each film's precision and fallback share in it."""
    print(f"theme {theme}:")
    print_summary(summary)
    cells = [f"{s.package} {s.precision:.2f}/{_pct(s.fallback_share)}" for s in scores]
    print("  precision/fallback per film: " + ", ".join(cells))


def print_summary(rows: list[em.TargetResult]) -> None:
    head = f"{'target':<20}{'goal':<14}{'result':<8}value"
    print(head)
    print("-" * 72)
    for r in rows:
        print(f"{r.target:<20}{r.goal:<14}{'PASS' if r.passed else 'FAIL':<8}{r.value}")


def write_gallery(
    path: Path,
    films: list[em.FilmRecord],
    scores: dict[str, em.FilmScore],
    golden: dict[str, fetch.Package],
    summary: list[em.TargetResult],
    meta: dict[str, str],
) -> None:
    """One HTML page of every film, built by Jinja2 with autoescaping on: every string in it
    comes from a repository we do not control."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(HERE)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    page = env.get_template("gallery.html.j2").render(
        films=films,
        scores=scores,
        golden=golden,
        summary=summary,
        meta=meta,
        matches_core=em.matches_core,
        junk_reason=em.junk_reason,
        restating_reason=em.restating_reason,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 when any target fails")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these packages")
    parser.add_argument("--theme", default=None, help="a theme (default: the package default)")
    parser.add_argument(
        "--one-theme",
        action="store_true",
        help="cast only --theme (default: also every other packaged theme, for its targets)",
    )
    parser.add_argument("--cache", type=Path, default=fetch.DEFAULT_CACHE, help="download cache")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the gallery goes")
    args = parser.parse_args(argv)

    try:
        packages = fetch.load_golden()
        if args.only:
            unknown = set(args.only) - {p.name for p in packages}
            if unknown:
                raise fetch.FetchError(f"not in golden.toml: {', '.join(sorted(unknown))}")
            packages = [p for p in packages if p.name in args.only]
        roots = {p.name: fetch.ensure(p, args.cache) for p in packages}
    except fetch.FetchError as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2

    golden = {p.name: p for p in packages}
    films: list[em.FilmRecord] = []
    scores: list[em.FilmScore] = []
    profiles: dict[str, Any] = {}
    stories: list[StoryCheck] = []
    scenes: list[tuple[str, tuple[str, ...]]] = []
    fits: list[tuple[str, dict[str, int]]] = []
    args.out.mkdir(parents=True, exist_ok=True)
    themes = [] if args.one_theme else other_themes(args.theme)
    by_theme: dict[str, list[em.FilmRecord]] = {t: [] for t in themes}
    for pkg in packages:
        t0 = time.perf_counter()
        profile = None
        try:
            profile, casting, plan = make_film(roots[pkg.name], args.theme, args.cache / "scan")
            film = film_record(pkg.name, plan, profile)
            profiles[pkg.name] = profile
            stories.append(story_check(pkg.name, plan, casting, film))
            scenes.append((pkg.name, scene_faults(plan)))
            fits.append((pkg.name, tier_fit(plan)))
            (args.out / f"{pkg.name}.plan.json").write_text(plan.to_json(), encoding="utf-8")
        except Exception as exc:  # one broken film must not hide the other eleven
            film = _failed(pkg, exc)
        films.append(film)
        scores.append(
            em.score_film(film, pkg.core, pkg.title, aliases=pkg.title_aliases, junk=pkg.junk)
        )
        for theme in themes:
            try:
                if profile is None:
                    raise RuntimeError("the package could not be analysed")
                _casting, plan = film_in_theme(profile, theme)
                other = film_record(pkg.name, plan, profile)
                fits.append((f"{pkg.name} ({theme})", tier_fit(plan)))
                scenes.append((f"{pkg.name} ({theme})", scene_faults(plan)))
                (args.out / f"{pkg.name}.{theme}.plan.json").write_text(
                    plan.to_json(), encoding="utf-8"
                )
            except Exception as exc:
                other = _failed(pkg, exc, theme)
            by_theme[theme].append(other)
        print(f"  filmed {pkg.key} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    summary = em.summarize(scores, films)
    variety = {"default": em.caption_variety(films) + em.story_variety(films)}
    print()
    print_package_table(scores, golden, {f.package: f for f in films})
    print()
    print_restating(scores, profiles)
    print()
    print_caption_variety(films)
    print()
    print_details(scores, {f.package: f for f in films}, golden)
    print()
    print_summary(summary)
    theme_results: dict[str, Any] = {}
    for theme, theme_films in by_theme.items():
        theme_scores = [
            em.score_film(
                f,
                golden[f.package].core,
                golden[f.package].title,
                aliases=golden[f.package].title_aliases,
                junk=golden[f.package].junk,
            )
            for f in theme_films
        ]
        theme_summary = em.summarize(theme_scores, theme_films)
        variety[theme] = em.caption_variety(theme_films) + em.story_variety(theme_films)
        print()
        print_theme(theme, theme_scores, theme_summary)
        theme_results[theme] = {
            "summary": [vars(r) for r in theme_summary],
            "films": [
                {
                    "package": s.package,
                    "precision": s.precision,
                    "fallback_share": s.fallback_share,
                    "gag_ids": sorted(s.gag_ids),
                }
                for s in theme_scores
            ],
        }
        summary += [replace(r, target=f"{r.target} ({theme})") for r in theme_summary]
    print()
    print_story(stories)
    print_scenes(scenes)
    print()
    print_variety(variety)
    print()
    print_tier_fit(fits)

    import sorafilm_nb as sf

    meta = {
        "sorafilm": str(getattr(sf, "__version__", "?")),
        "template": TEMPLATE,
        "theme": args.theme or "default",
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    by_name = {s.package: s for s in scores}
    gallery = args.out / "gallery.html"
    write_gallery(gallery, films, by_name, golden, summary, meta)
    results = {
        "meta": meta,
        "summary": [vars(r) for r in summary],
        "themes": theme_results,
        "films": [
            {
                **{k: v for k, v in vars(s).items() if k != "gag_ids"},
                "gag_ids": sorted(s.gag_ids),
                "passes": s.passes(),
                "notes": list(f.notes),
            }
            for s, f in zip(scores, films, strict=True)
        ],
        "story": [{**c._asdict(), "passes": c.passes()} for c in stories],
        "caption_variety": {t: [vars(r) for r in rows] for t, rows in variety.items()},
        "tier_fit": {name: over for name, over in fits},
        "scenes": {name: list(faults) for name, faults in scenes},
    }
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"\ngallery: {gallery}")
    failed = failed_targets(summary, stories, fits, variety, scenes)
    if failed and args.strict:
        print(f"eval: {len(failed)} target(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def failed_targets(
    summary: list[em.TargetResult],
    stories: list[StoryCheck],
    fits: list[tuple[str, dict[str, int]]],
    variety: dict[str, list[em.TargetResult]],
    scenes: Sequence[tuple[str, Sequence[str]]] = (),
) -> list[str]:
    """Every target that fails, as --strict names it: the summary's (every theme's), each
    film's story rules, each film's tier fit, and caption variety in every theme (repeated
    captions, shared openings: counted since the captions tell apart what the project says
    the same of, story/gloss_apart.py), and each film (every theme) whose scenes do not
    hold together (scene_faults)."""
    failed = [r.target for r in summary if not r.passed]
    failed += [f"scenes of {name}" for name, faults in scenes if faults]
    failed += [f"story of {c.package}" for c in stories if not all(c.passes().values())]
    failed += [f"tier fit of {name}" for name, over in fits if any(over.values())]
    failed += [
        f"{r.target} ({theme})" for theme, rows in variety.items() for r in rows if not r.passed
    ]
    return failed


def _failed(pkg: fetch.Package, exc: Exception, theme: str | None = None) -> em.FilmRecord:
    """An empty film for a package whose pipeline failed, saying why (stderr and notes)."""
    detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
    where = f"{pkg.key} ({theme})" if theme else pkg.key
    print(f"eval: {where}: the pipeline failed: {detail}", file=sys.stderr)
    return em.FilmRecord(package=pkg.name, title="", notes=(f"pipeline failed: {detail}",))


if __name__ == "__main__":
    raise SystemExit(main())
