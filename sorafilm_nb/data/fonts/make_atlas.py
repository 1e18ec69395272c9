"""Rebuild aileron_atlas.npz: printable ASCII glyphs of Aileron Regular, pre-rasterised,
and the few typographic marks the story writes ("Python · import x", "a — b", "…").

Why: the animatic renderer needs text, and the project must not depend on Pillow or a system
font at run time. Aileron Regular (https://dotcolon.net/fonts/aileron, CC0 1.0: public domain)
is the font Pillow embeds as its default; this script, run once by a developer who has Pillow,
rasterises it at a few pixel sizes into a small numpy archive that render.py blits with numpy.
``chars`` holds each glyph's code point, in glyph order (_card builds its lookup from it).
Pillow's embedded Aileron has the middle dot, the curly quotes and the ellipsis but no dashes:
the en and em dash are drawn from the hyphen's own stroke, widened (the font's metrics: an en
dash is half an em, an em dash the font size).

    python sorafilm_nb/data/fonts/make_atlas.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# 14/20/30 serve half-size animatics; 11-60 let a full-size (1280x720) frame or a caption
# card pick a size near the one it wants instead of doubling pixels (blocky text).
SIZES = (11, 14, 17, 20, 24, 30, 36, 44, 60)
ASCII = "".join(chr(c) for c in range(32, 127))
FROM_FONT = "\u00b7\u2026\u2018\u2019\u201c\u201d"  # · … ‘ ’ “ ”
DASHES = "\u2013\u2014"  # – —
CHARS = ASCII + FROM_FONT + DASHES


def rasterise(size: int) -> tuple[np.ndarray, np.ndarray, int]:
    font = ImageFont.load_default(size=size)
    ascent, descent = font.getmetrics()
    height = ascent + descent
    advances = [round(font.getlength(ch)) for ch in ASCII + FROM_FONT]
    advances += [max(2, round(size * 0.5)), max(3, size)]  # en, em
    width = max(max(advances), 1) + 2
    glyphs = np.zeros((len(CHARS), height, width), dtype=np.uint8)
    for i, ch in enumerate(ASCII + FROM_FONT):
        img = Image.new("L", (width, height), 0)
        ImageDraw.Draw(img).text((0, 0), ch, font=font, fill=255)
        glyphs[i] = np.asarray(img)
    hyphen = glyphs[ord("-") - 32]
    ink = hyphen.max(axis=1)  # the hyphen's rows, with their anti-aliased edges
    for k, advance in enumerate(advances[-2:]):
        glyphs[len(ASCII) + len(FROM_FONT) + k, :, : max(1, advance - 1)] = ink[:, None]
    return glyphs, np.array(advances, dtype=np.int16), height


def main() -> None:
    codes = np.array([ord(ch) for ch in CHARS], dtype=np.uint32)
    arrays: dict[str, np.ndarray] = {"chars": codes}
    for size in SIZES:
        glyphs, advances, _ = rasterise(size)
        arrays[f"glyphs_{size}"] = glyphs
        arrays[f"advances_{size}"] = advances
    out = Path(__file__).with_name("aileron_atlas.npz")
    np.savez_compressed(out, **arrays)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
