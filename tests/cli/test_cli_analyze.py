"""`sorafilm analyze`: the concept/casting table, --json, --theme, --top, and clear errors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.cli import main
from sorafilm_nb.cli.analyze import render_text
from sorafilm_nb.story.casting import MetaphorLibrary, cast

RECORDER = '''"""Screen recording with a cache of frames."""


class ConfigError(ValueError):
    """The recorder configuration is invalid."""


class ScreenRecorder:
    """Records the screen into frames."""

    def start(self):
        try:
            import cv2  # noqa
        except ImportError:
            raise ConfigError("no cv2")
        try:
            import mss  # noqa
        except ImportError:
            pass

    def stop(self):
        raise TimeoutError("late")


class TimelineManager:
    """Keeps recorded events in order on a timeline."""

    def add(self, event):
        if event is None:
            raise KeyError(event)
'''


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "tiny-recorder"
    (root / "tiny").mkdir(parents=True)
    (root / "README.md").write_text("# Tiny Recorder\n\nRecords the screen.\n")
    (root / "tiny" / "__init__.py").write_text('"""Tiny recorder: capture the screen."""\n')
    (root / "tiny" / "recorder.py").write_text(RECORDER)
    (root / "tiny" / "broken.py").write_text("def broken(:\n    pass\n")  # a scan warning
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["analyze", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_table_lists_concepts_and_casting(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, str(repo))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("Tiny Recorder")
    assert "theme: kitchen" in out
    header = next(i for i, line in enumerate(lines) if line.startswith("KIND"))
    for col in ("NAME", "WHERE", "SCORE", "MATCH", "METAPHOR", "GAG"):
        assert col in lines[header]
    rows = lines[header + 1 : lines.index("", header)]
    assert len(rows) == 6  # its 6 concepts; no docstring word recurs enough to be a theme
    # aligned: the METAPHOR column starts at the same place in every row
    start = lines[header].index("METAPHOR")
    assert all(r[start:].startswith("kitchen.") for r in rows)
    by_name = {r.split()[1]: r for r in rows}
    # built-in exceptions (the ImportError caught twice) are not the project's concepts
    assert "ImportError" not in by_name and "TimeoutError" not in by_name
    assert "tiny/recorder.py:" in by_name["ConfigError"]
    assert "kitchen.hand-cranked-camera" in by_name["ScreenRecorder"]
    assert "warnings: 1" in out and "tiny/broken.py" in out


def test_json_output_parses(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(repo), "--json", "--top", "3", "--theme", "heist")
    assert code == 0
    data = json.loads(out)
    prof = data["profile"]
    assert prof["title"] == "Tiny Recorder" and prof["files_scanned"] >= 2
    assert prof["concepts"] == sum(prof["concept_kinds"].values())
    assert [w["file"] for w in prof["warnings"]] == ["tiny/broken.py"]
    casting = data["casting"]
    assert casting["theme"] == "heist" and len(casting["entries"]) == 3
    heist = MetaphorLibrary.load("heist")
    for e in casting["entries"]:
        assert e["metaphor"] in heist and e["gag"] and e["alternatives"]
        assert e["concept"]["name"] and e["concept"]["kind"]


def test_json_matches_the_library_call(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI is a face over analyze + cast: same casting as the Python API."""
    _, out, _ = run(capsys, str(repo), "--json", "--theme", "space")
    expected = cast(analyze(repo), "space").to_dict()
    assert json.loads(out)["casting"] == json.loads(json.dumps(expected))


