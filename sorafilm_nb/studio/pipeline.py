"""The per-shot pipeline: create -> poll -> download -> settle, on a bounded thread pool.

Why it is shaped like this (see DESIGN.md, "The Videos API"):

- ``create`` is sent once. A 429 is unambiguous (nothing was created) and is retried after
  Retry-After; anything else that leaves the outcome unknown marks the shot ``unknown`` with
  its reservation held, for ``resume()`` to look for the job (see ``reconcile``).
- The job id is attached to the reservation and written to manifest.json the moment create
  returns, so a kernel killed at any later point leaves enough for ``resume()`` to keep
  polling that job instead of paying for it twice.
- Polling honours the server's ``openai-poll-after-ms`` hint, backs off exponentially
  (capped) without one, and has an overall timeout: the SDK's own ``poll()`` has none. An
  expired or vanished job is a reported state, never a hang. One 429 pauses every worker.
- Files come from our own shot ids, never from a string the server sent (folder.inside()).
- A shot that starts from another shot's frame (continuity: the look, or chain mode) waits
  for that shot to finish in this run first (``continuity.conditioning``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ..backends.base import (
    AuthError,
    BackendError,
    ContentExpired,
    InvalidRequest,
    Job,
    NotFound,
    NotSupported,
    OutcomeUnknown,
    RateLimited,
    RefusedPrompt,
)
from ..errors import LedgerError
from ..redact import redact
from .booking import Booking
from .continuity import conditioning
from .folder import (
    COMPLETED,
    EXPIRED,
    FAILED,
    LOST,
    REFUSED,
    REJECTED,
    SUBMITTING,
    ShotResult,
    inside,
    sha256_file,
)
from .state import RunState

if TYPE_CHECKING:
    from ..render import MediaInfo

log = logging.getLogger(__name__)

__all__ = ["ShotPipeline"]

MODERATION = "moderation_blocked"
UNKNOWN = "unknown"
OUTCOME_UNKNOWN = "outcome_unknown"  # error_code: a create was sent, its answer lost
REUSED_ID = "job_id_reused"  # error_code: the server answered with an id the ledger holds
# A simulated job the server no longer knows (``_vanished``): what happened, and what to do.
SIMULATOR_LOST = (
    "the simulator no longer has this job: an embedded simulator's jobs die with the process "
    "that ran it, by a kill, a crash or Ctrl-C; resume --retry renders the shot again, at no "
    "cost on a simulator"
)


class _Stopped(Exception):
    """Studio.close() was called, or the run interrupted, while a shot was waiting."""


class _RateGate:
    """A shared 'not before' time: one 429 pauses every worker, not just the one that got it."""

    def __init__(self, stop: threading.Event) -> None:
        self._lock = threading.Lock()
        self._until = 0.0
        self._stop = stop

    def block(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)

    def wait(self) -> None:
        while True:
            with self._lock:
                delay = self._until - time.monotonic()
            if delay <= 0:
                return
            if self._stop.wait(delay):
                raise _Stopped()


class ShotPipeline(Booking):
    """Runs shots that are reserved (see the module docstring)."""

    concurrency: int
    poll_timeout: float
    max_poll_interval: float
    min_poll_interval: float
    _stop: threading.Event
    _closed: bool
    _gate: _RateGate
    # what probe read from each downloaded clip, by its sha256 (the manifest pins each file by
    # it): the stitch reuses it instead of running ``ffmpeg -i`` on every clip a second time
    _media: dict[str, MediaInfo]

    def _execute(self, run: RunState, indices: Iterable[int]) -> None:
        """Run the shots on a bounded pool. An interrupt (Ctrl-C, the notebook's stop button)
        stops every wait at once and leaves each shot where it stands, job ids recorded, for
        resume(); shots not started keep their reservation and are reconciled there."""
        indices = list(indices)
        if not indices:
            return
        # set when a shot's work in this run ends: a shot starting from its frame waits on it
        run.finished = {i: threading.Event() for i in indices}
        pool = ThreadPoolExecutor(
            max_workers=min(self.concurrency, len(indices)), thread_name_prefix="sorafilm-shot"
        )
        try:
            futures = [pool.submit(self._shot, run, i) for i in indices]
            for future in futures:
                future.result()
        except BaseException:
            self._stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            if not self._closed:
                self._stop.clear()
            raise
        finally:
            pool.shutdown(wait=True)

    def _shot(self, run: RunState, index: int) -> None:
        try:
            self._shot_work(run, index)
        finally:
            run.finished[index].set()

    def _shot_work(self, run: RunState, index: int) -> None:
        run.start(index)
        try:
            job: Job | None = None
            if run.shots[index].job_id is None:
                job = self._create(run, index)
                if job is None:
                    return
            job = self._poll(run, index)
            if job is not None:
                self._download(run, index, job)
        except _Stopped:
            run.update(index, error="interrupted; resume() picks it up")
        except Exception as exc:  # a bug or an unexpected error: keep the money safe
            log.exception("%s: unexpected error", run.shots[index].shot_id)
            sent = run.shots[index].job_id is None  # a create may have gone out: held
            error = f"{type(exc).__name__}: {exc}; resume() picks it up"
            if sent:
                run.update(index, status=UNKNOWN, error=error, error_code=OUTCOME_UNKNOWN)
                self._hold_reservation(run, index, str(run.shots[index].error))
            else:
                run.update(index, status=UNKNOWN, error=error)

    def _wait(self, seconds: float) -> None:
        if self._stop.wait(max(0.0, seconds)):
            raise _Stopped()

    def _rate_limited(self, run: RunState, index: int, exc: RateLimited, fallback: float) -> None:
        delay = exc.retry_after if exc.retry_after is not None else fallback
        delay = min(max(delay, 0.0), self.max_poll_interval * 3)
        self._gate.block(delay)
        run.emit(index, status="rate_limited", message=f"rate limited; waiting {delay:.1f} s")

    def _create(self, run: RunState, index: int) -> Job | None:
        shot = run.shots[index]
        backoff = self.min_poll_interval
        deadline = time.monotonic() + self.poll_timeout
        try:
            images = conditioning(self, run, index)  # {}, first_frame= or reference_images=
        except _Stopped:
            raise
        except Exception as exc:  # a frame that cannot be made: nothing sent yet, go without
            log.warning("%s: no continuity frame: %s", shot.shot_id, exc)
            run.emit(index, message=f"continuity: no frame ({type(exc).__name__}); sent without")
            images = {}
        if self._silent(run, shot.model):  # the plan's --no-audio, where the model can
            images["generate_audio"] = False
        while True:
            self._gate.wait()
            # Saved before the request leaves: if this process dies before the answer is
            # recorded, resume() treats the shot as a create of unknown outcome, never as
            # one that was not sent.
            run.update(index, status=SUBMITTING, message="sending the create")
            try:
                job = self.backend.create(
                    prompt=shot.prompt,
                    model=shot.model,
                    seconds=shot.seconds,
                    size=shot.size,
                    **images,  # image conditioning, and generate_audio=False for no audio
                )
                break
            except RateLimited as exc:  # a 429 created nothing: retrying is safe
                if time.monotonic() > deadline:
                    run.update(index, status="unknown", error=f"still rate limited: {exc}")
                    return None
                self._rate_limited(run, index, exc, backoff)
                backoff = min(backoff * 2, self.max_poll_interval)
            except RefusedPrompt as exc:
                self._release(self._reservation(run, index), f"refused at create: {exc}")
                run.update(index, status=REFUSED, error=str(exc), error_code=exc.code)
                return None
            except (InvalidRequest, AuthError, NotSupported) as exc:  # nothing was sent
                self._release(self._reservation(run, index), f"rejected: {exc}")
                code = getattr(exc, "param", None)
                run.update(
                    index,
                    status=REJECTED,
                    error=str(exc),
                    error_code=f"invalid:{code}" if code else type(exc).__name__,
                )
                return None
            except BackendError as exc:  # ambiguous: the job may exist; never create again
                self._outcome_unknown(run, index, exc)
                return None
        try:
            self._attach(self._reservation(run, index), job.id)
        except LedgerError as exc:
            self._reused_id(run, index, job, exc)
            return None
        run.update(
            index, job_id=job.id, status=job.status, progress=job.progress, message="submitted"
        )
        return job

    def _outcome_unknown(self, run: RunState, index: int, exc: BackendError) -> None:
        """A create was sent and its answer lost: the job may exist and bill. The shot is
        held ``unknown`` with its reservation (never released here); resume() looks for the
        job again, and only resume(retry_unknown=True) sends the create again."""
        lost = exc.lost if isinstance(exc, OutcomeUnknown) else None
        where = f"; look for it at {lost.where}" if lost is not None and lost.where else ""
        run.update(
            index,
            status=UNKNOWN,
            error_code=OUTCOME_UNKNOWN,
            error=f"create sent, outcome unknown ({exc}){where}; its reservation is held. "
            "resume() looks for the job again; resume(retry_unknown=True) "
            "(sorafilm resume --retry-unknown) sends it again",
        )
        self._hold_reservation(run, index, str(run.shots[index].error))

    def _reused_id(self, run: RunState, index: int, job: Job, exc: LedgerError) -> None:
        """The server answered a create with a job id the ledger already holds for another
        reservation. The new job may be real and billed: its id is recorded in the manifest
        and flagged, the ledger's old record is left as it is (never overwritten or settled
        through this shot), and this shot's reservation stays held for a person to settle."""
        log.error(
            "%s: job id %s is already in the ledger: %s", run.shots[index].shot_id, job.id, exc
        )
        run.update(
            index,
            job_id=job.id,
            status=UNKNOWN,
            error_code=REUSED_ID,
            error=f"the server answered with job id {job.id}, which the ledger already holds "
            f"for another reservation ({exc}); the old record is kept and this shot's "
            "reservation stays held: check the job with the provider",
        )

    def _poll(self, run: RunState, index: int) -> Job | None:
        job_id = run.shots[index].job_id
        assert job_id is not None
        deadline = time.monotonic() + self.poll_timeout
        backoff = self.min_poll_interval
        while True:
            self._gate.wait()
            try:
                job = self.backend.retrieve(job_id)
            except RateLimited as exc:  # the overall timeout holds here too
                if time.monotonic() > deadline:
                    run.update(
                        index,
                        status="timeout",
                        error=f"still rate limited after {self.poll_timeout:.0f} s "
                        f"({exc}); resume() keeps polling it",
                    )
                    return None
                self._rate_limited(run, index, exc, backoff)
                backoff = min(backoff * 2, self.max_poll_interval)
                continue
            except NotFound as exc:
                self._vanished(run, index, f"the job is unknown to the server: {exc}")
                return None
            except (AuthError, InvalidRequest) as exc:  # retrying will not help; the job may
                run.update(
                    index,
                    status="unknown",  # still bill, so its reservation stays
                    error=f"cannot poll: {exc}; fix it, then resume()",
                )
                return None
            except BackendError as exc:  # server error, dropped connection: keep polling
                if time.monotonic() > deadline:
                    run.update(index, status="timeout", error=f"gave up polling: {exc}")
                    return None
                run.emit(index, message=f"retrying after: {exc}")
                self._wait(backoff)
                backoff = min(backoff * 2, self.max_poll_interval)
                continue
            if job.status in ("queued", "in_progress"):
                if job.status != run.shots[index].status:
                    run.update(index, status=job.status, progress=job.progress)
                else:
                    run.update(index, progress=job.progress)
            if job.status == COMPLETED:
                return job
            if job.status == "failed":
                self._failed(run, index, job)
                return None
            now = time.monotonic()
            if now >= deadline:
                run.update(
                    index,
                    status="timeout",
                    error=f"not finished after {self.poll_timeout:.0f} s; "
                    "resume() keeps polling it",
                )
                return None
            if job.poll_after_ms:
                wait = job.poll_after_ms / 1000
            else:
                wait = backoff
                backoff = min(backoff * 2, self.max_poll_interval)
            self._wait(min(max(wait, 0.01), self.max_poll_interval, deadline - now))

    def _failed(self, run: RunState, index: int, job: Job) -> None:
        code = redact(job.error_code or "failed")  # server text: scrubbed before it is kept
        reason = redact(f"{code}: {job.error_message or 'the job failed'}")
        refused = code == MODERATION
        billed = self._ledger_fail(
            job.id, reason, refused=refused, billed=self._failure_cost(run.shots[index].estimated)
        )
        run.update(
            index,
            status=REFUSED if refused else FAILED,
            error=reason,
            error_code=code,
            billed=billed,
        )

    def _vanished(self, run: RunState, index: int, reason: str) -> None:
        """The server no longer knows the job. Whether it was billed cannot be known, so it is
        booked at its estimate: the budget may overstate spend, never understate it.

        Not in a sandbox ledger (a simulated film): there the answer is known. Its jobs cost
        nothing, and the sandbox records what the film would cost on the real API, where an
        interrupted film's jobs live on and resume downloads them; a simulated job vanishes
        because its simulator stopped (the embedded one ends with the run that started it).
        Booked at its estimate, Ctrl-C then `resume --retry` recorded every lost shot twice.

        The shot says so in those words (SIMULATOR_LOST): a new user read the simulator's
        "retrieve video_...: not found (HTTP 404, request req_...)" after a kill -9 as a
        fault. The server's text stays in the ledger's reason."""
        shot = run.shots[index]
        simulated = bool(getattr(self.ledger, "sandbox", False))
        billed = self._ledger_fail(
            shot.job_id,
            f"vanished: {reason}" + ("; simulated, so nothing billed" if simulated else ""),
            refused=False,
            billed=None if simulated else shot.estimated,
        )
        said = SIMULATOR_LOST if simulated else reason
        run.update(index, status=LOST, error=said, error_code="not_found", billed=billed)

    def _download(self, run: RunState, index: int, job: Job) -> None:
        shot = run.update(index, status="downloading", progress=100)
        dest = inside(run.out_dir, f"{shot.shot_id}.mp4")
        backoff = self.min_poll_interval
        for attempt in range(4):
            self._gate.wait()
            try:
                self.backend.download(job.id, dest)
                break
            except RateLimited as exc:
                self._rate_limited(run, index, exc, backoff)
            except (ContentExpired, NotFound) as exc:
                # The job completed, so it was billed: settle it (the ledger first, so a crash
                # in between leaves an open job for resume(), never an unbilled final state),
                # then say the file is gone.
                self._settle(run, index, job)
                run.update(
                    index,
                    status=EXPIRED,
                    error=f"completed but not downloadable: {exc}",
                    error_code="expired",
                )
                return
            except BackendError as exc:
                if attempt == 3:
                    run.update(
                        index,
                        status="downloading",
                        error=f"download failed: {exc}; resume() retries it",
                    )
                    return
                run.emit(index, message=f"download retry after: {exc}")
                self._wait(backoff)
            backoff = min(backoff * 2, self.max_poll_interval)
        if not dest.is_file() or dest.stat().st_size == 0:
            run.update(
                index, status="downloading", error="the download left no file; resume() retries it"
            )
            return
        from ..render import RenderError, probe

        try:
            info: MediaInfo | None = probe(dest)
        except RenderError:  # recorded as an unknown duration; the stitch reports the file
            info = None
        digest = sha256_file(dest)
        if info is not None:
            self._media[digest] = info
        run.update(
            index,
            status=COMPLETED,
            file=dest.name,
            sha256=digest,
            duration_s=None if info is None else info.duration,
            frame=None if info is None else f"{info.width}x{info.height}",
            error=None,
            error_code=None,
            progress=100,
        )
        self._settle(run, index, job)

    @staticmethod
    def _file_ok(folder: Path, shot: ShotResult) -> bool:
        if not shot.file or not shot.sha256:
            return False
        path = inside(folder, shot.file)
        return path.is_file() and sha256_file(path) == shot.sha256
