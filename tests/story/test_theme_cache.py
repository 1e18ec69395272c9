"""A packaged theme as parsed is remembered between processes (themes._remembered): what
comes back equals a fresh parse, and an edited theme file or a changed parser is parsed
afresh (issue 14: parsing and checking ~170 metaphors took ~16 ms of every plan)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sorafilm_nb.paths import default_cache_dir
from sorafilm_nb.story import themes
from sorafilm_nb.story.metaphors import MetaphorLibrary


def _cached_files() -> list[Path]:
    return sorted((default_cache_dir() / "data").glob("theme-*.json"))


def _no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> MetaphorLibrary:
        raise AssertionError("parsed again")

    monkeypatch.setattr(themes, "_parse_theme", refuse)


@pytest.mark.parametrize("theme", themes.themes())
def test_a_remembered_theme_equals_a_fresh_parse(
    theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = themes._resolve(theme)[0]
    fresh = themes._parse_theme(path, chain=())
    first = themes._remembered(path)
    assert first == fresh and len(_cached_files()) == 1
    with monkeypatch.context() as m:
        _no_parse(m)
        again = themes._remembered(path)  # from the file alone
    assert again == fresh and again is not first
    assert [m.to_dict() for m in again.metaphors] == [m.to_dict() for m in fresh.metaphors]
    assert again.style == fresh.style and again.source == str(path)
    assert isinstance(again.metaphors, tuple) and isinstance(again.style.palette, tuple)


def test_an_edited_theme_file_is_parsed_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mine.toml"
    shutil.copy(themes._resolve("kitchen")[0], path)
    before = themes._remembered(path)
    text = path.read_text(encoding="utf-8")
    gag = before.metaphors[0].gag
    path.write_text(text.replace(gag, "a kettle that whistles a tune", 1), encoding="utf-8")
    after = themes._remembered(path)
    assert after.metaphors[0].gag == "a kettle that whistles a tune"
    assert after == themes._parse_theme(path, chain=()) and len(_cached_files()) == 2
    with monkeypatch.context() as m:  # and the new text, once parsed, is remembered too
        _no_parse(m)
        assert themes._remembered(path) == after


def test_a_changed_parser_is_a_new_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds the source of the code that parses and checks a theme: a changed
    rule (say, a default polarity) must not be answered by what the old rule made."""
    here = Path(themes.__file__).parent
    copy = tmp_path / "sorafilm_nb" / "story"
    copy.mkdir(parents=True)
    for name in themes._PARSER_SOURCES:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(here / name, copy / name)
    path = themes._resolve("space")[0]
    key = themes._theme_key(path)
    monkeypatch.setattr(themes, "__file__", str(copy / "themes.py"))
    assert themes._theme_key(path) == key
    rules = copy / "metaphor_rules.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert themes._theme_key(path) != key


def test_a_damaged_cache_file_is_parsed_again() -> None:
    path = themes._resolve("heist")[0]
    fresh = themes._remembered(path)
    (cached,) = _cached_files()
    for damage in ("{not json", '{"key": "other"}', cached.read_text()[:-40], "[]", '"x"', "7"):
        cached.write_text(damage)
        assert themes._remembered(path) == fresh


def test_other_clip_lengths_are_a_new_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A remembered theme skips check_metaphor, which also reads the clip lengths a gag may
    ask for (capabilities): lengths that change must check the theme again, not reuse it."""
    from sorafilm_nb.story import metaphor_rules

    path = themes._resolve("kitchen")[0]
    key = themes._theme_key(path)
    monkeypatch.setattr(metaphor_rules, "clip_seconds", lambda: (5, 10))
    assert themes._theme_key(path) != key
