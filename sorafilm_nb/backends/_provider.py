"""What the provider backends share: keys, error mapping, lost creates, bounded bodies, files.

- ``KEY_ENV`` and ``find_key``: where each provider's key comes from (one list, read by the
  backends and by ``connect``); ``Scrubber`` keeps it out of every message.
- ``ProviderBackend``: the one shape of the Veo and Runway backends' errors (an HTTP status
  becomes ``AuthError``/``RateLimited``/``NotFound``/``ServerError``/``InvalidRequest`` by
  ``status_error``; a cut connection or an oversized body is a ``ServerError``), of a create
  whose answer was lost (``OutcomeUnknown`` naming where a person looks), of an id a server
  gives twice, and of ``repr``/pickling/``for_fake``. Each backend says only how its SDK
  reports a status (``_status``) and a broken connection (``_connection_error``).
- ``NotSupported`` and ``OutcomeUnknown`` (with ``LostCreate``) live in ``backends.base``,
  beside the other errors a caller handles; ``lost_create`` builds the record here.
- ``BoundedTransport``: an httpx transport that stops any response body past a byte limit
  or a deadline, because both SDKs read whole bodies into memory and a hostile or broken
  server could otherwise send gigabytes or never finish.
- ``Once``: a backend's SDK and clients, made by the first call that needs them on a double
  this process started (an SDK import is ~0.3 s of CPU a command that never sends need not
  pay), at once on any other server.
- ``ssl_context``: the one verifying TLS context every httpx client of the backends uses,
  built once per process (loading the CA bundle costs ~30 ms of CPU per client otherwise).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from ..capabilities import SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE
from ..redact import redact
from ..redact import url as redact_url
from ..safeio import open_atomic
from .base import (
    AuthError,
    BackendError,
    InvalidRequest,
    LostCreate,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    SimulatorMismatch,
)
from .openai_wire import _is_loopback

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import ssl

    import httpx

__all__ = [
    "KEY_ENV",
    "MIME",
    "BoundedTransport",
    "Once",
    "ProviderBackend",
    "ResponseTooLarge",
    "Scrubber",
    "ServerKind",
    "find_key",
    "ssl_context",
    "status_error",
    "write_atomic",
]

#: The environment variables each provider's key is read from, in order.
KEY_ENV: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "veo": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "runway": ("RUNWAYML_API_SECRET",),
}
#: The image files a backend sends as a frame or a reference, by suffix.
MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


def find_key(provider: str, given: str | None = None) -> str | None:
    """The key passed in, else the first of the provider's ``KEY_ENV`` variables that is set
    (surrounding blanks dropped); None when there is none."""
    if given:
        return given
    for name in KEY_ENV[provider]:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def status_error(code: int, text: str) -> BackendError:
    """The error an HTTP status from a provider's API means (``text`` already scrubbed).

    401/403: the key; 429: a rate limit (no job was made); 404: no such job; 408 and 5xx:
    the server, so a create that got one may have made a job; any other 4xx: the request.
    """
    if code in (401, 403):
        return AuthError(text)
    if code == 429:
        return RateLimited(text, retry_after=None)
    if code == 404:
        return NotFound(text)
    if code == 408 or code >= 500:
        return ServerError(text)
    if 400 <= code < 500:
        return InvalidRequest(text)
    return BackendError(text)


_T = TypeVar("_T")


class Once(Generic[_T]):
    """The value ``make()`` returns, made at the first ``get()``, once, whichever thread asks.

    A backend's SDK and clients: on a double this process started (``for_simulator``,
    ``for_fake``), the first call that talks to the server imports the SDK (openai,
    google-genai, runwayml: ~0.25-0.35 s of CPU each, more on a busy machine), so a backend
    that never sends (`sorafilm resume` of a finished film, a film whose plan lint refused)
    never pays for it. On any other server the backend asks at once, so a URL the SDK refuses
    or missing credentials are said when it is made, as before."""

    def __init__(self, make: Callable[[], _T]) -> None:
        self._make: Callable[[], _T] | None = make
        self._value: _T | None = None
        self._lock = threading.Lock()

    def get(self) -> _T:
        with self._lock:
            if self._make is not None:
                self._value, self._make = self._make(), None
            return cast("_T", self._value)


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
        self.shown = redact_url(self.base_url)  # in messages: no password (redact.url)
        loopback = bool(base_url) and _is_loopback(self.base_url)
        self.state = ("simulator" if fake else "unknown") if loopback else "other"
        self._lock = threading.Lock()

    def believe(self) -> None:
        """A loopback server this process started itself: a simulator until an answer
        contradicts it (no probe needed)."""
        with self._lock:
            if self.state == "unknown":
                self.state = "simulator"

    def observe(self, response: Any) -> None:
        """httpx response hook: classify the server by its first answer, hold it to that."""
        says = response.headers.get(SIMULATOR_HEADER) == SIMULATOR_HEADER_VALUE
        with self._lock:
            if self.state == "unknown":
                self.state = "simulator" if says else "other"
            elif self.state == "simulator" and not says:
                self.state = "mixed"
                log.error(
                    "%s answered without %s after answering as a sorafilm simulator; no more "
                    "jobs are started through this backend",
                    self.shown,
                    SIMULATOR_HEADER,
                )

    def is_simulator(self, probe: Callable[[], Any]) -> bool:
        """True only for a loopback fake whose every answer said so. Before any answer it
        asks once with ``probe`` (a free read; an error answer still carries the header)."""
        if self.state == "unknown":
            try:
                probe()
            except Exception as exc:  # an error answer was observed all the same
                log.debug("fake probe of %s: %s", self.shown, type(exc).__name__)
        return self.state == "simulator"

    def refuse_if_mixed(self, what: str = "create", job_id: str | None = None) -> None:
        """Raise ``SimulatorMismatch`` once the server stopped saying it is a simulator:
        before a send ("nothing was sent"), or after one that started ``job_id`` (which may
        be real and billed, yet is booked in the sandbox ledger)."""
        if self.state != "mixed":
            return
        started = (
            f"job {job_id} was started by a server that no longer says it is a sorafilm "
            "simulator: it may be real and billed, yet it is booked in the sandbox ledger; "
            if job_id
            else "nothing was sent: "
        )
        raise SimulatorMismatch(
            f"{what}: {started}{self.shown} first answered as a sorafilm simulator and "
            f"later without its {SIMULATOR_HEADER} header (a gateway mixing a simulator and "
            "a real API?). Check the server; use a new backend for it."
        )


def lost_create(
    provider: str, model: str, seconds: int, size: str, prompt: str, sent_at: float, where: str
) -> LostCreate:
    digest = hashlib.sha256(prompt.encode()).hexdigest()
    return LostCreate(provider, model, seconds, size, digest, sent_at, where)


_B = TypeVar("_B", bound="ProviderBackend")


class ProviderBackend:
    """What ``VeoBackend`` and ``RunwayBackend`` share (see the module docstring).

    A subclass sets ``provider``, ``console`` (where a person looks for a lost create),
    ``job_word`` ("operation", "task") and ``cannot_list`` (why a lost create cannot be
    looked up), calls ``_setup`` first in ``__init__``, and says how its SDK reports an HTTP
    status (``_status``) and a broken connection (``_connection_error``).
    """

    provider: ClassVar[str]
    console: ClassVar[str]
    job_word: ClassVar[str] = "job"
    cannot_list: ClassVar[str]

    name: str
    base_url: str | None
    _scrub: Scrubber
    _kind: ServerKind
    _lock: threading.Lock
    _meta: dict[str, tuple[Any, ...]]

    def _setup(self, key: str | None, base_url: str | None, name: str, fake: bool) -> None:
        self.name = name
        self.base_url = base_url
        self._scrub = Scrubber(key)
        self._kind = ServerKind(base_url, fake=fake)
        self._lock = threading.Lock()
        self._meta = {}

    @property
    def shown_url(self) -> str | None:
        """base_url as it may be shown (redact.url: no password), computed once, by
        ServerKind, for every repr and message; None when no URL was given."""
        return self._kind.shown if self.base_url else self.base_url

    def __repr__(self) -> str:  # the URL without its password, never the key
        return f"{type(self).__name__}(name={self.name!r}, base_url={self.shown_url!r})"

    __str__ = __repr__

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError(f"{type(self).__name__} holds live clients and a key; it is not picklable")

    @classmethod
    def for_fake(cls: type[_B], fake: Any, **kwargs: Any) -> _B:
        """A backend on a fake this process started (its key and URL): simulated without a
        probe, and still held to the fakes' header on every answer; its SDK is imported by
        the first call that talks to the fake (``Once``)."""
        kwargs.setdefault("name", f"{cls.provider}-simulator")
        make = cast("Callable[..., _B]", cls)  # each subclass takes api_key, base_url, _fake
        return make(api_key=fake.api_key, base_url=fake.base_url, _fake=True, **kwargs)

    # -- what the SDK says

    def _status(self, exc: BaseException) -> tuple[int, object] | None:
        """(HTTP status, the server's message) of an SDK error that carries one, else None."""
        raise NotImplementedError

    def _connection_error(self, exc: BaseException) -> bool:
        """Whether ``exc`` is a connection that failed or broke (no HTTP answer)."""
        return is_transport_error(exc)

    def _map(self, exc: BaseException, what: str) -> BackendError:
        """An SDK exception -> our error, the server's text scrubbed of the key."""
        if isinstance(exc, ResponseTooLarge):
            return ServerError(f"{what}: {exc}; nothing was kept")
        if self._connection_error(exc):
            return ServerError(f"{what}: connection failed ({type(exc).__name__})")
        status = self._status(exc)
        if status is None:
            return BackendError(f"{what}: {type(exc).__name__}: {self._scrub(exc)}")
        code, message = status
        return status_error(code, f"{what}: {self._scrub(message)} (HTTP {code})")

    # -- creates

    def _lost(
        self, why: str, *, model: str, seconds: int, size: str, prompt: str, sent: float
    ) -> OutcomeUnknown:
        """A create whose answer was lost: it may exist and bill, and cannot be looked up."""
        return OutcomeUnknown(
            f"create on {model}: {why}; the {self.job_word} may exist and be billed, and "
            f"{self.cannot_list}. It was not sent again: look in {self.console} (sent at "
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(sent))} UTC) before retrying "
            "this shot on purpose",
            lost=lost_create(self.provider, model, seconds, size, prompt, sent, self.console),
        )

    def _send_create(
        self, send: Callable[[], Any], *, model: str, seconds: int, size: str, prompt: str
    ) -> tuple[Any, float, Callable[[str], OutcomeUnknown]]:
        """Send one create, exactly once: a refusal (4xx, 429) is raised as such; a lost
        answer (a 408/5xx, a cut connection, an oversized body) is ``OutcomeUnknown``.
        Returns the SDK's answer, when it was sent, and how to say a later answer is lost."""
        self._kind.refuse_if_mixed()
        sent = time.time()

        def unknown(why: str) -> OutcomeUnknown:
            return self._lost(
                why, model=model, seconds=seconds, size=size, prompt=prompt, sent=sent
            )

        try:
            answer = send()
        except Exception as exc:
            answered = self._status(exc) is not None
            if not (answered or self._connection_error(exc) or isinstance(exc, ResponseTooLarge)):
                raise  # not the SDK's: a bug, not an answer
            mapped = self._map(exc, f"create on {model}")
            if isinstance(mapped, ServerError):
                raise unknown(str(mapped)) from None
            raise mapped from None
        return answer, sent, unknown

    def _record(
        self, job_id: object, meta: tuple[Any, ...], unknown: Callable[[str], OutcomeUnknown]
    ) -> str:
        """Keep what was asked of a new job; an id the server gave before is a lost create
        (the new job is paid for, and this backend cannot tell it from the old one)."""
        if not isinstance(job_id, str):
            raise unknown(f"the server answered without a {self.job_word} id")
        with self._lock:
            if job_id in self._meta:
                raise unknown(f"the server answered with {job_id!r}, an id it already gave")
            self._meta[job_id] = meta
        self._kind.refuse_if_mixed(f"create on {meta[0]}", job_id)
        return job_id


