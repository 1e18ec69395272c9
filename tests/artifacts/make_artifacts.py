"""Regenerate the story's frames in tests/artifacts from the current code.

    PYTHONPATH=. python tests/artifacts/make_artifacts.py          # rewrites tests/artifacts
    PYTHONPATH=. python tests/artifacts/make_artifacts.py OUT_DIR  # writes them elsewhere

Why a script: the frames show what a film looks like today (the animatic of a shot, in the
theme's look, with its scene and timed actions; a caption card), and a frame left from older
code shows an old prompt. The film is of a small repository written in a temp dir, so the
frames depend on the story code only. ``prompts.txt`` beside the frames records the prompt
behind each one; tests/story/test_artifacts.py fails when the current code would write
another prompt (the frames are then stale: run this script) and runs the script end to end.

The JupyterLab screenshots (jupyterlab_*.jpg) come from tests/browser, not from here.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script: brew_repo.py sits in tests/
    sys.path.insert(0, str(HERE.parent))

from brew_repo import ERRORS, write_brew  # noqa: E402

# artifact name -> (theme, size, the template beat whose first shot it shows: 0-based, so
# beat 2 of silent-90 is the error cascade and beat 3 the centrepiece)
ANIMATICS = {
    "animatic_kitchen_beat2.jpg": ("kitchen", "1280x720", 2),
    "animatic_space_portrait_beat3.jpg": ("space", "720x1280", 3),
}
CARD = "caption_card_kitchen.jpg"


def write_repo(root: Path) -> Path:
    """The small repository every artifact films (Brew, with its errors; brew_repo.py)."""
    return write_brew(root, ["Kettle", "Teapot", "pour", "steep", "serve", *ERRORS])


def shots(root: Path) -> dict[str, tuple[str, str, int]]:
    """artifact name -> (prompt, size, seconds) of the shot each animatic frame shows, and
    the caption card's text under CARD (size and seconds unused there)."""
    import sorafilm_nb as sf

    profile = sf.analyze(root, use_cache=False)
    out: dict[str, tuple[str, str, int]] = {}
    for name, (theme, size, beat) in ANIMATICS.items():
        film = sf.plan(profile, theme, size=size)
        name_of = film.storyboard.template.beats[beat].name
        i = next(i for i, s in enumerate(film.storyboard.shots) if s.beat == name_of)
        out[name] = (film.prompts[i].text, size, film.storyboard.shots[i].seconds)
        if theme == "kitchen":
            card = next(s.card for s in film.storyboard.shots if s.card and s.index > 0)
            out[CARD] = (card, size, 0)
    return out


def record(found: dict[str, tuple[str, str, int]]) -> str:
    """prompts.txt: what each artifact shows, in a form a diff reads."""
    parts = []
    for name in sorted(found):
        text, size, seconds = found[name]
        parts.append(f"== {name} ({size}, {seconds} s)\n{text.strip()}\n")
    return "\n".join(parts)


def make(out: Path) -> list[Path]:
    """Write the frames and prompts.txt into ``out``; returns the frames written."""
    from sorafilm_nb._card import caption_card
    from sorafilm_nb._look import read_prompt
    from sorafilm_nb.render import _ffmpeg, parse_size, render_animatic

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sorafilm-artifacts-") as tmp:
        found = shots(write_repo(Path(tmp) / "brew"))
        written = []
        for name in ANIMATICS:
            prompt, size, seconds = found[name]
            clip = render_animatic(
                Path(tmp) / f"{name}.mp4", seconds=seconds, size=size, prompt=prompt
            )
            at = seconds * 0.6  # inside the timed actions, past the first
            _ffmpeg(
                "-ss", f"{at:.2f}", "-i", str(clip), "-frames:v", "1", "-q:v", "3", str(out / name)
            )
            written.append(out / name)
        text, size, _ = found[CARD]
        width, height = parse_size(size)
        look = read_prompt(found["animatic_kitchen_beat2.jpg"][0]).look
        rgb = caption_card(width // 2, height // 2, text, look)
        _ffmpeg(
            *("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width // 2}x{height // 2}"),
            *("-i", "-", "-frames:v", "1", "-q:v", "3", str(out / CARD)),
            stdin_frames=iter([rgb.tobytes()]),
        )
        written.append(out / CARD)
    (out / "prompts.txt").write_text(record(found), encoding="utf-8")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for path in make(target):
        print(path)
