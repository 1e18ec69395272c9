"""The VideoBackend over Google's official ``google-genai`` SDK: Veo on Vertex AI.

Why it looks like this:

- google-genai 3.x (3.0 to 3.6.1 checked) sends ``models.generate_videos`` only in Vertex AI
  mode ("Gemini Enterprise Agent Platform"); in Gemini Developer API mode it raises before
  sending, and ``files.download`` exists only there. So the client is
  ``genai.Client(vertexai=True, api_key=...)`` (Vertex "express mode"), or project and
  location with Application Default Credentials, and the finished video arrives inline, as
  bytes in the done operation. The key is ``api_key=`` or GEMINI_API_KEY / GOOGLE_API_KEY;
  it must be a key that Vertex AI accepts.
- Exactly once: the SDK never retries unless given ``retry_options``; creates go through a
  client without them, reads through one with them. The SDK has no way to list operations,
  so a create whose answer was lost (timeout, dropped connection, 5xx, 408) cannot be
  looked up: it raises ``OutcomeUnknown`` and is never resent. A 4xx or 429 means no job.
- Reference images (the film's look, kept across shots) go as ``ASSET`` references, never
  with a first or last frame and only where ``capabilities`` says the model takes them
  (Veo 3.1: 8 s, 16:9); the SDK's docstring and Google's reference-image page say so.
- A refusal is a done operation with filtered media (``rai_media_filtered_count``): the job
  is ``failed`` with ``error_code="moderation_blocked"`` and the reasons as its message.
- Every body is bounded (``max_response_bytes``, ``response_deadline``): a Veo result is a
  whole video in base64 inside JSON, read into memory by the SDK.
- Server text is scrubbed of the key before it is put in any exception.
- Simulated or real (``is_simulator()``): True only for a loopback server whose every answer
  carries the fakes' header (``ServerKind``), so a run on ``FakeVeo`` books in the sandbox
  ledger and a run on Google always in the real one.
"""

from __future__ import annotations

import logging
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
    ContentExpired,
    InvalidRequest,
    Job,
    NotFound,
    NotSupported,
    OutcomeUnknown,
    RefusedPrompt,
    ServerError,
    Variant,
)

if TYPE_CHECKING:
    from google import genai

__all__ = ["NotSupported", "OutcomeUnknown", "VeoBackend"]

log = logging.getLogger(__name__)

CONSOLE = "https://console.cloud.google.com/vertex-ai/studio/media"


class _Sdk(NamedTuple):
    """What VeoBackend._make_sdk() makes once."""

    types: Any
    errors: Any
    creator: genai.Client  # no retries: a create is sent once
    reader: genai.Client


def _image(types: Any, path: str | Path) -> Any:
    path = Path(path)
    if path.suffix.lower() not in MIME or not path.is_file():
        raise InvalidRequest(f"an image must be an existing .png/.jpg/.webp file: {path.name!r}")
    return types.Image(image_bytes=path.read_bytes(), mime_type=MIME[path.suffix.lower()])