def test_theme_file_and_top(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    theme = tmp_path / "mine.toml"
    theme.write_text("""
[theme]
id = "mine"
title = "Mine"
extends = "space"

[[metaphor]]
id = "mine.film-reel"
matches = { kinds = ["class"], names = ["ScreenRecorder"] }
gag = "a film reel that unspools across the cabin"
props = ["film reel"]
beat = "tools"
seconds = 8
tone = "whimsical"
""")
    code, out, _ = run(capsys, str(repo), "--theme", str(theme), "--top", "2")
    assert code == 0
    assert "theme: mine (Mine)" in out
    rows = [line for line in out.splitlines() if " mine." in line or " space." in line]
    assert len(rows) == 2
    code, out, _ = run(capsys, str(repo), "--theme", str(theme), "--top", "8")
    assert "mine.film-reel" in out


def test_bad_path_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert err.startswith("sorafilm: error:") and "nowhere" in err
    assert "Traceback" not in err


def test_bad_theme_file_names_file_entry_and_field(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kitchen = Path(MetaphorLibrary.load("kitchen").source).read_text(encoding="utf-8")
    kitchen = kitchen.replace('[theme]\nid = "kitchen"', '[theme]\nid = "bad"', 1)
    kettle = 'id = "kitchen.kettle-wont-boil"'
    theme = tmp_path / "bad.toml"
    theme.write_text(kitchen.replace(kettle, kettle + "\nseconds = 10", 1), encoding="utf-8")
    code, out, err = run(capsys, str(repo), "--theme", str(theme))
    assert code == 2 and out == ""
    # TOML itself refuses the duplicate key: the file is named, with the line
    assert str(theme) in err and "line" in err
    start = kitchen.index(kettle)
    end = kitchen.index("seconds = 12", start)  # the kettle's own timing
    theme.write_text(
        kitchen[:end] + "seconds = 10" + kitchen[end + len("seconds = 12") :], encoding="utf-8"
    )
    code, out, err = run(capsys, str(repo), "--theme", str(theme))
    assert code == 2
    assert str(theme) in err and "'kitchen.kettle-wont-boil'" in err and "'seconds'" in err
    code, _, err = run(capsys, str(repo), "--theme", "western")
    assert code == 2 and "packaged themes" in err


def test_top_must_be_positive(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["analyze", str(repo), "--top", "0"])
    assert info.value.code == 2
    assert "--top 0: how many concepts to cast: a whole number from 1 to 100" in (
        capsys.readouterr().err
    )


def test_gags_are_clipped_to_the_terminal_only(repo: Path) -> None:
    casting = cast(analyze(repo), "kitchen")
    narrow = render_text(casting.profile, casting, width=140)
    whole = render_text(casting.profile, casting, width=0)
    assert "…" in narrow
    assert all(e.metaphor.gag in whole for e in casting.entries)  # whole: never clipped
    table = [line for line in narrow.splitlines() if line.startswith(("exception", "class"))]
    assert table and all(len(line) <= 140 for line in table)


def test_real_package(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.find_spec("requests")
    assert spec is not None and spec.origin
    code, out, _ = run(capsys, str(Path(spec.origin).parent), "--json", "--top", "6")
    assert code == 0
    entries = json.loads(out)["casting"]["entries"]
    assert len(entries) == 6
    assert len({e["metaphor"] for e in entries}) == 6
    assert any(e["concept"]["kind"] == "exception" and e["score"] >= 100 for e in entries)


def test_empty_repo_says_there_is_nothing_to_cast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, str(tmp_path))
    assert code == 0
    assert "0 concepts" in out and "nothing to cast" in out
    code, out, _ = run(capsys, str(tmp_path), "--json")
    assert json.loads(out)["casting"]["entries"] == []


KEY = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"


def test_a_docstring_key_is_masked_in_every_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hostile repository's docstrings and README hold a key: `sorafilm analyze --json`
    printed each summary (and the README's tagline) as written, into a terminal's
    scrollback or a CI log; the notebook's concept table showed it, and saved it with the
    notebook. Lint still blocks a plan whose prompt holds it (the repository's owner learns
    of it there); what is shown is masked."""
    root = tmp_path / "vault"
    root.mkdir()
    (root / "README.md").write_text(f"# Vault\n\nVault keeps {KEY} safe.\n")
    (root / "vault.py").write_text(
        f'class Vault:\n    """Unlocks with {KEY} only."""\n\n    def open(self): pass\n'
    )
    for argv in (["--json"], []):
        code, out, err = run(capsys, str(root), *argv)
        assert code == 0 and KEY not in out + err
    data = json.loads(run(capsys, str(root), "--json")[1])
    (entry,) = [e for e in data["casting"]["entries"] if e["concept"]["name"] == "Vault"]
    assert entry["concept"]["summary"] == "Unlocks with [redacted] only."
    # a promise holding a key is passed over whole (assemble._promise), with a warning
    assert data["profile"]["tagline"] == ""
    assert any("key" in w["reason"] for w in data["profile"]["warnings"]), data["profile"]
    profile = analyze(root)
    assert KEY in profile.concepts[0].summary  # the profile keeps it: lint must see it
    frame = profile.concepts_frame()
    assert not frame.astype(str).apply(lambda col: col.str.contains(KEY)).any().any()
    from sorafilm_nb.ui import concept_table

    assert KEY not in concept_table(profile).to_html()
