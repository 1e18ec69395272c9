"""What the Veo and Runway backends share: two errors, key scrubbing, bounded bodies, files.

- ``NotSupported``: an operation the provider lacks (Runway cannot list; Veo cannot delete).
  To move into ``backends.base`` (the lead's call); import it from here until then.
- ``OutcomeUnknown``: a create whose answer was lost, on a provider that cannot look the
  job up afterwards. The studio marks the shot ``unknown`` and keeps its reservation: the
  job may exist and be billed. It carries what a person needs to find it.
- ``BoundedTransport``: an httpx transport that stops any response body past a byte limit
  or a deadline, because both SDKs read whole bodies into memory and a hostile or broken
  server could otherwise send gigabytes or never finish.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..redact import redact
from .base import BackendError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "BoundedTransport",
    "NotSupported",
    "OutcomeUnknown",
    "ResponseTooLarge",
    "Scrubber",
    "write_atomic",
]

# Google API keys ("AIza" + 35) and Runway secrets ("key_" + hex), besides OpenAI's shapes.


class NotSupported(BackendError):
    """The provider (or this backend) has no such operation; nothing was sent."""


@dataclass(frozen=True)
class LostCreate:
    """What is known about a create whose outcome is unknown: enough to find it by hand."""

    provider: str
    model: str
    seconds: int
    size: str
    prompt_sha256: str
    sent_at: float  # unix seconds, our clock
    where: str  # where a person can look (a console page)


class OutcomeUnknown(BackendError):
    """A create may or may not have made a (billed) job, and the provider cannot list jobs.

    Never resend blindly: the studio marks the shot ``unknown`` with its reservation held
    and tells the user where to look (``lost.where``) and how to retry on purpose.
    """

    def __init__(self, message: str, *, lost: LostCreate) -> None:
        super().__init__(message)
        self.lost = lost


class Scrubber:
    """Removes the key (and anything key-shaped) from server text before we show it."""

    def __init__(self, key: str | None) -> None:
        self._key = key

    def __call__(self, text: object, limit: int = 300) -> str:
        return redact(str(text), extra=(self._key,) if self._key else ())[:limit]

    def __repr__(self) -> str:
        return "Scrubber(***)"


def lost_create(
    provider: str, model: str, seconds: int, size: str, prompt: str, sent_at: float, where: str
) -> LostCreate:
    digest = hashlib.sha256(prompt.encode()).hexdigest()
    return LostCreate(provider, model, seconds, size, digest, sent_at, where)


class ResponseTooLarge(Exception):
    """A response body passed the byte limit or the deadline (raised from the body stream)."""


def bounded_transport(max_bytes: int, deadline: float) -> httpx.BaseTransport:
    """An ``httpx.HTTPTransport`` whose response bodies stop at ``max_bytes`` or after
    ``deadline`` seconds from the request (httpx imported lazily: the SDKs bring it)."""
    import httpx

    class _Limited(httpx.SyncByteStream):
        def __init__(self, inner: Any, started: float) -> None:
            self._inner = inner
            self._started = started

        def __iter__(self) -> Iterator[bytes]:
            seen = 0
            for chunk in self._inner:
                seen += len(chunk)
                if seen > max_bytes:
                    raise ResponseTooLarge(f"the response passed {max_bytes} bytes")
                if time.monotonic() - self._started > deadline:
                    raise ResponseTooLarge(f"the response took over {deadline:g} s")
                yield chunk

        def close(self) -> None:
            self._inner.close()

    class _Bounded(httpx.BaseTransport):
        def __init__(self) -> None:
            self._inner = httpx.HTTPTransport()

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            started = time.monotonic()
            response = self._inner.handle_request(request)
            try:
                length = int(response.headers.get("content-length") or 0)
            except ValueError:
                length = 0
            if length > max_bytes:
                response.close()
                raise ResponseTooLarge(f"the server announced {length} bytes (limit {max_bytes})")
            return httpx.Response(
                response.status_code,
                headers=response.headers,
                stream=_Limited(response.stream, started),
                extensions=response.extensions,
                request=request,
            )

        def close(self) -> None:
            self._inner.close()

    return _Bounded()


BoundedTransport = bounded_transport  # the factory is the public name


def is_transport_error(exc: BaseException) -> bool:
    """An httpx/httpcore error (the SDKs let some through unwrapped)."""
    return type(exc).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore", "httpcore2")


def write_atomic(target: Path, chunks: Iterator[bytes] | bytes) -> Path:
    """Write to a new temp file beside ``target`` (never through a link), fsync, rename.

    Nothing is left behind on failure, and an empty body is an error: a job's video is
    never zero bytes.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.partial"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    written = 0
    try:
        with os.fdopen(os.open(tmp, flags, 0o666), "wb") as fh:
            for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                fh.write(chunk)
                written += len(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if written == 0:
            raise BackendError(f"the server sent an empty video for {target.name}")
        os.replace(tmp, target)
        return target
    finally:
        tmp.unlink(missing_ok=True)
