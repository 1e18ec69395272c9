"""`make install` says what it is doing (issue faces2 4: a new user saw nothing for two
minutes). The real Makefile runs on a copy's tree with a stand-in interpreter that records
each pip command, so the test takes no network and no minutes: on a terminal pip is not
--quiet (its own progress shows), in a log (CI) it is, and a "==" line names each step."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Writes its arguments, one call a line, to calls.log beside the venv.
FAKE_PYTHON = '#!/bin/sh\necho "$*" >> "$(dirname "$0")/../calls.log"\n'
# Run as a top-level make: under `make test` these say "sub-make", which prints "make[2]:
# Entering directory" lines around the output (and may carry -n or -s).
ENV = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}


def _tree(tmp_path: Path) -> tuple[str, Path]:
    make = shutil.which("make")
    assert make is not None, "make is a build requirement (the README's every command)"
    for name in ("Makefile", "pyproject.toml", "hatch_build.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    py = tmp_path / ".venv" / "bin" / "python"
    py.parent.mkdir(parents=True)
    py.write_text(FAKE_PYTHON)
    py.chmod(0o755)
    return make, tmp_path / ".venv" / "calls.log"


def test_make_install_in_a_log_names_each_step_and_keeps_pip_quiet(tmp_path: Path) -> None:
    make, calls = _tree(tmp_path)
    done = subprocess.run(
        [make, "install"], cwd=tmp_path, env=ENV, check=True, capture_output=True, text=True
    )
    said = done.stdout.splitlines()
    pips = calls.read_text().splitlines()
    assert len(pips) == 2 and all(p.startswith("-m pip install --quiet") for p in pips), pips
    assert pips[1].endswith("-e .[notebook,dev]")
    # one "==" line before each pip step, and nothing else: a CI log stays short
    assert said == [
        "== upgrading pip in .venv",
        "== installing the package with its notebook and dev extras into .venv (about 150 "
        "packages, 1 GB; minutes the first time)",
    ], said


def test_make_install_on_a_terminal_shows_pips_progress(tmp_path: Path) -> None:
    make, calls = _tree(tmp_path)
    main, child = os.openpty()
    try:
        done = subprocess.run([make, "install"], cwd=tmp_path, env=ENV, stdout=child, stderr=child)
    finally:
        os.close(child)
        said = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the pty's other end is closed: all is read
                break
            if not chunk:
                break
            said += chunk
        os.close(main)
    assert done.returncode == 0, said
    pips = calls.read_text().splitlines()
    assert len(pips) == 2 and not any("--quiet" in p for p in pips), pips
    assert b"== installing the package" in said
