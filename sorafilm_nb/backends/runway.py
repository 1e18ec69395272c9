"""The VideoBackend over Runway's official ``runwayml`` SDK.

Why it looks like this:

- Exactly once: creates go through ``with_options(max_retries=0)``; reads use the SDK's own
  retries. Runway has no endpoint that lists tasks, so a create whose answer was lost
  (timeout, dropped connection, 5xx) cannot be looked up: ``OutcomeUnknown``, never resent.
  A 4xx or 429 on create means no task exists.
- Statuses: PENDING and THROTTLED are ``queued``; RUNNING is ``in_progress`` (progress 0-1
  becomes 0-100); SUCCEEDED is ``completed``; FAILED and CANCELLED are ``failed``. A
  ``SAFETY.*`` failureCode is a refusal (``error_code="moderation_blocked"``: never retry);
  ``INTERNAL.*`` keeps its code and may be retried on purpose (``retryable(job)``).
- Output URLs expire (24-48 h, says the SDK): ``retrieve`` downloads a succeeded task's
  output at once into ``cache_dir``, and ``download`` moves it into place. A URL that has
  expired is fetched fresh from the task once; if that fails too it is ``ContentExpired``.
  Output bodies are bounded in bytes and time, and fetched without our key.
- A prompt over promptText's limit (capabilities) is ``InvalidRequest(param="prompt")``
  before anything is sent: nothing exists and nothing bills, so the studio releases it.
- Server text is scrubbed of the key before it is put in any exception.
- Simulated or real (``is_simulator()``): True only for a loopback server whose every API
  answer carries the fakes' header (``ServerKind``).
"""

from __future__ import annotations

import base64
import logging
import os
import re
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from .. import capabilities
from ._provider import (
    MIME,
    Once,
    ProviderBackend,
    ResponseTooLarge,
    bounded_transport,
    find_key,
    is_transport_error,
    ssl_context,
    write_atomic,
)
from .base import (
    AuthError,
    BackendError,
    ContentExpired,
    InvalidRequest,
    Job,
    NotSupported,
    OutcomeUnknown,
    ServerError,
    Status,
    Variant,
)

if TYPE_CHECKING:
    import httpx
    import runwayml

__all__ = ["NotSupported", "OutcomeUnknown", "RunwayBackend", "retryable"]

log = logging.getLogger(__name__)

PORTAL = "https://dev.runwayml.com/"
_TASK_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
MAX_IMAGE = 5 * 1024 * 1024  # a data URI image, per the SDK's promptImage docstring
STATUS: dict[str, Status] = {
    "PENDING": "queued",
    "THROTTLED": "queued",
    "RUNNING": "in_progress",
    "SUCCEEDED": "completed",
    "FAILED": "failed",
    "CANCELLED": "failed",
}


class _Sdk(NamedTuple):
    """What RunwayBackend._make_sdk() makes once."""

    module: Any
    client: runwayml.RunwayML
    creator: runwayml.RunwayML  # no retries: a create is sent once
    media: httpx.Client  # fetches the output files


def retryable(job: Job) -> bool:
    """Whether a failed Runway job may be sent again on purpose (``INTERNAL.*`` only)."""
    return job.status == "failed" and (job.error_code or "").startswith("INTERNAL.")


