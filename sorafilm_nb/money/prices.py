"""Prices per second by model and size (data/prices/<provider>.toml), as Decimal cents.

Amounts are ``cost.Cost`` (Decimal cents); this module only turns seconds into them.

Why a table and not constants: list prices change, other providers speak the same Videos API
at other prices, and one well-known router books high-resolution jobs at the 720p price. So
the price of a second is looked up by model AND size in a data file whose source and date are
recorded, and every figure shown to the user (estimates, strategy comparisons) is derived from
that file, never typed into code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from .. import capabilities
from ..datafiles import data_dir, load_toml
from ..datafiles import field as data_field
from ..errors import DataFileError, SorafilmError
from .cost import CURRENCY_RE, Cost
from .price_values import (  # the file rules; PriceFileWarning and the limits re-exported
    ISO_CURRENCIES,
    MAX_PRICE_CENTS,
    MAX_PRICE_DECIMALS,  # noqa: F401
    MODIFIERS,  # noqa: F401
    PriceFileWarning,  # noqa: F401
    check_api_size,
    parse_modifiers,
    parse_price,
)

if TYPE_CHECKING:
    import pandas as pd

PRICES_ENV = "SORAFILM_PRICES"  # a user's price file, used when no path is given
_MODEL_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SIZE_RE = re.compile(r"^([1-9][0-9]{1,4})x([1-9][0-9]{1,4})$")
# Which sizes a price file may price come from the capability model (capabilities.py, the one
# home of these facts): a size no model of the file's provider renders is an error (for OpenAI,
# what POST /videos accepts); a size the provider does not offer that model at only warns (a
# router may offer more). Dated snapshots (sora-2-pro-2025-10-06) offer what their model does.
API_SIZES = capabilities.api_sizes("openai")  # OpenAI's VideoSize, for callers that ask
DEFAULT_PROVIDER = "openai"


class PriceError(SorafilmError, ValueError):
    """An unknown model, or a size the model is not offered at. Names the allowed values.

    Also raised for a hand-built PriceTable whose price is not money (negative, not finite).
    """


@dataclass(frozen=True)
class PriceTable:
    """Price per second by model and size, with where and when the figures were published.

    Load with PriceTable.load(); build by hand only in tests (rates in Decimal cents).
    """

    rates: Mapping[str, Mapping[str, Decimal]] = field(hash=False)  # model -> size -> cents/s
    source: str
    date: str  # as listed in the file ("2025-10")
    currency: str = "USD"
    failed_jobs_billed: bool = False
    aliases: Mapping[str, str] = field(default_factory=dict, hash=False)  # snapshot -> model
    note: str = ""
    file: str = ""  # where it was loaded from
    provider: str = DEFAULT_PROVIDER  # whose models these are (capabilities.PROVIDERS)
    # MODIFIERS name -> model -> size -> cents/s: e.g. the price of a job without audio
    modifiers: Mapping[str, Mapping[str, Mapping[str, Decimal]]] = field(
        default_factory=dict, hash=False
    )

    def __post_init__(self) -> None:
        frozen = {m: MappingProxyType(dict(sizes)) for m, sizes in self.rates.items()}
        object.__setattr__(self, "rates", MappingProxyType(frozen))
        object.__setattr__(self, "aliases", MappingProxyType(dict(self.aliases)))
        mods = {
            name: MappingProxyType({m: MappingProxyType(dict(sz)) for m, sz in models.items()})
            for name, models in self.modifiers.items()
        }
        object.__setattr__(self, "modifiers", MappingProxyType(mods))
        priced = [(m, sz) for m, sz in self.rates.items()]
        priced += [(f"{m} ({name})", sz) for name, ms in mods.items() for m, sz in ms.items()]
        for model, sizes in priced:
            for size, price in sizes.items():
                if isinstance(price, (float, bool)) or not isinstance(price, (int, Decimal)):
                    raise TypeError(f"price of {model} at {size} must be Decimal cents")
                if not Decimal(price).is_finite() or price < 0 or price > MAX_PRICE_CENTS:
                    raise PriceError(
                        f"price of {model} at {size} must be finite, zero or more and at "
                        f"most {MAX_PRICE_CENTS} cents a second, got {price!r}"
                    )

    def __repr__(self) -> str:  # the rates in dollars, not nested mappingproxy(Decimal(...))
        sym = "$" if self.currency == "USD" else f"{self.currency} "
        rates = ", ".join(
            f"{model} {size} {sym}{Decimal(cents) / 100:.2f}/s"
            for model, sizes in self.rates.items()
            for size, cents in sizes.items()
        )
        return f"PriceTable({rates}; {self.provenance()})"

    #: The word a price file's ``note`` carries when no provider page backs its figures
    #: (veo.toml: Google's price pages were not reachable, the figures are third parties').
    UNVERIFIED: ClassVar[str] = "UNVERIFIED"
    #: ... and how every face says it beside an amount (provenance(), the budget picker).
    UNVERIFIED_SAID: ClassVar[str] = "UNVERIFIED: no provider page read"

    @property
    def unverified(self) -> bool:
        """True when the file itself says no provider page backs its figures.

        Why from the note: the file that carries the figures is the one that knows whether
        anyone read them off the provider's page; code that kept its own list of unverified
        providers would go on saying so after the file is fixed (or stop before it is).
        """
        return self.UNVERIFIED in self.note

    def provenance(self) -> str:
        """Where and when the figures were published, as every face shows them beside money:
        "URL, as of 2025-10", plus "UNVERIFIED: no provider page read" when the file says so.

        Why one phrasing: `sorafilm providers`, the plan (screen, plan.md, plan.json), the
        dry run and the notebook's estimate all show a price's source; an estimate shown
        without the warning reads as a provider's list price on the screen where the money is
        decided.
        """
        where = f"{self.source}, as of {self.date}" if self.source else self.date
        return f"{where}; {self.UNVERIFIED_SAID}" if self.unverified else where

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable and deep-copyable (read-only mapping proxies are not, by themselves)."""
        rates = {m: dict(sizes) for m, sizes in self.rates.items()}
        return (
            _rebuild,
            (
                rates,
                self.source,
                self.date,
                self.currency,
                self.failed_jobs_billed,
                dict(self.aliases),
                self.note,
                self.file,
                self.provider,
                {n: {m: dict(sz) for m, sz in ms.items()} for n, ms in self.modifiers.items()},
            ),
        )

    # -- loading ---------------------------------------------------------------------------

    @classmethod
    def load(
        cls, path: str | os.PathLike[str] | None = None, *, provider: str | None = None
    ) -> PriceTable:
        """The price table from path, else $SORAFILM_PRICES, else the packaged file of
        ``provider`` (data/prices/<provider>.toml; OpenAI's when no provider is named).

        With ``provider``, a file for another provider (its ``provider =`` line; none means
        openai) is a PriceError naming both: its models would be unpriced or, worse, priced
        as another provider's. A malformed file raises DataFileError naming the file, the
        model and the size. Loaded files are cached by (path, mtime, size), so repeated
        estimates cost nothing and an edited file is re-read.
        """
        how = "the price file"
        if path is None:
            env = os.environ.get(PRICES_ENV, "").strip()
            if env:
                how = f"${PRICES_ENV}"
            path = env or default_path(provider or DEFAULT_PROVIDER)
        p = Path(path).expanduser()
        try:
            st = p.stat()
        except OSError:
            raise DataFileError(str(p), "file not found") from None
        table = _load_cached(str(p.resolve()), st.st_mtime_ns, st.st_size)
        if provider is not None and table.provider != provider:
            raise PriceError(
                f"{how} {p} prices {table.provider}'s models, not {provider}'s; give a "
                f"price file for {provider} (--prices FILE), or leave it out for the "
                f"packaged one ({default_path(provider).name})"
            )
        return table

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str = "<dict>") -> PriceTable:
        """Validate a parsed price file (the TOML's top-level table)."""
        source = data_field(data, "source", str, file=file)
        date = data_field(data, "as_of", str, file=file)
        currency = data_field(data, "currency", str, file=file, default="USD")
        if not CURRENCY_RE.match(currency):
            raise DataFileError(
                file,
                f"expected a 3-letter ISO currency code such as USD, got {currency!r}",
                field="currency",
            )
        if currency not in ISO_CURRENCIES:
            raise DataFileError(
                file,
                f"{currency!r} is not an ISO 4217 currency code (such as USD, EUR, GBP, JPY)",
                field="currency",
            )
        provider = data_field(data, "provider", str, file=file, default=DEFAULT_PROVIDER)
        if provider not in capabilities.PROVIDERS:
            raise DataFileError(
                file,
                f"unknown provider {provider!r}; known: {', '.join(capabilities.PROVIDERS)}",
                field="provider",
            )
        billed = data_field(data, "failed_jobs_billed", bool, file=file, default=False)
        note = data_field(data, "note", str, file=file, default="")
        table = data_field(data, "cents_per_second", dict, file=file)
        if not table:
            raise DataFileError(file, "no models priced", field="cents_per_second")
        rates: dict[str, dict[str, Decimal]] = {}
        for model, sizes in table.items():
            if not _MODEL_RE.match(model):
                raise DataFileError(
                    file,
                    "a model name is lower-case letters, digits, '.', '_' or '-' (like sora-2-pro)",
                    entry=model,
                )
            if not isinstance(sizes, dict):
                raise DataFileError(
                    file,
                    "expected a table of size = cents per second, got "
                    f"{type(sizes).__name__} {sizes!r}",
                    entry=model,
                )
            if not sizes:
                raise DataFileError(file, "no sizes priced for this model", entry=model)
            rates[model] = {}
            for size, raw in sizes.items():
                if not _SIZE_RE.match(size):
                    raise DataFileError(
                        file,
                        "a size is WIDTHxHEIGHT in pixels, like 1280x720",
                        entry=model,
                        field=size,
                    )
                check_api_size(provider, model, size, file=file)
                rates[model][size] = parse_price(raw, file=file, model=model, size=size)
        aliases_raw = data_field(data, "aliases", dict, file=file, default={})
        aliases: dict[str, str] = {}
        for alias, target in aliases_raw.items():
            if not _MODEL_RE.match(alias):
                raise DataFileError(
                    file,
                    "a model name is lower-case letters, digits, '.', '_' or '-' "
                    "(like sora-2-pro-2025-10-06)",
                    entry="aliases",
                    field=alias,
                )
            if not isinstance(target, str):
                raise DataFileError(
                    file,
                    f"expected the name of a priced model, got {target!r}",
                    entry="aliases",
                    field=alias,
                )
            if target not in rates:
                raise DataFileError(
                    file,
                    f"points to {target!r}, which is not priced; priced models: {', '.join(rates)}",
                    entry="aliases",
                    field=alias,
                )
            if alias in rates:
                raise DataFileError(
                    file, "is both a priced model and an alias", entry="aliases", field=alias
                )
            base = capabilities.base_model(alias)
            if (
                base != alias
                and base != target
                and (base in rates or base in capabilities.load(provider))
            ):
                # sora-2-pro-2025-10-06 = "sora-2" would price pro jobs at a third of their cost
                raise DataFileError(
                    file,
                    f"a dated snapshot of {base} is priced like {base}, but this points to "
                    f"{target!r}",
                    entry="aliases",
                    field=alias,
                )
            aliases[alias] = target
        known = {
            "provider",
            "source",
            "as_of",
            "currency",
            "failed_jobs_billed",
            "note",
            "cents_per_second",
            "aliases",
            "modifiers",
        }
        for key in data:
            if key not in known:
                raise DataFileError(
                    file, f"unknown field (known: {', '.join(sorted(known))})", field=key
                )
        return cls(
            rates=rates,
            source=source,
            date=date,
            currency=currency,
            failed_jobs_billed=billed,
            aliases=aliases,
            note=note,
            file=file,
            provider=provider,
            modifiers=parse_modifiers(data, rates, provider, file=file),
        )

    # -- lookups ---------------------------------------------------------------------------

    @property
    def models(self) -> tuple[str, ...]:
        """The priced models, in file order (aliases not included)."""
        return tuple(self.rates)

    def resolve(self, model: str) -> str:
        """The priced model a name stands for (a dated snapshot maps to its model)."""
        if model in self.rates:
            return model
        if model in self.aliases:
            return self.aliases[model]
        allowed = ", ".join(self.models)
        snapshots = f" (or the snapshots {', '.join(self.aliases)})" if self.aliases else ""
        raise PriceError(
            f"unknown model {model!r}: the price table ({self.file or 'given'}) "
            f"prices {allowed}{snapshots}"
        )

    def sizes(self, model: str) -> tuple[str, ...]:
        """The sizes a model is offered at, per this table."""
        return tuple(self.rates[self.resolve(model)])

    def offers(self, model: str, size: str) -> bool:
        """True when the table prices this model at this size (unknown model: False)."""
        try:
            return size in self.sizes(model)
        except PriceError:
            return False

    def price_per_second(self, model: str, size: str, modifier: str | None = None) -> Decimal:
        """Cents per second of video for model at size (with ``modifier``, e.g. "no_audio",
        its own price); PriceError names the allowed values."""
        canonical = self.resolve(model)
        sizes = self.rates[canonical]
        if size not in sizes:
            raise PriceError(
                f"size {size!r} is not offered for {model}: allowed sizes are {', '.join(sizes)}"
            )
        if modifier is None:
            return sizes[size]
        listed = self.modifiers.get(modifier, {}).get(canonical, {})
        if size not in listed:
            raise PriceError(
                f"the price file ({self.file or 'given'}) lists no {modifier} price for "
                f"{model} at {size}"
            )
        return listed[size]

    def modifiers_for(self, model: str, size: str) -> tuple[str, ...]:
        """The modifiers this table prices for model at size ("no_audio", ...)."""
        canonical = self.resolve(model)
        return tuple(n for n, ms in self.modifiers.items() if size in ms.get(canonical, {}))

    def cost(self, model: str, size: str, seconds: int, modifier: str | None = None) -> Cost:
        """seconds × price per second, as a Cost in this table's currency."""
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise PriceError(f"seconds must be a whole number, got {seconds!r}")
        if seconds < 0:
            raise PriceError(f"seconds must not be negative, got {seconds}")
        return Cost(self.price_per_second(model, size, modifier) * seconds, self.currency)

    def clip_cost(self, model: str, size: str, seconds: int, *, audio: bool = True) -> Cost:
        """What one clip costs as the studio sends it: a clip sent without audio
        (``capabilities.sent_silent``) at the file's no_audio price when it lists one, else
        at the plain price, the higher one, so a reservation is never below the bill."""
        modifier = None
        if capabilities.sent_silent(self.provider, self.resolve(model), audio):
            modifier = "no_audio" if "no_audio" in self.modifiers_for(model, size) else None
        return self.cost(model, size, seconds, modifier)

    def failure_cost(self, cost: Cost) -> Cost:
        """What a failed or refused job of this cost is billed: all or nothing, per the file."""
        return cost if self.failed_jobs_billed else Cost.zero(cost.currency)

    def frame(self) -> pd.DataFrame:
        """The table as pandas rows (model, size, cents per second, dollars per minute)."""
        import pandas as pd

        rows = [
            {
                "model": m,
                "size": s,
                "cents_per_second": p,
                "per_minute": str(Cost(p * 60, self.currency)),
            }
            for m, sizes in self.rates.items()
            for s, p in sizes.items()
        ]
        return pd.DataFrame(rows, columns=["model", "size", "cents_per_second", "per_minute"])


