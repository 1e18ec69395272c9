"""How a price file's values are read and checked: cents per second, currencies, sizes, and
the modifiers (a price of its own for, say, a job without audio).

Kept apart from ``prices`` (the ``PriceTable`` and its lookups) so that the rules a file is
held to, each with an error naming the file, entry and field, read in one place.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import capabilities
from ..datafiles import field as data_field
from ..errors import DataFileError

__all__ = [
    "ISO_CURRENCIES",
    "MAX_PRICE_CENTS",
    "MAX_PRICE_DECIMALS",
    "MODIFIERS",
    "PriceFileWarning",
    "check_api_size",
    "parse_modifiers",
    "parse_price",
]

#: What a ``[modifiers.NAME."model"]`` table of a price file prices instead of the plain rate
#: (a price of its own per size, as providers list them, not a multiplier).
MODIFIERS = {"no_audio": "video without audio (generate_audio = false)"}

_PRICE_TEXT_RE = re.compile(r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")  # ASCII digits, one point

# A price per second in a price file: at most $1,000,000 a second (list prices are 10 to 50
# cents) and at most 6 decimal places of a cent. Larger is a typo (dollars for cents, a stray
# exponent); more decimals would round in Decimal arithmetic. At the limit a 12 s clip is
# 1.2 * 10**9 cents, far below MAX_CENTS.
MAX_PRICE_CENTS = 10**8
MAX_PRICE_DECIMALS = 6

# ISO 4217 codes in use (the CLDR data of Babel 2.18, as of 2026-01-01, plus codes still listed
# by ISO that old price files may carry). A price file's currency must be one of them, so a
# typo ("USS") fails when the file is read, not at the first reservation.
_ISO_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
    TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
"""
ISO_CURRENCIES = frozenset(_ISO_CODES.split())


class PriceFileWarning(UserWarning):
    """A price file entry that is kept but is probably wrong. Names the file, entry and field.

    Used where a provider other than OpenAI may legitimately differ from OpenAI (a router
    offering sora-2 at a high-resolution size): kept, so nothing is lost, and said once each
    time the file is read (loads are cached, so once per version of the file).
    """

    def __init__(self, file: str, message: str, *, entry: str, field: str) -> None:
        self.file, self.entry, self.field = file, entry, field
        super().__init__(f"{file}, entry {entry!r}, field {field!r}: {message}")


def check_api_size(provider: str, model: str, size: str, *, file: str) -> None:
    """A size no model of the provider renders is an error; one the provider does not offer
    this model at warns (kept for a router that may offer it). Both from capabilities."""
    accepted = capabilities.api_sizes(provider)
    if size not in accepted:
        api = "the Videos API" if provider == "openai" else f"{provider}'s API"
        raise DataFileError(
            file,
            f"{api} accepts only the sizes {', '.join(accepted)}; a job at {size} would be refused",
            entry=model,
            field=size,
        )
    caps = capabilities.lookup(provider, model)
    if caps is not None and size not in caps.sizes:
        warnings.warn(
            PriceFileWarning(
                file,
                f"{provider} offers {model} only at {', '.join(caps.sizes)}, so a job at "
                f"{size} is refused there; kept for a provider that offers it",
                entry=model,
                field=size,
            ),
            stacklevel=3,
        )


def parse_modifiers(
    data: Mapping[str, Any], rates: dict[str, dict[str, Decimal]], provider: str, *, file: str
) -> dict[str, dict[str, dict[str, Decimal]]]:
    """``[modifiers.NAME."model"] size = cents``: a known modifier, for a priced model and
    size, that the model can take (no_audio: only a model that makes audio)."""
    raw = data_field(data, "modifiers", dict, file=file, default={})
    out: dict[str, dict[str, dict[str, Decimal]]] = {}
    for name, models in raw.items():
        if name not in MODIFIERS or not isinstance(models, dict):
            raise DataFileError(
                file, f"known modifiers: {', '.join(MODIFIERS)}", entry="modifiers", field=name
            )
        out[name] = {}
        for model, sizes in models.items():
            where = f"modifiers.{name}.{model}"
            if model not in rates or not isinstance(sizes, dict):
                raise DataFileError(file, "expected a table for a priced model", entry=where)
            caps = capabilities.load(provider).get(model)
            if name == "no_audio" and caps is not None and not caps.audio:
                raise DataFileError(file, f"{model} makes no audio to leave out", entry=where)
            if name == "no_audio" and caps is not None and not caps.audio_optional:
                # a price no job could be sent at: a plan priced with it would under-reserve
                raise DataFileError(
                    file, f"{model} cannot be asked to leave its audio out", entry=where
                )
            for size, price in sizes.items():
                if size not in rates[model]:
                    raise DataFileError(file, "a size the model is not priced at", entry=where)
                out[name].setdefault(model, {})[size] = parse_price(
                    price, file=file, model=where, size=size
                )
    return out


def parse_price(raw: Any, *, file: str, model: str, size: str) -> Decimal:
    """Cents per second from the file: an int or a plain decimal string, finite, bounded."""

    def bad(message: str) -> DataFileError:
        return DataFileError(file, message, entry=model, field=size)

    if isinstance(raw, (bool, float)):
        why = "a float is inexact for money" if isinstance(raw, float) else "not a number"
        raise bad(
            f"{why}: write cents per second as an integer (10) or a "
            f'decimal string ("12.5"), got {raw!r}'
        )
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise bad(
                f'not a number: {raw!r} (write cents per second, like 10 or "12.5")'
            ) from None
        if not value.is_finite():
            raise bad(f"not a finite number: {raw!r}")
        if not _PRICE_TEXT_RE.match(text) and value >= 0:
            # Decimal also reads "1e3", "1_000" and non-ASCII digits; a price file should not
            raise bad(f'write cents per second as plain digits, like "12.5", got {raw!r}')
    else:
        raise bad(
            f"expected cents per second as an integer or decimal "
            f"string, got {type(raw).__name__} {raw!r}"
        )
    if value < 0:
        raise bad(f"a price cannot be negative, got {raw!r}")
    if value > MAX_PRICE_CENTS:
        raise bad(
            f"{raw!r} cents a second is more than $1,000,000 a second "
            f"({MAX_PRICE_CENTS} cents): a typo? (list prices are 10 to 50 cents)"
        )
    exponent = value.normalize().as_tuple().exponent  # 12.5000000 is 12.5
    if isinstance(exponent, int) and exponent < -MAX_PRICE_DECIMALS:
        raise bad(
            f"{raw!r} has more than {MAX_PRICE_DECIMALS} decimal places of a cent; "
            "Decimal sums would round it"
        )
    return value