class RunwayBackend(ProviderBackend):
    """Runway through ``runwayml``. Key: ``api_key`` or RUNWAYML_API_SECRET; ``base_url`` or
    RUNWAYML_BASE_URL points it at any server (the fake)."""

    provider = "runway"  # capabilities.PROVIDERS: whose models and prices
    console = PORTAL  # where a person looks for a lost create (the usage page)
    job_word = "task"
    cannot_list = "Runway cannot list tasks to find it"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        max_download_bytes: int = 512 * 1024 * 1024,
        download_deadline: float = 900.0,
        cache_dir: str | Path | None = None,
        name: str = "runway",
        _fake: bool = False,
    ) -> None:
        key = find_key("runway", api_key)
        if not key:
            raise AuthError("no Runway key: pass api_key=... or set RUNWAYML_API_SECRET")
        url = base_url or os.environ.get("RUNWAYML_BASE_URL") or None
        self._timeout = timeout
        settings = (key, url, max_retries, max_download_bytes, download_deadline, _fake)
        self._sdk = Once(lambda: self._make_sdk(*settings))
        # the URL the client talks to (its default when none was given; a fake's own is in
        # the SDK's form already, _make_sdk checks): one ServerKind, one shown URL (redact.url
        # once) for every repr and message. A real API's client is made now.
        said = str(url) if _fake else str(self._sdk.get().client.base_url).rstrip("/")
        self._setup(key, said, name, _fake)
        self._cache = Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="runway-"))
        self._cache.mkdir(parents=True, exist_ok=True)
        self._ready: dict[str, Path] = {}

    def _make_sdk(
        self,
        key: str,
        url: str | None,
        max_retries: int,
        max_download_bytes: int,
        download_deadline: float,
        fake: bool,
    ) -> _Sdk:
        """runwayml and this backend's clients (``Once``: made by the first call that needs
        them on a fake this process started, at once otherwise)."""
        import httpx
        import runwayml

        timeout = self._timeout
        client = runwayml.RunwayML(
            api_key=key,
            base_url=url,
            max_retries=max_retries,
            timeout=httpx.Timeout(timeout, connect=10.0),
            http_client=runwayml.DefaultHttpxClient(
                verify=ssl_context(runwayml.DefaultHttpxClient),
                # late-bound: _setup makes _kind once the client has resolved its URL
                event_hooks={"response": [lambda response: self._kind.observe(response)]},
            ),
        )
        if fake and str(client.base_url).rstrip("/") != self.base_url:
            # never: a fake's URL is in the SDK's form (tests/backends pin it)
            raise RuntimeError(f"the SDK reads the fake's URL {self.base_url} as {client.base_url}")
        media = httpx.Client(
            transport=bounded_transport(max_download_bytes, download_deadline),
            verify=ssl_context(),  # for any proxy transport httpx mounts from the environment
            timeout=httpx.Timeout(timeout, connect=10.0),
            follow_redirects=True,
        )
        return _Sdk(runwayml, client, client.with_options(max_retries=0), media)

    @property
    def _runwayml(self) -> Any:
        return self._sdk.get().module

    @property
    def _client(self) -> runwayml.RunwayML:
        return self._sdk.get().client

    @property
    def _creator(self) -> runwayml.RunwayML:
        """The client for creates: no SDK retries (a retried create may make a second task)."""
        return self._sdk.get().creator

    @property
    def _media(self) -> httpx.Client:
        return self._sdk.get().media

    def is_simulator(self) -> bool:
        """Whether its tasks are simulated (a loopback fake, see ``ServerKind``)."""

        def probe() -> None:  # a task id that cannot exist: a free 404, header and all
            self._client.with_options(max_retries=0, timeout=min(self._timeout, 10.0)).get(
                "/v1/tasks/00000000-0000-0000-0000-000000000000", cast_to=object
            )

        return self._kind.is_simulator(probe)

    # ------------------------------------------------------------ errors

    def _status(self, exc: BaseException) -> tuple[int, object] | None:
        if not isinstance(exc, self._runwayml.APIStatusError):
            return None
        body = exc.body if isinstance(exc.body, dict) else {}
        return exc.status_code, body.get("error") or exc.message

    def _connection_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._runwayml.APIConnectionError) or is_transport_error(exc)

    # ------------------------------------------------------------ create

    def create(
        self,
        *,
        prompt: str,
        model: str,
        seconds: int,
        size: str,
        first_frame: str | Path | None = None,
    ) -> Job:
        """Start one task (image_to_video when ``first_frame`` is given). Exactly once."""
        try:
            caps = capabilities.for_model("runway", model)
        except KeyError as exc:
            raise InvalidRequest(str(exc.args[0]), param="model") from None
        if not caps.allows(seconds, size):
            raise InvalidRequest(
                f"{model} takes {list(caps.allowed_seconds(size))} s at "
                f"{', '.join(caps.sizes)}; got {seconds} s at {size}",
                param="seconds" if size in caps.sizes else "size",
            )
        # promptText's own limit (capabilities: 1000 UTF-16 code units), checked here so a
        # caller of the backend API learns it before any request, as plan lint does before any
        # reservation, rather than from the API's 400. The message holds no prompt text.
        length = capabilities.prompt_length(prompt)
        if caps.prompt_chars is not None and length > caps.prompt_chars:
            raise InvalidRequest(
                f"{model}'s promptText takes at most {caps.prompt_chars} characters (UTF-16 "
                f"code units); this prompt is {length}",
                param="prompt",
            )
        args: dict[str, Any] = dict(
            model=model, prompt_text=prompt, ratio=caps.native[size], duration=seconds
        )
        if first_frame is not None:
            if "first_frame" not in caps.conditioning:
                raise NotSupported(f"{model} does not take a first frame")
            path = Path(first_frame)
            if path.suffix.lower() not in MIME or not path.is_file():
                raise InvalidRequest(f"first_frame must be a .png/.jpg/.webp file: {path.name!r}")
            data = path.read_bytes()
            if len(data) > MAX_IMAGE:
                raise InvalidRequest(f"first_frame is over {MAX_IMAGE} bytes", param="first_frame")
            uri = f"data:{MIME[path.suffix.lower()]};base64,{base64.b64encode(data).decode()}"
            args["prompt_image"] = [{"uri": uri, "position": "first"}]
        resource = self._creator.image_to_video if first_frame else self._creator.text_to_video
        task, sent, unknown = self._send_create(
            lambda: resource.create(**args), model=model, seconds=seconds, size=size, prompt=prompt
        )
        task_id = getattr(task, "id", None)
        if not isinstance(task_id, str) or not _TASK_ID.fullmatch(task_id):
            raise unknown("the server answered without a task id")
        self._record(task_id, (model, seconds, size, prompt), unknown)
        return Job(
            id=task_id,
            status="queued",
            progress=0,
            model=model,
            seconds=seconds,
            size=size,
            prompt=prompt,
            created_at=int(sent),
        )

    # ------------------------------------------------------------ reads

    def _check_id(self, task_id: str) -> None:
        if not isinstance(task_id, str) or not _TASK_ID.fullmatch(task_id):
            raise InvalidRequest(f"not a Runway task id: {str(task_id)[:80]!r}")

    def _task(self, task_id: str) -> Any:
        self._check_id(task_id)
        try:
            return self._client.tasks.retrieve(task_id)
        except self._runwayml.APIError as exc:
            raise self._map(exc, f"retrieve {task_id}") from None

    def retrieve(self, job_id: str) -> Job:
        """The task as a Job; a task that just succeeded is downloaded before this returns."""
        task = self._task(job_id)
        with self._lock:
            model, seconds, size, prompt = self._meta.get(job_id, ("", 0, "", ""))
        status = STATUS.get(str(task.status), "failed")
        code: str | None = None
        message: str | None = None
        if task.status == "FAILED":
            failure = str(getattr(task, "failure_code", None) or "FAILED")
            code = "moderation_blocked" if failure.startswith("SAFETY.") else failure
            message = self._scrub(f"{failure}: {getattr(task, 'failure', '')}")
        elif task.status == "CANCELLED":
            code, message = "cancelled", "the task was cancelled"
        progress = {"completed": 100, "failed": 100, "queued": 0}.get(status)
        if progress is None:
            raw = getattr(task, "progress", 0) or 0
            progress = max(0, min(99, int(float(raw) * 100)))
        if status == "completed" and job_id not in self._ready:
            try:
                self._fetch_output(job_id, task)
            except BackendError as exc:  # the URL can be fetched fresh later
                log.warning("early download of %s failed: %s", job_id, exc)
        created = getattr(task, "created_at", None)
        return Job(
            id=job_id,
            status=status,
            progress=progress,
            model=model,
            seconds=seconds,
            size=size,
            prompt=prompt or None,
            created_at=int(created.timestamp()) if created is not None else 0,
            completed_at=int(time.time()) if status in ("completed", "failed") else None,
            error_code=code,
            error_message=message,
        )

    def _fetch_output(self, task_id: str, task: Any) -> Path:
        urls = list(getattr(task, "output", None) or [])
        if not urls or not str(urls[0]).startswith(("https://", "http://")):
            raise ServerError(f"download {task_id}: the task has no output URL")
        target = self._cache / f"{task_id}.mp4"
        what = f"download {task_id}"
        try:
            with self._media.stream("GET", str(urls[0])) as response:
                if response.status_code in (403, 410):
                    raise ContentExpired(f"{what}: the output URL has expired")
                if response.status_code != 200:
                    raise ServerError(f"{what}: HTTP {response.status_code}")
                expected = int(response.headers.get("content-length") or 0)
                write_atomic(target, response.iter_bytes())
        except BackendError:
            raise
        except Exception as exc:
            if isinstance(exc, ResponseTooLarge) or is_transport_error(exc):
                raise self._map(exc, what) from None
            raise
        if expected and target.stat().st_size != expected:
            target.unlink(missing_ok=True)
            raise ServerError(f"{what}: the body was cut short")
        with self._lock:
            self._ready[task_id] = target
        return target

    def download(self, job_id: str, dest: Path, *, variant: Variant = "video") -> Path:
        """Move the output (fetched when the task succeeded) to ``dest``; fetch it now if it
        was not, with a fresh URL from the task if the old one expired."""
        if variant != "video":
            raise NotSupported(f"Runway returns only the video, not a {variant}")
        self._check_id(job_id)
        dest = Path(dest)
        target = dest / f"{job_id}.mp4" if dest.is_dir() else dest
        target.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            ready = self._ready.pop(job_id, None)
        if ready is None or not ready.exists():
            task = self._task(job_id)
            if task.status != "SUCCEEDED":
                raise InvalidRequest(f"download {job_id}: the task is {task.status}")
            try:
                ready = self._fetch_output(job_id, task)
            except ContentExpired:
                ready = self._fetch_output(job_id, self._task(job_id))  # fresh URLs, once
            with self._lock:
                self._ready.pop(job_id, None)
        os.replace(ready, target)
        return target

    def delete(self, job_id: str) -> None:
        """Cancel a running task or delete a finished one (Runway's DELETE /v1/tasks/{id})."""
        self._check_id(job_id)
        try:
            self._client.tasks.delete(job_id)
        except self._runwayml.APIError as exc:
            raise self._map(exc, f"delete {job_id}") from None

    # ------------------------------------------------------------ what Runway lacks

    def list(
        self, *, after: str | None = None, limit: int = 100, order: Literal["asc", "desc"] = "desc"
    ) -> list[Job]:
        raise NotSupported("Runway has no endpoint that lists tasks; keep each task id")

    def remix(self, job_id: str, *, prompt: str) -> Job:
        raise NotSupported("Runway has no remix")

    def extend(self, job_id: str, *, prompt: str, seconds: int) -> Job:
        raise NotSupported("Runway has no extend")
