"""Text as pixels: the pre-rasterised Aileron atlas, folding hostile text to what it holds,
wrapping by pixel width, and alpha-blending glyphs onto a frame.

Why its own module: ``_card`` (caption cards, lower thirds, the layout) and ``_panel`` (the
animatic's storyboard panel) both draw text; the atlas and the rules for what may be drawn
live here once. Text from a prompt or a caption is hostile: ``_ascii`` folds it to printable
ASCII and the few typographic marks the atlas holds, bounded by ``_MAX_CHARS``, and it is only
ever drawn as pixels, never interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np

from ._look import RGB

_SIZES = (11, 14, 17, 20, 24, 30, 36, 44, 60)  # what data/fonts/aileron_atlas.npz holds


@dataclass(frozen=True)
class _Font:
    glyphs: np.ndarray  # (n, h, w) uint8 coverage, in the order of _charmap()
    advances: np.ndarray  # (n,) int

    @property
    def height(self) -> int:
        return int(self.glyphs.shape[1])

    def width(self, text: str) -> int:
        return int(sum(int(self.advances[_index(ch)]) for ch in text))


@cache
def _charmap() -> dict[str, int]:
    """Character -> glyph index: the atlas's own list (printable ASCII, the middle dot, the
    dashes, curly quotes and the ellipsis; see data/fonts/make_atlas.py)."""
    from .datafiles import data_dir

    with np.load(data_dir() / "fonts" / "aileron_atlas.npz") as atlas:
        codes = atlas["chars"]
    return {chr(int(c)): i for i, c in enumerate(codes)}


def _index(ch: str) -> int:
    charmap = _charmap()
    return charmap.get(ch, charmap["?"])


def _font(px: float) -> _Font:
    """The atlas size nearest to ``px`` (sizes are rasterised, never scaled: crisp text)."""
    return _atlas(_size(px))


def _size(px: float) -> int:
    return min(_SIZES, key=lambda s: abs(s - px))


@cache
def _atlas(px: int) -> _Font:
    from .datafiles import data_dir

    with np.load(data_dir() / "fonts" / "aileron_atlas.npz") as atlas:
        glyphs = atlas[f"glyphs_{px}"]
        advances = atlas[f"advances_{px}"].astype(np.int32)
    return _Font(glyphs=glyphs, advances=advances)


# Folded before anything else: tabs and no-break spaces are spaces, the bullet is a middle dot.
_FOLD = str.maketrans({"\t": " ", "\u00a0": " ", "\u2022": "\u00b7", "\u2212": "-"})
# Nothing on screen needs more than this many characters (three wrapped lines at most): a
# hostile 1 MB caption costs no more to fold, wrap and clip than a short one.
_MAX_CHARS = 2000


def _ascii(text: str) -> str:
    """What the atlas can draw of ``text`` (any unicode; hostile text is only ever pixels):

    accents are dropped from letters the atlas lacks ("Café" -> "Cafe"), typographic marks it
    has are kept ("·", "—", "…"), marks, emoji, symbols, control and format characters (bidi
    overrides, zero-width joiners) are left out, and each run of letters from a script the
    atlas has no glyphs for becomes one "?" (so a name in another script still shows that a
    word is there). Whitespace of any kind is one space."""
    charmap = _charmap()
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text[:_MAX_CHARS].translate(_FOLD)):
        if ch in charmap:
            out.append(" " if ch.isspace() else ch)
            continue
        if ch.isspace():
            out.append(" ")
            continue
        category = unicodedata.category(ch)
        if category[0] in "LN" and not (out and out[-1] == "?"):
            out.append("?")  # a letter or digit of a script the atlas lacks
        elif category in ("Pi", "Pf"):
            out.append('"')  # guillemets and other quotation marks
        elif category == "Pd":
            out.append("-")
        # other punctuation, M (combining marks), S (symbols, emoji), C (controls, format,
        # private, unassigned): nothing to draw
    return _SPACES.sub(" ", "".join(out)).strip()


_SPACES = re.compile(r" {2,}")


def _draw_text(img: np.ndarray, text: str, x: int, y: int, font: _Font, colour: RGB) -> int:
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
    """Greedy word wrap by pixel width; a word wider than the line is cut."""
    out: list[str] = []
    line = ""
    space = font.width(" ")
    width = 0
    for word in text.split():
        w = font.width(word)
        while w > max_width and len(word) > 1:  # cut an over-long word across lines
            if line:
                out.append(line)
                line, width = "", 0
            cut = _fitting_prefix(word, font, max_width)
            out.append(word[:cut])
            w -= font.width(word[:cut])  # not the rest measured again: O(n) for the word
            word = word[cut:]
        if line and width + space + w > max_width:
            out.append(line)
            line, width = "", 0
        line, width = (f"{line} {word}", width + space + w) if line else (word, w)
    if line:
        out.append(line)
    return out


def _fitting_prefix(word: str, font: _Font, max_width: int) -> int:
    """How many leading characters of ``word`` fit in ``max_width`` (at least one).

    One pass over the word: measuring every shorter prefix again made a hostile 20,000-
    character word take minutes (every advance in the atlas is positive, so the first
    character that overflows ends the search)."""
    total = 0
    for count, ch in enumerate(word):
        total += int(font.advances[_index(ch)])
        if total > max_width:
            return max(1, count)
    return len(word)


def _fit(lines: list[str], font: _Font, max_lines: int, max_width: int) -> list[str]:
    """At most ``max_lines``; a cut last line ends with '...' so nothing looks complete.
    The cut drops whole words, in every frame text (a card's promise never ends
    "applicati...", the animatic's slug line never "a round vault door at th..."), unless the
    line is one word too long for any cut between words."""
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    words = last.split(" ")
    while len(words) > 1 and font.width(" ".join(words) + "...") > max_width:
        words.pop()
    last = " ".join(words)
    while last and font.width(last + "...") > max_width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip(" ,;:") + "..."]


def _fits_whole(text: str, font: _Font, max_width: int, max_lines: int) -> list[str] | None:
    """``text`` (folded) wrapped by ``font`` into at most ``max_lines`` with no word cut, or
    None when it takes more lines or a word is wider than ``max_width``."""
    if any(font.width(word) > max_width for word in text.split()):
        return None
    lines = _wrap(text, font, max_width)
    return lines if len(lines) <= max_lines else None


def _block(
    img: np.ndarray,
    text: str,
    x: int,
    y: int,
    font: _Font,
    colour: RGB,
    *,
    width: int,
    max_lines: int,
    centre: bool = False,
) -> int:
    """Wrapped text from (x, y); returns the y below it."""
    lines = _fit(_wrap(_ascii(text), font, width), font, max_lines, width)
    for line in lines:
        lx = x + (width - font.width(line)) // 2 if centre else x
        _draw_text(img, line, lx, y, font, colour)
        y += int(font.height * 1.05)
    return y
