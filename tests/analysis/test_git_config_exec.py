"""A repository's own git config runs nothing: listing its files asks git, and git obeys
the config in the repository's .git (which an archive or a copied folder brings along, unlike
a clone). ``core.fsmonitor`` names a command git runs on every index read, ``git ls-files``
included: a hostile repository ran its own command on `sorafilm analyze`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from git_fixtures import git

from sorafilm_nb.analysis.profile import analyze

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def test_the_repositorys_fsmonitor_command_is_never_run(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text('def launch():\n    """Launch it."""\n')
    git(root, "init", "-q", ".")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "x")
    marker = tmp_path / "ran"
    git(root, "config", "core.fsmonitor", f"touch '{marker}'; false")
    profile = analyze(root, use_cache=False)
    assert not marker.exists()
    assert profile.stats["listing"] == "git"  # git still lists the files
    assert "launch" in {c.name for c in profile.concepts}
