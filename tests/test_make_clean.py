"""`make clean` removes what the demo and the notebooks made (issue ux 8: notebooks/out/ was
left behind: the notebooks write their films there, OUT = "out" beside them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_clean_removes_out_and_the_notebooks_out(tmp_path: Path) -> None:
    make = shutil.which("make")
    assert make is not None, "make is a build requirement (the README's every command)"
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")  # the real file, on a copy's tree
    made = [tmp_path / "out" / "demo" / "film.mp4", tmp_path / "notebooks" / "out" / "p" / "f"]
    kept = tmp_path / "notebooks" / "01_quickstart.ipynb"
    for f in [*made, kept]:
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("x")
    subprocess.run([make, "-s", "clean"], cwd=tmp_path, check=True, capture_output=True)
    assert not (tmp_path / "out").exists() and not (tmp_path / "notebooks" / "out").exists()
    assert kept.is_file()
