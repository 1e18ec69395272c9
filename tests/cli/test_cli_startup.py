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


def test_a_plan_imports_no_other_commands_module(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "mod.py").write_text('"""A module."""\n\nclass Thing:\n    """A thing."""\n')
    code = (
        "import json, sys; from sorafilm_nb.cli import main;"
        f" rc = main(['plan', '--repo', {str(repo)!r}, '--json']);"
        " print(json.dumps(sorted(m for m in sys.modules if m.startswith('sorafilm_nb.cli.'))),"
        " file=sys.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode in (0, 1), done.stderr
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert "sorafilm_nb.cli.plan" in loaded
    for other in ("budget", "film", "resume", "simulate", "share"):
        assert f"sorafilm_nb.cli.{other}" not in loaded
