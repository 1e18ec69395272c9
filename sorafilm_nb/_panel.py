"""The animatic: a storyboard panel per shot, its timed action beats, as raw yuv420p frames.

What a panel shows (all read from the prompt, see ``_look``): the camera note and the
palette's colour chips along the top, the scene in large type, the action beat playing now
as a lower third (with its "0-3 s" tag), and a timing bar with a marker where each beat
starts, the clock, and the size the file really has. The whole frame carries the theme's
look: tint, vignette and, where the style asks for it, grain with dust.

Why it is fast enough to render full size: the panel is drawn and converted to YUV once;
each frame only copies the bar's new columns, and the beat band (redrawn when the beat
changes) and the clock (once a second) are converted from small strips. Grain is four
precomputed noise planes cycled over the luma, plus a few specks of dust.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterator

import numpy as np

from ._card import (
    _TRACK,
    Layout,
    background,
    draw_lower_third,
    finish,
    swatches,
    vignette,
    yuv420,
)
from ._glyphs import _ascii, _block, _draw_text, _fit, _wrap
from ._look import Sheet, _scaled, beat_at

_GRAIN_FRAMES = 4


def frame_beat(sheet: Sheet, t: float) -> str:
    """The action text the frame at ``t`` seconds shows ("" between or after beats)."""
    i = beat_at(sheet.beats, t)
    return "" if i is None else sheet.beats[i].text


def _bar_rows(layout: Layout) -> tuple[int, int]:
    tick = round(3 * layout.unit) & ~1
    return layout.bar_y - tick, layout.bar_y + layout.bar_h


def _band_bottom(layout: Layout) -> int:
    """The beat band ends above the caption zone: a film's burned-in caption (``_card.
    draw_caption``) lands on the panel's empty bottom rows, never on the beat it plays."""
    return layout.caption_top


