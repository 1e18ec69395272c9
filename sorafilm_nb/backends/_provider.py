"""What the Veo and Runway backends share: key scrubbing, bounded bodies, files.

- ``NotSupported`` and ``OutcomeUnknown`` (with ``LostCreate``) live in ``backends.base``,
  beside the other errors a caller handles; ``lost_create`` builds the record here.
- ``BoundedTransport``: an httpx transport that stops any response body past a byte limit
  or a deadline, because both SDKs read whole bodies into memory and a hostile or broken
  server could otherwise send gigabytes or never finish.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..capabilities import SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE
from ..redact import redact
from ..safeio import open_atomic
from .base import BackendError, LostCreate
from .openai_wire import _is_loopback

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import httpx

__all__ = [
    "BoundedTransport",
    "ResponseTooLarge",
    "Scrubber",
    "ServerKind",
    "write_atomic",
]

# Google API keys ("AIza" + 35) and Runway secrets ("key_" + hex), besides OpenAI's shapes.


class Scrubber:
    """Removes the key (and anything key-shaped) from server text before we show it."""

    def __init__(self, key: str | None) -> None:
        self._key = key

    def __call__(self, text: object, limit: int = 300) -> str:
        return redact(str(text), extra=(self._key,) if self._key else ())[:limit]

    def __repr__(self) -> str:
        return "Scrubber(***)"


class ServerKind:
    """Whether a backend talks to a sorafilm fake (simulated jobs, sandbox ledger) or a real
    provider (real money), for ``is_simulator()``.

    The rule OpenAIBackend follows for the simulator: the fakes mark every answer with
    ``SIMULATOR_HEADER``; it is believed only from a loopback ``base_url`` (a fake binds
    127.0.0.1 and nothing else), and only while every answer carries it. A server that first
    says "fake" and later does not is ``mixed``: no more jobs are started through it, since
    they might be real yet booked in the sandbox.
    """

    def __init__(self, base_url: str | None, *, fake: bool = False) -> None:
        self.base_url = base_url or ""
        loopback = bool(base_url) and _is_loopback(self.base_url)
        self.state = ("simulator" if fake else "unknown") if loopback else "other"
        self._lock = threading.Lock()

    def observe(self, response: Any) -> None:
        """httpx response hook: classify the server by its first answer, hold it to that."""
        says = response.headers.get(SIMULATOR_HEADER) == SIMULATOR_HEADER_VALUE
        with self._lock:
            if self.state == "unknown":
                self.state = "simulator" if says else "other"
            elif self.state == "simulator" and not says:
                self.state = "mixed"
                log.error(
                    "%s answered without %s after answering as a sorafilm fake; no more jobs "
                    "are started through this backend",
                    self.base_url,
                    SIMULATOR_HEADER,
                )

    def is_simulator(self, probe: Callable[[], Any]) -> bool:
        """True only for a loopback fake whose every answer said so. Before any answer it
        asks once with ``probe`` (a free read; an error answer still carries the header)."""
        if self.state == "unknown":
            try:
                probe()
            except Exception as exc:  # an error answer was observed all the same
                log.debug("fake probe of %s: %s", self.base_url, type(exc).__name__)
        return self.state == "simulator"

    def refuse_if_mixed(self) -> None:
        if self.state == "mixed":
            raise BackendError(
                f"nothing was sent: {self.base_url} first answered as a sorafilm fake and later "
                f"without its {SIMULATOR_HEADER} header; its jobs might be real yet booked in "
                "the sandbox ledger. Check the server; use a new backend for it."
            )


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
    """Write ``chunks`` to ``target`` through ``safeio`` (a new temp file beside it, never
    through a link, fsync, rename).

    Nothing is left behind on failure, and an empty body is an error: a job's video is
    never zero bytes.
    """
    with open_atomic(target, "wb") as fh:
        written = 0
        for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
            fh.write(chunk)
            written += len(chunk)
        if written == 0:
            raise BackendError(f"the server sent an empty video for {target.name}")
    return target
