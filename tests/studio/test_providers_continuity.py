"""Continuity frames on Veo and Runway (their official SDKs against the in-process fakes): a
look image fitted to every shot, or each shot started from the one before."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), the repo fixture

from sorafilm_nb.render import ffmpeg_exe
from sorafilm_nb.story.planning import plan
from sorafilm_nb.studio.runner import Studio

# 256x144 animatics, each drawn once (provider_fixtures)
pytestmark = pytest.mark.usefixtures("small_doubles", "animatics_drawn_once")


def _image(path: Path) -> Path:
    subprocess.run(
        [
            *(ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "color=c=teal:s=320x200"),
            *("-frames:v", "1", "-y", str(path)),
        ],
        check=True,
    )
    return path


@pytest.mark.slow  # a whole film per provider, frames grabbed
@pytest.mark.parametrize("provider", ["veo", "runway"])
def test_continuity_frames_are_sent_and_recorded(provider: str, repo: Path, tmp_path: Path) -> None:
    look = _image(tmp_path / "look.png")
    looked = plan(repo, template="teaser-30", target_seconds=24, provider=provider, look=look)
    # Veo 3.1 keeps the look as a reference image (8 s 16:9 shots); gen4.5 as a first frame
    as_ref = ", as a reference image" if provider == "veo" else ""
    assert [looked.reference_text(i) for i in range(3)] == [f"the look image{as_ref}"] * 3
    assert "lists no difference" in looked.continuity_note
    assert "## Continuity" in looked.to_markdown()
    assert str(tmp_path) not in looked.to_json()  # the look's path never leaves the process
    chained = plan(repo, template="teaser-30", target_seconds=24, provider=provider, chain=True)
    assert chained.id != plan(repo, template="teaser-30", target_seconds=24, provider=provider).id
    for p, kind in ((looked, "look"), (chained, "chain")):
        with Studio(provider=provider, min_poll_interval=0.05) as studio:
            fake = studio._simulator
            film = studio.run(p, tmp_path / f"{provider}-{kind}")
            assert film.ok, film.shots
            jobs = sorted(fake.jobs.values(), key=lambda j: j.seq)
            sent = [j.conditioning.get("first_frame") for j in jobs]
            refs = [j.conditioning.get("reference_images") for j in jobs]
        if kind == "look" and provider == "veo":  # one ASSET reference, never a frame
            assert sent == [None] * 3 and all(r is not None for r in refs)
            images = [r["images"] for r in refs]
            assert all(len(i) == 1 and i[0]["reference_type"] == "ASSET" for i in images)
            assert all(i[0]["size"] == "1280x720" for i in images)
            assert len({i[0]["sha256"] for i in images}) == 1
        elif kind == "look":  # the same image, fitted to the shot's size, on every shot
            assert all(s is not None and s["size"] == "1280x720" for s in sent)
            assert len({s["sha256"] for s in sent}) == 1
        else:  # shot 1 from nothing, then each from the one before: frames that differ
            assert sent[0] is None and all(s is not None for s in sent[1:])
            assert sent[1]["sha256"] != sent[2]["sha256"]
            assert (tmp_path / f"{provider}-chain" / "shot-01.last.jpg").is_file()