class VeoBackend(ProviderBackend):
    """Google Veo through ``google-genai``. ``base_url`` points it at any server (the fake)."""

    provider = "veo"  # capabilities.PROVIDERS: whose models and prices
    console = CONSOLE  # where a person looks for a lost create
    job_word = "operation"
    cannot_list = "Veo cannot list operations to find it"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        project: str | None = None,
        location: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        retry_delay: float = 1.0,
        max_response_bytes: int = 256 * 1024 * 1024,
        response_deadline: float = 600.0,
        name: str = "veo",
        _fake: bool = False,
    ) -> None:
        key = find_key("veo", api_key)
        if not key and not project:
            raise AuthError(
                "no Google key: pass api_key=... or set GEMINI_API_KEY / GOOGLE_API_KEY (a key "
                "Vertex AI accepts), or give project= and location= with gcloud credentials"
            )
        self._setup(key, base_url, name, _fake)
        self._timeout = timeout
        self._max_retries = max(0, max_retries)
        self._retry_delay = retry_delay
        self._ready: dict[str, bytes] = {}
        settings = (key, base_url, project, location, max_response_bytes, response_deadline)
        self._sdk = Once(lambda: self._make_sdk(*settings))
        if not _fake:  # a real API's client is made now: credentials are said at once
            self._sdk.get()

    def _make_sdk(
        self,
        key: str | None,
        base_url: str | None,
        project: str | None,
        location: str | None,
        max_response_bytes: int,
        response_deadline: float,
    ) -> _Sdk:
        """google-genai's types, errors and this backend's two clients (``Once``: made by the
        first call that needs them on a fake this process started, at once otherwise)."""
        import httpx
        from google import genai
        from google.genai import errors, types

        hooks = {"response": [self._kind.observe]}
        tls = ssl_context()
        timeout, retry_delay = self._timeout, self._retry_delay

        def client(retries: int) -> genai.Client:
            options = types.HttpOptions(
                base_url=base_url,
                timeout=int(timeout * 1000),
                httpx_client=httpx.Client(
                    transport=bounded_transport(max_response_bytes, response_deadline),
                    verify=tls,  # for any proxy transport httpx mounts from the environment
                    timeout=httpx.Timeout(timeout, connect=10.0),
                    event_hooks=hooks,
                ),
                # Given no context, the SDK builds two more (its unused async client's and its
                # websocket's) per client; ours is the same certifi-verifying one. We only
                # call it synchronously, through httpx_client above.
                async_client_args={"verify": tls, "ssl": tls},
                retry_options=types.HttpRetryOptions(
                    attempts=retries + 1, initial_delay=retry_delay, max_delay=30.0, jitter=0.1
                )
                if retries > 0
                else None,
            )
            if key:
                return genai.Client(vertexai=True, api_key=key, http_options=options)
            return genai.Client(
                vertexai=True, project=project, location=location, http_options=options
            )

        # a create is never retried (it could make a second job); reads are
        return _Sdk(types, errors, client(0), client(self._max_retries))

    @property
    def _types(self) -> Any:
        return self._sdk.get().types

    @property
    def _errors(self) -> Any:
        return self._sdk.get().errors

    @property
    def _creator(self) -> genai.Client:
        return self._sdk.get().creator

    @property
    def _reader(self) -> genai.Client:
        return self._sdk.get().reader

    def is_simulator(self) -> bool:
        """Whether its jobs are simulated (a loopback fake, see ``ServerKind``)."""
        import httpx

        def probe() -> None:
            with httpx.Client(
                verify=ssl_context(),
                timeout=min(self._timeout, 10.0),
                event_hooks={"response": [self._kind.observe]},
            ) as client:
                client.get(str(self.base_url))

        return self._kind.is_simulator(probe)

    # ------------------------------------------------------------ errors

    def _status(self, exc: BaseException) -> tuple[int, object] | None:
        if not isinstance(exc, self._errors.APIError):
            return None
        return int(exc.code or 0), exc.message or exc.status or ""

    # ------------------------------------------------------------ create

    def create(
        self,
        *,
        prompt: str,
        model: str,
        seconds: int,
        size: str,
        first_frame: str | Path | None = None,
        last_frame: str | Path | None = None,
        reference_images: tuple[str | Path, ...] = (),
        negative_prompt: str | None = None,
        generate_audio: bool | None = None,
        seed: int | None = None,
    ) -> Job:
        """Start one Veo job. Exactly once: no retry, and a lost answer is OutcomeUnknown."""
        types = self._types
        try:
            caps = capabilities.for_model("veo", model)
        except KeyError as exc:
            raise InvalidRequest(str(exc.args[0]), param="model") from None
        if not caps.allows(seconds, size):
            raise InvalidRequest(
                f"{model} takes {list(caps.allowed_seconds(size))} s at sizes "
                f"{', '.join(caps.sizes)}; got {seconds} s at {size}",
                param="seconds" if size in caps.sizes else "size",
            )
        wanted = {
            "first_frame": first_frame is not None,
            "last_frame": last_frame is not None,
            "reference_images": bool(reference_images),
        }
        for kind, used in wanted.items():
            if used and kind not in caps.conditioning:
                raise NotSupported(f"{model} does not take {kind.replace('_', ' ')} images")
        if len(reference_images) > caps.max_reference_images:
            raise InvalidRequest(f"{model} takes at most {caps.max_reference_images} references")
        if last_frame is not None and first_frame is None:
            raise InvalidRequest("a last frame needs a first frame", param="last_frame")
        if reference_images:
            # google-genai: "The image, video, or last_frame field are not supported" with
            # reference images; Google's model page: 8 s and 16:9 only (capabilities)
            if first_frame is not None or last_frame is not None:
                raise InvalidRequest(
                    "reference images cannot go with a first or last frame",
                    param="reference_images",
                )
            if not caps.takes("reference_images", seconds, size):
                raise InvalidRequest(
                    f"{model} takes reference images only at "
                    f"{list(caps.reference_seconds or caps.seconds)} s and "
                    f"{', '.join(caps.reference_sizes or caps.sizes)}; got {seconds} s at {size}",
                    param="reference_images",
                )
        aspect, resolution = caps.native[size].split("/")
        config = types.GenerateVideosConfig(
            number_of_videos=1,
            duration_seconds=seconds,
            aspect_ratio=aspect,
            resolution=resolution,
            negative_prompt=negative_prompt,
            generate_audio=generate_audio,
            seed=seed,
            last_frame=_image(types, last_frame) if last_frame is not None else None,
            reference_images=[
                types.VideoGenerationReferenceImage(
                    image=_image(types, p),
                    reference_type=types.VideoGenerationReferenceType.ASSET,  # its subject
                )
                for p in reference_images
            ]
            or None,
        )
        source = types.GenerateVideosSource(
            prompt=prompt, image=_image(types, first_frame) if first_frame is not None else None
        )
        op, sent, unknown = self._send_create(
            lambda: self._creator.models.generate_videos(model=model, source=source, config=config),
            model=model,
            seconds=seconds,
            size=size,
            prompt=prompt,
        )
        name = getattr(op, "name", None)
        if not isinstance(name, str) or "/operations/" not in name:
            raise unknown("the server answered without an operation name")
        self._record(name, (model, seconds, size, prompt, int(sent)), unknown)
        return self._job(op)

    # ------------------------------------------------------------ reads

    def _job(self, op: Any) -> Job:
        name = str(op.name)
        with self._lock:
            model, seconds, size, prompt, created = self._meta.get(
                name, (name.split("/models/")[-1].split("/")[0], 0, "", None, 0)
            )
        base: dict[str, Any] = dict(
            id=name, model=model, seconds=seconds, size=size, prompt=prompt, created_at=created
        )
        if not op.done:
            meta = op.metadata if isinstance(op.metadata, dict) else {}
            pct = meta.get("progressPercent")
            progress = int(pct) if isinstance(pct, int | float) and 0 <= pct <= 100 else 0
            return Job(status="in_progress", progress=min(progress, 99), **base)
        done_at = int(time.time())
        if op.error:
            err = op.error if isinstance(op.error, dict) else {}
            return Job(
                status="failed",
                progress=100,
                completed_at=done_at,
                error_code=str(err.get("status") or err.get("code") or "error"),
                error_message=self._scrub(err.get("message", "the operation failed")),
                **base,
            )
        result = op.response or op.result
        videos = list(getattr(result, "generated_videos", None) or [])
        filtered = int(getattr(result, "rai_media_filtered_count", 0) or 0)
        if filtered or not videos:
            reasons = getattr(result, "rai_media_filtered_reasons", None) or []
            return Job(
                status="failed",
                progress=100,
                completed_at=done_at,
                error_code="moderation_blocked" if filtered else "no_video",
                error_message=self._scrub("; ".join(map(str, reasons)) or "no video returned"),
                **base,
            )
        data = videos[0].video.video_bytes if videos[0].video is not None else None
        if data:
            with self._lock:
                self._ready[name] = data
        return Job(status="completed", progress=100, completed_at=done_at, **base)

    @staticmethod
    def _check_id(job_id: str) -> None:
        if (
            not isinstance(job_id, str)
            or "/operations/" not in job_id
            or len(job_id) > 400
            or any(c in job_id for c in "?#\\ ")
            or ".." in job_id
        ):
            raise InvalidRequest(f"not a Veo operation name: {str(job_id)[:80]!r}")

    def _fetch(self, job_id: str, what: str) -> Any:
        self._check_id(job_id)
        # model_validate, not GenerateVideosOperation(name=...): the SDK declares ``name`` on
        # its ABC mixin Operation, so a type checker does not see the field pydantic takes
        op = self._types.GenerateVideosOperation.model_validate({"name": job_id})
        for attempt in range(self._max_retries + 1):
            try:
                return self._reader.operations.get(op)
            except Exception as exc:
                # the SDK retries timeouts and refused connects, not a connection dropped
                # mid-answer (RemoteProtocolError, ReadError): a read is safe to repeat
                if is_transport_error(exc) and attempt < self._max_retries:
                    time.sleep(self._retry_delay * (2**attempt))
                    continue
                if isinstance(exc, self._errors.APIError | ResponseTooLarge) or (
                    is_transport_error(exc)
                ):
                    raise self._map(exc, what) from None
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def retrieve(self, job_id: str) -> Job:
        return self._job(self._fetch(job_id, f"retrieve {job_id}"))

    def download(self, job_id: str, dest: Path, *, variant: Variant = "video") -> Path:
        """Write the finished video (inline in the done operation) to ``dest`` atomically."""
        if variant != "video":
            raise NotSupported(f"Veo returns only the video, not a {variant}")
        self._check_id(job_id)
        dest = Path(dest)
        target = dest / f"{job_id.rsplit('/', 1)[-1]}.mp4" if dest.is_dir() else dest
        with self._lock:
            data = self._ready.pop(job_id, None)
        if data is None:
            try:
                job = self.retrieve(job_id)
            except NotFound as exc:
                raise ContentExpired(f"download {job_id}: the operation is gone ({exc})") from None
            if job.status == "failed":
                if job.error_code == "moderation_blocked":
                    raise RefusedPrompt(f"job {job_id} was refused: {job.error_message}")
                raise ServerError(f"job {job_id} failed ({job.error_code}): {job.error_message}")
            if job.status != "completed":
                raise InvalidRequest(f"download {job_id}: the job is {job.status}")
            with self._lock:
                data = self._ready.pop(job_id, None)
            if data is None:
                raise NotSupported(f"download {job_id}: the video is not inline (stored in GCS?)")
        return write_atomic(target, data)

    # ------------------------------------------------------------ what Veo lacks

    def list(
        self, *, after: str | None = None, limit: int = 100, order: Literal["asc", "desc"] = "desc"
    ) -> list[Job]:
        raise NotSupported("google-genai cannot list Veo operations; keep each operation name")

    def delete(self, job_id: str) -> None:
        raise NotSupported("Veo operations cannot be deleted through google-genai")

    def remix(self, job_id: str, *, prompt: str) -> Job:
        raise NotSupported("Veo has no remix")

    def extend(self, job_id: str, *, prompt: str, seconds: int) -> Job:
        raise NotSupported("Veo can extend a video, but sorafilm does not support it yet")