class ResponseTooLarge(Exception):
    """A response body passed the byte limit or the deadline (raised from the body stream)."""


def ssl_context(client: type | None = None) -> ssl.SSLContext:
    """The verifying TLS context for an httpx client the backends build, made once per process.

    Each httpx client (and each SDK client wrapping one) otherwise builds its own context and
    parses a CA bundle again: 25-35 ms of CPU apiece, several per backend, paid on every
    Studio or backend construction even against a loopback server. ``client`` is the client
    class it is for (default ``httpx.Client``): the context is exactly what that class's
    library builds for its default ``verify=True`` (``create_ssl_context()``: certifi's bundle
    for httpx, the system's trust store for httpx2, which the openai SDK uses; either honours
    ``SSL_CERT_FILE``/``SSL_CERT_DIR`` as set on first use), so what is trusted is unchanged.
    Sharing one context is safe: httpx itself shares one across a client's proxy transports,
    OpenSSL contexts are thread-safe, and the one per-connection change httpcore makes (ALPN)
    is the same ``http/1.1`` for all of ours (none enable HTTP/2).
    """
    library = "httpx"
    for cls in client.__mro__ if client is not None else ():
        if cls.__module__.split(".")[0] in ("httpx", "httpx2"):
            library = cls.__module__.split(".")[0]
            break
    return _library_context(library)


@functools.cache
def _library_context(library: str) -> ssl.SSLContext:
    module = importlib.import_module(library)
    return cast("ssl.SSLContext", module.create_ssl_context())


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
            self._inner = httpx.HTTPTransport(verify=ssl_context())

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
