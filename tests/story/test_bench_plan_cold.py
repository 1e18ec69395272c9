"""benchmarks/bench_plan.py's cold figure is cold: clear_caches() empties every function
cache of the story modules but the once-per-process loads it names (issue 14: it missed
scoring's, so "cold" plans reused every stem and score of the run before)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from story_fixtures import make_casting

from sorafilm_nb.story.planning import plan

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_plan.py"


def _bench() -> ModuleType:
    sys.path.insert(0, str(BENCH.parent))  # its own helper module, _results
    try:
        spec = importlib.util.spec_from_file_location("bench_plan_under_test", BENCH)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


def test_clear_caches_empties_every_story_cache_but_the_kept_loads() -> None:
    bench = _bench()
    casting = make_casting(10)
    plan(casting)  # fills the caches
    found = {(m, n): f for m, n, f in bench.story_caches()}
    assert ("scoring", "_evidence") in found and ("scoring", "stem") in found
    assert any(f.cache_info().currsize for f in found.values())
    bench.clear_caches()
    full = [key for key, f in found.items() if key not in bench.KEEP and f.cache_info().currsize]
    assert full == []
    for module, name in bench.KEEP:  # a kept cache renamed: keep the list in step
        cached = getattr(importlib.import_module(f"sorafilm_nb.story.{module}"), name)
        assert callable(cached.cache_clear), (module, name)
