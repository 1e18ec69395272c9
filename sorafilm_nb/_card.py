"""The animatic's title card, drawn with numpy, and its frames as raw yuv420p.

Why numpy and an atlas: text comes from a pre-rasterised atlas of Aileron Regular (CC0) in
``data/fonts``, so there is no Pillow, no FreeType and no font lookup at run time. The card is
drawn once and converted to YUV once; each frame only paints the timing bar's new columns and,
once a second, the clock (see ``_frames``). ``render.render_animatic`` pipes the frames into
ffmpeg.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

# Colours: the DESIGN's sepia palette (charcoal, cream, sepia, a touch of faded red).
_BG_TOP = np.array([38, 34, 31], dtype=np.float32)
_BG_BOTTOM = np.array([22, 20, 19], dtype=np.float32)
_CREAM = (241, 229, 205)
_SEPIA = (196, 160, 112)
_RED = (196, 92, 76)
_GREY = (170, 162, 150)
_TRACK = (70, 63, 57)

# ---------------------------------------------------------------- text


@dataclass(frozen=True)
class _Font:
    glyphs: np.ndarray  # (95, h, w) uint8 coverage
    advances: np.ndarray  # (95,) int

    @property
    def height(self) -> int:
        return int(self.glyphs.shape[1])

    def width(self, text: str) -> int:
        return int(sum(int(self.advances[_index(ch)]) for ch in text))


def _index(ch: str) -> int:
    code = ord(ch)
    return code - 32 if 32 <= code < 127 else ord("?") - 32


@cache
def _font(px: int, factor: int = 1) -> _Font:
    from .datafiles import data_dir

    with np.load(data_dir() / "fonts" / "aileron_atlas.npz") as atlas:
        glyphs = atlas[f"glyphs_{px}"]
        advances = atlas[f"advances_{px}"].astype(np.int32)
    if factor > 1:
        glyphs = glyphs.repeat(factor, axis=1).repeat(factor, axis=2)
        advances = advances * factor
    return _Font(glyphs=glyphs, advances=advances)


_ASCII = str.maketrans(
    {
        "\u2014": "-",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00b7": "-",
        "\t": " ",
    }
)


def _ascii(text: str) -> str:
    """The atlas holds printable ASCII; fold typographic punctuation, mark the rest with '?'."""
    return "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text.translate(_ASCII))


def _draw_text(
    img: np.ndarray, text: str, x: int, y: int, font: _Font, colour: tuple[int, int, int]
) -> int:
    """Alpha-blend ``text`` onto ``img`` (H, W, 3 uint8) at (x, y); returns the end x."""
    h_img, w_img = img.shape[:2]
    colour_arr = np.array(colour, dtype=np.float32)
    for ch in text:
        i = _index(ch)
        glyph = font.glyphs[i]
        gh, gw = glyph.shape
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + gw, w_img), min(y + gh, h_img)
        if x1 > x0 and y1 > y0:
            alpha = glyph[y0 - y : y1 - y, x0 - x : x1 - x, None].astype(np.float32) / 255.0
            region = img[y0:y1, x0:x1].astype(np.float32)
            img[y0:y1, x0:x1] = (region * (1.0 - alpha) + colour_arr * alpha).astype(np.uint8)
        x += int(font.advances[i])
    return x


def _wrap(text: str, font: _Font, max_width: int) -> list[str]:
    """Greedy word wrap by pixel width (long words are cut)."""
    avg = max(1, font.width("abcdefghijklmnopqrstuvwxyz") // 26)
    out: list[str] = []
    for line in textwrap.wrap(text, width=max(8, max_width // avg)) or [""]:
        while font.width(line) > max_width and len(line) > 1:
            cut = line.rfind(" ", 0, len(line) - 1)
            head = line[:cut] if cut > 0 else line[:-1]
            rest = line[len(head) :].lstrip()
            line = head
            out.append(line)
            line = rest
            if font.width(line) <= max_width:
                break
        out.append(line)
    return [w for w in out if w]


# ---------------------------------------------------------------- the card


def _card(
    width: int, height: int, *, title: str, beat: str, gag: str, lines: Sequence[str]
) -> tuple[np.ndarray, int]:
    """The static card; returns the image and the y where the timing bar goes."""
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    column = _BG_TOP * (1 - ramp) + _BG_BOTTOM * ramp
    img = np.broadcast_to(column[:, None, :], (height, width, 3)).astype(np.uint8)
    factor = max(1, round(min(width, height) / 400))
    big, mid, small = _font(30, factor), _font(20, factor), _font(14, factor)
    margin, _, bar_y = _layout(width, height)
    text_w = width - 2 * margin
    limit = bar_y - small.height - margin // 2  # text must end above the clock and bar
    y = margin
    for line in _wrap(_ascii(title), big, text_w)[:3]:
        _draw_text(img, line, margin, y, big, _CREAM)
        y += big.height
    # a thin rule under the title, like an intertitle card
    rule_y = y + max(2, big.height // 5)
    img[rule_y : rule_y + max(1, factor), margin : width - margin] = _SEPIA
    y = rule_y + big.height // 2
    for text, font, colour in ((beat, mid, _SEPIA), (gag, mid, _RED)):
        for line in _wrap(_ascii(text), font, text_w)[:3]:
            if y + font.height > limit:
                break
            _draw_text(img, line, margin, y, font, colour)
            y += font.height
    y += small.height // 2
    for raw in lines:
        for line in _wrap(_ascii(raw), small, text_w):
            if y + small.height > limit:
                return img, bar_y
            _draw_text(img, line, margin, y, small, _GREY)
            y += small.height
    return img, bar_y


def _layout(width: int, height: int) -> tuple[int, int, int]:
    """(margin, bar height, bar top): all even, so the bar falls on whole chroma blocks."""
    margin = max(12, width // 20) & ~1
    bar_h = max(6, height // 60) & ~1
    return margin, bar_h, height - margin - bar_h


def _yuv420(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RGB (even height and width) -> BT.601 limited-range Y, U, V planes, chroma averaged
    over 2x2 blocks: the conversion ffmpeg would otherwise do on every frame."""
    f = rgb.astype(np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    h, w = y.shape

    def sub(c: np.ndarray) -> np.ndarray:
        return c.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))

    return tuple(
        np.clip(np.rint(p), 0, 255).astype(np.uint8)  # type: ignore[return-value]
        for p in (y, sub(u), sub(v))
    )


