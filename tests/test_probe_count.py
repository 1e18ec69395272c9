"""render.probe runs ``ffmpeg -i`` once per file state in a process, and not at all for a
file our own encoder just wrote: counted as real ffmpeg processes (tests/ffmpeg_calls.py).

What the encoders remember must be exactly what a reading gives (every caller, the stitch's
copy-or-re-encode choice and the captions' timeline, acts on it), and a file that changed,
a corrupt one above all, must be read again and fail as it always did."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from ffmpeg_calls import ffmpeg_calls

from sorafilm_nb import _probe, render
from sorafilm_nb._cut import _still
from sorafilm_nb.render import RenderError, probe, render_animatic


@pytest.mark.parametrize("sound", [False, True])
def test_what_a_card_encode_remembers_is_what_ffmpeg_reads(tmp_path: Path, sound: bool) -> None:
    """Rates with and without decimals, lengths whose duration falls on a half centisecond
    (3 frames at 24 fps: 0.125 s, shown 0.13), one frame, a long card; 23.976 (three
    decimals) and any card with sound (its audio can outlast the picture) are read back."""
    rgb = np.full((36, 64, 3), 90, np.uint8)
    for fps in (12.0, 24.0, 25.0, 30.0, 23.98, 29.97, 23.976):
        for frames in (1, 3, 61):
            path = tmp_path / f"card-{fps}-{frames}.mp4"
            told = _still(path, rgb, frames / fps, fps, sound=sound)
            assert told == _probe._read(path), (fps, frames, sound)
    assert _probe.encoded_info(64, 36, 3, 23.976) is None
    if not sound:
        assert _probe.encoded_info(64, 36, 3, 24.0) == _probe._read(tmp_path / "card-24.0-3.mp4")


def test_an_animatic_is_not_read_back_and_is_what_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    out = render_animatic(tmp_path / "a.mp4", seconds=2.5, size="640x360", fps=12, scale=0.2)
    told = probe(out)
    assert calls.probes() == []  # the encoder knew
    assert told == _probe._read(out) and told.duration == 2.5 and told.width == 128


def lavfi_clip(path: Path, seconds: float) -> Path:
    """A clip no encoder of ours wrote (as a provider's download): it must be read."""
    subprocess.run(
        [
            *(render.ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi"),
            *("-i", f"testsrc=s=96x64:r=10:d={seconds}", "-c:v", "mpeg4", str(path)),
        ],
        check=True,
    )
    return path


def test_a_file_is_read_once_while_unchanged_and_again_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    clip = lavfi_clip(tmp_path / "download.mp4", 2)
    first = probe(clip)
    assert probe(clip) == first and probe(str(clip)) == first
    assert len(calls.probes()) == 1  # read once: an untrusted file is still read
    lavfi_clip(tmp_path / "other.mp4", 3)
    os.replace(tmp_path / "other.mp4", clip)  # replaced under the same name
    assert probe(clip).duration == 3
    assert len(calls.probes()) == 2


def test_a_truncated_or_corrupt_file_is_read_again_and_fails_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    clip = lavfi_clip(tmp_path / "download.mp4", 2)
    assert probe(clip).duration == 2
    data = clip.read_bytes()
    clip.write_bytes(data[: len(data) // 3])  # truncated in place
    with pytest.raises(RenderError, match="not a readable video"):
        probe(clip)
    clip.write_bytes(b"\0" * len(data))  # same size, new bytes (a new mtime)
    for _ in range(2):  # a failure is never remembered
        with pytest.raises(RenderError, match="not a readable video"):
            probe(clip)
    assert len(calls.probes()) == 4
