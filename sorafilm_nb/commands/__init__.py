"""One module per `sorafilm` subcommand; each exposes register(subparsers).

Argument types shared by several subcommands live here.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

MAX_DOLLARS = 1_000_000_000


def dollars_to_cents(text: str) -> int:
    """'50' -> 5000, '12.34' -> 1234; anything else raises argparse.ArgumentTypeError."""
    try:
        value = Decimal(text.strip().lstrip("$"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(
            f"expected an amount in dollars like 50 or 12.34, got {text!r}"
        ) from None
    if not value.is_finite() or value < 0:
        raise argparse.ArgumentTypeError(
            f"a budget is a finite amount of zero or more, got {text!r}"
        )
    if value > MAX_DOLLARS:  # the ledger keeps whole cents in SQLite's 64-bit integers
        raise argparse.ArgumentTypeError(
            f"a monthly budget is at most ${MAX_DOLLARS:,}, got {text!r}"
        )
    cents = value * 100
    if cents != cents.to_integral_value():
        raise argparse.ArgumentTypeError(
            f"{text!r} has fractions of a cent; use at most two decimals"
        )
    return int(cents)
