"""README reference lists and taglines on packages never tuned on (session 12, h-cap2: a new
user's films of semver and tenacity): a list entry "`valid(v)`: Return ..." is what the README
says of valid, an entry's indented lines are part of it, and the tagline is the README's first
prose sentence, never a lead-in to an example ("As a node module:") nor a license. Each test
fails on the old reader."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.readme import _blocks, read_readme
from sorafilm_nb.analysis.readme_names import concept_sentences

REFERENCE = """kiln(1) -- The pottery scheduler for kilns
==========================================

## Install

```bash
npm install kiln
```

## Usage

As a node module:

```js
kiln.fire('bowl')
```

## Functions

* `fire(pot)`: Return the fired pot, or null if the kiln is cold.
* `glaze(pot, colour)`: Return true if the pot takes the
  colour.
* `cool(a, b)`: `a < b`
* `stack(pots)`: Put every pot on the shelf in the order of
  their firing.
"""


def test_a_reference_entry_is_what_the_readme_says_of_its_name() -> None:
    """The label ("`fire(pot)`:") is the call; the sentence after it is about fire: read
    whole, "fire(pot): Return ..." gave no caption at all ("a function in lib/fire")."""
    said = concept_sentences(REFERENCE, ["fire", "cool"])
    assert said["fire"] == "Return the fired pot, or null if the kiln is cold."
    assert "cool" not in said  # "`a < b`" is a formula, not a sentence about cool


def test_an_entrys_indented_lines_go_on_with_it() -> None:
    """ "... takes the" went on with "  colour." on the next line: its own paragraph, so the
    sentence ended "takes the." and a paragraph "colour." stood alone."""
    said = concept_sentences(REFERENCE, ["glaze", "stack"])
    assert said["glaze"] == "Return true if the pot takes the colour."
    assert said["stack"] == "Put every pot on the shelf in the order of their firing."
    items = [text for kind, text in _blocks(REFERENCE) if kind == "other"]
    assert "* `stack(pots)`: Put every pot on the shelf in the order of their firing." in items


def test_an_entry_for_another_name_is_not_about_this_one() -> None:
    """ "`glaze(pot, colour)`: ..." names `Pot` near its start, but is glaze's entry."""
    text = "# Kiln\n\n* `glaze(pot, colour)`: Return the `Pot` glazed in the colour.\n"
    assert "Pot" not in concept_sentences(text, ["Pot"])


def test_a_man_page_title_says_the_tagline_where_no_paragraph_does() -> None:
    """The first paragraph was "As a node module:", a lead-in under "Usage": semver's film
    promised "semver: as a node module:"; its title line says what it is."""
    readme = read_readme(REFERENCE, "kiln")
    assert readme.tagline == "The pottery scheduler for kilns"


def test_a_lead_in_to_an_example_is_no_tagline() -> None:
    text = "# Kiln\n\n## Usage\n\nAs a node module:\n\n```js\nx\n```\n\nKiln fires pots.\n"
    assert read_readme(text, "kiln").tagline == "Kiln fires pots."


def test_the_license_is_no_part_of_the_tagline() -> None:
    """ "an Apache 2.0 licensed general-purpose retrying library": tenacity's promise opened
    on its license; a line that only says the license is no tagline at all."""
    text = (
        "Kiln\n====\n\nKiln is an Apache 2.0 licensed general-purpose firing library, "
        "written in Python.\n"
    )
    assert read_readme(text, "kiln").tagline == (
        "Kiln is a general-purpose firing library, written in Python."
    )
    text = "# Kiln\n\nLicensed under the MIT license.\n\nKiln is an MIT-licensed kiln timer.\n"
    assert read_readme(text, "kiln").tagline == "Kiln is a kiln timer."


def test_with_no_readme_the_metadata_says_the_tagline(tmp_path: Path) -> None:
    """tenacity's sdist ships no README: its film's end card said "RetryCallState, retry and
    stop_after_attempt, working together"; its pyproject.toml says what it is. A README's
    sentence still comes first."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "kiln"\ndescription = "Fire pots until they ring. Fast."\n',
        encoding="utf-8",
    )
    (tmp_path / "kiln.py").write_text('def fire():\n    """Fire a pot."""\n', encoding="utf-8")
    assert analyze(tmp_path, use_cache=False).tagline == "Fire pots until they ring."
    (tmp_path / "README.md").write_text("# Kiln\n\nKiln glazes pots.\n", encoding="utf-8")
    assert analyze(tmp_path, use_cache=False).tagline == "Kiln glazes pots."


def test_the_metadata_s_tagline_is_read_as_prose(tmp_path: Path) -> None:
    """A package's description is Markdown (PyPI and npm render it): its emphasis, links,
    tags and entities reached the end card and the prompts as written ("Fire **pots** with
    [the kiln](https://evil.example/x) ... &amp; more"), read by no README reader."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "kiln"\ndescription = "Fire **pots** with [the kiln]'
        '(https://evil.example/x?a=1) <img src=x onerror=alert(1)> &amp; more. Second."\n',
        encoding="utf-8",
    )
    (tmp_path / "kiln.py").write_text('def fire():\n    """Fire a pot."""\n', encoding="utf-8")
    assert analyze(tmp_path, use_cache=False).tagline == "Fire pots with the kiln & more."
