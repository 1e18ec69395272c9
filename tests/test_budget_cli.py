"""`sorafilm budget set`: amounts a person might type, including absurd ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.cli import main


@pytest.mark.parametrize("amount", ["1e400", "99999999999999999999", "1000000000.01"])
def test_an_absurd_budget_is_a_usage_error_not_a_traceback(
    amount: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    with pytest.raises(SystemExit) as info:
        main(["budget", "set", amount, "--ledger", str(ledger)])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "at most $1,000,000,000" in err and "Traceback" not in err


def test_the_largest_budget_is_stored_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.sqlite3"
    assert main(["budget", "set", "1000000000", "--ledger", str(ledger)]) == 0
    assert "$1000000000.00" in capsys.readouterr().out.replace(",", "")
