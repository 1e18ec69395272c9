"""What each provider's models can do, read from ``data/capabilities/<provider>.toml``.

Why data and not code: clip lengths, sizes and operations change with the providers'
releases; a dated file that names its source is easy to check and to update, and story
templates, lint, pricing, the simulator and the fakes all read the same facts. A leaf module:
it imports nothing from sorafilm_nb but ``errors`` and ``datafiles`` (a leaf too, whose
remembered parse spares each run the TOML parse, issue 14), so any layer may ask it.

The one home of: which models each provider offers and at which sizes and lengths
(``for_model``, ``api_sizes``), the lengths a storyboard cuts a film into
(``clip_lengths``), what a dated snapshot stands for (``base_model``, ``same_model``), and
the header by which a loopback simulator or fake says its jobs are simulated
(``SIMULATOR_HEADER``), and how long a prompt each model takes (``prompt_chars``,
``prompt_tokens``) measured as the provider measures it (``prompt_length``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .datafiles import data_dir, loads, toml_error
from .errors import DataFileError

__all__ = [
    "CONDITIONING",
    "OPERATIONS",
    "PROVIDERS",
    "SIMULATOR_HEADER",
    "SIMULATOR_HEADER_VALUE",
    "Closed",
    "ModelCapabilities",
    "api_sizes",
    "base_model",
    "clip_lengths",
    "clip_seconds",
    "closed",
    "default_model",
    "for_model",
    "load",
    "lookup",
    "models",
    "prompt_length",
    "prompt_limits",
    "provider_of",
    "same_model",
]

#: Image conditioning kinds a model may accept.
CONDITIONING = frozenset({"first_frame", "last_frame", "reference_images"})
#: Operations beyond create/retrieve/download that a provider may offer.
OPERATIONS = frozenset({"list", "delete", "cancel", "remix", "extend", "edit"})
PROVIDERS = ("openai", "veo", "runway")

#: Every response of sorafilm's simulator and provider fakes carries this header (value
#: ``SIMULATOR_HEADER_VALUE``), so a backend pointed at one (``sorafilm simulate``, or a fake
#: the studio started) can tell its jobs are simulated and book them in the sandbox ledger. A
#: header, not a body field: the bodies must stay exactly the provider's. Each backend decides
#: how far to trust it (only from a loopback server: see backends/openai_api.py).
SIMULATOR_HEADER = "x-sorafilm-simulator"
SIMULATOR_HEADER_VALUE = "1"

#: A dated snapshot of a model: "sora-2-pro-2025-10-06" is "sora-2-pro" pinned to a date.
SNAPSHOT_RE = re.compile(r"^(.+)-([0-9]{4}-[0-9]{2}-[0-9]{2})$")


@dataclass(frozen=True)
class ModelCapabilities:
    """One model's facts. ``native`` maps our "WxH" size to the provider's own parameter
    (Veo: "16:9/720p"; Runway: "1280:720"; OpenAI: the size itself)."""

    provider: str
    model: str
    seconds: tuple[int, ...]
    sizes: tuple[str, ...]
    native: dict[str, str] = field(hash=False)
    seconds_for_size: dict[str, tuple[int, ...]] = field(hash=False)
    audio: bool
    conditioning: frozenset[str]
    max_reference_images: int
    operations: frozenset[str]
    output_ttl_seconds: int | None
    notes: str = ""
    extension_seconds: tuple[int, ...] = ()  # what an extend call may add (OpenAI)
    # A job with reference images may be held to fewer lengths and sizes than the model's
    # (Veo 3.1: 8 s, 16:9 only); empty means the model's own.
    reference_seconds: tuple[int, ...] = ()
    reference_sizes: tuple[str, ...] = ()
    # Whether a job may ask for no audio (Veo: generate_audio = false), so a plan without
    # audio is sent, and priced, as one. False: the model makes its sound regardless.
    audio_optional: bool = False
    # The longest prompt the provider accepts: characters as ``prompt_length`` counts them
    # (UTF-16 code units, as Runway documents promptText), and tokens (the provider's own
    # tokenizer; sorafilm counts o200k_base as a proxy). None: no published limit. A prompt
    # over either is refused by the API (Runway: HTTP 400), so the compressor fits every
    # prompt under them and lint blocks a plan whose prompt cannot fit, before any money
    # is reserved.
    prompt_chars: int | None = None
    prompt_tokens: int | None = None

    def allowed_seconds(self, size: str) -> tuple[int, ...]:
        """The clip lengths allowed at ``size`` (some sizes allow fewer)."""
        return self.seconds_for_size.get(size, self.seconds)

    def allows(self, seconds: int, size: str) -> bool:
        return size in self.sizes and seconds in self.allowed_seconds(size)

    def takes(self, kind: str, seconds: int, size: str) -> bool:
        """Whether a job of ``seconds`` at ``size`` may carry image conditioning ``kind``
        ("first_frame", "last_frame", "reference_images")."""
        if kind not in self.conditioning or not self.allows(seconds, size):
            return False
        if kind == "reference_images":
            return (
                self.max_reference_images > 0
                and seconds in (self.reference_seconds or self.seconds)
                and size in (self.reference_sizes or self.sizes)
            )
        return True

    def supports(self, operation: str) -> bool:
        return operation in self.operations


def prompt_length(text: str) -> int:
    """A prompt's length as the providers count characters: UTF-16 code units (Runway's
    promptText: "up to 1000 characters (measured in UTF-16 code units)"). An emoji is two;
    for OpenAI's JSON-schema maxLength (code points) this is the stricter count. A lone
    surrogate (a name decoded with surrogateescape) is one unit, never an error."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _limit(file: str, entry: str, raw: Any, name: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DataFileError(file, "expected a positive whole number", entry=entry, field=name)
    return value


