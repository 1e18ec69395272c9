"""Real objects for the notebook UI tests: a hand-built casting and a film folder whose mp4s
are real H.264 files rendered with the project's own animatic renderer."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sorafilm_nb.analysis.profile import Concept, RepoProfile
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.render import render_animatic, stitch
from sorafilm_nb.safeio import write_text
from sorafilm_nb.story.captions import Caption, to_webvtt
from sorafilm_nb.story.casting import (
    CastEntry,
    Casting,
    MatchRule,
    Metaphor,
    MetaphorLibrary,
    Style,
)
from sorafilm_nb.studio.folder import ShotResult
from sorafilm_nb.studio.manifest import manifest_dict, write_manifest

STYLE = Style(
    name="1920s silent-film comedy",
    look="warm sepia, film grain",
    palette=("sepia", "cream", "charcoal"),
    setting="a 1920s kitchen",
    protagonist="a programmer in a bowler hat",
    lighting="window light",
    sound="intertitles only",
)


def metaphor(mid: str, gag: str, kind: str = "exception") -> Metaphor:
    return Metaphor(
        id=mid,
        matches=MatchRule(kinds=(kind,)),
        gag=gag,
        props=("table",),
        beat="error cascade",
        seconds=8,
        tone="slapstick",
    )


MILK = metaphor("kitchen.milk-wont-pour", "a milk carton that will not pour")
EGGS = metaphor("kitchen.egg-juggle", "eggs juggled one too many")
JAM = metaphor("kitchen.jam-jar", "a jam jar lid that will not open")
TOAST = metaphor("kitchen.toaster-launch", "a toaster that launches the toast", "class")
LIBRARY = MetaphorLibrary(
    theme="kitchen", title="Kitchen slapstick", style=STYLE, metaphors=(MILK, EGGS, JAM, TOAST)
)


def concept(name: str, kind: str, score: float, file: str = "pkg/loader.py") -> Concept:
    return Concept(
        name=name,
        kind=kind,
        file=file,
        line=3,
        summary=f"{name} summary",
        score=score,
        raised=2 if kind == "exception" else 0,
    )


PROFILE = RepoProfile(
    root="/tmp/recorder",
    name="recorder",
    title="Recorder",
    description="records things",
    concepts=(
        concept("ImportError", "exception", 9.5),
        concept("Recorder", "class", 7.0),
        concept("KeyError", "exception", 4.25, "pkg/store.py"),
        concept("load", "function", 2.0, "pkg/api.py"),
    ),
    files_scanned=3,
)


def make_casting() -> Casting:
    c = PROFILE.concepts
    entries = (
        CastEntry(c[0], MILK, 0.9, alternatives=((MILK.id, 0.9), (EGGS.id, 0.5), (JAM.id, 0.3))),
        CastEntry(c[1], TOAST, 0.6, alternatives=((TOAST.id, 0.6),)),
        CastEntry(c[2], JAM, 0.7, alternatives=((JAM.id, 0.7), (EGGS.id, 0.4))),
    )
    return Casting(profile=PROFILE, library=LIBRARY, entries=entries)


def make_film(
    folder: Path,
    lengths: tuple[int, ...] = (4, 8),
    *,
    size: str = "1280x720",
    stitched: bool = True,
    captions: bool = False,
    lower_thirds: bool = False,
) -> Path:
    """A film folder as the studio leaves it: shot mp4s, film.mp4 and manifest.json (and
    film.vtt, a caption per shot, with ``captions``). The film is stitched plainly, so the
    manifest says its captions are not burned in unless ``lower_thirds`` claims they are."""
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    for i, seconds in enumerate(lengths):
        sid = f"shot-{i + 1:02d}"
        render_animatic(
            folder / f"{sid}.mp4",
            seconds=seconds,
            size=size,
            title=f"Shot {i + 1}",
            lines=[f"prompt line {i + 1}"],
            scale=0.25,
        )
        shots.append(
            ShotResult(
                shot_id=sid,
                index=i,
                status="completed",
                job_id=f"video_{i}",
                seconds=seconds,
                model="sora-2",
                size=size,
                prompt=f"Style: sepia.\nShot {i + 1}: the milk won't pour.",
                estimated=Cost(Decimal(10 * seconds)),
                billed=Cost(Decimal(10 * seconds)),
                file=f"{sid}.mp4",
                title=f"Shot {i + 1} title",
                beat="error cascade",
                duration_s=float(seconds),
            )
        )
    film = None
    if stitched:
        stitch([folder / s.file for s in shots], folder / "film.mp4")  # type: ignore[operator]
        film = "film.mp4"
    track = None
    if stitched and captions:
        starts = [float(sum(lengths[:i])) for i in range(len(lengths) + 1)]
        cues = [
            Caption(starts[i], starts[i + 1], f"Shot {i + 1}: a <gloss>", shot_id=s.shot_id)
            for i, s in enumerate(shots)
        ]
        write_text(folder / "film.vtt", to_webvtt(cues))
        track = "film.vtt"
    write_manifest(
        folder,
        manifest_dict(
            plan_id="plan-abc",
            plan={},
            shots=shots,
            backend="simulator",
            film=film,
            film_duration_s=float(sum(lengths)),
            captions=track,
            lower_thirds=lower_thirds,
        ),
    )
    return folder
