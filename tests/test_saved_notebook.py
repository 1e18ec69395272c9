"""A saved notebook names no local folder: the notebooks executed for real, then grepped.

Notebooks are shared ("here is what I made, and how"), so what Jupyter writes into the .ipynb
(outputs, and the widget state that keeps widgets alive without a kernel) must not hold the
author's absolute paths: not their home, not their user name, not the scratch folder. The
notebook is copied into a temp project (a small real repository to film, notebooks/ beside
it), executed by nbclient with the widget state stored as JupyterLab stores it, written back
to disk, and the saved text is searched for every local folder the run could have leaked.
What is shown instead must still be useful: the printed summary names the film by its path
from the notebook's folder (sorafilm_nb.paths).

This file: the quickstart, the notebook with the player. test_saved_notebook_02.py and
_03.py hold the same checks for the other notebooks (one notebook per file, so that xdist
executes them side by side); the executing and the checks are in saved_notebook_fixtures.py.
The same execution is checked as nbval checked its own (every cell runs without an error),
so ``make test`` runs each notebook once.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from saved_notebook_fixtures import (
    WIDGET_STATE,
    Saved,
    assert_every_cell_ran,
    assert_names_no_local_folder,
    assert_summary_says_where_the_film_is,
    execute_and_save,
    outputs,
)
from vocab_fixtures import SharedVocab

pytestmark = pytest.mark.slow  # each file executes a whole notebook

NOTEBOOK = "01_quickstart.ipynb"  # the one with the player
# test_saved_widget_state_stays_small: the executed quickstart's saved widget state (here at
# SMALL_SCALE, filming this project's ui package: its concepts move with that code, so a
# little room). Before sharing: 174 Layouts, 131 Styles, 478 models, 479 kB of state, 651 kB
# saved; after: 5, 7, 161, 203 kB, 293 kB.
# one per look (the default, the picker's and the bars' column widths), and one of its own
# for each panel a user holds (JobProgress, MetaphorPicker, StudioApp: 4 in the quickstart)
LAYOUTS = 10
STYLES = 8  # one per kind of widget (HTML, Dropdown, Text, IntProgress, ...)
MODELS = 175
STATE_BYTES = 230_000
NOTEBOOK_BYTES = 330_000


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, shared_vocab: SharedVocab) -> Saved:
    return execute_and_save(NOTEBOOK, tmp_path_factory, shared_vocab)


def test_widget_state_and_rich_outputs_name_no_local_folder(saved: Saved) -> None:
    state = saved.nb["metadata"]["widgets"][WIDGET_STATE]["state"]
    players = [m["state"] for m in state.values() if "src_path" in m["state"]]
    assert len(players) == 1 and players[0]["src_path"].startswith("out/"), players
    assert players[0]["src_path"].endswith("/film.mp4")
    assert (saved.path.parent / players[0]["src_path"]).is_file()  # plays beside out/
    assert players[0]["poster"].startswith("data:image/jpeg;base64,")
    assert saved.leaks(json.dumps(state)) == []
    rich = outputs(saved.nb, streams=False)
    assert any("sorafilm-player-static" in json.dumps(o) for o in rich)
    assert saved.leaks(json.dumps(rich)) == []


def test_saved_notebook_names_no_local_folder(saved: Saved) -> None:
    assert_names_no_local_folder(saved)


def test_printed_summary_still_says_where_the_film_is(saved: Saved) -> None:
    assert_summary_says_where_the_film_is(saved)


def test_every_cell_runs_without_an_error(saved: Saved) -> None:
    assert_every_cell_ran(saved)


def widget_census(saved: Saved) -> tuple[int, Counter[str]]:
    """The saved widget state's size in bytes (as json.dumps writes it) and its models by name."""
    state = saved.nb["metadata"]["widgets"][WIDGET_STATE]["state"]
    return len(json.dumps(state)), Counter(m["model_name"] for m in state.values())


def test_saved_widget_state_stays_small(saved: Saved) -> None:
    """README: "Saved notebooks stay small". Every widget model is saved with every default
    trait (a Layout is ~1.1 kB of nulls), so the state grows with the number of models, not
    with what they show: each widget once had its own Layout and Style (a user's quickstart
    saved 478 models, 480 kB, 174 of them Layouts). Widgets that look alike share one Layout
    and one Style (ui/_looks.py) and read-only text is one HTML widget, not one per cell.
    The bounds leave room for a few more widgets, not for a model per widget again."""
    size, census = widget_census(saved)
    shown = f"{size} bytes; {sorted(census.items(), key=lambda kv: -kv[1])}"
    assert census["LayoutModel"] <= LAYOUTS, shown
    assert sum(n for name, n in census.items() if name.endswith("StyleModel")) <= STYLES, shown
    assert sum(census.values()) <= MODELS, shown
    assert size <= STATE_BYTES, shown
    assert len(saved.text) <= NOTEBOOK_BYTES, f"{len(saved.text)} bytes saved; {shown}"
