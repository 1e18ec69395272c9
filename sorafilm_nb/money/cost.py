"""Money as a value: ``Cost``, an amount in Decimal cents and a currency, never float dollars.

A leaf of the money package (it imports nothing from it): price tables produce Costs, the
ledger books their whole cents, plans and reports add and show them. Its bounds (MAX_CENTS)
are the ledger's, so whatever a Cost holds fits the ledger's 64-bit integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from ..errors import SorafilmError

__all__ = ["MAX_CENTS", "Cost", "CostError", "left_of", "total"]

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

# Every Cost is less than this many cents either way ($10 trillion). Why this bound: the ledger
# keeps whole cents in SQLite's signed 64-bit integers (at most 2**63 - 1, about 9.2 * 10**18)
# and adds them up (day totals, month sums), so one amount must leave room for thousands of
# others before a sum overflows (9,223 amounts at the bound still fit); and 15 digits of cents
# plus the 6 decimals a price may have stay within Decimal's default 28 significant digits,
# so arithmetic on Costs is exact. No real budget or bill comes near it.
MAX_CENTS = 10**15


class CostError(SorafilmError, ValueError):
    """An amount that is not money: not finite, or too large for the ledger (see MAX_CENTS)."""


def _show_amount(cents: Decimal) -> str:
    """The amount for an error message, shortened when it has hundreds of digits."""
    text = str(cents)
    return text if len(text) <= 32 else f"{cents:.3E}"


@dataclass(frozen=True, order=True)
class Cost:
    """An amount of money in cents, as Decimal: never float dollars.

    Always finite and less than MAX_CENTS either way, so whatever reaches the ledger fits its
    64-bit integers; CostError (a ValueError) names the value otherwise. Negative amounts are
    allowed (what remains after a soft overrun, a difference); the ledger refuses them where
    they make no sense (a budget, a reservation, a charge).
    """

    cents: Decimal
    currency: str = "USD"

    def __post_init__(self) -> None:
        raw: Any = self.cents
        if isinstance(raw, float):
            raise TypeError("Cost takes Decimal or int cents, never float")
        if isinstance(raw, bool) or not isinstance(raw, (int, Decimal)):
            raise TypeError(f"Cost takes Decimal or int cents, got {type(raw).__name__} {raw!r}")
        cents = Decimal(raw)
        if not cents.is_finite():
            raise CostError(f"an amount of money is a finite number of cents, got {raw!r}")
        if abs(cents) >= MAX_CENTS:
            raise CostError(
                f"an amount of money is less than {MAX_CENTS:,} cents ($10 trillion) either "
                f"way, got {_show_amount(cents)} cents: the ledger keeps whole cents in 64-bit "
                "integers"
            )
        if not isinstance(self.currency, str) or not CURRENCY_RE.match(self.currency):
            raise CostError(f"a currency is a 3-letter ISO code such as USD, got {self.currency!r}")
        object.__setattr__(self, "cents", cents)

    @property
    def whole_cents(self) -> int:
        """Rounded up to an integer number of cents: what the ledger books."""
        return int(self.cents.to_integral_value(rounding=ROUND_CEILING))

    @property
    def dollars(self) -> Decimal:
        return self.cents / 100

    def __add__(self, other: Cost) -> Cost:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Cost(self.cents + other.cents, self.currency)

    def __str__(self) -> str:
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        return f"{symbol}{self.dollars.quantize(Decimal('0.01'))}"

    @classmethod
    def zero(cls, currency: str = "USD") -> Cost:
        return cls(Decimal(0), currency)

    # Added for plan totals and comparisons; same currency rules as __add__.
    def __sub__(self, other: Cost) -> Cost:
        if other.currency != self.currency:
            raise ValueError(f"cannot subtract {other.currency} from {self.currency}")
        return Cost(self.cents - other.cents, self.currency)

    def __mul__(self, factor: int | Decimal) -> Cost:
        if isinstance(factor, (float, bool)) or not isinstance(factor, (int, Decimal)):
            raise TypeError("a Cost is multiplied by an int or a Decimal, never a float")
        return Cost(self.cents * factor, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Cost:
        return Cost(-self.cents, self.currency)


def total(costs: Any, currency: str = "USD") -> Cost:
    """Sum of Costs (sum() would start from the int 0, which Cost does not add to)."""
    result = Cost.zero(currency)
    for cost in costs:
        result = result + cost
    return result


def left_of(remaining: Cost, limit: Cost | None = None) -> str:
    """What remains of a budget, as people write it: "$0.40 left of $1.00", "$3.00 over the
    $1.00 limit" (never "$-3.00 left"). The one phrasing every face uses."""
    if remaining.cents >= 0:
        return f"{remaining} left" + (f" of {limit}" if limit is not None else "")
    return f"{-remaining} over" + (f" the {limit} limit" if limit is not None else "")
