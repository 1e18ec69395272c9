"""What each provider's models can do, read from ``data/capabilities/<provider>.toml``.

Why data and not code: clip lengths, sizes and operations change with the providers'
releases; a dated file that names its source is easy to check and to update, and story
templates, lint, pricing and the fakes all read the same facts. A leaf module: it imports
nothing from sorafilm_nb but ``errors``, so any layer may ask it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .errors import DataFileError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["CONDITIONING", "OPERATIONS", "ModelCapabilities", "clip_seconds", "for_model", "load"]

#: Image conditioning kinds a model may accept.
CONDITIONING = frozenset({"first_frame", "last_frame", "reference_images"})
#: Operations beyond create/retrieve/download that a provider may offer.
OPERATIONS = frozenset({"list", "delete", "cancel", "remix", "extend", "edit"})
PROVIDERS = ("openai", "veo", "runway")


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

    def allowed_seconds(self, size: str) -> tuple[int, ...]:
        """The clip lengths allowed at ``size`` (some sizes allow fewer)."""
        return self.seconds_for_size.get(size, self.seconds)

    def allows(self, seconds: int, size: str) -> bool:
        return size in self.sizes and seconds in self.allowed_seconds(size)

    def supports(self, operation: str) -> bool:
        return operation in self.operations


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
    )


@cache
def load(provider: str) -> dict[str, ModelCapabilities]:
    """Every model of ``provider`` ("openai", "veo", "runway"), by id (aliases included)."""
    if provider not in PROVIDERS:
        raise ValueError(f"unknown provider {provider!r}; known: {', '.join(PROVIDERS)}")
    name = f"capabilities/{provider}.toml"
    text = (
        resources.files("sorafilm_nb").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(name, f"not valid TOML: {exc}") from None
    if data.get("provider") != provider or not isinstance(data.get("source"), str):
        raise DataFileError(name, f"needs provider = {provider!r} and a source")
    models = [_model(name, provider, raw) for raw in data.get("model", [])]
    if not models:
        raise DataFileError(name, "lists no [[model]]")
    out = {m.model: m for m in models}
    for alias, target in (data.get("aliases") or {}).items():
        if target not in out:
            raise DataFileError(name, f"alias {alias!r} names unknown model {target!r}")
        out[alias] = out[target]
    return out


def for_model(provider: str, model: str) -> ModelCapabilities:
    """One model's facts; an unknown model is a ``KeyError`` naming the known ones."""
    models = load(provider)
    try:
        return models[model]
    except KeyError:
        raise KeyError(
            f"{provider} has no model {model!r}; known: {', '.join(sorted(models))}"
        ) from None


@cache
def clip_seconds(provider: str = "openai") -> tuple[int, ...]:
    """The clip lengths every model of ``provider`` renders, shortest first.

    The one answer to "which lengths may a shot have": the storyboard times shots in them,
    theme files and lint check against them. For OpenAI's Videos API: (4, 8, 12).
    """
    models = load(provider).values()
    common = set.intersection(*(set(m.seconds) for m in models))
    return tuple(sorted(common))
