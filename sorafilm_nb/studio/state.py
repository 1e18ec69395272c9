"""Run state: each shot's status record as a run goes, and the progress events it sends.

A ``RunState`` is one run, resume or rerun of a film folder: its shots (``ShotResult``), the
manifest they are saved to, and the ``ShotProgress`` events for the notebook's and the CLI's
bars. Every change goes through ``update()``, which rewrites manifest.json and emits the event
under one lock, so the manifest on disk is never behind a state anyone was shown. Every
error and message passes ``redact.redact`` there: it may quote a server, and it is saved,
printed and logged from here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..redact import redact
from .folder import COMPLETED, ShotResult
from .manifest import Manifest, StitchRecord, lower_thirds_of, manifest_dict, write_manifest

log = logging.getLogger(__name__)

__all__ = ["ProgressCallback", "RunState", "ShotProgress"]


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


class RunState:
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
        lower_thirds: bool = True,
        stitched: StitchRecord | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.plan_id = plan_id
        self.plan_json = plan_json
        self.shots = shots
        self.backend = backend
        self.notes: list[str] = list(notes)
        self.film: str | None = None
        self.film_duration: float | None = None
        self.captions: str | None = None  # film.vtt, when the film has captions
        self.lower_thirds = lower_thirds  # burn the captions into film.mp4 (see _cut)
        # what film.mp4 on disk was stitched from, as the manifest recorded it (kept through
        # the run: the finish compares it with the cut it would make, studio.stitching)
        self.stitched = stitched
        self.progress = [100 if s.status == COMPLETED else 0 for s in shots]
        self._on_progress = on_progress
        self._lock = threading.RLock()
        self._started = [time.monotonic()] * len(shots)
        self._last: list[tuple[str, int, str | None, str] | None] = [None] * len(shots)
        # set when a shot's work in the current run ends (the pipeline fills it): a shot that
        # starts from another shot's frame waits on that shot's event
        self.finished: dict[int, threading.Event] = {}

    @classmethod
    def of_folder(
        cls,
        folder: Path,
        data: Manifest,
        shots: list[ShotResult],
        *,
        backend: str,
        on_progress: ProgressCallback | None,
        notes: Sequence[str] = (),
        lower_thirds: bool | None = None,
    ) -> RunState:
        """A resume's or rerun's run of a folder as its manifest left it: the plan, the
        captions choice (``lower_thirds``, when given, overrides it) and the record of what
        film.mp4 was stitched from."""
        return cls(
            out_dir=folder,
            plan_id=data["plan_id"],
            plan_json=data.get("plan"),
            shots=shots,
            backend=backend,
            on_progress=on_progress,
            notes=notes,
            lower_thirds=lower_thirds_of(data) if lower_thirds is None else lower_thirds,
            stitched=data.get("stitched"),
        )

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
                    captions=self.captions,
                    lower_thirds=self.lower_thirds,
                    stitched=self.stitched,
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
        for name in ("error", "error_code"):  # may hold a server's text: scrubbed once, here
            if isinstance(changes.get(name), str):
                changes[name] = redact(changes[name])
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
            message = redact(message)  # shown in bars and logs; may quote a server
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
