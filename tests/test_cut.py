"""stitch_film from Segments: caption cards, lower thirds, failed shots, the real timeline."""

from __future__ import annotations

from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from ffmpeg_calls import probes_read_files  # noqa: F401 - a fixture, by name
from test_render import with_sound

from sorafilm_nb._look import read_prompt
from sorafilm_nb.render import RenderError, Segment, probe, render_animatic, stitch_film
from sorafilm_nb.story.captions import to_webvtt

pytestmark = pytest.mark.usefixtures("probes_read_files")  # read back, never told

PROMPT = "Style: 1960s caper film.\nPalette: midnight blue, gold.\n\nA gallery at night."


def clip(tmp_path: Path, name: str, seconds: int) -> Path:
    return render_animatic(tmp_path / name, seconds=seconds, prompt=PROMPT, scale=0.25)


def frame_at(path: Path, t: float) -> np.ndarray:
    reader = imageio_ffmpeg.read_frames(str(path), input_params=["-ss", f"{t:.3f}"])
    meta = next(reader)
    w, h = meta["size"]
    return np.frombuffer(next(reader), dtype=np.uint8).reshape(h, w, 3)


def test_a_failed_shot_shifts_the_captions_after_it(tmp_path: Path) -> None:
    a, c = clip(tmp_path, "a.mp4", 4), clip(tmp_path, "c.mp4", 8)
    parts = [
        Segment.card("Chapter one", shot_id="s1"),
        Segment.clip(a, caption="Plan: a priced storyboard", shot_id="s1"),
        Segment.card("the card of a shot that failed", shot_id="s2"),
        Segment.clip(None, caption="never shown", shot_id="s2"),
        Segment.clip(c, caption="Studio: makes the film", shot_id="s3"),
    ]
    made = stitch_film(parts, tmp_path / "film.mp4", look=read_prompt(PROMPT).look)
    assert made.whole and made.skipped == ("s2",)
    assert made.duration == pytest.approx(3 + 4 + 8, abs=0.05)
    got = [(c.kind, c.text, round(c.start, 2), round(c.end, 2)) for c in made.captions]
    assert got == [
        ("card", "Chapter one", 0.0, 3.0),
        ("lower-third", "Plan: a priced storyboard", 3.0, 7.0),
        ("lower-third", "Studio: makes the film", 7.0, 15.0),  # moved up by s2's card and clip
    ]
    assert to_webvtt(made.captions).count(" --> ") == 3
    info, first = probe(made.path), probe(a)
    assert (info.width, info.height, info.fps) == (first.width, first.height, first.fps)


def test_plain_paths_still_stitch_and_nothing_left_is_an_error(tmp_path: Path) -> None:
    a = clip(tmp_path, "a.mp4", 4)
    made = stitch_film([a, a], tmp_path / "film.mp4")
    assert made.whole and made.captions == () and made.duration == pytest.approx(8, abs=0.05)
    with pytest.raises(RenderError, match="at least one clip"):
        stitch_film([Segment.card("alone"), Segment.clip(None)], tmp_path / "none.mp4")
    with pytest.raises(ValueError):
        Segment.card("  ")


