"""An embedded Videos API: a real HTTP server on 127.0.0.1 that the official SDK talks to.

Why a server and not a fake object: the simulator is only trusted as far as the real
``openai`` SDK accepts what it sends, so tests and demos run the real SDK, over real HTTP,
unmodified (``base_url=sim.base_url``). It speaks the ``/v1/videos`` paths with the API's
JSON shapes (every Video field always present), multipart and JSON create bodies, bearer
auth, the API's error body, list pagination, remix/extend/edit, and ``openai-poll-after-ms``.

Jobs move queued → in_progress → completed on a clock (``job_seconds``; fast in tests,
realistic in demos) or by polls (``per_poll``); a completed job serves a real H.264 animatic
(see ``sorafilm_nb.render``) plus thumbnail (webp) and spritesheet (jpg) variants.

Faults are injected by configuration and can be changed while it runs::

    with Simulator(job_seconds=0.3) as sim:
        sim.faults.rate_limit = Fault(count=2)           # next two requests get a 429
        sim.faults.lose_create_response = Fault(count=1)  # job made, response lost
        sim.faults.register_late = Fault(count=1)         # ...and not in list() for a while
        client = openai.OpenAI(base_url=sim.base_url, api_key=sim.api_key)

The bearer key is checked and never logged or echoed.
"""

from __future__ import annotations

import hmac
import logging
import os
import random
import re
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from ._loopback import serve, shut, temp_folder
from ._sim_state import (
    CREATE_OPS,
    EXTENSION_SECONDS,
    JOB_ID,
    MAX_EXTENSIONS,
    MAX_TOTAL_SECONDS,
    ApiError,
    Renderer,
    SimJob,
    check_create,
    check_prompt,
    check_reference,
    check_seconds,
    new_id,
    now,
)
from .faults import Fault, FaultConfig

__all__ = ["CREATE_OPS", "DEFAULT_REFUSE_MARKER", "Fault", "FaultConfig", "Simulator"]

log = logging.getLogger(__name__)

#: A prompt containing this phrase ends failed with error.code "moderation_blocked".
DEFAULT_REFUSE_MARKER = "[refuse]"


