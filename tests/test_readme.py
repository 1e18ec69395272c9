"""The README's Python example runs as written (with its output folder moved to a temp dir)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from provider_fixtures import small_doubles  # noqa: F401 - a fixture, taken below

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
# The example's embedded simulator draws 256x144 animatics, not 640x360: what is checked is
# that the example runs as written and prints what its comments say, never the pixels
# (encoding them was half the test's CPU).
@pytest.mark.usefixtures("small_doubles")
def test_readme_python_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## In Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2, "README's Python section: analyze + cast, then the film"
    assert len(blocks[0].strip().splitlines()) <= 10  # the issue asks for a 10-line example
    code = "".join(blocks).replace('"out/mine"', repr(str(tmp_path / "mine")))
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # our own README
    out = capsys.readouterr().out
    film = namespace["film"]
    assert film.ok and film.film == tmp_path / "mine" / "film.mp4"  # type: ignore[attr-defined]
    assert film.film.stat().st_size > 10_000  # type: ignore[attr-defined]
    assert "sora-2 at 1280x720" in out and "$" in out
    assert " -> " in out  # the casting lines
    from sorafilm_nb.paths import shown_path

    # the example's output line as its comment writes it: the film named the way the CLI does
    assert "9/9 shots completed, billed $8.80 (simulated, no real money); film: " in out
    assert out.rstrip().endswith(f"film: {shown_path(film.film)}")  # type: ignore[attr-defined]


def test_readme_first_screen_names_what_a_newcomer_needs() -> None:
    """Prerequisites that agree with pyproject, the two commands, what they leave behind, and
    no pointer to notes that are not in the repository."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme.split("## In Python\n", 1)[0]
    python = re.search(r'requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text())
    assert python and f"Python {python[1]} or newer" in first
    for words in (
        "`make`",
        "C compiler",
        "make demo",
        "make test",
        "out/demo/film.mp4",
        "manifest.json",
        "report.md",
        "simulator-ledger.sqlite3",
        "ARCHITECTURE.md",
        "## Providers",
        "planned",
    ):
        assert words in first, words
    assert "DESIGN notes" not in readme and "the seed" not in readme
