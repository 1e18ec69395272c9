"""No gag closes the film: any metaphor may be cast at any place in it, so an ending written
into one ("smiles at the camera as the iris closes") played at shot 7 of semver's 9."""

from __future__ import annotations

from dataclasses import replace

import pytest
from story_fixtures import MILK

from sorafilm_nb.errors import DataFileError
from sorafilm_nb.story.casting import MetaphorLibrary
from sorafilm_nb.story.metaphor_rules import check_metaphor


@pytest.mark.parametrize(
    "line",
    [
        "smiles at the camera as the iris closes",
        "the scene fades to black",
        "bows as the curtain falls",
        "THE END appears",
    ],
)
def test_a_gag_whose_action_ends_the_film_is_refused(line: str) -> None:
    m = replace(MILK, actions=("{hero} tips the jug", line))
    with pytest.raises(DataFileError, match="closes the film"):
        check_metaphor(m, file="mine.toml", entry="metaphor 1")


def test_an_end_that_is_a_place_is_no_ending() -> None:
    check_metaphor(
        replace(MILK, actions=("{hero} lights the end of a long fuse", "it fizzles")),
        file="mine.toml",
        entry="metaphor 1",
    )


def test_no_packaged_gag_plays_the_films_ending() -> None:
    for theme in MetaphorLibrary.themes():  # loading checks every metaphor
        lib = MetaphorLibrary.load(theme)
        assert not [m.id for m in lib.metaphors if "iris" in " ".join(m.actions)]
