"""Hand-built castings for the story, prompt and plan tests (no analysis, no theme file).

Shaped like DESIGN.md's example: ImportError caught 3 times, cast as kitchen.milk-wont-pour.
"""

from __future__ import annotations

from typing import Any

from sorafilm_nb.analysis.profile import Concept, RepoProfile
from sorafilm_nb.story.boards import Beat, Shot, Storyboard, StoryTemplate
from sorafilm_nb.story.casting import (
    CastEntry,
    Casting,
    MatchRule,
    Metaphor,
    MetaphorLibrary,
    Style,
)

STYLE = Style(
    name="1920s silent-film comedy",
    look="18 fps hand-cranked look, warm sepia, soft vignette, film grain",
    palette=("sepia", "cream", "charcoal", "a touch of faded red"),
    setting="a cramped 1920s kitchen at breakfast",
    protagonist="a programmer in braces and a bowler hat",
    lighting="morning window light from the left, gentle falloff",
    sound="intertitles only",
)

MILK = Metaphor(
    id="kitchen.milk-wont-pour",
    matches=MatchRule(
        kinds=("exception",),
        names=("ImportError", "ModuleNotFoundError"),
        words=("import", "module"),
    ),
    gag="a milk carton that will not pour, however hard it is shaken",
    props=("milk carton", "empty glass", "breakfast table"),
    beat="error cascade",
    seconds=8,
    tone="slapstick",
)

_OTHER = [
    (
        "kitchen.toaster-launch",
        "class",
        "Recorder",
        "a toaster that launches the toast across the room",
        ("toaster", "toast", "plate"),
        "tools",
        8,
        "slapstick",
    ),
    (
        "kitchen.kettle-whistle",
        "function",
        "load",
        "a kettle that whistles a tune before it boils",
        ("kettle", "stove"),
        "tools",
        4,
        "playful",
    ),
    (
        "kitchen.egg-juggle",
        "exception",
        "ValueError",
        "eggs juggled one too many, one lands on the hat",
        ("eggs", "bowl"),
        "error cascade",
        8,
        "slapstick",
    ),
    (
        "kitchen.jam-jar",
        "exception",
        "KeyError",
        "a jam jar lid that will not open",
        ("jam jar", "spoon"),
        "error cascade",
        4,
        "slapstick",
    ),
    (
        "kitchen.pancake-flip",
        "class",
        "Pipeline",
        "a pancake flipped so high it sticks to the ceiling, then drops",
        ("frying pan", "pancake"),
        "centerpiece",
        12,
        "slapstick",
    ),
    (
        "kitchen.set-table",
        "theme",
        "record",
        "the table set perfectly at last",
        ("plates", "cups", "flowers"),
        "victory",
        8,
        "triumphant",
    ),
    (
        "kitchen.spice-rack",
        "module",
        "recorder.utils",
        "a spice rack where every jar is labelled salt",
        ("spice rack", "jars"),
        "tools",
        4,
        "playful",
    ),
    (
        "kitchen.sink-flood",
        "exception",
        "TimeoutError",
        "a sink that fills faster than it drains",
        ("sink", "bucket"),
        "error cascade",
        8,
        "slapstick",
    ),
    (
        "kitchen.bread-knife",
        "function",
        "slice",
        "a bread knife that cuts the loaf into perfect cubes",
        ("bread knife", "loaf"),
        "tools",
        4,
        "playful",
    ),
]


def concept(name: str, kind: str, score: float, **kw: object) -> Concept:
    return Concept(
        name=name,
        kind=kind,
        file=kw.pop("file", "recorder/loader.py"),  # type: ignore[arg-type]
        line=12,
        summary=f"{name} ({kind})",
        score=score,
        **kw,
    )  # type: ignore[arg-type]


# the three packaged themes, for tests that hold a casting rule in each
THEMES = ("kitchen", "space", "heist")


def fit_concept(name: str, kind: str = "function", summary: str = "") -> Concept:
    """A Python concept with only a name, kind and docstring: what casting-fit tests vary."""
    return Concept(name=name, kind=kind, file="pkg/mod.py", line=1, summary=summary, score=1.0)


def gag_roles(m: Metaphor) -> set[str]:
    """The stemmed words a gag plays: its roles and its match words."""
    from sorafilm_nb.story.casting import stem

    return {stem(w) for w in (*m.roles, *m.matches.words)}


def bare_concept(name: str, kind: str, **kw: Any) -> Concept:
    """A concept with nothing but what a caption test gives it (JavaScript unless told)."""
    kw.setdefault("file", "lib/x.js")
    kw.setdefault("summary", "")
    kw.setdefault("language", "js")
    return Concept(name=name, kind=kind, line=1, score=1.0, **kw)


def make_casting(n: int = 10, *, title: str = "recorder") -> Casting:
    """A casting of n entries (1..10), best first; entry 0 is the ImportError milk gag."""
    entries = [
        CastEntry(
            concept(
                "ImportError", "exception", 10.0, raised=0, caught=3, words=("import", "module")
            ),
            MILK,
            0.9,
            alternatives=(("kitchen.milk-wont-pour", 0.9),),
        )
    ]
    metaphors = [MILK]
    for i, (mid, kind, name, gag, props, beat, secs, tone) in enumerate(_OTHER):
        m = Metaphor(mid, MatchRule(kinds=(kind,)), gag, props, beat, secs, tone)
        metaphors.append(m)
        entries.append(CastEntry(concept(name, kind, 9.0 - i), m, 0.8 - i / 100))
    profile = RepoProfile(
        root="/tmp/recorder",
        name="recorder",
        title=title,
        description="Records things.",
        concepts=tuple(e.concept for e in entries),
        files_scanned=7,
    )
    library = MetaphorLibrary("kitchen", "Kitchen slapstick", STYLE, tuple(metaphors))
    return Casting(profile, library, tuple(entries[:n]))


def with_handler(casting: Casting, at: int = -1) -> tuple[Casting, str]:
    """The casting with one ordinary concept turned into an error handler (scoring.rescues):
    the rescue of a film, and its name."""
    import dataclasses

    entries = list(casting.entries)
    e = entries[at]
    handler = dataclasses.replace(e.concept, name="on_error", summary="Default error handler.")
    entries[at] = dataclasses.replace(e, concept=handler)
    return dataclasses.replace(casting, entries=tuple(entries)), handler.name


def uncast_storyboard(
    seconds: list[int],
    *,
    model: str = "sora-2",
    size: str = "1280x720",
    library: MetaphorLibrary | None = None,
) -> Storyboard:
    """A one-beat storyboard of uncast shots of the given lengths (pricing and lint tests)."""
    profile = RepoProfile(
        root="/r", name="r", title="r", description="", concepts=(), files_scanned=0
    )
    template = StoryTemplate(
        id="t",
        title="t",
        target_seconds=sum(seconds),
        beats=(Beat(name="all", purpose="everything", share=1.0),),
    )
    shots = tuple(
        Shot(index=i, beat="all", seconds=s, model=model, size=size, cast=None, title=f"shot {i}")
        for i, s in enumerate(seconds)
    )
    library = library or MetaphorLibrary("kitchen", "Kitchen", STYLE, ())
    return Storyboard(
        template=template,
        casting=Casting(profile, library, ()),
        shots=shots,
        target_seconds=sum(seconds),
        model=model,
        size=size,
    )