def panel(sheet: Sheet, layout: Layout, *, label: str, seconds: float) -> np.ndarray:
    """The static panel (RGB, before the look): everything but the beat, clock and fill."""
    w, h, m, u = layout.width, layout.height, layout.margin, layout.unit
    look = sheet.look
    img: np.ndarray = background(w, h, look).copy()
    small, mid, big, head = layout.small, layout.mid, layout.big, layout.note
    text_w = w - 2 * m
    dim = _scaled(look.highlight, 0.72)
    # the header: the camera note, the mood, the palette's chips (sentence case: capitals
    # at this size took a third more room for the same words)
    chip = round(small.height * 0.8)
    chips_w = len(look.swatches) * (chip + max(2, chip // 4))
    camera, _, mood = sheet.camera.partition(";")
    camera = camera.strip()
    mood = mood.strip().removeprefix("mood:").strip()
    mood_w = head.width(_ascii(mood)) + m // 2 if mood else 0
    room = text_w - chips_w - mood_w - m // 2
    note = _fit(_wrap(_ascii(camera[:1].upper() + camera[1:]), head, room), head, 1, room)
    if note:
        _draw_text(img, note[0], m, m, head, dim)
    if mood:
        x = w - m - chips_w - mood_w
        _draw_text(img, _ascii(mood), x, m, head, look.accent_ink)
    _viewfinder(img, layout, look.highlight)
    swatches(img, look.swatches, w - m, m + (head.height - chip) // 2, chip)
    y = m + head.height + round(5 * u)
    img[y : y + max(1, round(u)), m : w - m] = look.accent
    y += round(14 * u)
    limit = layout.band(_band_bottom(layout))[0] if sheet.beats else layout.caption_top

    def words(canvas: np.ndarray, y: int) -> int:
        if sheet.title:
            y = _block(canvas, sheet.title, m, y, big, look.accent_ink, width=text_w, max_lines=2)
            y += round(6 * u)
        if sheet.setting:  # a slug line, as a screenplay's scene heading
            y = _block(canvas, sheet.setting, m, y, head, dim, width=text_w, max_lines=1)
            y += round(6 * u)
        scene = sheet.scene or sheet.setting
        if scene and scene != sheet.setting:
            # the largest type the whole scene fits in; at the smallest, cut with "..."
            fonts = (big, mid, layout.gloss_font)[1 if sheet.title else 0 :]
            for font in fonts:
                room = max(1, (limit - y - round(6 * u)) // int(font.height * 1.05))
                if len(_wrap(_ascii(scene), font, text_w)) <= room:
                    break
            y = _block(canvas, scene, m, y, font, look.highlight, width=text_w, max_lines=room)
        return y

    # the words sit in the middle of the room above the beat band (measured by a dry run)
    end = words(img.copy(), y)
    words(img, y + max(0, (limit - end) // 2 - round(4 * u)))
    # the clock row's fixed half: what this file is
    _draw_text(img, _ascii(label), m, layout.clock_y, small, dim)
    _bar(img, layout, sheet, seconds, filled=False)
    return img


def _viewfinder(img: np.ndarray, layout: Layout, colour: tuple[int, int, int]) -> None:
    """Corner marks of the frame, as on a camera's viewfinder or a storyboard panel."""
    w, h = layout.width, layout.height
    d = layout.margin // 3
    arm = round(14 * layout.unit)
    t = max(1, round(layout.unit))
    c = tuple(int(v * 0.55) for v in colour)
    for x0, sx in ((d, 1), (w - d, -1)):
        for y0, sy in ((d, 1), (h - d, -1)):
            xs = slice(x0, x0 + arm) if sx > 0 else slice(x0 - arm, x0)
            ys = slice(y0, y0 + arm) if sy > 0 else slice(y0 - arm, y0)
            img[(slice(y0, y0 + t) if sy > 0 else slice(y0 - t, y0)), xs] = c
            img[ys, (slice(x0, x0 + t) if sx > 0 else slice(x0 - t, x0))] = c


def _bar(img: np.ndarray, layout: Layout, sheet: Sheet, seconds: float, *, filled: bool) -> None:
    m, w = layout.margin, layout.width
    y0, y1 = layout.bar_y, layout.bar_y + layout.bar_h
    img[y0:y1, m : w - m] = sheet.look.accent if filled else _TRACK
    top, _ = _bar_rows(layout)
    tick = max(2, round(layout.unit) & ~1)
    for beat in sheet.beats[1:]:  # a marker where each later beat starts
        if 0 < beat.start < seconds:
            x = (m + round((w - 2 * m) * beat.start / seconds)) & ~1
            img[top:y1, x : x + tick] = sheet.look.highlight


def animatic_frames(
    sheet: Sheet, width: int, height: int, seconds: float, fps: int, *, label: str
) -> Iterator[memoryview]:
    """Every frame of the clip as raw yuv420p, in three chunks (Y, U, V) that ffmpeg's pipe
    takes as they are: they are written before the next frame changes them, so nothing is
    copied per frame (see the module docstring for the rest of the costs)."""
    layout = Layout(width, height)
    look = sheet.look
    gain = vignette(width, height, look.vignette)
    rgb = panel(sheet, layout, label=label, seconds=seconds)
    base_y, cb, cr = yuv420(finish(rgb, look, gain))
    base = base_y.astype(np.int16)  # the clean luma; planes = it plus each grain frame
    rng = np.random.default_rng(zlib.crc32(repr(sheet).encode()))
    noise = grain(layout, look.grain, rng)
    planes = [np.clip(base + n, 16, 235).astype(np.uint8) for n in noise]

    def luma_rows(y0: int, y1: int, cols: slice) -> None:
        for plane, n in zip(planes, noise, strict=True):
            plane[y0:y1, cols] = np.clip(base[y0:y1, cols] + n[y0:y1, cols], 16, 235)

    def put(y0: int, y1: int, region: np.ndarray, x0: int = 0) -> None:
        """Paint a finished RGB strip (rows y0:y1, even; from column x0, even) into the
        planes; only those columns are finished and converted (the look is per pixel and
        chroma is per 2x2 block, so they come out as a whole strip's would)."""
        ry, ru, rv = yuv420(finish(region[:, x0:], look, gain[y0:y1, x0:]))
        base[y0:y1, x0:] = ry
        luma_rows(y0, y1, slice(x0, width))
        cb[y0 // 2 : y1 // 2, x0 // 2 :] = ru
        cr[y0 // 2 : y1 // 2, x0 // 2 :] = rv

    # the bar, filled: its columns are copied in as time passes
    bar0, bar1 = _bar_rows(layout)
    strip = rgb.copy()
    _bar(strip, layout, sheet, seconds, filled=True)
    fy, fu, fv = yuv420(finish(strip[bar0:bar1], look, gain[bar0:bar1]))
    # the beat band and the clock strip, redrawn when they change
    band0, band1 = layout.band(_band_bottom(layout))
    clock0, clock1 = layout.clock_y, bar0
    small = layout.small

    m = layout.margin
    span = width - 2 * m
    total = f"{seconds:g} s"
    n = round(seconds * fps)
    # the clock is right-aligned: only the columns its widest reading covers are redrawn
    # (the rest of its strip never changes), never the label's half on the left
    widest = max(small.width(f"{s} / {total}") for s in range(int((n - 1) / fps) + 1))
    clock_x = max(width // 2, width - m - widest) & ~1
    fill_end = m
    shown_beat: int | None = -1
    shown_second = -1
    chroma = (cb.data.cast("B"), cr.data.cast("B"))  # views: the bar painted below shows
    for k in range(n):
        t = k / fps
        beat = beat_at(sheet.beats, t)
        if beat != shown_beat and sheet.beats:
            region = rgb[band0:band1].copy()
            if beat is not None:
                b = sheet.beats[beat]
                local = rgb.copy()
                draw_lower_third(local, b.text, layout, look, bottom=band1, tag=b.tag)
                region = local[band0:band1]
            put(band0, band1, region)
            shown_beat = beat
        second = int(t)
        if second != shown_second:
            region = rgb[clock0:clock1].copy()
            clock = f"{second} / {total}"
            _draw_text(region, clock, width - m - small.width(clock), 0, small, look.highlight)
            put(clock0, clock1, region, clock_x)
            shown_second = second
        end = m + 2 * round(span * (k + 1) / n / 2)
        if end > fill_end:
            base[bar0:bar1, fill_end:end] = fy[:, fill_end:end]
            luma_rows(bar0, bar1, slice(fill_end, end))
            cb[bar0 // 2 : bar1 // 2, fill_end // 2 : end // 2] = fu[:, fill_end // 2 : end // 2]
            cr[bar0 // 2 : bar1 // 2, fill_end // 2 : end // 2] = fv[:, fill_end // 2 : end // 2]
            fill_end = end
        luma = planes[k % len(planes)]
        if look.grain > 0:
            with _dust(luma, rng, layout):
                yield memoryview(luma).cast("B")
        else:
            yield memoryview(luma).cast("B")
        yield from chroma


def grain(layout: Layout, amplitude: float, rng: np.random.Generator) -> list[np.ndarray]:
    """The look's film grain as luma offsets (int16, H x W): _GRAIN_FRAMES noise frames to
    cycle, in blocks of about a pixel of a 640x360 frame; one frame of zeros without grain.
    The animatic's frames and the film's caption cards wear the same grain."""
    height, width = layout.height, layout.width
    if amplitude <= 0:
        return [np.zeros((height, width), np.int16)]
    block = max(1, round(layout.unit / 2))
    gh, gw = -(-height // block), -(-width // block)
    frames = []
    for _ in range(_GRAIN_FRAMES):
        noise = rng.standard_normal((gh, gw), dtype=np.float32)
        noise *= amplitude
        blocks = noise.astype(np.int16)
        if block > 1:  # at 1 (up to 1280x720) the blocks are the pixels: no copies
            blocks = blocks.repeat(block, 0).repeat(block, 1)[:height, :width]
        frames.append(blocks)
    return frames


@contextlib.contextmanager
def _dust(luma: np.ndarray, rng: np.random.Generator, layout: Layout) -> Iterator[None]:
    """A few specks and, now and then, a scratch, for one frame: old film, for a few pixels.
    What they cover is put back afterwards (the plane is reused four frames later)."""
    h, w = luma.shape
    size = max(1, round(1.5 * layout.unit))
    saved: list[tuple[tuple[slice, slice], np.ndarray]] = []
    for _ in range(int(rng.integers(0, 4))):
        y, x = int(rng.integers(0, h - size)), int(rng.integers(0, w - size))
        where = (slice(y, y + size), slice(x, x + size))
        saved.append((where, luma[where].copy()))
        luma[where] = 30 if rng.random() < 0.7 else 200
    if rng.random() < 0.12:
        x = int(rng.integers(0, w))
        where = (slice(0, h), slice(x, x + 1))
        saved.append((where, luma[where].copy()))
        luma[where] = np.minimum(luma[where].astype(np.int16) + 40, 235).astype(np.uint8)
    try:
        yield
    finally:
        for where, old in reversed(saved):
            luma[where] = old