def _ints(file: str, entry: str, name: str, value: Any) -> tuple[int, ...]:
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        lo, hi = value["min"], value["max"]
        if isinstance(lo, int) and isinstance(hi, int) and 0 < lo <= hi:
            return tuple(range(lo, hi + 1))
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        return tuple(value)
    raise DataFileError(
        file, "expected a list of positive whole seconds or {min, max}", entry=entry, field=name
    )


def _model(file: str, provider: str, raw: Any) -> ModelCapabilities:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise DataFileError(file, "every [[model]] needs a string id")
    entry = raw["id"]
    seconds = _ints(file, entry, "seconds", raw.get("seconds"))
    native = raw.get("native")
    if (
        not isinstance(native, dict)
        or not native
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in native.items())
    ):
        raise DataFileError(
            file, "expected a table of size = provider value", entry=entry, field="native"
        )
    per_size = {
        str(k): _ints(file, entry, f"seconds_for_size.{k}", v)
        for k, v in (raw.get("seconds_for_size") or {}).items()
    }
    for key in per_size:
        if key not in native:
            raise DataFileError(
                file,
                f"size {key!r} is not one of the model's sizes",
                entry=entry,
                field="seconds_for_size",
            )
    conditioning = frozenset(raw.get("conditioning", []))
    operations = frozenset(raw.get("operations", []))
    if not conditioning <= CONDITIONING:
        raise DataFileError(
            file,
            f"unknown kinds {sorted(conditioning - CONDITIONING)}",
            entry=entry,
            field="conditioning",
        )
    if not operations <= OPERATIONS:
        raise DataFileError(
            file,
            f"unknown operations {sorted(operations - OPERATIONS)}",
            entry=entry,
            field="operations",
        )
    ttl = raw.get("output_ttl_seconds")
    if ttl is not None and not (isinstance(ttl, int) and ttl > 0):
        raise DataFileError(
            file, "expected positive whole seconds", entry=entry, field="output_ttl_seconds"
        )
    audio, refs = raw.get("audio", False), raw.get("max_reference_images", 0)
    if not isinstance(audio, bool) or not isinstance(refs, int) or refs < 0:
        raise DataFileError(
            file, "audio must be true/false, max_reference_images >= 0", entry=entry
        )
    audio_optional = raw.get("audio_optional", False)
    if not isinstance(audio_optional, bool) or (audio_optional and not audio):
        raise DataFileError(
            file,
            "true/false, and true only for a model that makes audio",
            entry=entry,
            field="audio_optional",
        )
    ref_seconds = (
        _ints(file, entry, "reference_seconds", raw["reference_seconds"])
        if "reference_seconds" in raw
        else ()
    )
    ref_sizes = raw.get("reference_sizes", [])
    if not isinstance(ref_sizes, list) or not all(s in native for s in ref_sizes):
        raise DataFileError(
            file, "expected a list of the model's sizes", entry=entry, field="reference_sizes"
        )
    if (ref_seconds or ref_sizes) and "reference_images" not in conditioning:
        raise DataFileError(
            file, "the model takes no reference images", entry=entry, field="reference_seconds"
        )
    return ModelCapabilities(
        provider=provider,
        model=entry,
        seconds=seconds,
        sizes=tuple(native),
        native=dict(native),
        seconds_for_size=per_size,
        audio=audio,
        conditioning=conditioning,
        max_reference_images=refs,
        operations=operations,
        output_ttl_seconds=ttl,
        notes=str(raw.get("notes", "")),
        extension_seconds=(
            _ints(file, entry, "extension_seconds", raw["extension_seconds"])
            if "extension_seconds" in raw
            else ()
        ),
        reference_seconds=ref_seconds,
        audio_optional=audio_optional,
        reference_sizes=tuple(ref_sizes),
        prompt_chars=_limit(file, entry, raw, "prompt_chars"),
        prompt_tokens=_limit(file, entry, raw, "prompt_tokens"),
    )


