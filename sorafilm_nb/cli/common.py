"""One module per `sorafilm` subcommand; each exposes register(subparsers).

Argument types shared by several subcommands live here.
"""

from __future__ import annotations

import argparse
import re
from decimal import Decimal

# A monthly budget typed on the command line is at most $1 billion: a guard against typos and
# stray exponents, far below what the ledger can hold (pricing.MAX_CENTS, $10 trillion).
MAX_DOLLARS = 1_000_000_000

# What a person types for dollars: "50", "12.34", ".5", "$1,000.50", "1000.50", "1e3".
# ASCII digits only (Decimal alone would also read "1_000", "Infinity" and Arabic-Indic digits);
# commas only between groups of three digits, so "12,50" (a decimal comma) is not read as 1250.
_DOLLARS_RE = re.compile(
    r"""^\$?\s*
    (?P<number>
        (?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?   # 1,000.50  1000.50  5.
        |\.[0-9]+                                           # .50
    )
    (?P<exponent>[eE][+-]?[0-9]+)?$""",
    re.VERBOSE,
)
_NOT_FINITE = {"inf", "+inf", "infinity", "+infinity", "nan", "snan", "-inf", "-infinity"}


def _amount_error(text: str, why: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"{why}, got {text!r}")


def dollars_to_cents(text: str) -> int:
    """'50' -> 5000, '12.34' -> 1234, '$1,000.50' -> 100050; else argparse.ArgumentTypeError.

    Every refusal says what was wrong (empty, negative, not finite, a decimal comma, fractions
    of a cent, too large) rather than only "invalid value".
    """
    clean = text.strip()
    if not clean:
        raise _amount_error(text, "expected an amount in dollars like 50 or 12.34")
    bare = clean.lstrip("$").strip().lower()
    if bare in _NOT_FINITE:
        raise _amount_error(text, "a budget is a finite amount of dollars, like 50")
    if bare.startswith("-"):
        raise _amount_error(text, "a budget cannot be negative (0 allows no spending at all)")
    match = _DOLLARS_RE.match(clean)
    if match is None:
        if re.fullmatch(r"\$?\s*[0-9]+,[0-9]{1,2}", clean):
            why = "write cents after a point (12.50); commas only group thousands (1,000.50)"
        elif clean.startswith(","):  # `budget set $1,000` unquoted: the shell ate "$1"
            why = "commas only group thousands; quote an amount that starts with $ ('$1,000')"
        elif "," in clean:
            why = "commas only group thousands, like 1,000 or $1,000.50"
        else:
            why = "expected an amount in dollars like 50, 12.34 or $1,000.50"
        raise _amount_error(text, why)
    value = Decimal(match["number"].replace(",", "") + (match["exponent"] or ""))
    if value > MAX_DOLLARS:  # checked before any arithmetic: "1e999999999" is finite too
        raise _amount_error(text, f"a monthly budget is at most ${MAX_DOLLARS:,}")
    if value != value.quantize(Decimal("0.01")):
        raise _amount_error(text, "an amount has fractions of a cent; use at most two decimals")
    return int(value * 100)
