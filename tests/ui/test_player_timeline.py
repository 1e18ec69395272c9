"""The player's shot list on a real stitched film: a shot starts where the film shows it,
after every caption card before it (cards are stills of their own: screen time, no video
seconds). The simulator renders the clips; the studio stitches them and writes film.vtt."""

from __future__ import annotations

import dataclasses
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "studio"))

from studio_child import make_plan
from test_film_captions import cues

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import probe
from sorafilm_nb.story.captions import film_captions
from sorafilm_nb.studio.runner import Studio

pytestmark = [
    pytest.mark.usefixtures("animatics_drawn_once"),  # each animatic drawn once
    # skipped as importorskip("anywidget") skipped it, without importing it (and ipywidgets)
    # while collecting: every xdist worker collects this module
    pytest.mark.skipif(find_spec("anywidget") is None, reason="could not import 'anywidget'"),
]

LONG_CARD = "a long card of many words, so many that a viewer needs more time to read it"


def test_each_shot_starts_where_the_stitched_film_shows_it(tmp_path: Path) -> None:
    plan = make_plan(3, seconds=4, tag="player")
    captions = [("one: the first", "Chapter one"), ("two: the second", LONG_CARD), ("three", None)]
    shots = tuple(
        dataclasses.replace(s, caption=cap, card=card)
        for s, (cap, card) in zip(plan.storyboard.shots, captions, strict=True)
    )
    plan = dataclasses.replace(plan, storyboard=dataclasses.replace(plan.storyboard, shots=shots))
    with (
        Simulator(job_seconds=0.3, poll_after_ms=50, render_scale=0.2) as sim,
        Ledger(tmp_path / "ledger.sqlite3") as ledger,
    ):
        studio = Studio(
            OpenAIBackend.for_simulator(sim), ledger, max_poll_interval=0.2, min_poll_interval=0.05
        )
        film = studio.run(plan, tmp_path / "film")
    assert film.ok, film.summary()
    shown = {
        text: start for start, _end, text in cues((tmp_path / "film" / "film.vtt").read_text())
    }
    from sorafilm_nb.ui.player import shot_rows

    rows = shot_rows(film)
    for row, (caption, _card) in zip(rows, captions, strict=True):
        assert row["start"] == pytest.approx(shown[caption], abs=0.05), (row["id"], shown)
    # the long card holds the screen as long as the plan said, and the film is that long
    timeline = film_captions(plan.storyboard.shots, plan.storyboard.end_card)
    planned = {c.text: c for c in timeline}
    assert planned[LONG_CARD].seconds > 3  # longer than the shortest card: the case at issue
    assert shown[LONG_CARD] == pytest.approx(planned[LONG_CARD].start, abs=0.05)
    assert shown["three"] == pytest.approx(planned["three"].start, abs=0.05)
    assert probe(tmp_path / "film" / "film.mp4").duration == pytest.approx(
        max(c.end for c in timeline), abs=0.1
    )
