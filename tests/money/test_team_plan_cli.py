"""`sorafilm plan` reads the remaining budget from the ledger wherever it lives: a SQLite file
or a team ledger named by a ``postgresql://`` URL (in --ledger or SORAFILM_LEDGER). A plan is a
read: it never builds a ledger, and an empty team database is "no budget set", not a crash."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pg_fixtures
import pytest

from sorafilm_nb.cli import main
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "mod.py").write_text('class Kettle:\n    """Boils water."""\n', encoding="utf-8")
    return repo


def _plan(capsys: pytest.CaptureFixture[str], repo: Path, *extra: str) -> dict[str, object]:
    assert main(["plan", "--repo", str(repo), "--template", "single-12", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_a_plan_reads_the_remaining_budget_from_either_ledger(
    make_ledger: Callable[..., Ledger],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    with make_ledger() as led:
        led.set_budget(Cost(Decimal(500)))  # $5.00 a month
    where = str(make_ledger.location("ledger.sqlite3"))  # type: ignore[attr-defined]
    repo = _repo(tmp_path)
    if how == "flag":
        out = _plan(capsys, repo, "--ledger", where)
    else:
        monkeypatch.setenv("SORAFILM_LEDGER", where)
        out = _plan(capsys, repo)
    assert out["remaining"] is not None and "5.00" in str(out["remaining"])


def test_an_empty_team_database_is_never_built_by_a_plan(
    pg_server: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From the environment: no budget set. Named with --ledger: the same one-line error a
    missing SQLite file gets. Either way the database stays empty."""
    pg_fixtures.server()  # skips, saying how to install, where there is none
    url = pg_fixtures.fresh_url()
    repo = _repo(tmp_path)
    monkeypatch.setenv("SORAFILM_LEDGER", url)
    assert _plan(capsys, repo)["remaining"] is None
    monkeypatch.delenv("SORAFILM_LEDGER")
    args = ["plan", "--repo", str(repo), "--template", "single-12", "--ledger", url]
    assert main(args) == 2
    assert "no team ledger at" in capsys.readouterr().err
    import psycopg

    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        ).fetchone()
    assert tables == (0,)  # the reads built nothing
