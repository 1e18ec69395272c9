"""A plan is the repository's: not its folder's, nor the process's that made it.

The kiln fixture's star played tin moulds in the full test run and a whisk in its mixing
bowl when test_plot_endings ran alone. RepoProfile.name was the folder's name, and it seeds
every choice a film makes between equals (casting's tie-breaks, the causes' and the
ending's turns): pytest names a second ``mktemp("kiln")`` of one session kiln1, so the
copy test_plot_endings made after test_story_arc's kiln0 was another film. So were
"flask-3.1.0" of an sdist and "flask-main" of a GitHub zip. The name is now the one the
repository gives (its packaging metadata's, else its README's; assemble.build).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_story_arc import _repo

import sorafilm_nb as sf
from sorafilm_nb.analysis.profile import analyze

FOLDERS = ("kiln0", "kiln1", "kiln-main", "kiln-2.0.1")


def _plan_json(root: Path) -> str:
    return sf.plan(sf.cast(analyze(root, use_cache=False))).to_json()


def test_one_repository_in_any_folder_is_one_film(tmp_path: Path) -> None:
    roots = [_repo(tmp_path / folder) for folder in FOLDERS]
    assert len({_plan_json(r) for r in roots}) == 1
    assert {analyze(r, use_cache=False).name for r in roots} == {"kiln"}  # pyproject's
    # no packaging metadata: the README's name, still not the folder's
    for r in roots:
        (r / "pyproject.toml").unlink()
    assert {analyze(r, use_cache=False).name for r in roots} == {"kiln"}
    assert len({_plan_json(r) for r in roots}) == 1


def test_the_folder_names_only_a_project_that_names_itself_nowhere(tmp_path: Path) -> None:
    root = _repo(tmp_path / "pottery")
    (root / "pyproject.toml").unlink()
    (root / "README.md").write_text("Some notes on clay.\n", encoding="utf-8")
    assert analyze(root, use_cache=False).name == "pottery"


def test_a_fresh_process_plans_what_this_one_does(tmp_path: Path) -> None:
    """The plan of a child interpreter (another hash seed, nothing run before it, another
    folder) is this process's byte for byte, after whatever this session ran before."""
    here = _repo(tmp_path / "here" / "kiln")
    there = tmp_path / "there" / "kiln-copy"
    shutil.copytree(here, there)
    code = (
        "import sys\nfrom sorafilm_nb.analysis.profile import analyze\nimport sorafilm_nb as sf\n"
        "p = sf.plan(sf.cast(analyze(sys.argv[1], use_cache=False)))\n"
        "sys.stdout.write(p.to_json())\n"
    )
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    env = {
        **os.environ,
        "PYTHONHASHSEED": seed,
        "PYTHONPATH": str(Path(sf.__file__).resolve().parents[1]),
    }
    child = subprocess.run(
        [sys.executable, "-c", code, str(there)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    assert child.stdout == _plan_json(here)
