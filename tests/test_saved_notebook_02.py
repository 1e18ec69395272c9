"""Notebook 02_prompt_iteration.ipynb saved after a real run names no local folder, its printed
summary still says where the film is, and every cell ran without an error (see
test_saved_notebook.py for why)."""

from __future__ import annotations

import pytest
from saved_notebook_fixtures import (
    Saved,
    assert_every_cell_ran,
    assert_names_no_local_folder,
    assert_summary_says_where_the_film_is,
    execute_and_save,
)
from vocab_fixtures import SharedVocab

pytestmark = pytest.mark.slow  # executes a whole notebook


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory, shared_vocab: SharedVocab) -> Saved:
    return execute_and_save("02_prompt_iteration.ipynb", tmp_path_factory, shared_vocab)


def test_saved_notebook_names_no_local_folder(saved: Saved) -> None:
    assert_names_no_local_folder(saved)


def test_printed_summary_still_says_where_the_film_is(saved: Saved) -> None:
    assert_summary_says_where_the_film_is(saved)


def test_every_cell_runs_without_an_error(saved: Saved) -> None:
    assert_every_cell_ran(saved)
