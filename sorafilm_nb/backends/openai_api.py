"""The VideoBackend over the official ``openai`` SDK: the real API, or any compatible server.

Why it looks like this:

- Reads, lists and downloads lean on the SDK's own retries (``max_retries``) and timeouts
  (``openai.Timeout``); there is no hand-written retry loop for them.
- ``create`` (and remix, extend, edit: every call that starts a paid job) is the exception.
  A create retried after a timeout can start a second, paid job, so it is sent with
  ``max_retries=0``. After an *ambiguous* failure (timeout, dropped connection, 5xx) the
  backend looks for the job with ``list()`` (same prompt and parameters, created in the
  last ``lookup_window`` seconds, not already known to this backend) and adopts it. If none
  is listed yet, the outcome is unknown (a server may list a new job late), so by default it
  is not sent again: the error goes up and the studio holds the shot as ``unknown``.
  ``create_attempts=2`` sends once more, for callers that accept that risk.
- Every ``client.videos`` method is marked deprecated in the SDK (the hosted Sora API was
  scheduled to shut down on 2026-09-24). Those warnings are silenced at each call site and
  never reach the user.
- SDK exceptions become ``backends.base`` errors whose text never holds the key (messages
  from the server are scrubbed of anything key-shaped, and ``repr`` shows only the URL).
- ``extend``/``edit`` by reference are sent as JSON to ``/videos/extensions`` and
  ``/videos/edits``: openai 3.57's ``videos.extend(video={"id": ...})`` fails in the SDK
  itself (it expects a file at ``video``), and the spec allows a JSON body.
- Simulated or real (``is_simulator()``, which ``backends.base.is_simulated`` asks): simulated
  spend belongs in the sandbox ledger, real spend in the real one. The simulator marks every
  response with ``x-sorafilm-simulator: 1``, and an ``httpx`` response hook reads it from
  every answer this backend gets. The two mistakes are not equally bad: fake spend in the
  real ledger only eats budget, real spend in the sandbox is money nobody sees. So the header
  is believed only (1) from a loopback ``base_url`` (the simulator binds 127.0.0.1 and
  nothing else; for any other host no request is made and the answer is "real"), (2) when
  the *first* answer from the server carried it (a server that once answered without it is
  never believed later), and (3) for as long as every answer carries it: one answer without
  it (a gateway that also routes to a real API) and the backend refuses to start further
  jobs, and the job-creating call that saw it raises ``SimulatorMismatch`` naming the job.
  The ledger is chosen before the first job, so ``is_simulator()`` asks with one free read
  (``list(limit=1)``) when no answer has been seen yet; a failed probe means "real".
- The SDK (``import openai``: ~0.3-0.6 s of CPU, hundreds of pydantic models) is imported,
  and its clients made, by the first call that talks to the server (``_provider.Once``)
  when the URL is the embedded simulator's own (``for_simulator``): a resume of a finished
  film, a film whose plan lint refused, never send and never pay for it. Any other URL is
  read by the SDK at once (its default, its own parsing), so ``base_url`` is always what it
  talks to.
- Downloads have a total deadline (``download_deadline``) besides the per-read timeout: a
  server that drips bytes never holds one forever. A watchdog shuts the socket down at the
  deadline, so a blocked read wakes at once; the file appears only complete (temp file in
  the same folder, fsync, rename), never partly.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from ..capabilities import same_model
from ..redact import redact
from ._provider import MIME, Once, ServerKind, find_key, ssl_context
from .base import (
    AuthError,
    BackendError,
    InvalidRequest,
    Job,
    ServerError,
    SimulatorMismatch,
    Variant,
)
from .openai_download import stream_download
from .openai_wire import (
    _header_float,
    _is_loopback,  # noqa: F401  (imported from here by tests)
    _job,
    _quiet,
    map_error,
    raise_for_job,
)

if TYPE_CHECKING:
    import openai

    from .simulator import Simulator

__all__ = ["OpenAIBackend", "SimulatorMismatch", "raise_for_job"]

log = logging.getLogger(__name__)


class _Sdk(NamedTuple):
    """What OpenAIBackend._make_sdk() makes once: the module and the clients built from it."""

    module: Any
    client: openai.OpenAI
    creator: openai.OpenAI
    download_timeout: openai.Timeout


def _sdk_url(client: openai.OpenAI) -> str:
    """The client's base URL without its trailing slash: OpenAIBackend.base_url."""
    return str(client.base_url).rstrip("/")


_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
_EXTENSIONS = {"video": "mp4", "thumbnail": "webp", "spritesheet": "jpg"}


