"""What the studio tests (tests/studio/test_runner*.py) share: a fast embedded simulator, a
ledger file per test, a Studio on both with quick polling, and ledger sums.

Test modules take the fixtures with ``from runner_fixtures import *`` (pytest finds a fixture
by its name in the module) and import the helpers by name.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Simulator
from sorafilm_nb.money.ledger import Ledger
from sorafilm_nb.studio.runner import Studio

__all__ = ["ledger", "sim"]


@pytest.fixture
def sim():
    with Simulator(job_seconds=0.3, poll_after_ms=50, render_scale=0.2) as s:
        yield s


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    with Ledger(tmp_path / "ledger.sqlite3") as led:
        yield led


def studio_for(sim, ledger: Ledger, **kw) -> Studio:
    kw.setdefault("max_poll_interval", 0.2)
    kw.setdefault("min_poll_interval", 0.05)
    return Studio(OpenAIBackend.for_simulator(sim), ledger, **kw)


def plan_rows(ledger: Ledger, plan_id: str):
    return [r for r in ledger.records() if r.plan_id == plan_id]


def settled_sum(ledger: Ledger, plan_id: str) -> int:
    return sum(r.billed_cents or 0 for r in plan_rows(ledger, plan_id))


def folder_files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


class Killed(BaseException):
    """Stands in for a SIGKILL at one exact line (nothing after it runs in this run)."""
