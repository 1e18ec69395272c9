"""`sorafilm plan` as a person waits for it: whole processes, warm and cold, on Django's source.

    python benchmarks/bench_cli.py [PATH] [--runs N]

Each run, in turn and interleaved so every contender sees the same load: ``python -c pass``
(the floor of any Python command), ``ctags -R`` on the tree (single-threaded tag indexing, the
issue's yardstick), ``sorafilm plan --repo PATH --json`` with a cold cache and with a warm one
(the same command again). Cold means a repository never planned on this machine: a fresh
cache dir holding only what is made once per machine, whatever the repository (the prepared
tokenizer vocabulary with its stamp, tokens/*.vocab and .checked, the packaged data files
as parsed and the compiled regular expressions, data/*.json), as a plan of another (tiny)
repository leaves them: no analysis cache and no remembered token counts, so the tree is read
and the tokenizer is loaded. The tokens folder is that run's own, linked into each fresh
cache dir with its remembered counts deleted, as on a machine where the vocabulary was made
once (a copy would be a new file, which its stamp rightly does not vouch for). Also, once, the
very first run on a machine (an empty cache dir), which makes both. Medians of N runs.

Targets (issue 14): warm plan <= 0.3 s wall; cold plan <= 2x ctags -R in the same run.
Bytecode: the children may write __pycache__ (PYTHONDONTWRITEBYTECODE is dropped from their
environment), as pip does at install time; without it every run would recompile ~60 modules.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import load_average, record

WARM_TARGET_S = 0.3
COLD_TARGET_RATIO = 2.0


def default_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("django")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("django is not installed: pip install 'django==5.2.*', or pass a PATH")
    return Path(next(iter(spec.submodule_search_locations)))


def run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall s, CPU s of the child and its children) of one process."""
    before = os.times()
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t
    after = os.times()
    if done.returncode not in (0, 1):  # plan exits 1 when a lint error blocks the plan
        sys.exit(f"{cmd[:4]} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    root = (args.path or default_path()).resolve()
    ctags = shutil.which("ctags")
    if not ctags:
        sys.exit("ctags not found: apt-get install universal-ctags")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    plan = [sys.executable, "-m", "sorafilm_nb", "plan", "--repo", str(root), "--json"]
    times: dict[str, list[tuple[float, float]]] = {"pass": [], "ctags": [], "cold": [], "warm": []}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        first = Path(tmp) / "first"
        first_wall, first_cpu = run(plan, {**env, "SORAFILM_CACHE_DIR": str(first)})
        # What a machine keeps whatever the repository: made by planning another one (a
        # one-module repository), so nothing of this tree's is in the cold runs' cache.
        machine = Path(tmp) / "machine"
        other = Path(tmp) / "other-repo"
        other.mkdir()
        (other / "shapes.py").write_text('"""Shapes."""\n\n\nclass Square:\n    """A square."""\n')
        run([*plan[:5], str(other), "--json"], {**env, "SORAFILM_CACHE_DIR": str(machine)})
        # datafiles: the data files as parsed (the themes among them)
        per_machine = [*(machine / "data").glob("*.json")]
        for i in range(args.runs):
            times["pass"].append(run([sys.executable, "-c", "pass"], env))
            times["ctags"].append(run([ctags, "-R", "-f", "/dev/null", "."], env, cwd=root))
            cache = Path(tmp) / f"cold{i}"
            for f in per_machine:
                (cache / f.parent.name).mkdir(parents=True, exist_ok=True)
                shutil.copy(f, cache / f.parent.name / f.name)
            # story.tokens: the prepared vocabulary (and its stamp), without remembered counts
            for counts in (machine / "tokens").glob("*.counts.json"):
                counts.unlink()
            (cache / "tokens").symlink_to(machine / "tokens", target_is_directory=True)
            cenv = {**env, "SORAFILM_CACHE_DIR": str(cache)}
            times["cold"].append(run(plan, cenv))
            times["warm"].append(run(plan, cenv))
    med = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    load = load_average()
    print(f"tree {root}; {args.runs} runs each, interleaved; load average {load}")
    for k, label in (
        ("pass", "python -c pass"),
        ("ctags", "ctags -R"),
        ("cold", "plan, cold cache"),
        ("warm", "plan, warm cache"),
    ):
        walls = ", ".join(f"{w:.2f}" for w, _ in times[k])
        print(f"{label:18} median {med[k]:6.3f} s wall  {cpu[k]:6.3f} s cpu   ({walls})")
    print(f"first run on this machine (empty cache dir): {first_wall:.2f} s, cpu {first_cpu:.2f} s")
    record(
        "plan warm (whole process)",
        med["warm"],
        "s",
        baseline="python -c pass",
        baseline_value=med["pass"],
        target=f"<= {WARM_TARGET_S} s",
        ok=med["warm"] <= WARM_TARGET_S,
        cpu_s=round(cpu["warm"], 3),
    )
    ratio = med["cold"] / med["ctags"]
    record(
        "plan cold (whole process)",
        med["cold"],
        "s",
        baseline="ctags -R",
        baseline_value=med["ctags"],
        target=f"<= {COLD_TARGET_RATIO:g}x ctags",
        ok=ratio <= COLD_TARGET_RATIO,
        cpu_s=round(cpu["cold"], 3),
        ctags_cpu_s=round(cpu["ctags"], 3),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
