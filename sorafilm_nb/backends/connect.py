"""Which backend a run talks to: a provider's real API with its key, or its offline double.

One home for the choice the studio, the CLI and the notebook make (``connect``):

- ``real=True`` (``--real``): the provider's own API through its official SDK, the key read
  from the environment only (never argv, never printed): OPENAI_API_KEY; GEMINI_API_KEY or
  GOOGLE_API_KEY (a key Vertex AI accepts: google-genai 3.x sends Veo jobs only in Vertex AI
  mode); RUNWAYML_API_SECRET. ``base_url`` points the same SDK at another server (a gateway,
  or ``sorafilm simulate --provider ...``), with the same key variable.
- otherwise (the default) the provider's double, started in this process on 127.0.0.1: the
  embedded simulator for OpenAI, ``FakeVeo`` or ``FakeRunway`` for the others, driven
  through the very SDK a real run uses. Their jobs are simulated, so they book in the sandbox
  ledger (``backends.base.is_simulated``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..capabilities import PROVIDERS
from . import _loopback
from ._provider import KEY_ENV, find_key
from .base import AuthError, VideoBackend

__all__ = ["KEY_ENV", "Connection", "connect"]

#: The backend name of each provider's double (the manifest records it, and resume refuses
#: a folder made on another provider's double or on a real API).
SIMULATED_NAMES = {"openai": "simulator", "veo": "veo-simulator", "runway": "runway-simulator"}
#: The backend name of each provider's API reached with --base-url (a gateway, or a
#: `sorafilm simulate` server, which the manifest then records with "-simulator": see
#: studio.backend_names.recorded_name and legacy_remote).
REMOTE_NAMES = {"openai": "remote", "veo": "veo-remote", "runway": "runway-remote"}

#: The size the doubles draw at (``_loopback.DOUBLE_RENDER_SCALE``, half): read from here at
#: each start, so a test process that checks what is sent, never the pixels, sets it smaller.
DOUBLE_RENDER_SCALE = _loopback.DOUBLE_RENDER_SCALE


def provider_key(provider: str, flag: str = "--real") -> str:
    """The provider's key from the environment; an AuthError naming the variables (never a
    value) when none is set."""
    value = find_key(provider)
    if value:
        return value
    raise AuthError(
        f"{flag} with --provider {provider} needs {' or '.join(KEY_ENV[provider])} set in the "
        "environment (it is read from there only, and never printed)"
    )


class Connection:
    """A backend and whatever double this process started for it (``close()`` stops it)."""

    def __init__(
        self,
        backend: VideoBackend,
        where: str,
        provider: str,
        stop: Callable[[], Any] | None,
        server: Any = None,
    ) -> None:
        self.backend = backend
        self.where = where
        self.provider = provider
        self.server = server  # the Simulator / FakeVeo / FakeRunway started here, if any
        self._stop = stop

    def close(self) -> None:
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Connection({self.provider}, {self.where})"


def connect(
    provider: str = "openai",
    *,
    real: bool = False,
    base_url: str | None = None,
    sim_seconds: float | None = None,
    api_key: str | None = None,
) -> Connection:
    """The backend for ``provider`` (see the module docstring). Nothing is sent yet.

    ``sim_seconds``: how long a simulated job takes (None: the double's own default)."""
    if provider not in PROVIDERS:
        raise ValueError(f"unknown provider {provider!r}; known: {', '.join(PROVIDERS)}")
    if real or base_url:
        key = api_key or provider_key(provider, "--real" if real else "--base-url")
        return _remote(provider, key, base_url, real)
    return _double(provider, sim_seconds)


def _remote(provider: str, key: str, base_url: str | None, real: bool) -> Connection:
    backend: Any
    if provider == "openai":
        from .openai_api import OpenAIBackend

        backend = OpenAIBackend(
            api_key=key, base_url=base_url, name="openai" if real else REMOTE_NAMES["openai"]
        )
        where = f"the Videos API at {backend.shown_url}"
    elif provider == "veo":
        from .veo import VeoBackend

        backend = VeoBackend(
            api_key=key, base_url=base_url, name="veo" if real else REMOTE_NAMES["veo"]
        )
        where = f"Google Veo (Vertex AI{f' at {backend.shown_url}' if base_url else ''})"
    else:
        from .runway import RunwayBackend

        backend = RunwayBackend(
            api_key=key, base_url=base_url, name="runway" if real else REMOTE_NAMES["runway"]
        )
        where = f"Runway at {backend.shown_url}"
    return Connection(backend, where, provider, None)


def _double(provider: str, sim_seconds: float | None) -> Connection:
    backend: Any
    pace: dict[str, Any] = {} if sim_seconds is None else {"job_seconds": sim_seconds}
    if provider == "openai":
        from .openai_api import OpenAIBackend
        from .simulator import Simulator

        if sim_seconds is not None:
            pace["poll_after_ms"] = max(50, int(sim_seconds * 100))
        sim = Simulator(render_scale=DOUBLE_RENDER_SCALE, **pace)
        sim.start()
        backend = OpenAIBackend.for_simulator(sim)
        where = "the embedded simulator (no key, no spend)"
        return Connection(backend, where, provider, sim.stop, sim)
    if provider == "veo":
        from .fake_veo import FakeVeo
        from .veo import VeoBackend

        fake: Any = FakeVeo(render_scale=DOUBLE_RENDER_SCALE, **pace).start()
        backend = VeoBackend.for_fake(fake, retry_delay=0.05)
    else:
        from .fake_runway import FakeRunway
        from .runway import RunwayBackend

        fake = FakeRunway(render_scale=DOUBLE_RENDER_SCALE, **pace).start()
        backend = RunwayBackend.for_fake(fake)
    where = (
        f"an embedded {provider} fake through its official SDK (no key, no spend; "
        f"--real for the real API)"
    )
    return Connection(backend, where, provider, fake.stop, fake)