def _rebuild(*args: Any) -> PriceTable:
    return PriceTable(*args)


@cache
def default_path(provider: str = DEFAULT_PROVIDER) -> Path:
    """The packaged price file of a provider, data/prices/<provider>.toml (resolved once:
    importlib.resources costs ~2 ms a call)."""
    if provider not in capabilities.PROVIDERS:
        raise PriceError(
            f"unknown provider {provider!r}; known: {', '.join(capabilities.PROVIDERS)}"
        )
    return data_dir() / "prices" / f"{provider}.toml"


def dims(size: str) -> tuple[int, int]:
    """(width, height) of a "WIDTHxHEIGHT" size; PriceError for anything else."""
    m = _SIZE_RE.match(size)
    if not m:
        raise PriceError(f"a size is WIDTHxHEIGHT, like 1280x720; got {size!r}")
    return int(m.group(1)), int(m.group(2))


def openai_sizes(model: str) -> tuple[str, ...] | None:
    """The sizes OpenAI offers model (or its dated snapshot) at; None for another model."""
    caps = capabilities.lookup("openai", model)
    return caps.sizes if caps is not None else None


@lru_cache(maxsize=16)
def _load_cached(path: str, mtime_ns: int, size: int) -> PriceTable:
    return PriceTable.from_dict(load_toml(path), file=path)
