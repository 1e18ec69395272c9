"""Where the ledger is: the environment variables, the file names and the default path.

Kept apart from ``store`` (transactions, SQLite, PostgreSQL) because commands that only ask
whether a ledger exists, such as `sorafilm plan`, must not pay for importing the whole
ledger (sqlite3, uuid, platform, the migrations: about 12 ms of every cold plan, issue 14).
``store`` and ``pgstore`` re-export everything here, so their names keep working.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import SplitResult, parse_qsl, urlsplit

from ..errors import LedgerError

LEDGER_ENV = "SORAFILM_LEDGER"
DATA_DIR_ENV = "SORAFILM_DATA_DIR"
FILENAME = "ledger.sqlite3"
# Runs on the embedded simulator cost nothing: they are priced and booked exactly like real
# ones (so the flow, the budget checks and the reports can be tried), but in a ledger file of
# their own, so a demo never eats into the real month's budget.
SIM_FILENAME = "simulator-ledger.sqlite3"
SIM_LEDGER_ENV = "SORAFILM_SIM_LEDGER"

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(location: object) -> bool:
    """Is this ledger location a PostgreSQL URL (rather than a SQLite file)?"""
    return isinstance(location, str) and location.strip().lower().startswith(URL_SCHEMES)


def default_path(*, simulator: bool = False) -> Path:
    """$SORAFILM_LEDGER, else $SORAFILM_DATA_DIR/ledger.sqlite3, else the user data dir.

    With simulator=True, the sandbox ledger for simulated runs: $SORAFILM_SIM_LEDGER, else
    simulator-ledger.sqlite3 beside where the real ledger would be by default.

    A ``postgresql://`` URL in the variable is returned as the str itself (a Path would
    fold its "//"): Ledger() opens the team ledger on that server.
    """
    env = os.environ.get(SIM_LEDGER_ENV if simulator else LEDGER_ENV, "").strip()
    if is_url(env):
        return env  # type: ignore[return-value]
    if env:
        return Path(env).expanduser()
    name = SIM_FILENAME if simulator else FILENAME
    data = os.environ.get(DATA_DIR_ENV, "").strip()
    if data:
        return Path(data).expanduser() / name
    import platformdirs

    return Path(platformdirs.user_data_dir("sorafilm-nb")) / name


def split_url(url: str) -> SplitResult:
    """urlsplit(url), its ValueError ('Invalid IPv6 URL') a LedgerError that never quotes the
    URL (it may hold a password): a malformed team ledger URL was a traceback."""
    try:
        return urlsplit(url)
    except ValueError as exc:
        raise LedgerError(f"the team ledger URL is malformed ({exc})") from None


def url_passwords(url: str) -> list[str]:
    """Every password a team ledger URL holds, to scrub from messages: the authority's, and
    any parameter redact.url masks as one (redact.is_password, the one home of that rule)."""
    from ..redact import is_password  # here: `sorafilm plan` imports this module, not redact

    parts = split_url(url)
    found = [v for k, v in parse_qsl(parts.query) if is_password(k) and v]
    return [*found, parts.password] if parts.password else found
