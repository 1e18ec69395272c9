"""The simulator's job store: the Videos API's operations on its jobs, and their clock.

Kept apart from ``simulator`` (the server's lifecycle, its key and its fault switches) and
``_sim_handler`` (HTTP routing and bodies): this is what the API *does* with a job, from
create through remix/extend/edit, list, delete and content, and how a job moves
queued -> in_progress -> completed on its clock. ``Simulator`` inherits it; the attributes
it reads are set in ``Simulator.__init__``.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from ._sim_state import (
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
    missing,
    new_id,
    now,
)
from .faults import Fault, FaultConfig

__all__ = ["SimJobs"]

log = logging.getLogger("sorafilm_nb.backends.simulator")


class SimJobs:
    """The job store the embedded Videos API serves (see ``Simulator`` for the parameters)."""

    job_seconds: float
    per_poll: int | None
    faults: FaultConfig
    refuse_marker: str
    refuse_pattern: re.Pattern[str] | None
    render: bool
    content_ttl: int
    clock: Callable[[], float]
    skew: float
    snapshots: dict[str, str]
    _jobs: dict[str, SimJob]
    _seq: int
    _listed_from: dict[str, float]
    _failing: dict[str, str]
    _lock: threading.RLock
    _rng: random.Random
    _renderer: Renderer | None

    def jobs(self) -> list[dict[str, Any]]:
        """Every job's Video object, oldest first (for tests: 'exactly one job exists')."""
        with self._lock:
            items = sorted(self._jobs.values(), key=lambda j: j.seq)
            for job in items:
                self._advance(job)
            return [job.public() for job in items]

    def _wall(self) -> int:
        """The server's wall clock in unix seconds (ours plus ``skew``)."""
        return now() + round(self.skew)

    def expire(self, job_id: str) -> None:
        """Make a job's content expire now (its expires_at moves into the past)."""
        with self._lock:
            job = self._jobs[job_id]
            job.expire = True
            if job.expires_at is not None:
                job.expires_at = self._wall() - 1

    def fire(self, name: str, op: str) -> bool:
        """Whether fault ``name`` fires for this request (consumes one count if so)."""
        fault: Fault = getattr(self.faults, name)
        with self._lock:
            return fault.draw(op, self._rng)

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
            raise missing("video", f"{what} needs the id of a completed video")
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
