"""Crash reconciliation: resume a film folder, or rerun chosen shots of it, paying once.

Why it is shaped like this (see DESIGN.md, "Money is never at risk"):

- A folder is only resumed in the world that made it (simulator or a paid API) and with the
  ledger that reserved it: anything else would settle nothing, or pay for every shot again.
- A known job id is polled, never created again. A reservation without a job id (a kill
  between reserve and attach) is matched against ``list()`` (same prompt, model, seconds and
  size, created after the reservation, allowing CLOCK_SKEW_S) before anything is created.
- A rerun (draft -> final) reserves at the new price before it touches the manifest, keeps
  the old attempt in the shot's history, and replaces the file only once the new one is in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..backends.base import BackendError, Job
from ..capabilities import same_model
from ..errors import LedgerError
from ..money.prices import PriceError
from .backend_names import backend_world, legacy_remote
from .folder import (
    COMPLETED,
    EXPIRED,
    FINAL_STATES,
    REFUSED,
    SUBMITTING,
    Film,
    FilmError,
    ShotResult,
    billed_of,
    read_manifest,
    shots_from_manifest,
    sweep_leftovers,
)
from .pipeline import OUTCOME_UNKNOWN, REUSED_ID, UNKNOWN, ShotPipeline
from .state import ProgressCallback, RunState

log = logging.getLogger(__name__)

__all__ = ["CLOCK_SKEW_S", "SIMULATOR", "Reconciler"]

SIMULATOR = "simulator"  # the backend name of every simulated run (OpenAIBackend.for_simulator)
# How far the server's clock may lag ours when resume() matches a job to a reservation by
# created_at (as the backend's lookup_window): missing the job would pay for the shot twice;
# a wider window only risks adopting an identical, unclaimed job, which is paid for anyway.
CLOCK_SKEW_S = 60


class Reconciler(ShotPipeline):
    """resume() and rerun() for a Studio, under the folder lock the facade takes."""

    def _finish(self, run: RunState) -> Film:  # the facade's: stitch, report
        raise NotImplementedError

    def _same_world(self, folder: Path, data: Mapping[str, Any]) -> str | None:
        """Refuse a folder made on the simulator when this Studio talks to a paid API, and
        the other way round.

        The two book in different ledgers and know different job ids: resuming a real film on
        a fresh simulator would mark its paid, still-running jobs lost (and never download
        them), and resuming a simulated film on the real API would pay for every shot again.
        Returns a note for the film when a legacy backend name was read as today's.
        """
        made_on = data.get("backend")
        if not isinstance(made_on, str) or not made_on:
            return None
        if backend_world(made_on) == backend_world(self.backend_name):
            return None
        provider = backend_world(made_on)[1]
        # resume reads the provider from the manifest: the flag only where ours differs
        flag = "" if provider == backend_world(self.backend_name)[1] else f" --provider {provider}"
        legacy = legacy_remote(made_on)
        if legacy is not None and backend_world(legacy) == backend_world(self.backend_name):
            if self._sandbox_holds(data):
                note = (
                    f"manifest.json named its backend {made_on!r}, the name a --base-url "
                    f"server had before films recorded whether it was a simulator; read as "
                    f"{legacy!r} (this sandbox ledger holds its reservations)"
                )
                log.warning("%s: %s", folder, note)
                return note
            where = getattr(self.ledger, "path", "this ledger")
            raise FilmError(
                f"{folder} was made on {made_on!r}: a server reached with --base-url, which "
                "older versions named so whether it was a `sorafilm simulate` server or a real "
                f"API, and its reservations are not in this sandbox ledger ({where}). Made on "
                "a simulate server: resume it with the sandbox ledger that holds them "
                f"(--ledger PATH). Made on a real API: resume it there (sorafilm resume --real"
                f"{flag}, or --base-url at that server) with the ledger that made it. "
                "Nothing was changed or submitted."
            )
        how = (
            f"on the simulator (no --real{', ' + flag.strip() if flag else ''})"
            if backend_world(made_on)[0]
            else f"on that API (sorafilm resume --real{flag}, or its --base-url)"
        )
        raise FilmError(
            f"{folder} was made on {made_on!r}, not {self.backend_name!r}; "
            f"resume it {how}. Nothing was changed or submitted."
        )

    def _sandbox_holds(self, data: Mapping[str, Any]) -> bool:
        """Whether this Studio books in a sandbox ledger that knows every reservation of the
        folder: the evidence that a legacy-named film was simulated (legacy_remote)."""
        if not getattr(self.ledger, "sandbox", False):
            return False
        shots = data.get("shots") or []
        ids = [
            str(s["reservation_id"])
            for s in shots
            if isinstance(s, Mapping) and s.get("reservation_id")
        ]
        if not ids:  # no reservation, no evidence either way
            return False
        with self._ledger_lock:
            return all(self.ledger.reservation(rid) is not None for rid in ids)

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
            # Both ways out, plainly: a person who changed the ledger on purpose wants a new
            # folder, one who did not wants the old ledger back.
            raise FilmError(
                f"{folder} was reserved in another ledger: {len(unknown)} of its "
                f"reservations are not in {where}. To make a new film, give it a new output "
                "folder (--out DIR; in a notebook, the folder passed to studio.run, e.g. OUT "
                "in the quickstart's setup cell); to finish this one, use the ledger that made "
                "it (--ledger PATH; in a notebook, the cell that makes the Ledger). "
                "Nothing was changed or submitted."
            )

    def _resume(
        self,
        folder: Path,
        on_progress: ProgressCallback | None,
        *,
        retry_unknown: bool = False,
        lower_thirds: bool | None = None,
    ) -> Film:
        """resume(); ``lower_thirds``: run()'s choice for a folder it resumes (None: the
        manifest's), so `sorafilm film --no-lower-thirds` on a finished film is not ignored."""
        data = read_manifest(folder)
        renamed = self._same_world(folder, data)
        shots = shots_from_manifest(folder, data)
        before = billed_of(shots)  # what a summary says was new (shots parsed once)
        self._same_ledger(folder, shots)
        sweep_leftovers(folder)
        run = RunState.of_folder(
            folder,
            data,
            shots,
            backend=self.backend_name,
            on_progress=on_progress,
            notes=[n for n in data.get("notes") or () if "resume" not in n]
            + ([renamed] if renamed else []),
            lower_thirds=lower_thirds,
        )
        pending = [r for r in self._pending() if getattr(r, "plan_id", None) == run.plan_id]
        by_job = {r.job_id: r for r in pending if getattr(r, "job_id", None)}
        unattached = [r for r in pending if not getattr(r, "job_id", None)]
        known_jobs = {s.job_id for s in shots if s.job_id}
        claimed: set[str] = set(known_jobs)
        listing: list[Job] | None = None
        cannot_list: str | None = None  # why list() gave nothing to look in
        todo: list[int] = []
        fresh: list[int] = []
        held: list[str] = []
        for i, shot in enumerate(shots):
            if shot.error_code == REUSED_ID:  # never polled or settled through this shot
                held.append(shot.shot_id)
                continue
            lost = shot.job_id is None and (
                shot.error_code == OUTCOME_UNKNOWN or shot.status == SUBMITTING
            )
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
                if listing is None and cannot_list is None:
                    try:
                        listing = self._list_all()
                    except BackendError as exc:  # NotSupported (Runway), or the list failed
                        cannot_list = f"cannot look for it: {exc}"
                job = self._adopt(
                    reservation,
                    self._match(listing or [], run.shots[i], reservation, claimed),
                    claimed,
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
                if (lost or cannot_list) and not retry_unknown:
                    self._hold(run, i, cannot_list or "no job matching it is listed (yet)")
                    held.append(shot.shot_id)
                    continue
                self._release(
                    reservation,
                    "resume(retry_unknown=True): no job was found; sent again on request"
                    if lost
                    else "resume: no job was found for this reservation",
                )
            elif lost and not retry_unknown:
                self._hold(run, i, "its reservation is not open in this ledger")
                held.append(shot.shot_id)
                continue
            run.update(
                i, status="planned", reservation_id=None, error=None, error_code=None, progress=0
            )
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
        if held:
            console = getattr(self.backend, "console", None)
            run.notes.append(
                f"unknown: {', '.join(held)} may have been created and billed; their "
                "reservations are held."
                + (f" Look for them at {console}." if console else "")
                + " resume looks for them again; resume(retry_unknown="
                "True) (sorafilm resume --retry-unknown) sends a lost create again"
            )
        if fresh:
            for i in fresh:
                self._at_least_list_price(run, i)
            self._reserve_all(run, fresh)
        self._execute(run, sorted(todo + fresh))
        return replace(self._finish(run), billed_before=before)

    def _hold(self, run: RunState, index: int, why: str) -> None:
        """Keep a shot whose create may have made a job ``unknown``, reservation held, and
        say where a person can look for the job (the backend's console, when it has one)."""
        console = getattr(self.backend, "console", None)
        where = f" Look for it at {console} before retrying." if console else ""
        run.update(
            index,
            status=UNKNOWN,
            error_code=OUTCOME_UNKNOWN,
            error=f"create sent, outcome still unknown: {why}; its reservation is held.{where} "
            "resume() looks again; resume(retry_unknown=True) (sorafilm resume "
            "--retry-unknown) sends it again, and the first job, if it exists, is paid too",
        )
        self._hold_reservation(run, index, str(run.shots[index].error))

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
        sweep_leftovers(folder)
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
        run = RunState.of_folder(
            folder, data, current, backend=self.backend_name, on_progress=on_progress
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
                frame=None,
                history=(*old.history, past),
            )
        # Reserve before touching the manifest: over budget leaves the folder as it was.
        reservations = self._reserve_many(
            [new_shots[i] for i in chosen],
            run.plan_id,
            purpose="final" if model else "retry",
            project=self._project(run),
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

    def _at_least_list_price(self, run: RunState, index: int) -> None:
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
        """sora-2 and its dated snapshot are the same request, as far as matching goes
        (capabilities.same_model: the one home of the dated-snapshot rule)."""
        return same_model(a, b)

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
        moment: datetime = value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    return None
