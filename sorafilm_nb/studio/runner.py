"""The studio: a Plan becomes a film. Reserve → create → attach → poll → download → settle.

Why it is shaped like this (see DESIGN.md, "Money is never at risk" and "The Videos API"):

- Every shot's estimated cost is reserved in the ledger *before* any API call, and all of a
  run's reservations are made before the first create: a budget that cannot pay for the whole
  film stops the run with nothing spent, rather than leaving half a film paid for.
- The job id is attached to the reservation and written to manifest.json the moment create
  returns, so a kernel killed at any later point leaves enough behind for `resume()` to keep
  polling that job instead of paying for it twice. A kill between reserve and attach leaves a
  reservation without a job id: `resume()` looks for the job with `list()` before it ever
  creates again.
- `create` is never retried blindly. A 429 is unambiguous (nothing was created) and is
  retried after Retry-After; a server error or dropped connection is ambiguous, and the backend
  has already looked in `list()`, so the shot is left pending for `resume()` to reconcile.
- Polling honours the server's `openai-poll-after-ms` hint, backs off exponentially (capped)
  without one, and has an overall timeout: the SDK's own `poll()` has none. An expired or
  vanished job is a reported state, never a hang.
- Files come from our own shot ids, never from a string the server sent (film.inside()).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..backends.base import (
    AuthError,
    BackendError,
    ContentExpired,
    InvalidRequest,
    Job,
    NotFound,
    RateLimited,
    RefusedPrompt,
    VideoBackend,
)
from ..errors import LedgerError, PlanError
from ..money.prices import Cost, PriceError, PriceTable
from .folder import (
    COMPLETED,
    EXPIRED,
    FAILED,
    FILM,
    FINAL_STATES,
    LOST,
    REFUSED,
    REJECTED,
    REPORT,
    Film,
    FilmError,
    ShotResult,
    atomic_write_text,
    film_from_manifest,
    folder_lock,
    inside,
    jsonable,
    manifest_dict,
    read_manifest,
    report_markdown,
    sha256_file,
    shots_from_manifest,
    write_manifest,
)

if TYPE_CHECKING:
    from ..money.ledger import Ledger
    from ..story.planning import Plan

log = logging.getLogger(__name__)

__all__ = ["ShotProgress", "Studio"]

MODERATION = "moderation_blocked"
SIMULATOR = "simulator"  # the backend name of every simulated run (OpenAIBackend.for_simulator)
# The stitched film may differ from the sum of its clips by container rounding (10 ms per
# clip as ffmpeg prints it); anything more means a clip was dropped or cut.
DURATION_TOLERANCE_S = 0.1
# How far the server's clock may lag ours when resume() matches a job to a reservation by
# created_at (as the backend's lookup_window): missing the job would pay for the shot twice;
# a wider window only risks adopting an identical, unclaimed job, which is paid for anyway.
CLOCK_SKEW_S = 60


@dataclass(frozen=True)
class ShotProgress:
    """One change in one shot's state, sent to on_progress (the notebook bars, the CLI bars).

    status: reserved, queued, in_progress, rate_limited, downloading, completed, failed,
    refused, rejected, expired, lost, timeout, unknown.
    """

    shot_id: str
    index: int
    status: str
    progress: int  # 0-100
    elapsed_s: float
    job_id: str | None
    message: str = ""


ProgressCallback = Callable[[ShotProgress], None]


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


class _Run:
    """The state of one run, resume or rerun: the shots, the manifest, the progress events.

    Every change goes through update(), which rewrites manifest.json atomically and emits a
    ShotProgress, under one lock, so the manifest on disk is never behind a reported state.
    """

    def __init__(
        self,
        *,
        out_dir: Path,
        plan_id: str,
        plan_json: Any,
        shots: list[ShotResult],
        backend: str,
        on_progress: ProgressCallback | None,
        notes: Sequence[str] = (),
    ) -> None:
        self.out_dir = out_dir
        self.plan_id = plan_id
        self.plan_json = plan_json
        self.shots = shots
        self.backend = backend
        self.notes: list[str] = list(notes)
        self.film: str | None = None
        self.film_duration: float | None = None
        self.progress = [100 if s.status == COMPLETED else 0 for s in shots]
        self._on_progress = on_progress
        self._lock = threading.RLock()
        self._started = [time.monotonic()] * len(shots)
        self._last: list[tuple[str, int, str | None, str] | None] = [None] * len(shots)

    def start(self, index: int) -> None:
        self._started[index] = time.monotonic()

    def save(self) -> None:
        with self._lock:
            write_manifest(
                self.out_dir,
                manifest_dict(
                    plan_id=self.plan_id,
                    plan=self.plan_json,
                    shots=self.shots,
                    backend=self.backend,
                    film=self.film,
                    film_duration_s=self.film_duration,
                    notes=self.notes,
                ),
            )

    def update(
        self,
        index: int,
        *,
        progress: int | None = None,
        message: str = "",
        save: bool = True,
        **changes: Any,
    ) -> ShotResult:
        with self._lock:
            shot = replace(self.shots[index], **changes) if changes else self.shots[index]
            self.shots[index] = shot
            if progress is not None:
                self.progress[index] = max(0, min(100, int(progress)))
            if shot.status == COMPLETED:
                self.progress[index] = 100
            if changes and save:
                self.save()
            self.emit(index, message=message or shot.error or "")
            return shot

    def emit(self, index: int, *, status: str | None = None, message: str = "") -> None:
        with self._lock:
            shot = self.shots[index]
            status = status or shot.status
            key = (status, self.progress[index], shot.job_id, message)
            if key == self._last[index] or self._on_progress is None:
                return
            self._last[index] = key
            event = ShotProgress(
                shot_id=shot.shot_id,
                index=shot.index,
                status=status,
                progress=self.progress[index],
                elapsed_s=round(time.monotonic() - self._started[index], 3),
                job_id=shot.job_id,
                message=message,
            )
            try:
                self._on_progress(event)
            except Exception:  # a broken progress bar must not lose a paid job
                log.exception("on_progress raised; ignored")


class Studio:
    """Turns Plans into films on a VideoBackend, with every cent reserved in a Ledger first.

    Studio() with no arguments starts an embedded simulator (no key, no network) and books its
    jobs in the sandbox ledger (ledger.default_path(simulator=True)); with any other backend
    and no ledger given, the default ledger file. `close()` (or a with-block) stops the
    simulator it started.
    """

    def __init__(
        self,
        backend: VideoBackend | None = None,
        ledger: Ledger | None = None,
        *,
        concurrency: int = 2,
        poll_timeout: float = 1800.0,
        max_poll_interval: float = 20.0,
        min_poll_interval: float = 0.25,
        prices: PriceTable | None = None,
        purpose: str = "film",
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if poll_timeout <= 0 or max_poll_interval <= 0 or min_poll_interval <= 0:
            raise ValueError("poll_timeout and the poll intervals must be positive")
        self._simulator: Any = None
        self._finalizer: weakref.finalize | None = None
        if backend is None:
            from ..backends.openai_api import OpenAIBackend
            from ..backends.simulator import Simulator

            self._simulator = Simulator().start()
            backend = OpenAIBackend.for_simulator(self._simulator)
            self._finalizer = weakref.finalize(self, self._simulator.stop)
        if ledger is None:
            from ..backends.base import is_simulated
            from ..money.ledger import Ledger

            # Simulated jobs cost nothing: they are booked in the sandbox ledger, never
            # against the real month's budget.
            ledger = Ledger.for_run(simulated=is_simulated(backend))
        self.backend: VideoBackend = backend
        self.ledger = ledger
        self.concurrency = concurrency
        self.poll_timeout = float(poll_timeout)
        self.max_poll_interval = float(max_poll_interval)
        self.min_poll_interval = min(float(min_poll_interval), self.max_poll_interval)
        self.prices = prices if prices is not None else PriceTable.load()
        self.purpose = purpose
        self._stop = threading.Event()
        self._closed = False
        self._gate = _RateGate(self._stop)
        self._ledger_lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop waiting and stop the embedded simulator, if this Studio started one."""
        self._closed = True
        self._stop.set()
        if self._finalizer is not None:
            self._finalizer()  # stops the simulator once, however often close() is called
            self._finalizer = None
            self._simulator = None

    def __enter__(self) -> Studio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # the backend's repr never shows a key (its own contract)
        return (
            f"Studio(backend={getattr(self.backend, 'name', type(self.backend).__name__)}, "
            f"concurrency={self.concurrency})"
        )

    @property
    def backend_name(self) -> str:
        return str(getattr(self.backend, "name", type(self.backend).__name__))

    # -- public steps ----------------------------------------------------------------------

    def run(
        self,
        plan: Plan,
        out_dir: str | Path,
        on_progress: ProgressCallback | None = None,
    ) -> Film:
        """Make the film of plan in out_dir. Raises BudgetExceeded with nothing spent.

        Running again on a folder that already holds this plan resumes it (a re-run notebook
        cell never pays twice); a folder holding another plan is refused.
        """
        if plan.blocked:
            errors = [f.message for f in plan.findings if f.severity == "error"]
            raise PlanError(
                "the plan has blocking findings, nothing was submitted: " + "; ".join(errors)
            )
        folder = Path(out_dir)
        with folder_lock(folder):
            return self._run(plan, folder, on_progress)

    def _run(self, plan: Plan, folder: Path, on_progress: ProgressCallback | None) -> Film:
        if (folder / "manifest.json").exists():
            existing = read_manifest(folder)
            if existing["plan_id"] == plan.id:
                return self._resume(folder, on_progress)
            if not self._untouched(existing):
                raise FilmError(
                    f"{folder} already holds the film of plan {existing['plan_id']}; "
                    "choose an empty folder, or resume that one (nothing was "
                    "submitted)"
                )
        shots = self._shots_of(plan)
        plan_json = plan.to_dict() if hasattr(plan, "to_dict") else jsonable(plan)
        run = _Run(
            out_dir=folder,
            plan_id=plan.id,
            plan_json=plan_json,
            shots=shots,
            backend=self.backend_name,
            on_progress=on_progress,
        )
        run.save()  # the plan is on disk before any reservation: a crash from here resumes
        self._reserve_all(run, range(len(shots)))
        self._execute(run, range(len(shots)))
        return self._finish(run)

    def _untouched(self, manifest: dict[str, Any]) -> bool:
        """A folder whose plan never got past planning (say, over budget): safe to reuse."""
        shots = manifest.get("shots") or []
        if any(
            not isinstance(s, dict)
            or s.get("status") != "planned"
            or s.get("job_id")
            or s.get("reservation_id")
            for s in shots
        ):
            return False
        return not any(getattr(r, "plan_id", None) == manifest["plan_id"] for r in self._pending())

    def resume(self, out_dir: str | Path, on_progress: ProgressCallback | None = None) -> Film:
        """Finish a film folder after a crash or a restart, with no second create per shot.

        For each unfinished shot: a known job id is polled (never created again); a
        reservation without a job id is matched against list() (same prompt, model, size and
        seconds, created after the reservation) and attached, or released and created anew; a
        completed job whose file is missing is downloaded. Jobs that finished while nobody
        watched are settled once.
        """
        folder = Path(out_dir)
        read_manifest(folder)  # a clear error for a folder that is not a film, before locking
        with folder_lock(folder):
            return self._resume(folder, on_progress)

    def _same_world(self, folder: Path, data: dict[str, Any]) -> None:
        """Refuse a folder made on the simulator when this Studio talks to a paid API, and
        the other way round.

        The two book in different ledgers and know different job ids: resuming a real film on
        a fresh simulator would mark its paid, still-running jobs lost (and never download
        them), and resuming a simulated film on the real API would pay for every shot again.
        """
        made_on = data.get("backend")
        if not isinstance(made_on, str) or not made_on:
            return
        if (made_on == SIMULATOR) != (self.backend_name == SIMULATOR):
            how = (
                "on the simulator (no --real)"
                if made_on == SIMULATOR
                else "on that API (sorafilm resume --real, or its --base-url)"
            )
            raise FilmError(
                f"{folder} was made on {made_on!r}, not {self.backend_name!r}; "
                f"resume it {how}. Nothing was changed or submitted."
            )

    def _same_ledger(self, folder: Path, shots: Sequence[ShotResult]) -> None:
        """Refuse a folder whose reservations this ledger has never seen.

        Its jobs were reserved in another ledger file: finishing them here would settle
        nothing (the spend goes unrecorded) and leave the other ledger's reservations holding
        its budget for ever.
        """
        ids = [s.reservation_id for s in shots if s.reservation_id]
        if not ids:
            return
        with self._ledger_lock:
            unknown = [rid for rid in ids if self.ledger.reservation(rid) is None]
        if unknown:
            where = getattr(self.ledger, "path", "this ledger")
            raise FilmError(
                f"{folder} was reserved in another ledger: {len(unknown)} of its "
                f"reservations are not in {where}; resume it with the ledger that "
                "made it (--ledger PATH, or Studio(backend, Ledger(path))). "
                "Nothing was changed or submitted."
            )

    def _resume(self, folder: Path, on_progress: ProgressCallback | None) -> Film:
        data = read_manifest(folder)
        self._same_world(folder, data)
        shots = shots_from_manifest(folder, data)
        self._same_ledger(folder, shots)
        _sweep_leftovers(folder)
        run = _Run(
            out_dir=folder,
            plan_id=data["plan_id"],
            plan_json=data.get("plan"),
            shots=shots,
            backend=self.backend_name,
            on_progress=on_progress,
            notes=[n for n in data.get("notes") or () if "resume" not in n],
        )
        pending = [r for r in self._pending() if getattr(r, "plan_id", None) == run.plan_id]
        by_job = {r.job_id: r for r in pending if getattr(r, "job_id", None)}
        unattached = [r for r in pending if not getattr(r, "job_id", None)]
        known_jobs = {s.job_id for s in shots if s.job_id}
        claimed: set[str] = set(known_jobs)
        listing: list[Job] | None = None
        todo: list[int] = []
        fresh: list[int] = []
        for i, shot in enumerate(shots):
            if shot.status == COMPLETED and self._file_ok(folder, shot):
                if shot.job_id in by_job:  # killed between the download and the settle
                    by_job.pop(shot.job_id)
                    self._settle(run, i, None)
                continue
            if shot.status in FINAL_STATES and shot.status != COMPLETED:
                if shot.job_id in by_job:  # killed between the manifest and the ledger
                    by_job.pop(shot.job_id)
                    if shot.status == EXPIRED:  # it completed, so it was billed
                        self._settle(run, i, None)
                    else:
                        self._ledger_fail(
                            shot.job_id,
                            shot.error or shot.status,
                            refused=shot.status == REFUSED,
                            billed=shot.billed,
                        )
                continue
            if shot.job_id is None:
                attached = [
                    r
                    for r in by_job.values()
                    if getattr(r, "shot", None) == shot.shot_id and r.job_id not in known_jobs
                ]
                if attached:  # killed between the ledger's attach and the manifest write
                    run.update(
                        i,
                        job_id=attached[0].job_id,
                        reservation_id=str(attached[0].id),
                        status="queued",
                    )
                    claimed.add(attached[0].job_id)
            if run.shots[i].job_id is not None:
                if run.shots[i].status == COMPLETED:  # the file is gone or altered
                    run.update(i, status="downloading", file=None, sha256=None, progress=100)
                todo.append(i)
                continue
            # The manifest's own reservation when it names one; otherwise any left by a crash
            # before the manifest recorded it (same plan, same shot).
            mine = [
                r
                for r in unattached
                if getattr(r, "shot", None) == shot.shot_id
                and (shot.reservation_id is None or str(r.id) == shot.reservation_id)
            ]
            reservation = mine[0] if mine else None
            if reservation is not None:
                unattached.remove(reservation)
            elif shot.reservation_id and shot.status != "planned":
                # Released meanwhile (say, as stale) though a create may have been sent: still
                # look before creating; attaching a found job re-opens the reservation.
                with self._ledger_lock:
                    old = self.ledger.reservation(shot.reservation_id)
                if old is not None and old.status == "released" and not old.job_id:
                    reservation = old
            if reservation is not None:
                if listing is None:
                    listing = self._list_all()
                job = self._adopt(
                    reservation, self._match(listing, run.shots[i], reservation, claimed), claimed
                )
                if job is not None:
                    run.update(
                        i,
                        job_id=job.id,
                        reservation_id=str(reservation.id),
                        status=job.status,
                        progress=job.progress,
                        message="found the job with list() after a crash",
                    )
                    todo.append(i)
                    continue
                self._release(reservation, "resume: no job was found for this reservation")
            run.update(i, status="planned", reservation_id=None, error=None, progress=0)
            fresh.append(i)
        # A rerun killed between its reservations and its manifest write leaves reservations
        # for shots the manifest still calls final. No create was sent for them (the rerun
        # sends only after the manifest names them), so they are released, with a reason.
        done = {s.shot_id for s in shots if s.status in FINAL_STATES}
        for reservation in unattached:
            if getattr(reservation, "shot", None) in done:
                self._release(
                    reservation, "resume: reserved by a rerun that stopped before it sent anything"
                )
        if fresh:
            for i in fresh:
                self._at_least_list_price(run, i)
            self._reserve_all(run, fresh)
        self._execute(run, sorted(todo + fresh))
        return self._finish(run)

    def rerun(
        self,
        film: Film | str | Path,
        shots: Iterable[str | int],
        *,
        model: str | None = "sora-2-pro",
        size: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Film:
        """Draft → final: re-render the chosen shots on another model, then re-stitch.

        shots are shot ids ("shot-03") or shot numbers as in the id (3). model=None keeps
        each shot's own model (a plain retry). Each gets a new reservation at the new price;
        the old attempt is kept in the shot's history, and its file is replaced only once the
        new one has been downloaded.
        """
        folder = film.out_dir if isinstance(film, Film) else Path(film)
        if isinstance(shots, (str, int)):
            shots = [shots]
        read_manifest(folder)
        with folder_lock(folder):
            return self._rerun(folder, list(shots), model, size, on_progress)

    def _rerun(
        self,
        folder: Path,
        shots: list[str | int],
        model: str | None,
        size: str | None,
        on_progress: ProgressCallback | None,
    ) -> Film:
        data = read_manifest(folder)
        self._same_world(folder, data)
        current = shots_from_manifest(folder, data)
        self._same_ledger(folder, current)
        _sweep_leftovers(folder)
        ids = {s.shot_id: i for i, s in enumerate(current)}
        chosen: list[int] = []
        for ref in shots:
            sid = f"shot-{ref:02d}" if isinstance(ref, int) else str(ref)
            if sid not in ids:
                raise FilmError(f"no shot {ref!r} in {folder}; shots: {', '.join(ids)}")
            if ids[sid] not in chosen:
                chosen.append(ids[sid])
        if not chosen:
            raise FilmError("rerun needs at least one shot")
        for i in chosen:
            if current[i].status not in FINAL_STATES:
                raise FilmError(
                    f"{current[i].shot_id} is still {current[i].status}: "
                    f"run resume({str(folder)!r}) first"
                )
        run = _Run(
            out_dir=folder,
            plan_id=data["plan_id"],
            plan_json=data.get("plan"),
            shots=current,
            backend=self.backend_name,
            on_progress=on_progress,
        )
        new_shots = {}
        for i in chosen:
            old = current[i]
            new_size = size or old.size
            new_model = model or old.model
            try:
                estimated = self.prices.cost(new_model, new_size, old.seconds)
            except PriceError as exc:
                raise FilmError(
                    f"cannot rerun {old.shot_id} on {new_model} at {new_size}: {exc}"
                ) from None
            past = {
                "job_id": old.job_id,
                "model": old.model,
                "size": old.size,
                "status": old.status,
                "sha256": old.sha256,
                "error": old.error,
                "billed_cents": None if old.billed is None else str(old.billed.cents),
            }
            new_shots[i] = replace(
                old,
                model=new_model,
                size=new_size,
                estimated=estimated,
                status="planned",
                job_id=None,
                reservation_id=None,
                billed=None,
                sha256=None,
                error=None,
                error_code=None,
                duration_s=None,
                history=(*old.history, past),
            )
        # Reserve before touching the manifest: over budget leaves the folder as it was.
        reservations = self._reserve_many(
            [new_shots[i] for i in chosen], run.plan_id, purpose="final" if model else "retry"
        )
        for i, reservation in zip(chosen, reservations, strict=True):
            current[i] = replace(
                new_shots[i], status="reserved", reservation_id=str(reservation.id)
            )
        run.film = None
        run.film_duration = None
        run.save()
        for i in chosen:
            run.update(i, progress=0)
        self._execute(run, chosen)
        return self._finish(run)

    # -- reservation -----------------------------------------------------------------------

    def _at_least_list_price(self, run: _Run, index: int) -> None:
        """A shot about to be created from a manifest is reserved at no less than its list
        price: the manifest is a file anyone may edit (or an old one may lack the estimate,
        which reads as zero), and a reservation below the price lets the job pass the budget.
        """
        shot = run.shots[index]
        try:
            listed = self.prices.cost(shot.model, shot.size, shot.seconds)
        except PriceError as exc:
            if shot.estimated.cents > 0:
                return  # the API will say whether it exists; the reservation holds the estimate
            raise FilmError(
                f"{shot.shot_id}: no estimate and no price for {shot.model} at "
                f"{shot.size} ({exc}); nothing was submitted"
            ) from None
        if listed.currency == shot.estimated.currency and listed.cents > shot.estimated.cents:
            run.update(index, estimated=listed, save=False)

    def _shots_of(self, plan: Plan) -> list[ShotResult]:
        prompts = {p.shot_index: p for p in plan.prompts}
        shots = []
        for n, shot in enumerate(plan.storyboard.shots):
            prompt = prompts.get(shot.index)
            if prompt is None:
                raise PlanError(f"the plan has no prompt for {shot.id}")
            estimated = (
                plan.costs[n]
                if n < len(plan.costs)
                else self.prices.cost(shot.model, shot.size, shot.seconds)
            )
            shots.append(
                ShotResult(
                    shot_id=shot.id,
                    index=shot.index,
                    status="planned",
                    job_id=None,
                    seconds=shot.seconds,
                    model=shot.model,
                    size=shot.size,
                    prompt=prompt.text,
                    estimated=estimated,
                    title=shot.title,
                    beat=shot.beat,
                )
            )
        return shots

    def _reserve_many(
        self, shots: Sequence[ShotResult], plan_id: str, *, purpose: str | None = None
    ) -> list[Any]:
        """One reservation per shot, all or none: over budget releases the ones made."""
        made: list[Any] = []
        try:
            for shot in shots:
                with self._ledger_lock:
                    made.append(
                        self.ledger.reserve(
                            shot.estimated,
                            purpose or self.purpose,
                            plan_id,
                            shot=shot.shot_id,
                            model=shot.model,
                            size=shot.size,
                            seconds=shot.seconds,
                        )
                    )
        except BaseException:
            for reservation in made:
                self._release(reservation, "another shot of the same run was over budget")
            raise
        return made

    def _reserve_all(self, run: _Run, indices: Iterable[int]) -> None:
        """Reserve every shot before any create, all or none. Each reservation id goes into
        the manifest as soon as the ledger has it, so a crash leaves nothing unnamed."""
        made: list[int] = []
        try:
            for i in indices:
                shot = run.shots[i]
                with self._ledger_lock:
                    reservation = self.ledger.reserve(
                        shot.estimated,
                        self.purpose,
                        run.plan_id,
                        shot=shot.shot_id,
                        model=shot.model,
                        size=shot.size,
                        seconds=shot.seconds,
                    )
                made.append(i)
                run.update(
                    i,
                    status="reserved",
                    reservation_id=str(reservation.id),
                    message=f"reserved {shot.estimated}",
                )
        except BaseException:
            for i in made:
                self._release(
                    run.shots[i].reservation_id, "another shot of the same run was over budget"
                )
                run.update(i, status="planned", reservation_id=None)
            raise

    # -- ledger calls (serialised: one connection may be shared by the worker threads) -----

    def _pending(self) -> list[Any]:
        with self._ledger_lock:
            return list(self.ledger.pending())

    def _attach(self, reservation: Any, job_id: str) -> None:
        with self._ledger_lock:
            self.ledger.attach(reservation, job_id, backend=self.backend_name)

    def _release(self, reservation: Any, reason: str) -> None:
        with self._ledger_lock:
            self.ledger.release(reservation, reason)

    def _reservation(self, run: _Run, index: int) -> Any:
        rid = run.shots[index].reservation_id
        if rid is None:
            raise FilmError(
                f"{run.shots[index].shot_id} has no reservation: nothing is submitted without one"
            )
        return rid

    def _open_in_ledger(self, job_id: str | None) -> bool:
        """Whether the ledger still holds this job open (a repeat after a crash must not
        charge or fail a job twice; the ledger refuses conflicting repeats)."""
        if not job_id:
            return False
        with self._ledger_lock:
            row = self.ledger.job_for(job_id)
        return row is not None and row.is_open

    def _settle(self, run: _Run, index: int, job: Job | None) -> None:
        shot = run.shots[index]
        billed = shot.billed or self._billed(shot, job)
        if self._open_in_ledger(shot.job_id):
            with self._ledger_lock:
                self.ledger.settle(shot.job_id, billed)
        run.update(index, billed=billed)

    def _ledger_fail(
        self, job_id: str | None, reason: str, *, refused: bool, billed: Cost | None
    ) -> Cost | None:
        if self._open_in_ledger(job_id):
            with self._ledger_lock:
                self.ledger.fail(job_id, reason, billed=billed, refused=refused)
        return billed

    def _failure_cost(self, estimated: Cost) -> Cost | None:
        """What a failed job is billed under the price table: all of it, or nothing."""
        return estimated if self.prices.failed_jobs_billed else None

    def _billed(self, shot: ShotResult, job: Job | None) -> Cost:
        """The list price of what was actually rendered (the job's own model and seconds)."""
        model = job.model if job is not None and job.model else shot.model
        seconds = job.seconds if job is not None and job.seconds else shot.seconds
        size = job.size if job is not None and job.size else shot.size
        try:
            return self.prices.cost(model, size, int(seconds))
        except PriceError:
            return self.prices.cost(shot.model, shot.size, shot.seconds)

    # -- the shot pipeline -----------------------------------------------------------------

    def _execute(self, run: _Run, indices: Iterable[int]) -> None:
        """Run the shots on a bounded pool. An interrupt (Ctrl-C, the notebook's stop button)
        stops every wait at once and leaves each shot where it stands, job ids recorded, for
        resume(); shots not started keep their reservation and are reconciled there."""
        indices = list(indices)
        if not indices:
            return
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

    def _shot(self, run: _Run, index: int) -> None:
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
            run.update(
                index, status="unknown", error=f"{type(exc).__name__}: {exc}; resume() picks it up"
            )

    def _wait(self, seconds: float) -> None:
        if self._stop.wait(max(0.0, seconds)):
            raise _Stopped()

    def _rate_limited(self, run: _Run, index: int, exc: RateLimited, fallback: float) -> None:
        delay = exc.retry_after if exc.retry_after is not None else fallback
        delay = min(max(delay, 0.0), self.max_poll_interval * 3)
        self._gate.block(delay)
        run.emit(index, status="rate_limited", message=f"rate limited; waiting {delay:.1f} s")

    def _create(self, run: _Run, index: int) -> Job | None:
        shot = run.shots[index]
        backoff = self.min_poll_interval
        deadline = time.monotonic() + self.poll_timeout
        while True:
            self._gate.wait()
            try:
                job = self.backend.create(
                    prompt=shot.prompt, model=shot.model, seconds=shot.seconds, size=shot.size
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
            except (InvalidRequest, AuthError) as exc:
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
                run.update(
                    index,
                    status="unknown",
                    error=f"create failed ({exc}); resume() will look for the job "
                    "with list() before creating it again",
                )
                return None
        self._attach(self._reservation(run, index), job.id)
        run.update(
            index, job_id=job.id, status=job.status, progress=job.progress, message="submitted"
        )
        return job

    def _poll(self, run: _Run, index: int) -> Job | None:
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

    def _failed(self, run: _Run, index: int, job: Job) -> None:
        code = job.error_code or "failed"
        reason = f"{code}: {job.error_message or 'the job failed'}"
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

    def _vanished(self, run: _Run, index: int, reason: str) -> None:
        """The server no longer knows the job. Whether it was billed cannot be known, so it is
        booked at its estimate: the budget may overstate spend, never understate it."""
        shot = run.shots[index]
        billed = self._ledger_fail(
            shot.job_id, f"vanished: {reason}", refused=False, billed=shot.estimated
        )
        run.update(index, status=LOST, error=reason, error_code="not_found", billed=billed)

    def _download(self, run: _Run, index: int, job: Job) -> None:
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
        duration = self._duration(dest)
        run.update(
            index,
            status=COMPLETED,
            file=dest.name,
            sha256=sha256_file(dest),
            duration_s=duration,
            error=None,
            error_code=None,
            progress=100,
        )
        self._settle(run, index, job)

    @staticmethod
    def _duration(path: Path) -> float | None:
        from ..render import RenderError, media_duration

        try:
            return media_duration(path)
        except RenderError:
            return None

    @staticmethod
    def _file_ok(folder: Path, shot: ShotResult) -> bool:
        if not shot.file or not shot.sha256:
            return False
        path = inside(folder, shot.file)
        return path.is_file() and sha256_file(path) == shot.sha256

    # -- resume helpers --------------------------------------------------------------------

    def _list_all(self, limit: int = 100, max_pages: int = 50) -> list[Job]:
        jobs: list[Job] = []
        after: str | None = None
        for _ in range(max_pages):
            page = self.backend.list(after=after, limit=limit, order="desc")
            jobs.extend(page)
            if len(page) < limit:
                break
            after = page[-1].id
        return jobs

    def _same_model(self, a: str, b: str) -> bool:
        """sora-2 and its dated snapshot are the same request, as far as matching goes."""
        if a == b:
            return True
        try:
            return self.prices.resolve(a) == self.prices.resolve(b)
        except PriceError:
            return False

    def _match(
        self, jobs: list[Job], shot: ShotResult, reservation: Any, claimed: set[str]
    ) -> list[Job]:
        """Jobs a reservation may have paid for: same request, created after it (by the
        server's clock, allowed CLOCK_SKEW_S behind ours), unclaimed, oldest first. A job the
        list shows without its prompt matches on the rest."""
        since = _epoch(getattr(reservation, "created_at", None))
        candidates = [
            j
            for j in jobs
            if j.id not in claimed
            and (j.prompt is None or j.prompt == shot.prompt)
            and self._same_model(j.model, shot.model)
            and int(j.seconds) == shot.seconds
            and j.size == shot.size
            and (since is None or j.created_at >= since - CLOCK_SKEW_S)
        ]
        candidates.sort(key=lambda j: (j.prompt is None, j.created_at))
        return candidates

    def _adopt(self, reservation: Any, candidates: list[Job], claimed: set[str]) -> Job | None:
        """Attach the first candidate the ledger does not already know under another
        reservation (another notebook's job is that notebook's to settle)."""
        for job in candidates:
            claimed.add(job.id)
            try:
                self._attach(reservation, job.id)
            except LedgerError as exc:
                log.info("not adopting %s: %s", job.id, exc)
                continue
            return job
        return None

    # -- the end ---------------------------------------------------------------------------

    def _finish(self, run: _Run) -> Film:
        film_path = inside(run.out_dir, FILM)
        run.notes = [n for n in run.notes if not n.startswith("duration")]
        for i, shot in enumerate(run.shots):  # stitch only the very files the manifest pins
            if shot.status == COMPLETED and not self._file_ok(run.out_dir, shot):
                run.update(
                    i,
                    status="downloading",
                    file=None,
                    sha256=None,
                    duration_s=None,
                    error="the file is missing or was altered; resume() downloads it again",
                )
        if all(s.status == COMPLETED and s.file for s in run.shots):
            from ..render import media_duration, stitch

            clips = [inside(run.out_dir, s.file or "") for s in run.shots]
            stitch(clips, film_path)
            duration = media_duration(film_path)
            # Each clip's duration was read back from its file when it was downloaded (and
            # its sha256 pins the file since); probe again only where that is missing.
            expected = sum(
                s.duration_s if s.duration_s is not None else media_duration(c)
                for s, c in zip(run.shots, clips, strict=True)
            )
            if abs(duration - expected) > DURATION_TOLERANCE_S:
                run.notes.append(
                    f"duration: the stitched film is {duration:.2f} s but its "
                    f"shots add up to {expected:.2f} s"
                )
                run.film = None
            else:
                run.film = FILM
                run.film_duration = duration
        else:
            run.film = None
            run.film_duration = None
            retry = [s.shot_id for s in run.shots if s.status != COMPLETED]
            pending = [s.shot_id for s in run.shots if s.status not in FINAL_STATES]
            if pending:
                run.notes.append(
                    f"resume: {', '.join(pending)} may still finish; run resume on {run.out_dir}"
                )
            log.info("no film stitched; to retry: %s", ", ".join(retry))
        run.save()
        film = film_from_manifest(run.out_dir, read_manifest(run.out_dir))
        remaining, limit = self._budget()
        atomic_write_text(
            inside(run.out_dir, REPORT),
            report_markdown(film, remaining=remaining, limit=limit, backend=self.backend_name),
        )
        return replace(film, report=run.out_dir / REPORT)

    def _budget(self) -> tuple[Cost | None, Cost | None]:
        """The month's remaining budget and limit, if the ledger can say."""
        try:
            with self._ledger_lock:
                remaining = self.ledger.remaining()
                budget = self.ledger.budget()
        except Exception:  # a report without the budget line beats no report
            log.debug("ledger has no remaining budget to report", exc_info=True)
            return None, None
        return remaining, None if budget is None else budget.limit


# The temp files our own writers make in a film folder: a download (backends.openai_api), a
# stitch (render), manifest.json and report.md (film.atomic_write_bytes), ffmpeg's concat list.
_LEFTOVER = re.compile(
    r"^\.(?:[A-Za-z0-9][A-Za-z0-9._-]*\.partial(?:\.[a-z0-9]+)?"
    r"|(?:manifest\.json|report\.md)\.[A-Za-z0-9_]+\.tmp"
    r"|concat\.[A-Za-z0-9_]+\.txt)$"
)


def _sweep_leftovers(folder: Path) -> None:
    """Remove the temp files a killed process left in the film folder.

    A SIGKILL mid-download runs no cleanup, so its half-written temp file stays. Called with
    the folder lock held: no live writer can own one of these files then.
    """
    for path in folder.iterdir():
        if _LEFTOVER.match(path.name) and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
                log.info("removed %s, left by an interrupted run", path.name)
            except OSError as exc:
                log.warning("could not remove %s: %s", path.name, exc)


def _epoch(value: Any) -> float | None:
    """A reservation's created_at as unix seconds (datetime, ISO text or a number)."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.timestamp()
    return None