def test_lower_thirds_are_burned_unless_a_clean_master_is_asked(tmp_path: Path) -> None:
    a = clip(tmp_path, "a.mp4", 4)
    parts = [Segment.clip(a, caption="Ledger: never overspends")]
    plain = stitch_film(parts, tmp_path / "plain.mp4", burn_lower_thirds=False)
    burned = stitch_film(parts, tmp_path / "burned.mp4")
    assert plain.captions == burned.captions and burned.whole
    original, kept, drawn = (frame_at(p, 2.0).astype(int) for p in (a, plain.path, burned.path))
    assert np.abs(original - kept).max() < 16  # joined without drawing on it
    h = drawn.shape[0]
    assert np.abs(drawn - original)[h // 2 :].mean() > 4 * np.abs(drawn - original)[: h // 3].mean()


def test_a_card_keeps_the_films_sound(tmp_path: Path) -> None:
    loud = with_sound(clip(tmp_path, "a.mp4", 4), tmp_path / "loud.mp4")
    made = stitch_film([Segment.card("Sound stays"), Segment.clip(loud)], tmp_path / "film.mp4")
    assert probe(made.path).has_audio and made.whole
    assert made.duration == pytest.approx(7, abs=0.1)


def test_readings_handed_in_are_not_probed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sorafilm_nb.render as render

    a, c = clip(tmp_path, "a.mp4", 4), clip(tmp_path, "c.mp4", 8)
    known = [probe(a), None]  # a was read already; c was not
    real, seen = render.probe, []
    monkeypatch.setattr(render, "probe", lambda path: seen.append(Path(path).name) or real(path))
    parts = [Segment.card("One"), Segment.clip(a), Segment.clip(c)]
    made = stitch_film(parts, tmp_path / "film.mp4", infos=known)
    assert made.whole and made.duration == pytest.approx(3 + 4 + 8, abs=0.05)
    assert sorted(seen) == ["c.mp4", "film.mp4"]  # each once; a not at all, the card never
    with pytest.raises(RenderError, match="1 media infos for 2 clips"):
        stitch_film([a, c], tmp_path / "x.mp4", infos=known[:1])
    with pytest.raises(RenderError, match="1 media infos for 2 clips"):
        render.stitch([a, c], tmp_path / "y.mp4", infos=known[:1])


def test_a_card_wears_the_films_grain(tmp_path: Path) -> None:
    """The theme's look on a card as on the animatic: grain where the style asks for it."""
    grainy = read_prompt("Style: 1920s silent-film comedy, film grain.\nPalette: sepia.").look
    a = clip(tmp_path, "a.mp4", 4)
    for look, moving in ((grainy, True), (read_prompt(PROMPT).look, False)):
        made = stitch_film(
            [Segment.card("Chapter one"), Segment.clip(a)], tmp_path / "f.mp4", look=look
        )
        one, two = (frame_at(made.path, t).astype(int) for t in (1.0, 1.0 + 1 / 12))
        assert (np.abs(one - two).mean() > 1.0) == moving


def test_cut_key_changes_with_everything_the_film_is_made_of() -> None:
    """cut_key names the film stitch_film makes (a resume keeps a film whose key it
    recorded): any change to a card, a caption, a clip's bytes, the order, the look or the
    burn setting is another key; the clip's path alone is not (its bytes are the content)."""
    from dataclasses import replace

    from sorafilm_nb._look import Look
    from sorafilm_nb.render import cut_key

    card = Segment.card("Chapter one", seconds=3.0, shot_id="s1", title=True)
    a = Segment.clip(Path("a.mp4"), caption="Plan: priced", shot_id="s1")
    b = Segment.clip(Path("b.mp4"), shot_id="s2")
    base = ([card, a, b], ["sha-a", "sha-b"], Look(), True)

    def key(parts, contents, look, burn) -> str:
        return cut_key(parts, contents=contents, look=look, burn_lower_thirds=burn)

    variants = [
        ([replace(card, text="Chapter two"), a, b], *base[1:]),
        ([replace(card, seconds=4.0), a, b], *base[1:]),
        ([replace(card, title=False), a, b], *base[1:]),
        ([card, replace(a, caption="Plan: priced first"), b], *base[1:]),
        ([card, replace(a, caption=None), b], *base[1:]),
        ([card, a, replace(b, path=None)], *base[1:]),  # the shot left out
        ([card, b, a], ["sha-b", "sha-a"], *base[2:]),  # the order
        (base[0], ["sha-a", "sha-c"], *base[2:]),  # a clip's bytes
        (*base[:2], Look(grain=2.0), base[3]),
        (*base[:3], False),
    ]
    keys = {key(*base), *(key(*v) for v in variants)}
    assert len(keys) == 1 + len(variants)
    moved = [card, replace(a, path=Path("elsewhere/a.mp4")), b]
    assert key(moved, *base[1:]) == key(*base)
    assert key(base[0], base[1], None, True) == key(*base)  # stitch_film's default look
    with pytest.raises(ValueError, match="1 contents for 2 clips"):
        key(base[0], ["sha-a"], *base[2:])
