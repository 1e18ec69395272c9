"""Every shortcut of `sorafilm plan` gives the plan the long way gives, byte for byte.

A warm plan (issue 14) takes its profile from the analysis cache, its token counts from the
remembered counts, its data files from the parsed-TOML cache, and imports only what that
path needs; a cold one scans on every core. Whatever is made lazy or cached for speed, the
JSON must stay exactly what plan() makes in a fresh process with no cache at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def package() -> Path:
    """A real package of more files than analysis.profile.PARALLEL_MIN, so the cold plan
    reads it on every core (pytest's own source, 79 files: always installed here)."""
    import _pytest

    from sorafilm_nb.analysis.profile import PARALLEL_MIN

    path = Path(_pytest.__file__).parent
    assert len(list(path.rglob("*.py"))) >= PARALLEL_MIN
    return path


def _run(code: list[str], cache: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SORAFILM_CACHE_DIR": str(cache)}
    env.pop("SORAFILM_LEDGER", None)
    done = subprocess.run(code, capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), done.stderr  # 1: a lint error blocks the plan
    return done.stdout


def test_warm_cold_and_uncached_plans_are_byte_identical(package: Path, tmp_path: Path) -> None:
    # the long way: nothing cached (no analysis cache, no remembered counts or data files,
    # no prepared vocabulary), the plan made by the library function and not the command line
    uncached = _run(
        [
            sys.executable,
            "-c",
            "import sys; from sorafilm_nb.analysis.profile import analyze;"
            " from sorafilm_nb.story.planning import plan;"
            f" p = analyze({str(package)!r}, use_cache=False);"
            " sys.stdout.write(plan(p).to_json() + '\\n')",
        ],
        tmp_path / "empty-cache",
    )
    # the shortcuts start where a machine that planned before is: its prepared vocabulary
    # (the one the long way just made; preparing it again is the same ~0.5 s, and
    # test_token_memo checks preparation), but no analysis, counts or data files cached
    (vocab,) = (tmp_path / "empty-cache" / "tokens").glob("*.vocab")
    (tmp_path / "cache" / "tokens").mkdir(parents=True)
    shutil.copy(vocab, tmp_path / "cache" / "tokens")
    cli = [sys.executable, "-m", "sorafilm_nb", "plan", "--repo", str(package), "--json"]
    cold = _run(cli, tmp_path / "cache")
    warm = _run(cli, tmp_path / "cache")
    again = _run(cli, tmp_path / "cache")
    assert '"shots"' in cold
    assert cold == warm == again == uncached
