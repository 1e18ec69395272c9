"""`sorafilm CMD ...` builds only CMD's parser (issue 14: the other six cost a plan 15-50 ms),
and that parser reads every command line exactly as the full one does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sorafilm_nb.cli import COMMANDS, _chosen, build_parser

ROOT = Path(__file__).resolve().parents[2]

LINES = [
    ["plan", "--repo", "x", "--json"],
    ["-v", "plan", "--budget", "low", "--theme", "space"],
    ["analyze", "some/path", "--top", "3", "--include", "tests"],
    ["budget", "show"],
    ["film", "--repo", "x", "--out", "o", "--provider", "veo"],
    ["simulate"],
    ["share", "folder"],
    ["resume", "folder"],
]


@pytest.mark.parametrize("argv", LINES, ids=lambda a: " ".join(a))
def test_the_chosen_parser_reads_a_line_as_the_full_one(argv: list[str]) -> None:
    def parsed(parser: object) -> dict[str, object] | str:
        try:
            return vars(parser.parse_args(argv))  # type: ignore[attr-defined]
        except SystemExit as exc:
            return f"exit {exc.code}"

    assert _chosen(argv) == next(w for w in argv if not w.startswith("-"))
    assert parsed(build_parser(_chosen(argv))) == parsed(build_parser())


def test_help_a_typo_or_no_command_get_the_full_parser() -> None:
    for argv in (
        [],
        ["--help"],
        ["-h", "plan"],
        ["--version"],
        ["plna"],
        ["-v"],
        ["--", "plan"],
    ):
        assert _chosen(argv) is None, argv
    assert _chosen(["-v", "budget", "--help"]) == "budget"  # its own help: its parser
    assert set(COMMANDS) <= set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


# Standard modules a warm plan has no use for, each 1-4 ms to import (issue 14): logging
# (nothing logs; cli configures it when something imports it), the TOML and setup.cfg
# parsers (every data file comes parsed from the cache; no project name is read), html (its
# entity table; markup escapes without it), and the scanners' ast-free helpers.
WARM_UNUSED_STDLIB = ("logging", "tomllib", "configparser", "html")


def _plan_modules(repo: Path, cache: Path, *extra: str, data: Path | None = None) -> list[str]:
    """The sorafilm_nb modules (and tiktoken) one `sorafilm plan --json` process imported."""
    argv = ["plan", "--repo", str(repo), "--json", *extra]
    code = (
        f"STDLIB = {WARM_UNUSED_STDLIB!r};"
        "import json, sys; from sorafilm_nb.cli import main;"
        f" rc = main({argv!r});"
        " print(json.dumps(sorted(m for m in sys.modules"
        " if m.startswith(('sorafilm_nb.', 'tiktoken')) or m in STDLIB)), file=sys.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SORAFILM_CACHE_DIR": str(cache)}
    env.pop("SORAFILM_LEDGER", None)
    if data is not None:
        env["SORAFILM_DATA_DIR"] = str(data)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_plan_imports_only_what_it_uses(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "mod.py").write_text('"""A module."""\n\nclass Thing:\n    """A thing."""\n')
    cold = _plan_modules(repo, tmp_path / "cache")
    assert "sorafilm_nb.cli.plan" in cold
    for other in ("budget", "film", "resume", "simulate", "share"):
        assert f"sorafilm_nb.cli.{other}" not in cold
    # warm: the profile comes from the cache and every count from the memo, so nothing
    # that ranks, reads a README or counts tokens is even imported
    warm = _plan_modules(repo, tmp_path / "cache")
    assert "sorafilm_nb.analysis.profile" in warm
    for unused in ("analysis.readme", "analysis.api", "analysis.exports", "story.bpe"):
        assert f"sorafilm_nb.{unused}" not in warm, unused
    assert not [m for m in warm if m in WARM_UNUSED_STDLIB]
    # (tiktoken_ext, an empty namespace package, is found to hash tiktoken's pattern file)
    assert not [m for m in warm if m == "tiktoken" or m.startswith("tiktoken.")]


def test_a_plan_without_a_ledger_never_imports_the_ledger(tmp_path: Path) -> None:
    """Where the ledger would be is money.location's; the ledger itself (sqlite3, uuid,
    migrations: ~12 ms) is imported only when there is a ledger file to read a budget from."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "mod.py").write_text('"""A module."""\n')
    data = tmp_path / "data"
    modules = _plan_modules(repo, tmp_path / "cache", data=data)
    assert "sorafilm_nb.money.location" in modules
    for heavy in ("money.ledger", "money.store", "money.budget", "money.records"):
        assert f"sorafilm_nb.{heavy}" not in modules, heavy
    ledger = tmp_path / "ledger.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SORAFILM_DATA_DIR": str(data)}
    subprocess.run(
        [sys.executable, "-m", "sorafilm_nb", "budget", "set", "5", "--ledger", str(ledger)],
        check=True,
        capture_output=True,
        env=env,
    )
    with_ledger = _plan_modules(repo, tmp_path / "cache", "--ledger", str(ledger), data=data)
    assert "sorafilm_nb.money.ledger" in with_ledger


def test_the_ledger_location_has_one_home() -> None:
    from sorafilm_nb.money import ledger, location, pgstore, store

    assert store.default_path is location.default_path is ledger.default_path
    assert pgstore.is_url is location.is_url
    assert (store.LEDGER_ENV, store.FILENAME) == (location.LEDGER_ENV, location.FILENAME)


def test_a_plan_reads_the_repository_on_every_core(tmp_path: Path) -> None:
    """`sorafilm plan` and `analyze` show progress from a thread; analysis.pool forks only
    beside threads that declare themselves safe to fork beside, so without the ticker's
    declaration (and its lock held around every fork) a cold plan read on one core: half
    the speed on this 2-core machine (issue 14). Run as a script file, as the CLI runs:
    forkserver, the other way to more cores, is refused there."""
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        pytest.skip("no fork start method here")
    script = tmp_path / "check.py"
    script.write_text(
        "import threading\n"
        "from sorafilm_nb.analysis.pool import start_method\n"
        "from sorafilm_nb.cli.progress import waiting\n"
        "alone = start_method()\n"
        "with waiting('reading', live=False):\n"
        "    beside_ticker = start_method()\n"
        "    stop = threading.Event()\n"
        "    other = threading.Thread(target=stop.wait)\n"
        "    other.start()\n"
        "    beside_other = start_method()\n"
        "    stop.set()\n"
        "    other.join()\n"
        "print(alone, beside_ticker, beside_other)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
    )
    # any other thread still keeps the pool off fork (it may hold a lock a worker needs)
    assert done.stdout.split() == ["fork", "fork", "None"]


def test_a_fork_beside_the_ticker_waits_for_its_line(tmp_path: Path) -> None:
    """The ticker writes only under its lock, and every fork takes that lock first, so a
    worker never starts with a stream lock held mid-write by a thread it does not have."""
    from sorafilm_nb.cli import progress

    with progress.waiting("reading", live=False) as wait:
        progress._before_fork()
        try:
            assert not wait.lock.acquire(blocking=False)  # held across the fork
        finally:
            progress._after_fork()
        assert wait.lock.acquire(blocking=False)
        wait.lock.release()
    assert wait not in progress._live_waits


@pytest.mark.parametrize(
    ("argv", "collects"), [(["plan"], False), (["analyze"], False), (["resume", "folder"], True)]
)
def test_plan_and_analyze_run_without_the_cyclic_collector(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], collects: bool
) -> None:
    """plan and analyze end in a second or so and make no cycles worth collecting; the
    collector walked every imported object ~45 times in a warm plan (issue 14). Other
    commands (film runs for minutes) keep it, and it is back on once the command ends."""
    import gc

    from sorafilm_nb import cli

    seen: list[bool] = []
    module = __import__(f"sorafilm_nb.cli.{argv[0]}", fromlist=["register"])
    real = module.register

    def register(sub: object) -> None:
        real(sub)
        for parser in sub.choices.values():  # type: ignore[attr-defined]
            parser.set_defaults(func=lambda args: seen.append(gc.isenabled()) or 0)

    monkeypatch.setattr(module, "register", register)
    assert gc.isenabled()
    assert cli.main(argv) == 0
    assert seen == [collects]
    assert gc.isenabled()


def test_the_collector_resumes_without_walking_what_the_paused_command_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Everything a paused command made stayed in the collector's youngest generation, and
    the first allocation after gc.enable() walked it all: 7 ms at the end of a cold plan of
    Django (issue 14). What the command made goes to the oldest generation in one step, as
    if it had lived through the collections it skipped; nothing frozen is left behind."""
    import gc

    import sorafilm_nb.cli.plan as plan_command
    from sorafilm_nb import cli

    made: list[object] = []

    def command(args: object) -> int:
        made.append([[] for _ in range(20_000)])  # young objects, as a plan makes
        return 0

    real = plan_command.register

    def register(sub: object) -> None:
        real(sub)
        for parser in sub.choices.values():  # type: ignore[attr-defined]
            parser.set_defaults(func=command)

    monkeypatch.setattr(plan_command, "register", register)
    assert gc.get_freeze_count() == 0
    assert cli.main(["plan"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    # old: a walk of gen 0 moved them to gen 1 (or they still waited in gen 0)
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(made[0]) in oldest


@pytest.mark.parametrize("imported_first", [True, False])
def test_logging_is_configured_whenever_it_is_first_imported(imported_first: bool) -> None:
    """Configured at once when something imported logging already, else by the hook the
    moment a module imports it: the same level, format and handler either way, and every
    line masked by redact."""
    code = (
        "import sys\n"
        + ("import logging\n" if imported_first else "")
        + "from sorafilm_nb.cli import _configure_logging\n"
        "hook = _configure_logging('INFO')\n"
        "assert (hook is None) == " + str(imported_first) + "\n"
        "import logging\n"
        "assert hook not in sys.meta_path\n"
        "root = logging.getLogger()\n"
        "print(root.level, len(root.handlers), root.handlers[0].formatter._fmt)\n"
        "logging.getLogger('a.b').info('said')\n"
        "logging.getLogger('httpx').info('GET %s', 'https://u:hunter2pw@host/v1')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["20", "1", "%(levelname)s", "%(name)s:", "%(message)s"]
    # a password in a library's log line (httpx logs each URL) is masked (redact)
    assert done.stderr == "INFO a.b: said\nINFO httpx: GET [redacted]host/v1\n"


@pytest.mark.parametrize(("argv", "code"), [(["providers"], 0), (["plan", "--repo", "nowhere"], 2)])
def test_the_program_exits_without_the_collectors_last_walk(
    argv: list[str], code: int, tmp_path: Path
) -> None:
    """`python -m sorafilm_nb` and the console script end by freezing the collector, so
    shutdown frees what the imports made with the process, not object by object (~0.4 s of
    CPU after a film). The exit code is main's. An exit handler registered before the run
    (so it runs after everything the run registered) sees the collector frozen."""
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"sorafilm": "sorafilm_nb.cli:run"}
    probe = (
        "import atexit, gc, runpy, sys\n"
        "atexit.register(lambda: print('frozen:', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        f"sys.argv = ['sorafilm', *{argv!r}]\n"
        "runpy.run_module('sorafilm_nb', run_name='__main__', alter_sys=True)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == code, done.stderr
    assert done.stderr.splitlines()[-1] == "frozen: True", done.stderr


def test_a_cold_plan_starts_reading_before_it_loads_the_story_side(tmp_path: Path) -> None:
    """A cold `sorafilm plan` forks its readers as early as it can: what it imports before
    the pool starts runs on one core, what it imports after runs beside the readers
    (analyze's meanwhile). The budget's default ("medium", converted by argparse) and
    story.planning imported story.prompts, and with it lint's lists (~17 ms), before the
    first file was read; the pool's own multiprocessing imports were ~15 ms (issue 14)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for i in range(60):  # more than analysis.profile.PARALLEL_MIN: read on every core
        (repo / f"m{i}.py").write_text(f'"""Module {i}."""\n\nclass Thing{i}:\n    pass\n')
    code = (
        "import json, sys\n"
        "from sorafilm_nb.analysis import profile\n"
        "seen = []\n"
        "real = profile.run_then\n"
        "def run(*args, **kwargs):\n"
        "    seen.extend(m for m in sys.modules if m.startswith('sorafilm_nb.story.')\n"
        "                or m in ('multiprocessing', 'concurrent.futures'))\n"
        "    seen.append('read')\n"
        "    return real(*args, **kwargs)\n"
        "profile.run_then = run\n"
        "profile._workers = lambda: 2\n"
        "from sorafilm_nb.cli import main\n"
        f"rc = main(['plan', '--repo', {str(repo)!r}, '--json'])\n"
        "print(json.dumps(sorted(seen)), file=sys.stderr)\n"
    )
    script = tmp_path / "plan.py"  # a script file, as the CLI runs: the fork path
    script.write_text(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SORAFILM_CACHE_DIR": str(tmp_path / "c")}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), done.stderr
    before_fork = json.loads(done.stderr.strip().splitlines()[-1])
    assert before_fork.count("read") == 1
    # what plan() needs before analyze(): its tiers, findings, continuity check
    assert set(before_fork) - {"read"} <= {
        "sorafilm_nb.story.planning",
        "sorafilm_nb.story.tiers",
        "sorafilm_nb.story.findings",
        "sorafilm_nb.story.continuity",
    }, before_fork


# What a command that sends no job has no use for: the provider SDKs (~0.3-0.6 s of CPU
# each to import), and the notebook side's libraries.
UNSENT = ("openai", "google.genai", "runwayml", "pandas", "matplotlib", "ipywidgets")


def test_a_command_that_sends_no_job_never_imports_a_provider_sdk(tmp_path: Path) -> None:
    """The provider's SDK is imported by the first call that talks to its server (the
    embedded simulator's included), not when the backend is made: `sorafilm resume` of a
    film with nothing left to send and a `sorafilm film` whose plan lint refused start the
    simulator and never send, and each imported the OpenAI SDK all the same (~0.4 s of CPU
    a run); the Veo and Runway doubles' backends imported google-genai and runwayml when
    made. A dry run with no sandbox ledger yet does not import the ledger (money.location
    says where it would be)."""
    from studio_child import make_plan

    from sorafilm_nb.backends.openai_api import OpenAIBackend
    from sorafilm_nb.backends.simulator import Simulator
    from sorafilm_nb.money.ledger import Ledger
    from sorafilm_nb.studio.runner import Studio

    out, ledger = tmp_path / "film", tmp_path / "sandbox.sqlite3"
    with (
        Simulator(job_seconds=0.05, poll_after_ms=50, render_scale=0.2) as sim,
        Ledger(ledger) as books,
        Studio(OpenAIBackend.for_simulator(sim), books, min_poll_interval=0.05) as studio,
    ):
        # refused: every shot final, nothing left to send or stitch (no ffmpeg, cheap)
        film = studio.run(make_plan(1, refuse=(0,), tag="unsent"), out)
        assert film.shots[0].status == "refused"
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "mod.py").write_text('"""A module."""\n\nclass Thing:\n    """A thing."""\n')
    make = ["film", "--repo", str(repo), "--template", "single-12"]
    lines = {
        "dry run": [*make, "--out", str(tmp_path / "dry"), "--dry-run"],
        "refused plan": [*make, "--out", str(tmp_path / "no"), "--monthly-budget", "0.01"],
        "resume": ["resume", str(out), "--ledger", str(ledger), "--sim-seconds", "0.05"],
    }
    watched = (*UNSENT, "sorafilm_nb.money.ledger")
    code = (
        "import json, sys\n"
        "from sorafilm_nb.backends import connect\n"
        "connect.DOUBLE_RENDER_SCALE = 0.2\n"
        "from sorafilm_nb.cli import main\n"
        "seen = {}\n"
        f"for name, argv in {lines!r}.items():\n"
        "    code = main(argv)\n"
        f"    heavy = [m for m in {watched!r} if m in sys.modules]\n"
        "    seen[name] = [code, heavy]\n"
        "for provider in ('veo', 'runway'):  # the other doubles, asked what they are\n"
        "    with connect.connect(provider, sim_seconds=0.05) as made:\n"
        "        simulated = made.backend.is_simulator() and 'simulator' in repr(made.backend)\n"
        f"    seen[provider] = [simulated, [m for m in {watched!r} if m in sys.modules]]\n"
        "print(json.dumps(seen), file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the test's cache: the vocabulary seeded
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stderr.strip().splitlines()[-1])
    assert seen["dry run"] == [0, []], seen
    assert seen["refused plan"][0] == 1 and "blocking findings" in done.stderr
    assert seen["resume"][0] == 1 and "resuming" in done.stdout and "refused" in done.stdout
    assert seen["veo"][0] is True and seen["runway"][0] is True
    for name, (_, heavy) in seen.items():
        assert not set(heavy) & set(UNSENT), (name, heavy)
