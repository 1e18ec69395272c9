"""A git command in a test's repository, with an author set (a test machine may have none):
the one helper the analysis tests that build git work trees share."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path


def git(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> None:
    """Run ``git ARGS`` in cwd; raises CalledProcessError when git fails."""
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        env=None if env is None else dict(env),
    )
