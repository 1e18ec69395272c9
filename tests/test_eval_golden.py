"""eval/golden.toml: every package pinned and sourced, and a held-out set that guards the
ranking against being tuned to the packages it was developed on (issue 12)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parents[1] / "eval" / "fetch.py"
_spec = importlib.util.spec_from_file_location("eval_fetch", _PATH)
assert _spec is not None and _spec.loader is not None
fetch = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("eval_fetch", fetch)
_spec.loader.exec_module(fetch)


def test_every_package_is_pinned_and_says_where_its_core_list_comes_from() -> None:
    packages = fetch.load_golden()
    assert len(packages) >= 16
    for p in packages:
        assert len(p.sha256) == 64 and int(p.sha256, 16) >= 0, p.name
        assert p.core and p.source and p.title, p.name


def test_held_out_packages_cover_both_registries() -> None:
    held = [p for p in fetch.load_golden() if p.extra.get("held_out")]
    assert sum(p.registry == "pypi" for p in held) >= 2
    assert sum(p.registry == "npm" for p in held) >= 2
