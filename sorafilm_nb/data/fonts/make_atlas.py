"""Rebuild aileron_atlas.npz: printable ASCII glyphs of Aileron Regular, pre-rasterised.

Why: the animatic renderer needs text, and the project must not depend on Pillow or a system
font at run time. Aileron Regular (https://dotcolon.net/fonts/aileron, CC0 1.0: public domain)
is the font Pillow embeds as its default; this script, run once by a developer who has Pillow,
rasterises it at a few pixel sizes into a small numpy archive that render.py blits with numpy.

    python sorafilm_nb/data/fonts/make_atlas.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# 14/20/30 serve half-size animatics; 11-60 let a full-size (1280x720) frame or a caption
# card pick a size near the one it wants instead of doubling pixels (blocky text).
SIZES = (11, 14, 17, 20, 24, 30, 36, 44, 60)
CHARS = "".join(chr(c) for c in range(32, 127))


def rasterise(size: int) -> tuple[np.ndarray, np.ndarray, int]:
    font = ImageFont.load_default(size=size)
    ascent, descent = font.getmetrics()
    height = ascent + descent
    advances = [round(font.getlength(ch)) for ch in CHARS]
    width = max(max(advances), 1) + 2
    glyphs = np.zeros((len(CHARS), height, width), dtype=np.uint8)
    for i, ch in enumerate(CHARS):
        img = Image.new("L", (width, height), 0)
        ImageDraw.Draw(img).text((0, 0), ch, font=font, fill=255)
        glyphs[i] = np.asarray(img)
    return glyphs, np.array(advances, dtype=np.int16), height


def main() -> None:
    arrays: dict[str, np.ndarray] = {"chars": np.frombuffer(CHARS.encode(), dtype=np.uint8)}
    for size in SIZES:
        glyphs, advances, _ = rasterise(size)
        arrays[f"glyphs_{size}"] = glyphs
        arrays[f"advances_{size}"] = advances
    out = Path(__file__).with_name("aileron_atlas.npz")
    np.savez_compressed(out, **arrays)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
