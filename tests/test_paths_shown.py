"""paths.shown_path: relative below the working directory, else in full (README, issue ux 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.paths import notebook_relative, shown_path


def test_a_path_beside_the_working_directory_is_shown_in_full_not_climbing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from /tmp/nu/pkgs with --out /tmp/nu/film-tenacity, `sorafilm film` printed
    "film: ../film-tenacity/film.mp4"; the README says relative when below, else in full."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # the temp folder is outside the home
    here = tmp_path / "pkgs"
    film = tmp_path / "film-tenacity" / "film.mp4"
    film.parent.mkdir(parents=True)
    here.mkdir()
    monkeypatch.chdir(here)
    assert shown_path(film) == str(film)
    assert shown_path(here / "out" / "film.mp4") == "out/film.mp4"  # below: relative
    # a link from here still climbs (the shared page's and the player's need)
    assert notebook_relative(film, here) == "../film-tenacity/film.mp4"


def test_a_path_beside_the_working_directory_under_home_is_shown_from_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "pkgs").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(home / "pkgs")
    assert shown_path(home / "films" / "x" / "film.mp4") == "~/films/x/film.mp4"
