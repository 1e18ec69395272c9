"""The README's command table is generated from the argparse parser (tools/command_table.py):
a command, argument or flag added to the CLI and not to the README fails here."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import command_table  # noqa: E402


def test_readme_command_table_is_the_generated_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert command_table.START in readme and command_table.END in readme
    shown = readme.split(command_table.START + "\n", 1)[1].split(command_table.END, 1)[0]
    assert shown == command_table.table(), (
        "the README's command table is stale: run `python tools/command_table.py README.md`"
    )


def test_the_table_names_every_command_and_flag() -> None:
    text = command_table.table()
    for command in ("analyze", "plan", "film", "resume", "budget set", "simulate", "share"):
        assert f"`sorafilm {command}" in text
    assert "`--real`" in text and "`--base-url`" in text  # film's and resume's flags
    assert "--help" not in text and "`--simulator`" in text  # budget's shown flag, not -h


def test_replace_in_keeps_the_rest_of_the_readme() -> None:
    text = f"before\n{command_table.START}\nold table\n{command_table.END}\nafter\n"
    out = command_table.replace_in(text)
    assert out.startswith(f"before\n{command_table.START}\n| command |")
    assert out.endswith(f"{command_table.END}\nafter\n") and "old table" not in out