class OpenAIBackend:
    """A Videos API reached through the official ``openai`` SDK.

    ``api_key`` and ``base_url`` default to ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``.
    ``timeout`` bounds each read; ``download_timeout`` bounds a download's individual reads
    (a slow but moving download is not cut off by it); ``download_deadline`` bounds a whole
    download, so a server dripping bytes cannot hold one forever (default 15 minutes: four
    attempts, the studio's most, still fit in the hour a video stays downloadable);
    ``max_retries`` is the SDK's own retry count
    for everything but job-creating calls; ``lookup_window`` is how far before the send
    (seconds, allowing for clock skew with the server) a job may have been created to be
    adopted after an ambiguous create failure: wide enough for skew, narrow enough not to
    adopt an identical shot from an earlier run; ``create_attempts`` caps the sends of one
    job-creating call when the lookup finds no job (default 1: a job listed late would be
    paid for twice).
    """

    provider = "openai"  # capabilities.PROVIDERS: whose models and prices

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        download_timeout: float = 300.0,
        download_deadline: float = 900.0,
        max_retries: int = 4,
        create_attempts: int = 1,
        lookup_window: float = 60.0,
        name: str = "openai",
        _url_is_ours: bool = False,
    ) -> None:
        if not download_deadline > 0:
            raise ValueError(f"download_deadline must be > 0 seconds, got {download_deadline!r}")
        key = find_key("openai", api_key)
        if not key:
            raise AuthError(
                "no API key: pass api_key=... or set OPENAI_API_KEY "
                "(or run on the simulator, which needs none)"
            )
        self.name = name
        self._key = key
        self._sdk_settings = (
            base_url or os.environ.get("OPENAI_BASE_URL") or None,
            max_retries,
            timeout,
            download_timeout,
        )
        self._sdk = Once(self._make_sdk)
        self._url_is_ours = _url_is_ours
        self._timeout = timeout
        self.download_deadline = float(download_deadline)
        self.create_attempts = max(1, create_attempts)
        self.lookup_window = lookup_window
        self._known: set[str] = set()  # ids this backend created or adopted
        self._known_lock = threading.Lock()
        # The URL as the SDK reads it (its default, a trailing slash, its own parsing): the
        # SDK is asked now, unless the URL is the simulator's own (for_simulator), which is
        # in that form already (_make_sdk checks): then the SDK waits for the first call.
        self.base_url: str = str(base_url) if _url_is_ours else _sdk_url(self._sdk.get().client)
        # "unknown" until the server first answers; "other" for good for a non-loopback URL
        self._kind = ServerKind(self.base_url)

    def _make_sdk(self) -> _Sdk:
        """The ``openai`` module and this backend's clients (``Once``: made by the first call
        that needs them on the embedded simulator, at once on any other server)."""
        import openai

        base_url, max_retries, timeout, download_timeout = self._sdk_settings
        client = openai.OpenAI(
            api_key=self._key,
            base_url=base_url,
            max_retries=max_retries,
            timeout=openai.Timeout(timeout, connect=10.0),
            # the SDK's own defaults (limits, redirects), plus a look at every answer
            http_client=openai.DefaultHttpxClient(
                verify=ssl_context(openai.DefaultHttpxClient),
                event_hooks={"response": [lambda response: self._kind.observe(response)]},
            ),
        )
        if self._url_is_ours and _sdk_url(client) != self.base_url:
            # never: the simulator's URL is in the SDK's form (tests/backends pin it)
            raise RuntimeError(
                f"the SDK reads the simulator's URL {self.base_url} as {_sdk_url(client)}"
            )
        return _Sdk(
            openai,
            client,
            client.with_options(max_retries=0),
            openai.Timeout(download_timeout, connect=10.0),
        )

    @property
    def _openai(self) -> Any:
        return self._sdk.get().module

    @property
    def _client(self) -> openai.OpenAI:
        return self._sdk.get().client

    @property
    def _creator(self) -> openai.OpenAI:
        """The client for job-creating calls: no SDK retries (a retried create may pay twice)."""
        return self._sdk.get().creator

    @classmethod
    def for_simulator(cls, sim: Simulator, **kwargs: Any) -> OpenAIBackend:
        """A backend pointed at a running simulator (with its key and URL).

        Known to be simulated without a probe (this process holds the simulator that bound
        the port); its answers are still checked like any other's.
        """
        kwargs.setdefault("name", "simulator")
        backend = cls(api_key=sim.api_key, base_url=sim.base_url, _url_is_ours=True, **kwargs)
        backend._kind.believe()  # loopback, and nothing contradicted it yet
        return backend

    # ------------------------------------------------------------ simulated or real

    def is_simulator(self) -> bool:
        """Whether this backend's jobs are simulated (so they belong in the sandbox ledger).

        True only for a loopback server whose every answer so far, the first included, said
        it is the sorafilm simulator (``_provider.ServerKind``, the one rule for every
        backend). Before any answer it asks once, with ``list(limit=1)`` (free, no retries);
        if that gets no answer at all, the answer is False: booking fake spend in the real
        ledger is the safe mistake.
        """

        def probe() -> None:
            with _quiet():
                self._client.with_options(
                    max_retries=0, timeout=min(self._timeout, 10.0)
                ).videos.list(limit=1)

        return self._kind.is_simulator(probe)

    def _refuse_if_mixed(self, what: str, job_id: str | None = None) -> None:
        self._kind.refuse_if_mixed(what, job_id)

    @property
    def shown_url(self) -> str:
        """base_url as it may be shown (redact.url: no password), computed once, by
        ServerKind, for every repr and error message."""
        return self._kind.shown

    def __repr__(self) -> str:
        return f"OpenAIBackend(name={self.name!r}, base_url={self.shown_url!r})"

    __str__ = __repr__

    def __getstate__(self) -> dict[str, Any]:
        raise TypeError("OpenAIBackend holds a live client and a key; it is not picklable")

    # ------------------------------------------------------------ error mapping

    def _scrub(self, text: str) -> str:
        return redact(text, extra=(self._key,) if self._key else ())

    def _map(self, exc: Exception, what: str) -> BackendError:
        """An SDK exception -> our error, with the server's message (scrubbed of keys)."""
        return map_error(self._openai, exc, what, base_url=self.shown_url, scrub=self._scrub)

    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        try:
            with _quiet():
                return fn()
        except self._openai.APIError as exc:
            raise self._map(exc, what) from None

    # ------------------------------------------------------------ job-creating calls

    def _create_once(
        self, what: str, send: Callable[[], Any], matches: Callable[[Job], bool]
    ) -> Job:
        """Send a job-creating call without SDK retries; adopt the job after an ambiguous loss.

        Unambiguous refusals (400, 401, 404, 429) are raised at once: no job exists. After a
        timeout, a dropped connection or a 5xx, ``list()`` is searched for a matching job
        this backend does not know yet; if one exists it is adopted, otherwise the call is
        sent again (up to ``create_attempts`` sends in all), or the failure is raised.
        """
        openai = self._openai
        self._refuse_if_mixed(what)
        last: BackendError | None = None
        for attempt in range(1, self.create_attempts + 1):
            started = time.time()
            try:
                with _quiet():
                    job = _job(send())
                self._remember(job.id)
                self._refuse_if_mixed(what, job.id)
                return job
            except (openai.APIConnectionError, openai.InternalServerError) as exc:
                last = self._map(exc, what)
                log.warning(
                    "%s: ambiguous failure (%s); looking for the job before any second attempt",
                    what,
                    type(exc).__name__,
                )
            except openai.APIStatusError as exc:
                if exc.status_code < 500:
                    raise self._map(exc, what) from None
                last = self._map(exc, what)
            try:
                found = self._find_recent(matches, since=started - self.lookup_window)
            except BackendError as exc:  # cannot tell whether the job exists: never resend
                raise ServerError(
                    f"{last}; looking for the job with list() failed too "
                    f"({exc}), so it was not sent again"
                ) from None
            if found is not None:
                log.info("%s: adopted %s, created before the response was lost", what, found.id)
                self._refuse_if_mixed(what, found.id)
                return found
            if attempt < self.create_attempts:
                log.info("%s: no job was created; sending again (attempt %d)", what, attempt + 1)
        assert last is not None
        raise last

    def _remember(self, job_id: str) -> None:
        with self._known_lock:
            self._known.add(job_id)

    def _find_recent(self, matches: Callable[[Job], bool], *, since: float) -> Job | None:
        """The newest unknown job that ``matches`` and was created after ``since``."""
        after: str | None = None
        for _ in range(20):  # at most 2000 jobs back
            page = self.list(after=after, limit=100, order="desc")
            for job in page:
                if job.created_at < since - 2:  # the server's clock is whole seconds
                    return None
                with self._known_lock:
                    if job.id not in self._known and matches(job):
                        self._known.add(job.id)
                        return job
            if len(page) < 100:
                return None
            after = page[-1].id
        return None

    def create(
        self,
        *,
        prompt: str,
        model: str,
        seconds: int,
        size: str,
        input_reference: str | Path | None = None,
        first_frame: str | Path | None = None,
    ) -> Job:
        """Start a job. ``input_reference``: an image file (jpeg/png/webp) of the same size
        that guides the first frame (the API refuses human faces in it). ``first_frame`` is
        the same, under the name the Veo and Runway backends use (the studio's continuity)."""
        if first_frame is not None:
            if input_reference is not None:
                raise InvalidRequest("give input_reference or first_frame, not both")
            input_reference = first_frame
        reference: tuple[str, bytes, str] | None = None
        if input_reference is not None:
            ref = Path(input_reference)
            if ref.suffix.lower() not in MIME or not ref.is_file():
                raise InvalidRequest(
                    f"input_reference must be an existing .jpg, .png or "
                    f".webp file, got {str(ref)[:200]!r}",
                    param="input_reference",
                )
            reference = (ref.name, ref.read_bytes(), MIME[ref.suffix.lower()])

        def send() -> Any:
            return self._creator.videos.create(
                prompt=prompt,
                model=model,
                # the SDK types seconds and size as OpenAI's own Literals; a gateway with the
                # /v1/videos shape may take other values (capabilities checks them)
                seconds=str(seconds),  # type: ignore[arg-type]
                size=size,  # type: ignore[arg-type]
                input_reference=reference if reference is not None else self._openai.omit,
            )

        return self._create_once(
            "create",
            send,
            lambda j: (
                j.prompt == prompt
                and same_model(j.model, model)  # a snapshot is its model
                and j.seconds == seconds
                and j.size == size
            ),
        )

    def remix(self, job_id: str, *, prompt: str) -> Job:
        self._check_id(job_id)
        return self._create_once(
            f"remix {job_id}",
            lambda: self._creator.videos.remix(job_id, prompt=prompt),
            lambda j: j.prompt == prompt and j.remixed_from == job_id,
        )

    def extend(self, job_id: str, *, prompt: str, seconds: int) -> Job:
        self._check_id(job_id)
        video = self._openai.types.Video
        return self._create_once(
            f"extend {job_id}",
            lambda: self._creator.post(
                "/videos/extensions",
                cast_to=video,
                body={"video": {"id": job_id}, "prompt": prompt, "seconds": str(seconds)},
            ),
            lambda j: j.prompt == prompt,
        )

    def edit(self, job_id: str, *, prompt: str) -> Job:
        self._check_id(job_id)
        video = self._openai.types.Video
        return self._create_once(
            f"edit {job_id}",
            lambda: self._creator.post(
                "/videos/edits", cast_to=video, body={"video": {"id": job_id}, "prompt": prompt}
            ),
            lambda j: j.prompt == prompt and j.remixed_from in (job_id, None),
        )

    # ------------------------------------------------------------ reads

    @staticmethod
    def _check_id(job_id: str) -> None:
        if not isinstance(job_id, str) or not _SAFE_ID.fullmatch(job_id):
            raise InvalidRequest(f"not a video id: {str(job_id)[:80]!r}", param="video_id")

    def retrieve(self, job_id: str) -> Job:
        self._check_id(job_id)

        def fetch() -> Job:
            raw = self._client.videos.with_raw_response.retrieve(job_id)
            hint = _header_float(raw.headers, "openai-poll-after-ms")
            return _job(raw.parse(), int(hint) if hint is not None else None)

        job: Job = self._call(f"retrieve {job_id}", fetch)
        return job

    def list(
        self, *, after: str | None = None, limit: int = 100, order: Literal["asc", "desc"] = "desc"
    ) -> list[Job]:
        """One page of jobs (``after`` is the last id of the previous page)."""

        def fetch() -> list[Job]:
            page = self._client.videos.list(
                limit=limit, order=order, after=after or self._openai.omit
            )
            return [_job(v) for v in page.data]

        jobs: list[Job] = self._call("list", fetch)
        return jobs

    def delete(self, job_id: str) -> None:
        self._check_id(job_id)
        self._call(f"delete {job_id}", lambda: self._client.videos.delete(job_id))

    def download(self, job_id: str, dest: Path, *, variant: Variant = "video") -> Path:
        """Stream the content into ``dest`` (a file, or a folder: then ``<id>.<ext>``).

        Written to a new temp file in the destination folder (created exclusively, never
        through a symlink), size-checked against Content-Length (and never empty), fsynced,
        then renamed into place; any failure, the deadline included, leaves nothing.

        Each read waits at most ``download_timeout``; the whole call at most
        ``download_deadline`` once the response has begun (waiting for it is bounded by the
        per-read timeout and the SDK's retries). At the deadline a watchdog shuts the socket
        down, so even a read blocked on a silent server returns at once.
        """
        self._check_id(job_id)
        if variant not in _EXTENSIONS:
            raise InvalidRequest(f"unknown variant {variant!r}", param="variant")
        dest = Path(dest)
        target = dest / f"{job_id}.{_EXTENSIONS[variant]}" if dest.is_dir() else dest
        what = f"download {job_id} ({variant})"
        return stream_download(
            self._openai,
            lambda: self._client.videos.with_streaming_response.download_content(
                job_id, variant=variant, timeout=self._sdk.get().download_timeout
            ),
            target,
            what=what,
            deadline=self.download_deadline,
            map_error=self._map,
        )