class Simulator:
    """The embedded Videos API. ``start()`` binds 127.0.0.1 on an ephemeral port.

    Parameters
    ----------
    api_key: accept only this bearer key; None accepts any non-empty key (``.api_key`` is
        then a placeholder clients can send).
    job_seconds: wall time from create to completed (the render must also be done).
    per_poll: if set, progress advances this many percent per retrieve instead of by time.
    poll_after_ms: the ``openai-poll-after-ms`` hint; default: a tenth of ``job_seconds``.
    refuse_marker / refuse_pattern: prompts containing the marker, or matching the regex,
        end failed with ``moderation_blocked``.
    render: render each animatic in a worker as soon as the job is created (False: on the
        first download only, for tests that never download).
    render_scale: the animatic's size relative to the requested size (same aspect).
    content_ttl: seconds a completed job's content stays downloadable.
    faults: a :class:`FaultConfig` (all off by default; ``sim.faults`` can change any time).
    port: 0 picks a free port; workdir: where media is kept (default: a temp folder that
        is removed on ``stop()``); clock: the time source of ``job_seconds`` (tests).
    snapshots: requested model -> the dated snapshot reported in the job's ``model`` (an
        API that resolves aliases may answer so), e.g. ``{"sora-2": "sora-2-2025-12-08"}``.
    skew: seconds the server's wall clock runs ahead of ours (negative: behind), as seen in
        ``created_at``, ``completed_at`` and ``expires_at`` (clock-skew tests).
    """

    def __init__(
        self,
        *,
        api_key: str | None = None,
        port: int = 0,
        job_seconds: float = 0.3,
        per_poll: int | None = None,
        poll_after_ms: int | None = None,
        faults: FaultConfig | None = None,
        refuse_marker: str = DEFAULT_REFUSE_MARKER,
        refuse_pattern: str | None = None,
        render: bool = True,
        render_scale: float = 0.5,
        content_ttl: int = 3600,
        workdir: str | Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        skew: float = 0.0,
        snapshots: dict[str, str] | None = None,
    ) -> None:
        if api_key is not None and not api_key:
            raise ValueError("api_key must be None (accept any key) or a non-empty string")
        if job_seconds < 0 or (per_poll is not None and not 1 <= per_poll <= 100):
            raise ValueError(
                f"job_seconds must be >= 0 and per_poll 1..100 (got {job_seconds!r}, {per_poll!r})"
            )
        if not 0.05 <= render_scale <= 1.0:
            raise ValueError(f"render_scale must be in 0.05..1, got {render_scale!r}")
        self._required_key = api_key
        self.port = port
        self.job_seconds = float(job_seconds)
        self.per_poll = per_poll
        self.poll_after_ms = (
            poll_after_ms if poll_after_ms is not None else max(10, round(self.job_seconds * 100))
        )
        self.faults = faults or FaultConfig()
        self.refuse_marker = refuse_marker
        self.refuse_pattern = re.compile(refuse_pattern) if refuse_pattern else None
        self.render = render
        self.render_scale = render_scale
        self.content_ttl = content_ttl
        self.clock = clock
        self.skew = float(skew)
        self.snapshots = dict(snapshots or {})
        self.calls: Counter[str] = Counter()  # requests per operation, faults included
        self._workdir_arg = Path(workdir) if workdir else None
        self._jobs: dict[str, SimJob] = {}
        self._seq = 0
        self._listed_from: dict[str, float] = {}  # job id -> clock time it enters list()
        self._failing: dict[str, str] = {}  # job id -> the message it fails with (fail_job)
        self._lock = threading.RLock()
        self._rng = random.Random(self.faults.seed)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tmpdir: Path | None = None
        self._tmp_cleanup: weakref.finalize | None = None
        self._renderer: Renderer | None = None

    # ------------------------------------------------------------ lifecycle

    @property
    def api_key(self) -> str:
        """The key clients should send (a placeholder when any key is accepted)."""
        return self._required_key or "sk-sim-any-key-works"

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the simulator is not running: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> Simulator:
        if self._server is not None:
            return self
        from ._sim_handler import Handler

        folder = self._workdir_arg
        if folder is None:
            # a simulator never stopped (a notebook kernel that just exits) still cleans up
            folder, self._tmp_cleanup = temp_folder(self, "sorafilm-sim-")
            self._tmpdir = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._renderer = Renderer(folder, scale=self.render_scale)
        try:
            self._server, self._thread = serve(
                self.port, Handler, "sorafilm-simulator", simulator=self
            )
        except OSError:  # the port is busy: leave nothing behind
            self.stop()
            raise
        log.info("simulator listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        shut(self._server, self._thread)
        self._server = self._thread = None
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        if self._tmpdir is not None and self._tmp_cleanup is not None:
            self._tmp_cleanup()
            self._tmpdir = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:  # no key here, ever
        where = self.base_url if self._server is not None else "stopped"
        return f"<Simulator {where} jobs={len(self._jobs)}>"

    # ------------------------------------------------------------ inspection and control

    def jobs(self) -> list[dict[str, Any]]:
        """Every job's Video object, oldest first (for tests: 'exactly one job exists')."""
        with self._lock:
            items = sorted(self._jobs.values(), key=lambda j: j.seq)
            for job in items:
                self._advance(job)
            return [job.public() for job in items]

    def inject(self, **faults: int | Fault) -> None:
        """Set faults by name: ``sim.inject(rate_limit=2, lose_create_response=1)``.

        An int is a count (the next N matching requests); a :class:`Fault` is used as is.
        """
        for name, value in faults.items():
            if not isinstance(getattr(self.faults, name, None), Fault):
                known = ", ".join(k for k, v in vars(self.faults).items() if isinstance(v, Fault))
                raise ValueError(f"unknown fault {name!r}; known faults: {known}")
            fault = value if isinstance(value, Fault) else Fault(count=int(value))
            with self._lock:
                setattr(self.faults, name, fault)

    def _wall(self) -> int:
        """The server's wall clock in unix seconds (ours plus ``skew``)."""
        return now() + round(self.skew)

    def count(self, op: str) -> None:
        """Record one request for ``op`` (``calls`` is read by tests and benchmarks)."""
        with self._lock:
            self.calls[op] += 1

    def expire(self, job_id: str) -> None:
        """Make a job's content expire now (its expires_at moves into the past)."""
        with self._lock:
            job = self._jobs[job_id]
            job.expire = True
            if job.expires_at is not None:
                job.expires_at = self._wall() - 1

    def check_key(self, header: str | None) -> None:
        if not header or not header.startswith("Bearer ") or not header[7:].strip():
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API "
                "key in an Authorization header using Bearer auth (i.e. "
                "Authorization: Bearer YOUR_KEY).",
                code=None,
            )
        if self._required_key is not None and not hmac.compare_digest(
            header[7:].strip().encode(), self._required_key.encode()
        ):
            raise ApiError(401, "Incorrect API key provided.", code="invalid_api_key")

    def fire(self, name: str, op: str) -> bool:
        """Whether fault ``name`` fires for this request (consumes one count if so)."""
        fault: Fault = getattr(self.faults, name)
        with self._lock:
            if not fault.applies(op):
                return False
            if fault.count > 0:
                fault.count -= 1
            elif not (fault.probability and self._rng.random() < fault.probability):
                return False
            fault.fired += 1
            return True

    # ------------------------------------------------------------ the API's operations

    def _new_job(
        self,
        *,
        prompt: str,
        model: str,
        seconds: int,
        size: str,
        op: str,
        remixed_from: str | None = None,
        extensions: int = 0,
    ) -> SimJob:
        refuse = (self.refuse_marker and self.refuse_marker.lower() in prompt.lower()) or bool(
            self.refuse_pattern and self.refuse_pattern.search(prompt)
        )
        with self._lock:
            self._seq += 1
            job = SimJob(
                id=new_id(),
                seq=self._seq,
                model=self.snapshots.get(model, model),
                seconds=seconds,
                size=size,
                prompt=prompt,
                created_at=self._wall(),
                started=self.clock(),
                refuse=bool(refuse) or self.fire("moderation", op),
                expire=self.fire("expire_content", op),
                remixed_from=remixed_from,
                extensions=extensions,
            )
            self._jobs[job.id] = job
            if self.fire("register_late", op):
                self._listed_from[job.id] = self.clock() + self.faults.register_late_seconds
            if self.fire("fail_job", op):
                self._failing[job.id] = self.faults.fail_message
        if self.render and not job.refuse and self._renderer is not None:
            job.render = self._renderer.submit(job)
        return job

    def create(self, body: dict[str, Any]) -> SimJob:
        prompt, model, seconds, size = check_create(body)
        folder = self._renderer.folder if self._renderer is not None else None
        check_reference(body.get("input_reference"), size, folder)
        return self._new_job(prompt=prompt, model=model, seconds=seconds, size=size, op="create")

    def get(self, job_id: str) -> SimJob:
        with self._lock:
            job = self._jobs.get(job_id) if JOB_ID.fullmatch(job_id) else None
            if job is None:
                raise ApiError(
                    404,
                    f"Video with id '{job_id[:80]}' not found.",
                    param="video_id",
                    code="not_found",
                )
            return job

    def retrieve(self, job_id: str) -> SimJob:
        with self._lock:
            job = self.get(job_id)
            job.polls += 1
            self._advance(job)
            return job

    def _completed_source(self, ref: object, what: str) -> SimJob:
        if isinstance(ref, bytes):
            raise ApiError(
                400,
                f"The simulator takes the source of {what} by reference "
                '({"id": "video_..."}), not as an uploaded file.',
                param="video",
                code="unsupported_value",
            )
        job_id = ref.get("id") if isinstance(ref, dict) else ref
        if not isinstance(job_id, str) or not job_id:
            raise ApiError(
                400,
                f"Missing required parameter: 'video' ({what} needs the id of a completed video).",
                param="video",
                code="missing_required_parameter",
            )
        with self._lock:
            source = self.get(job_id)
            self._advance(source)
            if source.status != "completed":
                raise ApiError(
                    400,
                    f"Video '{source.id}' is {source.status}; only completed "
                    f"videos can be used for {what}.",
                    param="video",
                    code="invalid_state",
                )
            return source

    def remix(self, job_id: str, body: dict[str, Any]) -> SimJob:
        source = self._completed_source(job_id, "remix")
        return self._new_job(
            prompt=check_prompt(body.get("prompt")),
            model=source.model,
            seconds=source.seconds,
            size=source.size,
            op="remix",
            remixed_from=source.id,
        )

    def edit(self, body: dict[str, Any]) -> SimJob:
        source = self._completed_source(body.get("video"), "edits")
        return self._new_job(
            prompt=check_prompt(body.get("prompt")),
            model=source.model,
            seconds=source.seconds,
            size=source.size,
            op="edit",
            remixed_from=source.id,
        )

    def extend(self, body: dict[str, Any]) -> SimJob:
        prompt = check_prompt(body.get("prompt"))
        seconds = check_seconds(body, EXTENSION_SECONDS, None)
        source = self._completed_source(body.get("video"), "extensions")
        total = source.seconds + int(seconds)
        if total > MAX_TOTAL_SECONDS or source.extensions >= MAX_EXTENSIONS:
            raise ApiError(
                400,
                f"A video can be extended at most {MAX_EXTENSIONS} times and "
                f"to {MAX_TOTAL_SECONDS} s in all; this would make {total} s.",
                param="seconds",
                code="invalid_value",
            )
        return self._new_job(
            prompt=prompt,
            model=source.model,
            seconds=total,
            size=source.size,
            op="extend",
            remixed_from=None,
            extensions=source.extensions + 1,
        )

    def delete(self, job_id: str) -> dict[str, Any]:
        with self._lock:
            job = self.get(job_id)
            self._advance(job)
            if not job.done:
                raise ApiError(
                    400,
                    f"Video '{job.id}' is {job.status}; only completed or "
                    "failed videos can be deleted.",
                    param="video_id",
                    code="invalid_state",
                )
            del self._jobs[job.id]
        if self._renderer is not None:
            for path in self._renderer.folder.glob(f"{job.id}.*"):
                path.unlink(missing_ok=True)
        return {"id": job.id, "object": "video.deleted", "deleted": True}

    def list_page(self, *, after: str | None, limit: int, order: str) -> dict[str, Any]:
        with self._lock:
            items = sorted(self._jobs.values(), key=lambda j: j.seq, reverse=(order == "desc"))
            clock = self.clock()
            items = [j for j in items if self._listed_from.get(j.id, clock) <= clock]
            if after is not None:
                ids = [j.id for j in items]
                if after not in ids:
                    raise ApiError(
                        400,
                        f"Invalid 'after': no video with id '{after[:80]}'.",
                        param="after",
                        code="invalid_value",
                    )
                items = items[ids.index(after) + 1 :]
            page = items[:limit]
            for job in page:
                self._advance(job)
            data = [job.public() for job in page]
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": len(items) > limit,
        }

    def content_path(self, job_id: str, variant: str) -> Path:
        if variant not in ("video", "thumbnail", "spritesheet"):
            raise ApiError(
                400,
                f"Invalid value for 'variant': {variant[:20]!r}. Supported "
                "values are: 'video', 'thumbnail', and 'spritesheet'.",
                param="variant",
                code="invalid_value",
            )
        with self._lock:
            job = self.get(job_id)
            self._advance(job)
            if job.status != "completed":
                raise ApiError(
                    400,
                    f"Video '{job.id}' is {job.status}; content is only "
                    "available for completed videos.",
                    code="video_not_ready",
                )
            if job.expires_at is not None and job.expires_at <= self._wall():
                raise ApiError(
                    410,
                    f"The content of video '{job.id}' expired at {job.expires_at}.",
                    code="video_expired",
                )
            if job.render is None:
                if self._renderer is None:
                    raise ApiError(503, "The simulator is shutting down.", type_="server_error")
                job.render = self._renderer.submit(job)
            future = job.render
        video = future.result()
        if variant == "video":
            return video
        assert self._renderer is not None
        with job.lock:
            return self._renderer.variant(job, video, variant)

    def open_content(self, job_id: str, variant: str) -> tuple[BinaryIO, int]:
        """An open file of a job's content, and its size.

        A DELETE may race a download: it drops the job, then unlinks its files, while the
        download may be between finding the path and opening it, or rendering a thumbnail
        from a video that just went. Either way the answer is the API's 404 (the job is gone)
        or the bytes (a file once open stays readable after the unlink), never a 500.
        """
        from ..render import RenderError

        try:
            path = self.content_path(job_id, variant)
            fh = path.open("rb")
        except (OSError, RenderError):
            self.get(job_id)  # the API's 404 when a DELETE took the job meanwhile
            raise
        with self._lock:
            gone = job_id not in self._jobs
        if gone:  # rendered after the DELETE swept the folder: serve it, leave nothing
            path.unlink(missing_ok=True)
        return fh, os.fstat(fh.fileno()).st_size

    # ------------------------------------------------------------ the clock

    def _advance(self, job: SimJob) -> None:
        """Move a job along its clock (called under the lock whenever it is looked at)."""
        if job.done:
            return
        if self.per_poll is not None:
            fraction = job.polls * self.per_poll / 100
        elif self.job_seconds <= 0:
            fraction = 1.0
        else:
            fraction = (self.clock() - job.started) / self.job_seconds
        if fraction >= 1.0:
            if job.id in self._failing:
                job.status = "failed"
                job.error = {"code": "internal_error", "message": self._failing[job.id]}
                job.completed_at = self._wall()
                return
            if job.refuse:
                job.status, job.error = (
                    "failed",
                    {
                        "code": "moderation_blocked",
                        "message": "Your request was blocked by our moderation system.",
                    },
                )
                job.completed_at = self._wall()
                return
            if job.render is not None and not job.render.done():
                job.status, job.progress = "in_progress", 99
                return
            if job.render is not None and job.render.exception() is not None:
                job.status, job.error = (
                    "failed",
                    {"code": "internal_error", "message": "The video could not be rendered."},
                )
                job.completed_at = self._wall()
                log.warning("animatic render failed for %s: %s", job.id, job.render.exception())
                return
            job.status, job.progress, job.completed_at = "completed", 100, self._wall()
            job.expires_at = (
                job.completed_at - 1 if job.expire else (job.completed_at + self.content_ttl)
            )
        elif fraction < 0.1:
            job.status, job.progress = "queued", 0
        else:
            job.status, job.progress = "in_progress", max(1, min(99, int(fraction * 100)))
