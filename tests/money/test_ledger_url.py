"""A team ledger URL is shown with every password masked, and a malformed one is a clear
LedgerError, not a traceback (issue 11). No server needed: both happen before connecting."""

from __future__ import annotations

import pytest

from sorafilm_nb.errors import LedgerError
from sorafilm_nb.money import pgstore
from sorafilm_nb.money.ledger import Ledger

SECRET = "hunter2-url-secret"


@pytest.mark.parametrize("key", ["password", "sslpassword"])
def test_every_password_parameter_is_masked(key: str) -> None:
    """libpq's sslpassword (the client key's passphrase) was shown as written in every
    message that names the ledger ('cannot connect to the team ledger ...?sslpassword=...')."""
    shown = pgstore.display_url(f"postgresql://u@h/db?{key}={SECRET}&sslmode=require")
    assert SECRET not in shown and "sslmode=require" in shown


def test_a_malformed_url_is_a_ledger_error_without_its_password() -> None:
    """urlsplit's ValueError ('Invalid IPv6 URL') escaped as a traceback."""
    pytest.importorskip("psycopg")
    with pytest.raises(LedgerError) as info:
        Ledger(f"postgresql://u:{SECRET}@[::1/db", busy_timeout=0.2)
    assert SECRET not in str(info.value)


def test_the_passwords_scrubbed_from_messages_are_those_the_shown_url_masks() -> None:
    """url_passwords (what a server's error text is scrubbed of) and redact.url (how the URL
    is shown) ask one rule, redact.is_password: any case, password and sslpassword."""
    from sorafilm_nb.redact import url as shown_url

    url = f"postgresql://u:{SECRET}@h/db?SSLPassword=k2-{SECRET}&sslmode=require&password=p3"
    assert pgstore.url_passwords(url) == [f"k2-{SECRET}", "p3", SECRET]
    assert not any(p in shown_url(url) for p in pgstore.url_passwords(url))
