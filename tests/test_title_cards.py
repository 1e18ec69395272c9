"""The title card and the closing card as drawn: the name as a heading over its line (the
README's promise, or how to get the package), both whole at every frame size.

The line is repository text: folded like any (``_glyphs._ascii``), wrapped at words, never cut
inside one, and inside the card's rules at 256x144 as at 1920x1080 and 9:16. The taglines are
the eval's (the longest, ItsDangerous', is 89 characters), and one of 120, a README tagline's
most (readme.TAGLINE_MAX)."""

from __future__ import annotations

import numpy as np
import pytest

from sorafilm_nb._card import Layout, _two_part, caption_card
from sorafilm_nb._glyphs import _ascii
from sorafilm_nb._look import Look

SIZES = [(256, 144), (640, 360), (1280, 720), (1920, 1080), (144, 256), (360, 640), (1080, 1920)]
CARDS = [
    "Flask: a lightweight WSGI web application framework",
    "ItsDangerous: various helpers to pass data to untrusted environments and to get it back safe",
    "Rich: a Python library for rich text and beautiful formatting in the terminal",
    "Commander.js: the complete solution for node.js command-line interfaces",
    "Kit: " + " ".join(["wonderful"] * 12),  # 120 characters of promise
    "Flask: pip install Flask",
    "Zod: npm install zod",
]


def _room(layout: Layout) -> int:
    """The rows between the card's two rules, as caption_card leaves them."""
    u, m = layout.unit, layout.margin
    return layout.height - 2 * (m + round(14 * u) + max(2, round(u)))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_promise_is_drawn_whole_under_the_name_at_every_size(width: int, height: int) -> None:
    layout = Layout(width, height)
    inner = width - 4 * layout.margin
    for text in CARDS:
        name, words = text.split(": ", 1)
        (head_font, heads), (line_font, lines) = _two_part(name, words, layout, _room(layout))
        assert heads == [name], (width, height, text)
        assert line_font.height < head_font.height  # a heading over its line
        if width >= 256:  # every word is narrower than the line: no word cut, nothing left out
            assert " ".join(lines) == _ascii(words), (width, height, lines)
        assert all(line_font.width(line) <= inner for line in lines)
        block = int(head_font.height * 1.05) + round(8 * layout.unit)
        assert block + int(line_font.height * 1.05) * len(lines) <= _room(layout)


def test_a_line_too_long_for_any_size_ends_at_a_word() -> None:
    layout = Layout(256, 144)
    words = " ".join(f"word{i}" for i in range(400))
    _heads, (_font, lines) = _two_part("Kit", words, layout, _room(layout))
    assert lines[-1].endswith("...")
    assert set(" ".join(lines).removesuffix("...").split()) <= set(words.split())


def test_the_heading_and_the_line_are_drawn_between_the_rules() -> None:
    """Drawn: the two-part card differs from the name's card below the name (the promise is
    there), and nothing is drawn outside the rules but the frame."""
    look = Look()
    width, height = 640, 360
    both = caption_card(width, height, CARDS[0], look, kind="title").astype(np.int16)
    name = caption_card(width, height, "Flask", look, kind="title").astype(np.int16)
    rows = np.flatnonzero(np.abs(both - name).max(axis=(1, 2)) > 40)
    layout = Layout(width, height)
    assert rows.size and rows[0] >= layout.margin and rows[-1] <= height - layout.margin
    assert rows[-1] - rows[0] > 60  # the promise below the name, not only the name moved


@pytest.mark.parametrize("text", ["N" * 20_000 + ": " + "gloss " * 5_000, "\u202eevil\u202c: x"])
def test_hostile_two_part_text_is_still_a_card(text: str) -> None:
    for width, height in [*SIZES, (64, 36)]:
        card = caption_card(width, height, text, Look(), kind="title")
        assert card.shape == (height, width, 3)
