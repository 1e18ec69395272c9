"""The studio's captions: the story's glosses and cards become film.vtt beside film.mp4.

The story does not write ``Shot.caption`` / ``Shot.card`` yet, so these tests give the shots
those fields through a small subclass (what the story will add); the studio reads them with
getattr, so a storyboard without them still makes a film without a track.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from ffmpeg_calls import ffmpeg_calls
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from studio_child import make_plan

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import probe
from sorafilm_nb.studio.folder import Film
from sorafilm_nb.studio.runner import Studio

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once


def with_captions(plan, captions: list[tuple[str | None, str | None]]):
    shots = tuple(
        dataclasses.replace(s, caption=cap, card=card)  # the story writes these fields
        for s, (cap, card) in zip(plan.storyboard.shots, captions, strict=True)
    )
    board = dataclasses.replace(plan.storyboard, shots=shots)
    return dataclasses.replace(plan, storyboard=board)


@pytest.fixture
def studio(tmp_path: Path):
    with (
        Simulator(job_seconds=0.3, poll_after_ms=50, render_scale=0.2) as sim,
        Ledger(tmp_path / "ledger.sqlite3") as ledger,
    ):
        yield Studio(
            OpenAIBackend.for_simulator(sim), ledger, max_poll_interval=0.2, min_poll_interval=0.05
        )


CUE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)$")


def cues(vtt: str) -> list[tuple[float, float, str]]:
    """A small WebVTT reader: (start, end, text) per cue; the header must be WEBVTT."""
    lines = vtt.splitlines()
    assert lines[0] == "WEBVTT"
    out = []
    for i, line in enumerate(lines):
        m = CUE.match(line)
        if m:
            g = [int(x) for x in m.groups()]
            start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
            end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
            out.append((start, end, lines[i + 1]))
    return out


def test_a_simulated_film_writes_its_captions_as_webvtt(studio, tmp_path: Path) -> None:
    plan = with_captions(
        make_plan(3, seconds=4, tag="captions"),
        [
            ("ImportError: <the> import that fails", "Chapter one: the loader"),
            ("Plan: priced before any money moves", None),
            (None, None),
        ],
    )
    out = tmp_path / "film"
    film = studio.run(plan, out)
    assert film.ok, film.summary()
    duration = probe(out / "film.mp4").duration
    assert duration == pytest.approx(3.0 + 3 * 4.0, abs=0.1)  # the card costs no video seconds
    vtt = (out / "film.vtt").read_text()
    got = cues(vtt)
    assert [t for _, _, t in got] == [
        "Chapter one: the loader",
        "ImportError: &lt;the&gt; import that fails",
        "Plan: priced before any money moves",
    ]
    assert all(0 <= a < b <= duration + 0.05 for a, b, _ in got)
    assert got[0][:2] == pytest.approx((0.0, 3.0), abs=0.02)
    assert got[1][:2] == pytest.approx((3.0, 7.0), abs=0.05)  # shot 1 starts after its card
    assert got[2][:2] == pytest.approx((7.0, 11.0), abs=0.05)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["captions"] == "film.vtt"
    assert manifest["shots"][0]["card"] == "Chapter one: the loader"
    assert Film.load(out).captions == (out / "film.vtt").resolve()


def test_shots_without_captions_make_a_film_without_a_track(studio, tmp_path: Path) -> None:
    out = tmp_path / "film"
    film = studio.run(make_plan(2, seconds=4, tag="plain"), out)
    assert film.ok and film.captions is None
    assert not (out / "film.vtt").exists()
    assert json.loads((out / "manifest.json").read_text())["captions"] is None


def test_each_file_of_a_film_is_probed_once(
    studio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A probe is an ``ffmpeg -i`` process: each downloaded clip is read once (a provider's
    file is untrusted) and that reading is carried to the stitch; a card is never read back
    (its encoder knows what it wrote), the film once (the quickstart's film cell ran 25
    probes for 8 shots, then 12; this film ran 6, now 4). Counted as processes started.

    And every other process the studio starts to finish the film: the card encoded once,
    the captioned clip burned once, the rest joined by copy in one concat (no re-encode of
    the film, no second burn). The simulator's own encodes are the provider's, not counted."""
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    plan = with_captions(
        make_plan(3, seconds=4, tag="probes"),
        [(None, "A card"), ("Plan: priced before any money moves", None), (None,) * 2],
    )
    film = studio.run(plan, tmp_path / "film")
    assert film.ok, film.summary()
    seen = [Path(p).name for p in calls.probes()]
    clips = sorted(n for n in seen if n.startswith("shot"))
    assert len(clips) == 3 and len(set(clips)) == 3  # each clip once, at its download
    assert sorted(seen) == sorted([*clips, "film.mp4"])  # and the film; no card
    assert film.film is not None
    assert probe(film.film).duration == film.duration_s  # answered without another process
    assert len(calls.probes()) == 4
    finishing = [_kind(a) for a in calls.argvs() if a[-1].find("sorafilm-sim-") < 0]
    assert sorted(finishing) == ["burn", "card", "concat", *["probe"] * 4]


