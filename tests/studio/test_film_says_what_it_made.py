"""What a finished film says of itself (issue ux 6): its running time the same in the report
and the player (cards included), each animatic's size as its file has it, and a re-run into a
finished folder that bills nothing says so. A real simulator, real files, a real ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from sim_fixtures import *  # noqa: F403 - the simulator fixtures

import sorafilm_nb as sf
from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.render import probe
from sorafilm_nb.studio.runner import Studio


@pytest.fixture
def kettle(tmp_path: Path) -> Path:
    root = tmp_path / "kettle"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "kettle"\n')
    (root / "README.md").write_text("# Kettle\n\nBoils water, politely.\n")
    (root / "kettle.py").write_text(
        '"""A kettle."""\n\n\nclass BoilError(Exception):\n    """Too hot."""\n\n\n'
        "class Kettle:\n    def boil(self, litres: float) -> float:\n"
        "        if litres > 2:\n            raise BoilError(litres)\n        return litres\n"
    )
    return root


def test_a_film_says_its_length_sizes_and_what_a_rerun_billed(
    simulator, kettle: Path, tmp_path: Path
) -> None:
    from sorafilm_nb.ui.player import _film_title, shot_rows

    plan = sf.plan(sf.cast(sf.analyze(kettle), "kitchen"), template="teaser-30")
    backend = OpenAIBackend.for_simulator(simulator)
    out = tmp_path / "film"
    with Ledger(tmp_path / "ledger.sqlite3", sandbox=True) as ledger:
        film = Studio(backend, ledger).run(plan, out)
        assert film.ok and film.film is not None and film.duration_s is not None, film.summary()
        video = sum(s.seconds for s in film.shots)
        assert film.duration_s > video + 1  # the plan's caption cards are screen time too
        report = (out / "report.md").read_text()
        # one running time, cards included, in the report and the player
        length = film.length()
        assert length.startswith(f"{round(film.duration_s, 1):g} s ({video} s of video, ")
        assert f"Film: `film.mp4`, {length}\n" in report
        assert f" · {length} · " in _film_title(film)
        # each shot's size as its file has it (the simulator draws a fifth of the size)
        first = film.shots[0]
        info = probe(out / (first.file or ""))
        made = f"animatic {info.width}x{info.height} (of {first.size})"
        assert first.frame == f"{info.width}x{info.height}" != first.size
        assert f"| {made} |" in report and f"| {first.size} |" not in report
        assert shot_rows(film)[0]["size"] == made
        assert "billed" in film.summary() and "nothing new" not in film.summary()
        rows = len(ledger.records())
        # the same plan into the finished folder: it resumes and bills nothing
        again = Studio(backend, ledger).run(plan, out)
        assert len(ledger.records()) == rows and again.billed == film.billed
        assert (
            f"billed {film.billed} (simulated, no real money), all of it before this run: "
            "nothing new was billed; film: " in again.summary()
        ), again.summary()
