"""What the README says about each concept is read when the profile is built and stored in it
(Concept.readme_sentence): a plan reads that field, never the README (issue 12, captions)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sorafilm_nb.analysis import profile as profile_module
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.readme_names import concept_sentences

REFERENCE = """# Courier

Courier sends parcels across town.

## API

### courier.send(parcel, options?)
### courier.post(parcel, options?)

Puts the parcel on the next van and returns its tracking number.

#### options

Type: `object`

### .retry(times)

This method tries the round again, up to `times` times.

### Depot

The place every van starts from and comes back to.

## Tips

- `Parcel` holds the goods and the address they go to.
- You can track every parcel.
"""


def test_a_heading_that_names_the_concept_gives_the_sentence_under_it() -> None:
    said = concept_sentences(
        REFERENCE,
        ["courier.send", "courier.post", "Van.retry", "Depot", "options", "Parcel", "Tips"],
    )
    # headings in a row share the paragraph after them
    assert (
        said["courier.send"]
        == said["courier.post"]
        == ("Puts the parcel on the next van and returns its tracking number.")
    )
    assert said["Van.retry"] == "This method tries the round again, up to times times."
    assert said["Depot"] == "The place every van starts from and comes back to."
    # a lower-case word heading is a part of the page (an option), and "Tips" is no name
    assert "options" not in said and "Tips" not in said
    # a list item is a sentence of its own (no doubled full stop)
    assert said["Parcel"] == "Parcel holds the goods and the address they go to."


def _repo(root: Path) -> Path:
    (root / "courier").mkdir(parents=True)
    (root / "README.md").write_text(REFERENCE, encoding="utf-8")
    (root / "pyproject.toml").write_text('[project]\nname = "courier"\n', encoding="utf-8")
    (root / "courier" / "__init__.py").write_text(
        '"""Courier."""\n\n\nclass Depot:\n    pass\n\n\nclass Parcel:\n    pass\n\n\n'
        "__all__ = ['Depot', 'Parcel']\n",
        encoding="utf-8",
    )
    return root


def test_the_profile_stores_the_sentence_and_its_cache_keeps_it(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "courier")
    cold = analyze(repo, cache_dir=tmp_path / "cache")
    warm = analyze(repo, cache_dir=tmp_path / "cache")
    assert warm.stats["profile_cache"] == "hit"
    for profile in (cold, warm):
        by_name = {c.name: c for c in profile.concepts}
        assert by_name["Depot"].readme_sentence.startswith("The place every van starts")
        assert by_name["Parcel"].readme_sentence.startswith("Parcel holds the goods")


def test_a_plan_reads_the_stored_sentence_not_the_readme(tmp_path: Path) -> None:
    """The README is gone by plan time (and the story never imports a Markdown reader): the
    caption still says what the README said when the profile was built."""
    from sorafilm_nb.story.boards import storyboard
    from sorafilm_nb.story.casting import cast

    repo = _repo(tmp_path / "courier")
    profile = analyze(repo, use_cache=False)
    os.remove(repo / "README.md")
    board = storyboard(cast(profile, top=2), "silent-90", 48)
    # (the ending's reprise sums up with the README's promise: plot.reprise_words)
    captions = {s.cast.concept.name: s.caption for s in board.shots if s.cast and not s.reprise}
    assert captions.get("Depot", "Depot: the place every van").startswith(
        "Depot: the place every van"
    ), captions
    assert any("van" in text or "goods" in text for text in captions.values()), captions


def test_a_concept_without_a_docstring_takes_the_sentence_words_for_casting(
    tmp_path: Path,
) -> None:
    by_name = {c.name: c for c in analyze(_repo(tmp_path / "courier"), use_cache=False).concepts}
    assert {"van", "starts", "comes"} <= set(by_name["Depot"].words)  # what it does, matched


def test_a_profile_cached_before_the_markup_fix_is_derived_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README-derived fields (readme_sentence, the promise, in_readme) changed with markup's
    linear patterns (0f69f81) while the cached profile's key stayed rank-19: a profile
    cached by the older reader must be rebuilt, not served as a hit."""
    repo = _repo(tmp_path / "courier")
    cache = tmp_path / "cache"
    monkeypatch.setattr(profile_module, "RANK_VERSION", "rank-19")  # the reader before 0f69f81
    old = analyze(repo, cache_dir=cache)
    assert analyze(repo, cache_dir=cache).stats["profile_cache"] == "hit"
    monkeypatch.undo()
    assert old.stats["profile_cache"] == "miss"
    now = analyze(repo, cache_dir=cache)
    assert now.stats["profile_cache"] == "miss"
    assert analyze(repo, cache_dir=cache).stats["profile_cache"] == "hit"
