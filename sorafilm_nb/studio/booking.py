"""The ledger side of a run: reserve before anything is sent, attach, settle, fail, release.

Why here and why serialised: every cent a shot may cost is reserved before its create, all of
a run's shots before the first one (a budget that cannot pay for the whole film stops the run
with nothing spent), and the worker threads share one ledger connection, so each call holds
``_ledger_lock``. ``Booking`` is the first of the Studio's parts (``Booking`` ->
``ShotPipeline`` -> ``Reconciler`` -> ``Studio``): it declares the attributes they share.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..backends.base import Job, VideoBackend
from ..capabilities import sent_silent
from ..errors import LedgerError
from ..money.prices import Cost, PriceError, PriceTable
from ..money.records import TEXT_LIMIT
from .backend_names import recorded_name
from .folder import FilmError, ShotResult
from .state import RunState

if TYPE_CHECKING:
    from ..money.ledger import Ledger

__all__ = ["Booking"]


log = logging.getLogger(__name__)

# A project's name as the ledger books it: PEP 503's form of a registry's name (lower case,
# digits, ".", "_", "-"), so no cell of the ledger's CSV starts with a formula's "=", "+", "-"
# or "@", and a cap set on "kettle" catches every film of it.
_PROJECT = re.compile(r"[a-z0-9][a-z0-9._-]*")


def plan_audio(run: RunState) -> bool:
    """The plan's audio choice, from the plan saved in the manifest (False: --no-audio)."""
    data = run.plan_json if isinstance(run.plan_json, dict) else {}
    return data.get("audio", True) is not False


class Booking:
    """Ledger calls for a Studio (see the module docstring); holds no state of its own."""

    backend: VideoBackend
    ledger: Ledger
    prices: PriceTable
    purpose: str
    _ledger_lock: threading.Lock

    @property
    def backend_name(self) -> str:
        """What the manifest and ledger rows name (backend_names.recorded_name: says "simulated"
        exactly when the server does)."""
        return recorded_name(self.backend)

    @staticmethod
    def _project(run: RunState) -> str | None:
        """The project the film is of, for the ledger's "who spent it" and its per-project
        caps: the profile's name (analysis: the packaging metadata's name, else the README's,
        else the folder's, in PEP 503 form), if it is a name a registry would take
        (_PROJECT) and fits the ledger's field (records.TEXT_LIMIT; it never cuts). None
        lets the ledger use $SORAFILM_PROJECT.

        Why not the title: it is free text the user (--title) or the README's heading sets.
        A film titled "Kettle, part 2" was booked apart from "kettle" and so escaped its
        cap (caps match exactly), and a heading "+cmd|' /C calc'!A0" reached the ledger's
        CSV as a spreadsheet formula. Why not the folder's name alone: every npm tarball
        unpacks to "package", and a clone is named as its owner likes ("wt-newuser")."""
        repo = run.plan_json.get("repo") if isinstance(run.plan_json, dict) else None
        name = repo.get("name") if isinstance(repo, dict) else None
        if isinstance(name, str) and len(name) <= TEXT_LIMIT and _PROJECT.fullmatch(name):
            return name
        return None

    def _reserve_many(
        self,
        shots: Sequence[ShotResult],
        plan_id: str,
        *,
        purpose: str | None = None,
        project: str | None = None,
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
                            project=project,
                        )
                    )
        except BaseException:
            for reservation in made:
                self._release(reservation, "another shot of the same run was over budget")
            raise
        return made

    def _reserve_all(self, run: RunState, indices: Iterable[int]) -> None:
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
                        project=self._project(run),
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

    def _hold_reservation(self, run: RunState, index: int, why: str) -> None:
        """Mark the shot's reservation held in the ledger: its create was sent and the answer
        lost, so the stale sweep must never give its money back (the job may bill). Best
        effort: the shot is held ``unknown`` in the manifest either way."""
        rid = run.shots[index].reservation_id
        if rid is None:
            return
        try:
            with self._ledger_lock:
                self.ledger.hold(rid, f"{run.shots[index].shot_id}: {why}")
        except LedgerError as exc:  # not open any more (released, settled): nothing to hold
            log.info("reservation %s not held: %s", rid, exc)
        except Exception as exc:  # never let marking it break the path that keeps it safe
            log.warning("could not mark reservation %s held: %s", rid, exc)

    def _reservation(self, run: RunState, index: int) -> Any:
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

    def _settle(self, run: RunState, index: int, job: Job | None) -> None:
        shot = run.shots[index]
        billed = shot.billed or self._billed(shot, job, audio=plan_audio(run))
        if shot.job_id is not None and self._open_in_ledger(shot.job_id):
            with self._ledger_lock:
                self.ledger.settle(shot.job_id, billed)
        run.update(index, billed=billed)

    def _ledger_fail(
        self, job_id: str | None, reason: str, *, refused: bool, billed: Cost | None
    ) -> Cost | None:
        if job_id is not None and self._open_in_ledger(job_id):
            with self._ledger_lock:
                self.ledger.fail(job_id, reason, billed=billed, refused=refused)
        return billed

    def _failure_cost(self, estimated: Cost) -> Cost | None:
        """What a failed job is billed under the price table: all of it, or nothing."""
        return estimated if self.prices.failed_jobs_billed else None

    def _silent(self, run: RunState, model: str) -> bool:
        """Whether this run's job of ``model`` goes out without audio (the plan's --no-audio,
        where the model can leave it out): then the create says generate_audio = false."""
        return sent_silent(self.prices.provider, model, plan_audio(run))

    def _billed(self, shot: ShotResult, job: Job | None, *, audio: bool = True) -> Cost:
        """The list price of what was actually rendered (the job's own model and seconds;
        without audio, at the no-audio price where the file lists one)."""
        model = job.model if job is not None and job.model else shot.model
        seconds = job.seconds if job is not None and job.seconds else shot.seconds
        size = job.size if job is not None and job.size else shot.size
        try:
            return self.prices.clip_cost(model, size, int(seconds), audio=audio)
        except PriceError:
            return self.prices.clip_cost(shot.model, shot.size, shot.seconds, audio=audio)