def _frames(card: np.ndarray, bar_y: int, seconds: float, fps: int) -> Iterator[bytes]:
    """Each frame, as raw yuv420p: the card, the timing bar filled to t/seconds, and a
    't / total s' clock.

    The card is converted to YUV once; each frame only paints the bar's new columns into
    the planes, and the clock (whole seconds) is redrawn and converted once per second. So a
    frame costs one memory copy, and ffmpeg gets half the bytes of RGB and no conversion.
    """
    height, width = card.shape[:2]
    margin, bar_h, _ = _layout(width, height)
    font = _font(14, max(1, round(min(width, height) / 400)))
    rgb = card.copy()
    rgb[bar_y : bar_y + bar_h, margin : width - margin] = _TRACK
    clock_y = (bar_y - font.height - 2) & ~1  # even: the strip is whole chroma rows
    text_y = bar_y - font.height - 2 - clock_y  # the clock's top, inside the strip
    total = f"{seconds:.0f} s" if float(seconds).is_integer() else f"{seconds:.1f} s"
    clock_x = width - margin - font.width(f"{int(seconds):d} / {total}") - font.width("0")
    base_strip = rgb[clock_y:bar_y].copy()

    buf = np.empty(width * height * 3 // 2, dtype=np.uint8)
    luma = buf[: width * height].reshape(height, width)
    cb = buf[width * height : width * height * 5 // 4].reshape(height // 2, width // 2)
    cr = buf[width * height * 5 // 4 :].reshape(height // 2, width // 2)
    luma[:], cb[:], cr[:] = _yuv420(rgb)
    fill = _yuv420(np.full((2, 2, 3), _SEPIA, dtype=np.uint8))
    fill_y, fill_u, fill_v = (int(p[0, 0]) for p in fill)
    rows, crows = slice(bar_y, bar_y + bar_h), slice(bar_y // 2, (bar_y + bar_h) // 2)

    n = round(seconds * fps)
    span = width - 2 * margin
    filled = margin
    shown = -1
    for k in range(n):
        end = margin + 2 * round(span * (k + 1) / n / 2)  # even: whole chroma columns
        if end > filled:  # the fill only grows
            luma[rows, filled:end] = fill_y
            cb[crows, filled // 2 : end // 2] = fill_u
            cr[crows, filled // 2 : end // 2] = fill_v
            filled = end
        second = k // fps
        if second != shown:
            strip = base_strip.copy()
            _draw_text(strip, f"{second:d} / {total}", clock_x, text_y, font, _CREAM)
            sy, su, sv = _yuv420(strip)
            luma[clock_y:bar_y], cb[clock_y // 2 : bar_y // 2], cr[clock_y // 2 : bar_y // 2] = (
                sy,
                su,
                sv,
            )
            shown = second
        yield buf.tobytes()
