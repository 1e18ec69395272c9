"""Film folders written before lower thirds were burned in: their manifest has no
"lower_thirds" key and their film.mp4 is clean, so every face shows the captions track ON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from provider_fixtures import animatics_drawn_once  # noqa: F401 - a fixture, by name
from ui_fixtures import make_film

from sorafilm_nb import ui  # ui.VideoPlayer: ipywidgets loads in the tests, not at collection
from sorafilm_nb.sharing import UntrustedNotebookWarning, share
from sorafilm_nb.studio.folder import Film

pytestmark = pytest.mark.usefixtures("animatics_drawn_once")  # each animatic drawn once


def old_film(folder: Path) -> Path:
    """A captioned film folder as the studio wrote it before the lower_thirds flag existed
    (it stitched track-only then): the same manifest without that key."""
    make_film(folder, (4,), captions=True)
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text())
    del data["lower_thirds"]
    manifest.write_text(json.dumps(data, indent=2))
    return folder


def _track(html: str) -> str:
    found = re.search(r"<track[^>]*>", html)
    assert found, html
    return found[0]


def test_an_old_manifest_reads_as_not_burned(tmp_path: Path) -> None:
    film = Film.load(old_film(tmp_path / "out" / "film1"))
    assert film.captions is not None and film.lower_thirds is False


def test_the_player_shows_an_old_films_captions_track(tmp_path: Path) -> None:
    player = ui.VideoPlayer(old_film(tmp_path / "out" / "film1"), base_dir=tmp_path)
    assert player.captions_path == "out/film1/film.vtt" and player.captions_shown is True
    assert " default " in _track(player.static_html())


def _notebook_with_player_output(folder: Path, player: ui.VideoPlayer) -> Path:
    """A notebook saved with a player's output, as Jupyter saves it (widget view + static
    HTML), so share() exports it without running anything."""
    import nbformat  # here, not at the top: every xdist worker collects this module

    data, _meta = player._repr_mimebundle_()
    cell = nbformat.v4.new_code_cell("VideoPlayer('out/film1')")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    path = folder / "tour.ipynb"
    nbformat.write(nb, path)
    return path


def test_the_shared_page_follows_the_film_folder_not_a_stale_output(tmp_path: Path) -> None:
    folder = old_film(tmp_path / "out" / "film1")
    player = ui.VideoPlayer(folder, base_dir=tmp_path)
    player.captions_shown = False  # what the player saved while it read old manifests as burned
    nb = _notebook_with_player_output(tmp_path, player)
    with pytest.warns(UntrustedNotebookWarning):  # no Jupyter signed it: shared sanitized
        page = share(nb, tmp_path / "pages" / "tour.html", execute=False)
    track = _track(page.read_text())
    assert "default" in track and 'src="../out/film1/film.vtt"' in track


def test_the_shared_page_keeps_a_burned_films_track_off(tmp_path: Path) -> None:
    folder = make_film(tmp_path / "out" / "film1", (4,), captions=True, lower_thirds=True)
    player = ui.VideoPlayer(folder, base_dir=tmp_path)
    player.captions_shown = True  # saved before the film was restitched with lower thirds
    with pytest.warns(UntrustedNotebookWarning):  # the player's face keeps its track
        page = share(_notebook_with_player_output(tmp_path, player), tmp_path / "p.html")
    assert "default" not in _track(page.read_text())


@pytest.mark.slow
def test_an_executed_shared_page_shows_an_old_films_track(tmp_path: Path) -> None:
    import nbformat

    old_film(tmp_path / "out" / "film1")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from sorafilm_nb.ui import VideoPlayer\nVideoPlayer('out/film1')"
        )
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "tour.ipynb"
    nbformat.write(nb, path)
    page = share(path, tmp_path / "tour.html", timeout=120)
    assert "default" in _track(page.read_text())
