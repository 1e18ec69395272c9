"""Hostile project metadata is read as no metadata, never a crash (issue 11).

package.json and pyproject.toml come from the repository being filmed: nesting deeper than
the parsers' recursion (json and tomllib recurse per level) or an integer past Python's
4,300-digit limit raised RecursionError / ValueError out of ``analyze`` as a traceback.
Real files, the real analyze().
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.project import Metadata, project_name

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "1" + "0" * 5_000


def _repo(tmp_path: Path, name: str, text: str) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / name).write_text(text)
    (root / "src" / "index.js").write_text("export function hello(a) { return a }\n")
    (root / "mod.py").write_text('def greet(who):\n    """Say hello."""\n    return who\n')
    return root


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("package.json", '{"name": "x", "main": "src/index.js", "d": ' + DEEP + "}"),
        ("package.json", '{"name": "x", "n": ' + HUGE + "}"),
        ("pyproject.toml", '[project]\nname = "x"\nd = ' + DEEP + "\n"),
        ("pyproject.toml", '[project]\nname = "x"\nn = ' + HUGE + "\n"),
        ("pyproject.toml", '[project]\nname = "x"\nd = ' + "{a=" * 5_000 + "1" + "}" * 5_000),
    ],
    ids=["json-deep", "json-huge-int", "toml-deep", "toml-huge-int", "toml-deep-tables"],
)
def test_hostile_metadata_is_no_metadata(tmp_path: Path, name: str, text: str) -> None:
    root = _repo(tmp_path, name, text)
    assert project_name(Metadata(root)) in (None, "repo")  # the document is ignored, not half-read
    profile = analyze(root, use_cache=False)
    assert {c.name for c in profile.concepts} >= {"greet"}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("package.json", '{"name": "x<script>y</script>"}'),
        ("package.json", '{"name": "@x/../../etc/passwd"}'),
        ("pyproject.toml", '[project]\nname = "<img src=x onerror=alert(1)>"\n'),
        ("setup.cfg", "[metadata]\nname = ../../etc/passwd\n"),
        ("setup.py", 'setup(name="a<svg onload=alert(1)>")\n'),
    ],
    ids=["npm-script", "npm-path", "pyproject-img", "setup-cfg-path", "setup-py-svg"],
)
def test_a_name_no_registry_accepts_is_no_name(tmp_path: Path, name: str, text: str) -> None:
    """package.json's ``x<script>y</script>`` titled the film "script>" (the npm scope strip
    kept what followed the last slash), pyproject's markup was the title as given, and
    setup.cfg's ``../../etc/passwd`` titled it "passwd" (issue 11): a name PyPI or npm would
    refuse is no name, and the title falls back as for a project without one."""
    root = _repo(tmp_path, name, text)
    assert project_name(Metadata(root)) is None
    assert analyze(root, use_cache=False).title == "repo"


def test_a_scoped_npm_name_keeps_its_last_part(tmp_path: Path) -> None:
    root = _repo(tmp_path, "package.json", '{"name": "@acme/film-kit"}')
    assert project_name(Metadata(root)) == "film-kit"
