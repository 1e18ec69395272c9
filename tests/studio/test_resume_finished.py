"""Resuming a finished film: film.mp4 is kept when it is the recorded stitch of these very
clips, cards, captions and settings, and stitched again when it is missing, cut short,
overwritten, stale, or was never recorded (studio/stitching.py).

A person runs `resume` to check a folder, or after a crash in the stitching step: nothing
that is already right is made again (a 90 s film at full size took seconds of ffmpeg to
stitch again), and no film that is wrong is kept. Real mp4 files from the simulator; the
ffmpeg processes are counted with the logging shim (ffmpeg_calls)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from ffmpeg_calls import ffmpeg_calls
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from runner_fixtures import *  # noqa: F403 - the sim and ledger fixtures
from runner_fixtures import plan_rows, studio_for
from studio_child import make_plan
from test_film_captions import _kind, cues, with_captions

from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import forget_all, probe, render_animatic
from sorafilm_nb.studio.folder import Film, sha256_file
from sorafilm_nb.studio.stitching import KEPT

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once

CAPTIONS = [("ImportError: the import that fails", "Chapter one"), ("Plan: priced", None)]
CAPTIONS += [(None, None)]


def finished(sim, ledger: Ledger, tmp_path: Path, tag: str):
    """A finished 3-shot film with a title card and two lower thirds: (plan, folder)."""
    plan = with_captions(make_plan(3, seconds=4, tag=tag), CAPTIONS)
    out = tmp_path / "film"
    film = studio_for(sim, ledger).run(plan, out)
    assert film.ok, film.summary()
    return plan, out


def stamp(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def finishing(calls) -> list[str]:
    """What each ffmpeg process the resume started was for (the simulator's are not run)."""
    return [_kind(a) for a in calls.argvs()]


def stitched_again(calls) -> bool:
    return "concat" in finishing(calls)


def test_a_finished_film_is_kept_and_the_report_says_so(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fails on the code before: it encoded the card, burned both captions and joined the
    film again on every resume (and wrote film.mp4 anew: a new inode and mtime)."""
    plan, out = finished(sim, ledger, tmp_path, "kept")
    before = stamp(out / "film.mp4")
    vtt = (out / "film.vtt").read_bytes()
    rows = plan_rows(ledger, plan.id)
    creates = sim.calls["create"]
    calls = ffmpeg_calls(monkeypatch, tmp_path)  # counts from here, nothing remembered

    film = studio_for(sim, ledger).resume(out)

    assert film.ok and film.film == (out / "film.mp4").resolve(), film.summary()
    assert finishing(calls) == ["probe"]  # film.mp4 read back once: no card, burn or concat
    assert [Path(p).name for p in calls.probes()] == ["film.mp4"]
    assert stamp(out / "film.mp4") == before
    assert (out / "film.vtt").read_bytes() == vtt
    assert film.duration_s == pytest.approx(3.0 + 3 * 4.0, abs=0.1)
    assert film.captions == (out / "film.vtt").resolve()
    assert KEPT in film.notes
    assert "not stitched again" in (out / "report.md").read_text()
    # money: nothing created, reserved or settled again
    assert sim.calls["create"] == creates
    assert plan_rows(ledger, plan.id) == rows

    again = studio_for(sim, ledger).resume(out)  # the note is said once, not piled up
    assert again.notes.count(KEPT) == 1 and stamp(out / "film.mp4") == before


@pytest.mark.parametrize("name", ["film.mp4", "film.vtt"])
def test_a_deleted_film_or_track_is_stitched_again(
    name: str, sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """film.vtt is made by the stitch (the captions on the film's real timeline): without it
    the film is stitched again too."""
    _plan, out = finished(sim, ledger, tmp_path, f"deleted-{name}")
    (out / name).unlink()
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and film.film is not None, film.summary()
    assert stitched_again(calls) and KEPT not in film.notes
    assert film.captions == (out / "film.vtt").resolve()
    assert len(cues((out / "film.vtt").read_text())) == 3
    assert probe(out / "film.mp4").duration == pytest.approx(15.0, abs=0.1)
    record = json.loads((out / "manifest.json").read_text())["stitched"]
    assert (record["inode"], record["size"], record["mtime_ns"]) == stamp(out / "film.mp4")


def test_a_film_cut_short_is_stitched_again(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy or a crash that left half of film.mp4: its header (at the front: faststart)
    still reads, with the whole film's duration, so only its size gives it away."""
    _plan, out = finished(sim, ledger, tmp_path, "truncated")
    size = (out / "film.mp4").stat().st_size
    with open(out / "film.mp4", "r+b") as fh:
        fh.truncate(size // 2)
    forget_all()  # as a new process: nothing remembered of the file
    assert probe(out / "film.mp4").duration == pytest.approx(15.0, abs=0.1)  # still "reads"
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and stitched_again(calls) and KEPT not in film.notes
    assert (out / "film.mp4").stat().st_size == size


def test_a_film_overwritten_in_place_is_stitched_again(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same inode, size and mtime as recorded, but its header overwritten: it no longer
    reads back, so it is not kept."""
    _plan, out = finished(sim, ledger, tmp_path, "overwritten")
    path = out / "film.mp4"
    st = os.stat(path)
    with open(path, "r+b") as fh:
        fh.write(b"\0" * 4096)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert stamp(path) == (st.st_ino, st.st_size, st.st_mtime_ns)
    forget_all()  # a new process would read the file, not remember it
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and stitched_again(calls) and KEPT not in film.notes
    assert probe(path).duration == pytest.approx(15.0, abs=0.1)


def test_a_film_whose_pictures_were_overwritten_in_place_is_stitched_again(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same inode, size and mtime as recorded, its header whole: only its pictures were
    written over, so it still read back with its duration and was kept as "up to date".
    Its ctime moved with the write, and no os.utime sets that back."""
    _plan, out = finished(sim, ledger, tmp_path, "pictures")
    path = out / "film.mp4"
    st = os.stat(path)
    at = path.read_bytes().find(b"mdat") + 4096  # inside the pictures, past every header
    with open(path, "r+b") as fh:
        fh.seek(at)
        fh.write(b"\xff" * 2048)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert stamp(path) == (st.st_ino, st.st_size, st.st_mtime_ns)
    forget_all()  # a new process would read the file, not remember it
    assert probe(path).duration == pytest.approx(15.0, abs=0.1)  # it still "reads"
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and stitched_again(calls) and KEPT not in film.notes


def test_a_replaced_clip_makes_a_new_film(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """shot-02's file and its manifest entry replaced by another clip, as a rerun leaves
    them (6 s, another scene): the film on disk, untouched, is the old cut, so it is
    stitched again. (The simulator's three clips here are the same bytes: a clip of theirs
    would be the same film.)"""
    _plan, out = finished(sim, ledger, tmp_path, "replaced")
    clip = out / "shot-02.mp4"
    render_animatic(clip, seconds=6, prompt="Style: noir. A cat crosses a piano.", scale=0.2)
    data = json.loads((out / "manifest.json").read_text())
    data["shots"][1].update(sha256=sha256_file(clip), duration_s=probe(clip).duration)
    (out / "manifest.json").write_text(json.dumps(data))
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and stitched_again(calls) and KEPT not in film.notes, film.summary()
    assert probe(out / "film.mp4").duration == pytest.approx(3.0 + 4 + 6 + 4, abs=0.1)


def test_a_clip_downloaded_again_unchanged_keeps_the_film(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clip damaged on disk is downloaded again (never paid again); the same bytes come
    back, so the film stitched from them is still right and kept."""
    _plan, out = finished(sim, ledger, tmp_path, "redownload")
    before = stamp(out / "film.mp4")
    creates = sim.calls["create"]
    (out / "shot-02.mp4").write_bytes(b"not a clip")
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and KEPT in film.notes, film.summary()
    assert not stitched_again(calls) and stamp(out / "film.mp4") == before
    assert sim.calls["create"] == creates


def test_a_changed_captions_choice_makes_a_clean_master(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run(lower_thirds=False) on the finished folder of the same plan (`sorafilm film
    --no-lower-thirds` again): the film is joined again without burning, and the manifest
    says so. Fails on the code before: the resume it made ignored the choice (burned again)."""
    plan, out = finished(sim, ledger, tmp_path, "choice")
    creates = sim.calls["create"]
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).run(plan, out, lower_thirds=False)
    assert film.ok and not film.lower_thirds and KEPT not in film.notes
    assert stitched_again(calls) and "burn" not in finishing(calls)
    assert json.loads((out / "manifest.json").read_text())["lower_thirds"] is False
    assert sim.calls["create"] == creates
    again = studio_for(sim, ledger).run(plan, out, lower_thirds=False)
    assert KEPT in again.notes  # and now that film is current


def test_an_edited_caption_makes_a_new_film_and_track(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _plan, out = finished(sim, ledger, tmp_path, "caption")
    data = json.loads((out / "manifest.json").read_text())
    data["shots"][1]["caption"] = "Plan: priced before any money moves"
    (out / "manifest.json").write_text(json.dumps(data))
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and stitched_again(calls) and "burn" in finishing(calls)
    texts = [t for _, _, t in cues((out / "film.vtt").read_text())]
    assert "Plan: priced before any money moves" in texts and "Plan: priced" not in texts


def test_a_film_the_manifest_did_not_record_is_stitched_again_once(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder from before the record (no "stitched" key): its film.mp4 may be anything,
    so it is stitched again, recorded, and kept from then on."""
    _plan, out = finished(sim, ledger, tmp_path, "unrecorded")
    data = json.loads((out / "manifest.json").read_text())
    del data["stitched"]
    (out / "manifest.json").write_text(json.dumps(data))
    calls = ffmpeg_calls(monkeypatch, tmp_path)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and stitched_again(calls) and KEPT not in film.notes
    assert studio_for(sim, ledger).resume(out).notes.count(KEPT) == 1
    assert Film.load(out).ok


def test_a_link_planted_as_the_film_is_replaced_not_written_through(
    sim, ledger: Ledger, tmp_path: Path
) -> None:
    """film.mp4 and film.vtt made links to two clips: the stitch replaces the links and
    leaves the paid clips as they were. Fails on the code before: the film was written over
    shot-01.mp4 and the captions over shot-02.mp4 (through the resolved names)."""
    _plan, out = finished(sim, ledger, tmp_path, "link")
    clips = {p.name: sha256_file(p) for p in out.glob("shot-*.mp4")}
    for name, clip in (("film.mp4", "shot-01.mp4"), ("film.vtt", "shot-02.mp4")):
        (out / name).unlink()
        (out / name).symlink_to(clip)
    film = studio_for(sim, ledger).resume(out)
    assert film.ok and KEPT not in film.notes, film.summary()
    assert {p.name: sha256_file(p) for p in out.glob("shot-*.mp4")} == clips
    for name in ("film.mp4", "film.vtt"):
        assert (out / name).is_file() and not (out / name).is_symlink()
    assert film.film == (out / "film.mp4").resolve()
    assert len(cues((out / "film.vtt").read_text())) == 3


def test_the_track_is_hashed_from_the_bytes_written_not_read_back(
    sim, ledger: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stitch recorded film.vtt's sha256 by opening the file it had just written; it
    hashes the bytes it wrote, and the record still matches the file (a resume keeps it)."""
    from sorafilm_nb.studio import stitching

    read: list[str] = []

    def counted(path: Path) -> str:
        read.append(Path(path).name)
        return sha256_file(path)

    monkeypatch.setattr(stitching, "sha256_file", counted)
    _plan, out = finished(sim, ledger, tmp_path, "hashed")
    assert "film.vtt" not in read, read
    record = json.loads((out / "manifest.json").read_text())["stitched"]
    assert record["captions_sha256"] == sha256_file(out / "film.vtt")
