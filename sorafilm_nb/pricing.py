"""Prices per second by model and size (data/prices.toml), and cost estimates in Decimal cents.

CONTRACT: Cost is shared with ledger.py, plan.py, studio.py, ui/, charts.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal


@dataclass(frozen=True, order=True)
class Cost:
    """An amount of money in cents, as Decimal: never float dollars."""

    cents: Decimal
    currency: str = "USD"

    def __post_init__(self) -> None:
        if isinstance(self.cents, float):
            raise TypeError("Cost takes Decimal or int cents, never float")
        object.__setattr__(self, "cents", Decimal(self.cents))

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
