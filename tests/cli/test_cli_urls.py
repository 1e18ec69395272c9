"""A password in a --base-url or a team ledger's URL is never printed: the resume advice,
the interruption advice and the "making the film on ..." line show the URL through
redact.url (user and host kept, password masked)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from sorafilm_nb.cli.common import interrupted_advice, resume_command
from sorafilm_nb.redact import MASK

PASSWORD = "hunter2secret"
BASE_URL = f"https://alice:{PASSWORD}@gateway.example/v1"
TEAM = f"postgresql://bob:{PASSWORD}@db.example/ledger"


def _args(**given: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "out": "film dir",
        "provider": "openai",
        "real": False,
        "base_url": None,
        "ledger": None,
    }
    values.update(given)
    return argparse.Namespace(**values)


@pytest.mark.parametrize(
    "args",
    [
        _args(base_url=BASE_URL, ledger="/tmp/l.sqlite3"),
        _args(real=True, ledger=TEAM),
        _args(base_url=BASE_URL, ledger=TEAM),
    ],
)
def test_the_resume_advice_masks_a_password_and_keeps_the_rest(args: argparse.Namespace) -> None:
    for said in (resume_command(args.out, args), interrupted_advice(args)):
        assert PASSWORD not in said, said
        assert "'film dir'" in said  # still a command a shell reads
    command = resume_command(args.out, args)
    if args.base_url:
        assert f"--base-url 'https://alice:{MASK}@gateway.example/v1'" in command
    if args.ledger == TEAM:
        assert f"--ledger 'postgresql://bob:{MASK}@db.example/ledger'" in command


@pytest.mark.parametrize("provider", ["openai", "veo", "runway"])
def test_where_a_film_is_made_is_said_without_the_password(provider: str) -> None:
    from sorafilm_nb.backends.connect import connect

    connection = connect(provider, base_url=BASE_URL, api_key="key_" + "0" * 32)
    try:
        assert PASSWORD not in connection.where and "alice" in connection.where
        assert PASSWORD not in repr(connection.backend)
    finally:
        connection.close()


def test_the_real_budget_check_never_names_a_team_ledgers_password(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated film compares its cost with the real ledger, which may be a team ledger's
    URL: its log line, warning and `budget set --ledger URL` advice showed the URL as given."""
    from decimal import Decimal

    import psycopg

    from sorafilm_nb.money.budget import raise_command
    from sorafilm_nb.money.cost import Cost
    from sorafilm_nb.money.ledger import Ledger

    unreachable = f"postgresql://bob:{PASSWORD}@127.0.0.1:1/ledger"
    tries: list[str] = []
    connect = psycopg.connect

    def counted(*args: object, **kwargs: object) -> object:
        tries.append("connect")
        return connect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg, "connect", counted)
    with Ledger(tmp_path / "sandbox.sqlite3", sandbox=True) as sandbox:
        assert sandbox.check_real_budget(Cost(Decimal(100)), real=unreachable) is None
    # advice, not money: a refused connection is retried for budget.REAL_CHECK_WAIT (2 s,
    # ~6 tries), not for the ledger's busy_timeout (30 s, ~35 tries: the film stalled)
    assert 1 <= len(tries) <= 10, tries
    assert "cannot read the real ledger" in caplog.text and PASSWORD not in caplog.text
    command = raise_command(unreachable, Cost(Decimal(500)))
    assert PASSWORD not in command and "bob" in command