@dataclass(frozen=True)
class Closed:
    """A provider's own hosted API that has shut down (the file's ``closed`` and ``instead``):
    its shape lives on in gateways and the simulator, so its prices still price a plan, but
    a real film is made with one of ``instead``."""

    on: str  # the date it shut down, YYYY-MM-DD
    instead: tuple[str, ...]  # the providers a real film is made with now

    def said(self, provider: str) -> str:
        """The one sentence every face says it with (the plan's prices, `sorafilm providers`)."""
        ways = " or ".join(f"--provider {p}" for p in self.instead)
        return (
            f"{_OWNER.get(provider, provider)}'s own hosted API shut down on {self.on}: these "
            f"prices are for the simulator and gateways; a real film is made with {ways}"
        )


_OWNER = {"openai": "OpenAI", "veo": "Google", "runway": "Runway"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _closed(name: str, provider: str, data: dict[str, Any]) -> Closed | None:
    on, instead = data.get("closed"), data.get("instead", [])
    if on is None:
        return None
    if not isinstance(on, str) or not _DATE.fullmatch(on):
        raise DataFileError(name, f"expected a date as YYYY-MM-DD, got {on!r}", field="closed")
    if (
        not isinstance(instead, list)
        or not instead
        or not all(p in PROVIDERS and p != provider for p in instead)
    ):
        raise DataFileError(
            name, f"expected a list of other providers ({', '.join(PROVIDERS)})", field="instead"
        )
    return Closed(on, tuple(instead))


def closed(provider: str) -> Closed | None:
    """When the provider's own hosted API shut down and what to use instead, or None."""
    return _file(provider)[2]


@cache
def _file(provider: str) -> tuple[dict[str, ModelCapabilities], str, Closed | None]:
    """The provider's file, validated: its models by id (aliases included), its default,
    and when its own hosted API shut down (None while it runs)."""
    if provider not in PROVIDERS:
        raise ValueError(f"unknown provider {provider!r}; known: {', '.join(PROVIDERS)}")
    name = f"capabilities/{provider}.toml"
    text = (data_dir() / name).read_text(encoding="utf-8")
    try:
        data = loads(text)  # datafiles: parsed once per machine, not once per run
    except toml_error() as exc:
        raise DataFileError(name, f"not valid TOML: {exc}") from None
    if data.get("provider") != provider or not isinstance(data.get("source"), str):
        raise DataFileError(name, f"needs provider = {provider!r} and a source")
    models = [_model(name, provider, raw) for raw in data.get("model", [])]
    if not models:
        raise DataFileError(name, "lists no [[model]]")
    out = {m.model: m for m in models}
    default = data.get("default")
    if default not in out:
        raise DataFileError(name, "needs default = the id of one of its models", field="default")
    for alias, target in (data.get("aliases") or {}).items():
        if target not in out:
            raise DataFileError(name, f"alias {alias!r} names unknown model {target!r}")
        out[alias] = out[target]
    return out, str(default), _closed(name, provider, data)


def load(provider: str) -> dict[str, ModelCapabilities]:
    """Every model of ``provider`` ("openai", "veo", "runway"), by id (aliases included)."""
    return _file(provider)[0]


def for_model(provider: str, model: str) -> ModelCapabilities:
    """One model's facts; an unknown model is a ``KeyError`` naming the known ones."""
    models = load(provider)
    try:
        return models[model]
    except KeyError:
        raise KeyError(
            f"{provider} has no model {model!r}; known: {', '.join(sorted(models))}"
        ) from None


def lookup(provider: str, model: str) -> ModelCapabilities | None:
    """``model``'s facts, or its base model's when it is a dated snapshot the file does not
    list ("sora-2-2026-01-15" is "sora-2": ``base_model``); None for a model ``provider``
    does not offer. The one lookup for "which model's facts apply", so a snapshot the
    server pins gets the same prompt limit and audio rule as the model it pins."""
    models = load(provider)
    return models.get(model) or models.get(base_model(model))


def prompt_limits(provider: str, model: str) -> tuple[int | None, int | None]:
    """(characters, tokens): the longest prompt ``model`` of ``provider`` (or the model a
    dated snapshot pins) accepts, None where none is published. An unknown model: (None,
    None) (unknown-model is lint's to report)."""
    caps = lookup(provider, model)
    return (None, None) if caps is None else (caps.prompt_chars, caps.prompt_tokens)


def sent_silent(provider: str, model: str, audio: bool) -> bool:
    """Whether a job of ``model`` goes out with its audio turned off: the plan asks for no
    audio (``audio=False``) and the model can be asked for that (``audio_optional``). One
    rule for what the studio sends (generate_audio = false) and how the clip is priced (the
    price file's no_audio price), so the two never disagree. A dated snapshot follows its
    model (``lookup``); an unknown model: False."""
    if audio:
        return False
    caps = lookup(provider, model)
    return caps is not None and caps.audio_optional


@cache
def clip_seconds(provider: str = "openai") -> tuple[int, ...]:
    """The clip lengths every model of ``provider`` renders, shortest first.

    The one answer to "which lengths may a shot have": the storyboard times shots in them,
    theme files and lint check against them. For OpenAI's Videos API: (4, 8, 12).
    """
    models = load(provider).values()
    common = set.intersection(*(set(m.seconds) for m in models))
    return tuple(sorted(common))


def default_model(provider: str = "openai") -> str:
    """The model a provider's films use unless told otherwise (the file's ``default``)."""
    return _file(provider)[1]


def models(provider: str) -> tuple[str, ...]:
    """The provider's model ids, in file order (aliases and dated snapshots left out)."""
    seen: list[str] = []
    for caps in load(provider).values():
        if caps.model not in seen:
            seen.append(caps.model)
    return tuple(seen)


def provider_of(model: str) -> str | None:
    """The provider that offers ``model`` (or its dated snapshot), or None."""
    for provider in PROVIDERS:
        if lookup(provider, model) is not None:
            return provider
    return None


@cache
def api_sizes(provider: str = "openai") -> tuple[str, ...]:
    """Every size any model of ``provider`` renders: what its API accepts at all.

    For OpenAI's Videos API: 720x1280, 1280x720, 1024x1792, 1792x1024 (VideoSize).
    """
    out: list[str] = []
    for caps in load(provider).values():
        out += [s for s in caps.sizes if s not in out]
    return tuple(out)


def base_model(model: str) -> str:
    """The model a dated snapshot pins ("sora-2-2025-10-06" -> "sora-2"); else the name."""
    m = SNAPSHOT_RE.match(model)
    return m.group(1) if m else model


def same_model(reported: str, requested: str) -> bool:
    """Whether a job the server reports on ``reported`` answers a request for ``requested``.

    A server may answer a request for "sora-2" with the dated snapshot that served it
    ("sora-2-2025-10-06"), or the other way round; both are the same request.
    """
    if reported == requested:
        return True
    return base_model(reported) == base_model(requested)


def clip_lengths(
    provider: str = "openai", model: str | None = None, size: str | None = None
) -> tuple[int, ...]:
    """The clip lengths a storyboard cuts a film into on this model at this size.

    A storyboard counts time in units of one clip length (the shortest allowed that is at
    least 4 s: shorter clips hold no gag) and gives each clip 1, 2 or 3 units, as many as
    the model allows in a row. OpenAI: (4, 8, 12); Veo at 720p and Runway gen4.5: (4, 8);
    Veo at 1080p, which renders only 8 s: (8,). Without a model, every model of the
    provider must allow the lengths (``clip_seconds``); without a size, every size.
    """
    if model is None:
        allowed = set(clip_seconds(provider))
    else:
        caps = for_model(provider, model)
        sizes = (size,) if size is not None else caps.sizes
        allowed = set.intersection(*(set(caps.allowed_seconds(s)) for s in sizes))
    if not allowed:
        raise ValueError(f"{provider} {model or ''} at {size or 'any size'} allows no clip length")
    unit = min((s for s in allowed if s >= 4), default=min(allowed))
    lengths = [unit]
    while len(lengths) < 3 and unit * (len(lengths) + 1) in allowed:
        lengths.append(unit * (len(lengths) + 1))
    return tuple(lengths)
