"""datafiles.load_toml remembers what tomllib made of a text (issue 14), and what it gives
back is always exactly tomllib's: for every packaged data file, on the first and on a later
load, and when the remembered file is damaged, foreign or cannot hold the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomllib

from sorafilm_nb import datafiles
from sorafilm_nb.errors import DataFileError

PACKAGED = sorted(datafiles.data_dir().rglob("*.toml"))


def _remembered(text: str) -> Path:
    return datafiles._parsed_path(text)


@pytest.mark.parametrize("path", PACKAGED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_packaged_file_loads_as_tomllib_parses_it_first_and_then(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    want = tomllib.loads(text)
    assert datafiles.load_toml(path) == want  # parsed, and remembered
    assert _remembered(text).is_file()
    assert datafiles.load_toml(path) == want  # from what was remembered


def test_a_later_load_does_not_parse_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.toml"
    path.write_text('name = "kitchen"\n[[gag]]\nwords = ["milk", "pour"]\nweight = 0.5\n')
    first = datafiles.load_toml(path)
    monkeypatch.setattr(datafiles.tomllib_module(), "loads", lambda _t: pytest.fail("parsed again"))
    assert datafiles.load_toml(path) == first


def test_a_damaged_or_foreign_remembered_file_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    text = 'a = 1\nb = "two"\n'
    path.write_text(text)
    want = tomllib.loads(text)
    datafiles.load_toml(path)
    remembered = _remembered(text)
    for bad in (
        b"{not json",
        json.dumps({"toml": "a = 2\n", "data": {"a": 2}}).encode(),  # another text's
        json.dumps(["a list"]).encode(),
        b"",
    ):
        remembered.write_bytes(bad)
        assert datafiles.load_toml(path) == want
        assert json.loads(remembered.read_bytes())["data"] == want  # and written again


def test_values_json_cannot_hold_exactly_are_parsed_each_time(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    text = "when = 2026-09-24\nx = nan\n"
    path.write_text(text)
    first = datafiles.load_toml(path)
    assert str(first["when"]) == "2026-09-24"
    assert not _remembered(text).exists()


def test_errors_still_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("a = \n")
    with pytest.raises(DataFileError, match="not valid TOML"):
        datafiles.load_toml(bad)
    with pytest.raises(DataFileError, match="file not found"):
        datafiles.load_toml(tmp_path / "missing.toml")


def test_a_read_only_cache_dir_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    monkeypatch.setenv("SORAFILM_CACHE_DIR", str(blocker))
    path = tmp_path / "t.toml"
    path.write_text("a = 1\n")
    assert datafiles.load_toml(path) == {"a": 1}


def test_the_capabilities_file_is_parsed_once_per_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """capabilities.py parsed its TOML with tomllib in every process (~4 % of a warm
    `sorafilm plan`, issue 14); it goes through datafiles.loads now, remembered like the rest."""
    from sorafilm_nb import capabilities

    monkeypatch.setenv("SORAFILM_CACHE_DIR", str(tmp_path))
    parses: list[int] = []
    real = datafiles.tomllib_module().loads
    monkeypatch.setattr(
        datafiles.tomllib_module(), "loads", lambda text: parses.append(1) or real(text)
    )
    capabilities._file.cache_clear()
    first = capabilities._file("openai")
    capabilities._file.cache_clear()  # as a new process would
    assert capabilities._file("openai") == first
    assert len(parses) == 1
    capabilities._file.cache_clear()