def _kind(argv: list[str]) -> str:
    """What an ffmpeg process of the film was for, from its arguments."""
    if argv[:2] == ["-hide_banner", "-i"] and len(argv) == 3:
        return "probe"
    if "-f" in argv and argv[argv.index("-f") + 1] == "concat":
        return "concat"
    if any("concat=" in a for a in argv):
        return "the film re-encoded"
    if any("overlay=" in a for a in argv):
        return "burn"
    if "-" in argv and Path(argv[-1]).name.startswith("card-"):
        return "card"
    return " ".join(argv)  # anything else is named in full by the failure


def _frame(path: Path, t: float):
    import imageio_ffmpeg
    import numpy as np

    reader = imageio_ffmpeg.read_frames(str(path), input_params=["-ss", f"{t:.3f}"])
    w, h = next(reader)["size"]
    return np.frombuffer(next(reader), dtype=np.uint8).reshape(h, w, 3).astype(int)


def test_the_film_burns_each_caption_in_unless_a_clean_master_is_asked(
    studio, tmp_path: Path
) -> None:
    """The captions are in the picture (name and gloss over their shot, as in film.vtt), and
    lower_thirds=False keeps film.mp4 clean, a choice the manifest keeps for resume."""
    import numpy as np

    plan = with_captions(
        make_plan(2, seconds=4, tag="burn"), [("Ledger: a spend ledger on one file", None)] * 2
    )
    clean_plan = with_captions(
        make_plan(2, seconds=4, tag="clean"), [("Ledger: a spend ledger on one file", None)] * 2
    )
    burned = studio.run(plan, tmp_path / "burned")
    clean = studio.run(clean_plan, tmp_path / "clean", lower_thirds=False)
    assert burned.ok and clean.ok and burned.lower_thirds and not clean.lower_thirds
    assert json.loads((tmp_path / "clean" / "manifest.json").read_text())["lower_thirds"] is False
    for film in (burned, clean):  # film.vtt either way
        assert [t for _, _, t in cues(film.captions.read_text())] == [
            "Ledger: a spend ledger on one file"
        ] * 2
    h = probe(burned.film).height
    bottom, middle = slice(2 * h // 3, h), slice(h // 3, 2 * h // 3)

    def change(film: Film) -> tuple[float, float]:
        """The share of pixels of the bottom third and of the middle third that the stitch
        changed by more than x264's noise (12 levels), against the shot's own clip."""
        shot = film.out_dir / film.shots[0].file
        diff = np.abs(_frame(film.film, 2.0) - _frame(shot, 2.0)).max(axis=2) > 12
        return diff[bottom].mean(), diff[middle].mean()

    drawn, kept = change(burned)  # the plate covers part of the bottom third (7 % here)
    assert drawn > 0.04 and kept < 0.005
    assert max(change(clean)) == 0  # joined by copy, untouched
    (tmp_path / "clean" / "film.mp4").unlink()
    again = studio.resume(tmp_path / "clean")  # re-stitched as it was made: clean
    assert again.ok and not again.lower_thirds and max(change(again)) == 0
