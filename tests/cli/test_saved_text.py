"""No control or bidi character from a hostile docstring reaches a saved file (issue 11).

A repository whose docstrings and README hold ESC sequences, bidi overrides and isolates, C1
controls, zero-width and tag characters (control_repo.py) goes through the CLI's main, in
this process: `sorafilm plan --json --out` and `sorafilm film --out`. Every file written
(plan.json, plan.md, manifest.json, film.vtt, report.md) and plan's --json output are read back:
none holds one of those characters, and the accents, CJK and emoji beside them are there.
Before the fix plan.md and film.vtt held a raw ESC and a U+202E. What a terminal is shown
goes through a real process in test_terminal_output.py; what is saved is the same text
whichever process wrote it, so no interpreter is started for it here.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from control_repo import BAD, KEPT, make_control_repo
from provider_fixtures import SMALL_SCALE
from vocab_fixtures import SharedVocab

from sorafilm_nb.backends import connect
from sorafilm_nb.cli import main


def _values(doc: object) -> Iterator[str]:
    """Every key and string value of a JSON document (json escapes \\u001b, so the raw text
    would hide an ESC the value holds)."""
    if isinstance(doc, str):
        yield doc
    elif isinstance(doc, dict):
        for key, value in doc.items():
            yield key
            yield from _values(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from _values(value)


def _text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8", errors="surrogateescape")
    return "\n".join(_values(json.loads(raw))) if path.suffix == ".json" else raw


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, shared_vocab: SharedVocab) -> Path:
    base = tmp_path_factory.mktemp("saved")
    shared_vocab.seed(base / "cache")
    repo = make_control_repo(base / "repo")
    out = base / "out"
    (out / "plan.stdout.json").parent.mkdir(parents=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SORAFILM_CACHE_DIR", str(base / "cache"))
        mp.setenv("SORAFILM_DATA_DIR", str(base / "data"))
        mp.setenv("SORAFILM_LEDGER", str(base / "data" / "ledger.sqlite3"))
        mp.setattr(connect, "DOUBLE_RENDER_SCALE", SMALL_SCALE)  # 256x144: text, not pixels
        mp.chdir(base)

        def run(*args: str) -> str:
            said, errors = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(said), contextlib.redirect_stderr(errors):
                code = main(list(args))
            assert code == 0, said.getvalue()[-2000:] + errors.getvalue()[-2000:]
            return said.getvalue()

        (out / "plan.stdout.json").write_text(
            run("plan", "--repo", str(repo), "--json", "--out", str(out / "plan")),
            encoding="utf-8",
        )
        # a simulated job in 0.1 s and a 30 s teaser: the text is tested, not the pace
        run(
            "film",
            "--repo",
            str(repo),
            "--out",
            str(out / "film"),
            "--ledger",
            str(base / "data" / "sandbox.sqlite3"),
            "--sim-seconds",
            "0.1",
            "--template",
            "teaser-30",
        )
    return base


@pytest.mark.slow  # `written`: a plan and a film (~2 s)
def test_no_control_or_bidi_character_in_any_file_written(written: Path) -> None:
    files = sorted(p for p in (written / "out").rglob("*") if p.is_file() and p.suffix != ".mp4")
    names = {p.name for p in files}
    assert {"plan.json", "plan.md", "manifest.json", "film.vtt", "report.md"} <= names, names
    for path in files:
        found = sorted(f"U+{ord(ch):04X}" for ch in set(_text(path)) if ch in BAD)
        assert not found, f"{path.relative_to(written)}: {found}"
    # the ordinary non-ASCII text beside the hostile characters is kept as it was
    for name in ("plan.md", "film.vtt"):
        assert any(KEPT in _text(p) for p in files if p.name == name), name
