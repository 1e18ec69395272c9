"""Titles and taglines: the published name, the README's casing, never a sentence or a URL.

Each test writes a small repository (README and packaging metadata) in a tmp dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.readme import is_name, read_readme, strip_markup


def repo(root: Path, readme: str, **meta: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(readme, encoding="utf-8")
    (root / "mod.py").write_text('def run():\n    """Run."""\n', encoding="utf-8")
    for name, text in meta.items():
        (root / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return root


def test_pyproject_name_with_the_readme_heading_casing(tmp_path: Path) -> None:
    r = repo(
        tmp_path / "x",
        "# Flasky\n\nFlasky is a small web framework. It is fast.\n",
        pyproject_toml='[project]\nname = "flasky"\n',
    )
    prof = analyze(r, use_cache=False)
    assert prof.title == "Flasky"
    assert prof.tagline == "Flasky is a small web framework."


def test_a_shell_prompt_heading_is_no_title(tmp_path: Path) -> None:
    r = repo(
        tmp_path / "x",
        "# \\$ clack\\_\n\nClack is a package for command line interfaces.\n",
        pyproject_toml='[project]\nname = "clack"\n',
    )
    prof = analyze(r, use_cache=False)
    assert prof.title == "Clack"  # the metadata's name, spelled as the first paragraph does
    no_meta = analyze(repo(tmp_path / "y", "# \\$ clack\\_\n\nIt helps.\n"), use_cache=False)
    assert no_meta.title == "y"  # no name anywhere: the directory, never "$ clack_"


def test_html_h1_and_not_the_logo_or_an_emoji_url(tmp_path: Path) -> None:
    readme = (
        '<p align="center">\n  <img src="logo.svg" alt="Zed logo" />\n'
        '  <h1 align="center">Zed</h1>\n  <p align="center">\n'
        '    ✨ <a href="https://zed.dev">https://zed.dev</a> ✨\n    <br/>\n'
        "    Schema validation with static type inference\n  </p>\n</p>\n"
    )
    prof = analyze(repo(tmp_path / "x", readme), use_cache=False)
    assert prof.title == "Zed"
    assert prof.tagline == "Schema validation with static type inference"
    meta = analyze(
        repo(tmp_path / "y", readme, package_json=json.dumps({"name": "@org/zed"})),
        use_cache=False,
    )
    assert meta.title == "Zed"


def test_image_alt_text_is_a_title_but_logo_and_badges_are_not(tmp_path: Path) -> None:
    readme = (
        "[![Build Status](https://ci/badge.svg)](https://ci)\n\n![Logo](logo.svg)\n\n"
        '<p align="center"><img src="b.svg" alt="Bolt"></p>\n\nBolt moves data quickly.\n'
    )
    prof = analyze(repo(tmp_path / "x", readme), use_cache=False)
    assert prof.title == "Bolt"


def test_sponsor_tables_are_not_the_tagline_and_prose_casing(tmp_path: Path) -> None:
    readme = (
        "<h3>Gold sponsors</h3> <table><tr><td><p>Buy followers quickly and safely today"
        "</p></td></tr></table>\n\n"
        '<p align="center">Promise based HTTP client for the browser</p>\n\n'
        "## Features\n\nUse Fetcho to fetch. Fetcho is small.\n"
    )
    prof = analyze(
        repo(tmp_path / "x", readme, package_json=json.dumps({"name": "fetcho"})),
        use_cache=False,
    )
    assert prof.tagline == "Promise based HTTP client for the browser"
    assert prof.title == "Fetcho"  # how the README's prose spells the package name


@pytest.mark.parametrize(
    ("files", "title"),
    [
        ({"setup_cfg": "[metadata]\nname = Widgetry\n"}, "Widgetry"),
        ({"setup_py": "from setuptools import setup\nsetup(name='widgetry')\n"}, "widgetry"),
        ({"pyproject_toml": '[tool.poetry]\nname = "widgetry"\n'}, "widgetry"),
    ],
)
def test_other_metadata_files(tmp_path: Path, files: dict[str, str], title: str) -> None:
    readme = "It is a sentence, not a name, and it goes on for quite a while.\n"
    prof = analyze(repo(tmp_path / "x", readme, **files), use_cache=False)
    assert prof.title == title


def test_a_major_version_suffix_keeps_the_readme_name(tmp_path: Path) -> None:
    r = repo(
        tmp_path / "x",
        "# Jinxa\n\nA template engine.\n",
        pyproject_toml='[project]\nname = "Jinxa2"\n',
    )
    assert analyze(r, use_cache=False).title == "Jinxa"


def test_long_first_sentence_is_cut_at_a_word(tmp_path: Path) -> None:
    long = "Longproj is " + "a very " * 30 + "thing. Second sentence."
    prof = analyze(repo(tmp_path / "x", f"# Longproj\n\n{long}\n"), use_cache=False)
    assert len(prof.tagline) <= 120 and prof.tagline.endswith("…")
    assert not prof.tagline[:-1].endswith(" ") and "Second" not in prof.tagline


def test_title_and_tagline_overrides(tmp_path: Path) -> None:
    r = repo(tmp_path / "x", "# Thing\n\nThing does things.\n")
    prof = analyze(r, use_cache=False, title="  The   Thing ", tagline="Does it all.")
    assert (prof.title, prof.tagline) == ("The Thing", "Does it all.")
    assert analyze(r).title == "Thing"  # an override is not cached as the profile's truth


def test_plan_passes_overrides_through(tmp_path: Path) -> None:
    from sorafilm_nb.story.planning import plan

    r = repo(tmp_path / "x", "# Thing\n\nThing does things.\n")
    p = plan(r, title="Other Name", tagline="A promise.")
    assert p.storyboard.casting.profile.title == "Other Name"
    assert p.storyboard.casting.profile.tagline == "A promise."


def test_cli_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sorafilm_nb.cli import main

    r = repo(tmp_path / "x", "# Thing\n\nThing does things.\n")
    assert main(["analyze", str(r), "--json", "--title", "Renamed", "--tagline", "Yes."]) == 0
    doc = json.loads(capsys.readouterr().out)["profile"]
    assert (doc["title"], doc["tagline"]) == ("Renamed", "Yes.")
    assert main(["analyze", str(r), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["profile"]
    assert (doc["title"], doc["tagline"]) == ("Thing", "Thing does things.")


@pytest.mark.parametrize(
    "text",
    [
        "$ click_",
        "https://zod.dev",
        "✨ zod.dev ✨",
        "Logo",
        "Table of Contents",
        "attrs is the Python package that will bring back the joy of writing classes.",
        "HTTPX is a fully featured HTTP client library for Python 3.",
    ],
)
def test_what_is_never_a_name(text: str) -> None:
    assert not is_name(text)


@pytest.mark.parametrize("text", ["Flask", "Commander.js", "HTTPX", "attrs", "Jinja"])
def test_names(text: str) -> None:
    assert is_name(text)


def test_markup_is_stripped_and_escapes_undone() -> None:
    assert strip_markup(r"**Requests** is a [simple](https://x) \*yet\* `elegant` lib") == (
        "Requests is a simple *yet* elegant lib"
    )
    assert read_readme("# A\n\n*attrs* is the package.\n").description == "attrs is the package."


_SPONSOR_HEAD = (
    '<div align="center">\n\t<img src="media/logo.svg" alt="ky">\n\t<p>\n\t\t<p>\n\t\t\t<sup>\n'
    "\t\t\t\tSindre's open source work is supported by the community.<br>Special thanks to:\n"
    "\t\t\t</sup>\n\t\t</p>\n"
    '\t\t<a href="https://sponsor.example"><div><b>The better identity infrastructure for'
    " developers</b></div></a>\n\t</p>\n</div>\n\n"
)


def test_a_sponsor_note_before_the_line_that_says_what_it_is_is_not_the_tagline(
    tmp_path: Path,
) -> None:
    # the shape of every sindresorhus package's README (ky): a sponsor note, then a quoted
    # "Ky is ..." line, then the first topic
    readme = (
        _SPONSOR_HEAD + "> Ky is a tiny and elegant HTTP client based on the Fetch API\n\n"
        "Ky targets modern browsers.\n\n## Benefits\n\nKy is tiny.\n"
    )
    prof = analyze(
        repo(tmp_path / "x", readme, package_json=json.dumps({"name": "ky"})), use_cache=False
    )
    assert prof.tagline == "Ky is a tiny and elegant HTTP client based on the Fetch API"


@pytest.mark.parametrize(
    "readme",
    [
        # a negation says what it is not (koa's README)
        "# Widgetry\n\nExpressive widgets for node.\n\nWidgetry is not bundled with any parts.\n",
        # a definition after the first topic's heading is no longer the README's own opening
        "# Widgetry\n\nExpressive widgets for node.\n\n## Options\n\nWidgetry is strict.\n",
        # a quoted note with no definition in it stays out
        "# Widgetry\n\n> [!WARNING] Widgetry is in beta.\n\nExpressive widgets for node.\n",
    ],
)
def test_the_first_paragraph_stays_the_tagline_without_a_better_opening(
    readme: str, tmp_path: Path
) -> None:
    r = repo(tmp_path / "x", readme, package_json=json.dumps({"name": "widgetry"}))
    assert analyze(r, use_cache=False).tagline == "Expressive widgets for node."
