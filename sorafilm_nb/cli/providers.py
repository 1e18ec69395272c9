"""`sorafilm providers`: which providers and models sorafilm can film with, what each costs
and which key it needs, in one table, before anything is sent.

Why a command: the models, clip lengths and sizes live in data/capabilities/*.toml, the
prices (and whether a Google or Runway page backs them) in data/prices/*.toml and the key
variables in backends._provider; a new user should not have to read three files, or start a
film, to learn that `--provider veo` needs GEMINI_API_KEY and what a second costs.
"""

from __future__ import annotations

import argparse
from typing import Any

from .plan import PROVIDERS

#: What to do next with each provider: try it free, then for real (the key is read from the
#: environment only, never from the command line).
NEXT = {
    "openai": "free: sorafilm film --out DIR (the embedded simulator). For real (see the "
    "line above), --base-url URL of a gateway that keeps the /v1/videos shape, with "
    "OPENAI_API_KEY",
    "veo": "free: sorafilm film --provider veo --out DIR (a Veo fake through google-genai). "
    "Real: --real with GEMINI_API_KEY or GOOGLE_API_KEY, a key Vertex AI accepts "
    "(google-genai sends Veo jobs in Vertex AI mode only)",
    "runway": "free: sorafilm film --provider runway --out DIR (a Runway fake through "
    "runwayml). Real: --real with RUNWAYML_API_SECRET",
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "providers",
        help="list the providers and models, their clip lengths, sizes, prices and keys",
        description="List each provider sorafilm can film with (--provider): its models "
        "(the default first), the clip lengths and sizes each renders, whether it can leave "
        "its sound out (--no-audio), the price per second from the packaged price file "
        "(with its source and date, and UNVERIFIED where no provider page backs it), and the "
        "environment variable --real reads the key from. Nothing is sent anywhere.",
    )
    parser.add_argument(
        "--provider",
        choices=PROVIDERS,
        default=None,
        help="only this provider (default: all)",
    )
    parser.set_defaults(func=_handle)


def _handle(args: argparse.Namespace) -> int:
    print(format_providers([args.provider] if args.provider else list(PROVIDERS)))
    return 0


def format_providers(providers: list[str]) -> str:
    """The table `sorafilm providers` prints, one block per provider."""
    from .. import capabilities
    from ..backends._provider import KEY_ENV
    from ..money.cost import Cost
    from ..money.prices import PriceTable
    from ..terminal import printable

    out: list[str] = []
    for provider in providers:
        table = PriceTable.load(provider=provider)
        keys = " or ".join(KEY_ENV[provider])
        out.append(f"{provider}  (--provider {provider}; --real reads {keys})")
        out.append(
            f"  prices: {printable(table.provenance())}"
            + ("; see the price file" if table.unverified else "")
        )
        default = capabilities.default_model(provider)
        for model in sorted(capabilities.models(provider), key=lambda m: (m != default, m)):
            caps = capabilities.for_model(provider, model)
            try:
                rates = {size: table.price_per_second(model, size) for size in caps.sizes}
            except Exception:  # a model the file does not price: say so, never guess
                rates = {}
            lowest = min(rates.values(), default=None)
            highest = max(rates.values(), default=None)
            if lowest is None or highest is None:
                price = "not priced"
            elif lowest == highest:
                price = f"{Cost(lowest, table.currency)}/s"
            else:
                price = f"{Cost(lowest, table.currency)}-{Cost(highest, table.currency)}/s"
            audio = "no audio"
            if caps.audio:
                audio = "audio (--no-audio turns it off)" if caps.audio_optional else "audio"
            sizes = []
            for size in caps.sizes:
                allowed = caps.allowed_seconds(size)
                only = f" ({'/'.join(map(str, allowed))} s only)" if allowed != caps.seconds else ""
                sizes.append(size + only)
            out.append(f"  {model}{' (default)' if model == default else ''}: {price}")
            out.append(f"      clips {'/'.join(map(str, caps.seconds))} s; {audio}")
            out.append(f"      sizes {', '.join(sizes)}")
        closed = capabilities.closed(provider)
        if closed is not None:
            out.append(f"  {closed.said(provider)}")
        out.append(f"  {NEXT[provider]}")
        out.append("")
    return "\n".join(out).rstrip("\n")
