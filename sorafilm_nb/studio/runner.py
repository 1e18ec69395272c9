"""The Studio: a Plan becomes a film. Reserve -> create -> poll -> download -> settle.

The facade over the studio's parts, each in its own module:

- ``state``: each shot's status record and the ``ShotProgress`` events (``RunState``);
- ``booking``: the ledger calls, every shot reserved before any create;
- ``pipeline``: the per-shot create, poll and download on a bounded pool;
- ``reconcile``: resume and rerun after a crash, never paying twice;
- ``folder``: the film folder and its manifest; ``lock``: one process per folder;
- ``render`` stitches the film.

``Studio`` chains the parts as one class (``Booking`` -> ``ShotPipeline`` -> ``Reconciler`` ->
``Studio``): they share one ledger lock, one stop event and one rate gate, and each part reads
only the attributes ``Booking`` and ``ShotPipeline`` declare.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..backends.base import VideoBackend
from ..errors import PlanError
from ..money.cost import Cost, total
from ..money.prices import PriceTable
from ..money.store import warn_caller
from ..safeio import write_text
from .folder import (
    COMPLETED,
    FINAL_STATES,
    REPORT,
    Film,
    FilmError,
    ShotResult,
    film_from_manifest,
    inside,
    read_manifest,
)
from .jsonvalues import jsonable
from .lock import folder_lock
from .manifest import Manifest
from .pipeline import _RateGate
from .reconcile import Reconciler
from .report import report_markdown
from .state import ProgressCallback, RunState, ShotProgress
from .stitching import finish_film

if TYPE_CHECKING:
    from ..money.ledger import Ledger
    from ..story.planning import Plan

log = logging.getLogger(__name__)

__all__ = ["ShotProgress", "Studio"]


class Studio(Reconciler):
    """Turns Plans into films on a VideoBackend, with every cent reserved in a Ledger first.

    Studio() with no arguments starts an embedded simulator (no key, no network) and books its
    jobs in the sandbox ledger (ledger.default_path(simulator=True)); with any other backend
    and no ledger given, the default ledger file. `close()` (or a with-block) stops the
    simulator it started.

    ``provider`` ("openai", "veo", "runway"; default: the backend's, else "openai") says whose
    plans it makes and whose price file settles them. Without a backend it builds one
    (``backends.connect``): the provider's in-process double through its official SDK
    (simulated, sandbox ledger), or with ``real=True`` the provider's API, its key read from
    the environment (OPENAI_API_KEY; GEMINI_API_KEY or GOOGLE_API_KEY; RUNWAYML_API_SECRET).
    """

    def __init__(
        self,
        backend: VideoBackend | None = None,
        ledger: Ledger | None = None,
        *,
        provider: str | None = None,
        real: bool = False,
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
        if provider is None:
            provider = str(getattr(backend, "provider", "openai"))
        if backend is None:
            from ..backends.connect import connect

            connection = connect(provider, real=real)
            self._simulator = connection.server  # the double started here (None if real)
            backend = connection.backend
            self._finalizer = weakref.finalize(self, connection.close)
        elif getattr(backend, "provider", provider) != provider:
            raise ValueError(
                f"a {getattr(backend, 'provider', '?')} backend cannot make {provider} films"
            )
        self.provider = provider
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
        self.prices = prices if prices is not None else PriceTable.load(provider=provider)
        self.purpose = purpose
        self._stop = threading.Event()
        self._closed = False
        self._gate = _RateGate(self._stop)
        self._ledger_lock = threading.Lock()
        self._media = {}

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

    # -- public steps ----------------------------------------------------------------------

    def run(
        self,
        plan: Plan,
        out_dir: str | Path,
        on_progress: ProgressCallback | None = None,
        *,
        lower_thirds: bool = True,
    ) -> Film:
        """Make the film of plan in out_dir. Raises BudgetExceeded with nothing spent.

        Running again on a folder that already holds this plan resumes it (a re-run notebook
        cell never pays twice; a finished film is not stitched again unless ``lower_thirds``
        or its shots changed); a folder holding another plan is refused.

        ``lower_thirds``: burn each concept shot's caption (name and gloss, as its WebVTT
        cue) into film.mp4; False makes a clean master (film.vtt is written either way). The
        manifest keeps the choice for resume and rerun.
        """
        if plan.blocked:
            errors = [f.message for f in plan.findings if f.severity == "error"]
            raise PlanError(
                "the plan has blocking findings, nothing was submitted: " + "; ".join(errors)
            )
        planned_for = getattr(plan, "provider", "openai")
        if planned_for != self.provider:
            raise PlanError(
                f"the plan is for {planned_for} and this Studio makes {self.provider} films; "
                f"use Studio(provider={planned_for!r}) (nothing was submitted)"
            )
        folder = Path(out_dir)
        profile = getattr(
            getattr(getattr(plan, "storyboard", None), "casting", None), "profile", None
        )
        with folder_lock(folder, getattr(profile, "root", None)):
            return self._run(plan, folder, on_progress, lower_thirds)

    def _run(
        self,
        plan: Plan,
        folder: Path,
        on_progress: ProgressCallback | None,
        lower_thirds: bool = True,
    ) -> Film:
        if (folder / "manifest.json").exists():
            existing = read_manifest(folder)
            if existing["plan_id"] == plan.id:  # with this call's captions choice
                return self._resume(folder, on_progress, lower_thirds=lower_thirds)
            if not self._untouched(existing):
                raise FilmError(
                    f"{folder} already holds the film of plan {existing['plan_id']}; "
                    "choose an empty folder, or resume that one (nothing was "
                    "submitted)"
                )
        shots = self._shots_of(plan)
        plan_json = plan.to_dict() if hasattr(plan, "to_dict") else jsonable(plan)
        run = RunState(
            out_dir=folder,
            plan_id=plan.id,
            plan_json=plan_json,
            shots=shots,
            backend=self.backend_name,
            on_progress=on_progress,
            lower_thirds=lower_thirds,
        )
        look = getattr(plan, "look", None)
        if look and look != "first":  # copied in first: a resume finds it where it went
            from .continuity import copy_look

            copy_look(look, folder)
        run.save()  # the plan is on disk before any reservation: a crash from here resumes
        self._compare_with_real_budget(run)
        self._reserve_all(run, range(len(shots)))
        self._execute(run, range(len(shots)))
        return self._finish(run)

    def _compare_with_real_budget(self, run: RunState) -> None:
        """A simulated film is never refused for money (the sandbox records what it would
        cost), but the person should know when the same film on the real API would not fit
        the real month: the ledger warns (RealBudgetWarning) and the film's notes say so."""
        if not getattr(self.ledger, "sandbox", False):
            return
        cost = total(s.estimated for s in run.shots)
        with self._ledger_lock:  # the answer alone: no process-wide catch_warnings
            check = self.ledger.real_budget(cost)
        said = None if check is None else check.warning()
        if said is not None:
            run.notes.append(str(said))
            # said at the caller's line (a notebook cell), not at ours; the CLI shows the
            # message alone (cli._said_as_ours)
            warn_caller(said)

    def _untouched(self, manifest: Manifest) -> bool:
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

    def resume(
        self,
        out_dir: str | Path,
        on_progress: ProgressCallback | None = None,
        *,
        retry_unknown: bool = False,
    ) -> Film:
        """Finish a film folder after a crash or a restart, with no second create per shot.

        For each unfinished shot: a known job id is polled (never created again); a
        reservation without a job id is matched against list() (same prompt, model, size and
        seconds, created after the reservation) and attached, or released and created anew; a
        completed job whose file is missing is downloaded. Jobs that finished while nobody
        watched are settled once.

        A shot whose create was sent but whose answer was lost (``unknown``) may have made a
        job the server lists late, or cannot list: it is looked for again and, if still not
        found, kept ``unknown`` with its reservation held. Only ``retry_unknown=True`` sends
        such a create again (the first job, if it exists, is then paid for too).
        """
        folder = Path(out_dir)
        read_manifest(folder)  # a clear error for a folder that is not a film, before locking
        with folder_lock(folder):
            return self._resume(folder, on_progress, retry_unknown=retry_unknown)

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
                else self.prices.clip_cost(
                    shot.model, shot.size, shot.seconds, audio=getattr(plan, "audio", True)
                )
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
                    **_captions_of(shot),
                )
            )
        return shots

    # -- the end ---------------------------------------------------------------------------

    def _finish(self, run: RunState) -> Film:
        run.notes = [n for n in run.notes if not n.startswith("duration")]
        for i, shot in enumerate(run.shots):  # stitch only the very files the manifest pins
            if shot.status == COMPLETED and not self._file_ok(run.out_dir, shot):
                run.update(
                    i,
                    status="downloading",
                    file=None,
                    sha256=None,
                    duration_s=None,
                    frame=None,
                    error="the file is missing or was altered; resume() downloads it again",
                )
        if all(s.status == COMPLETED and s.file for s in run.shots):
            finish_film(run, self._media)  # film.mp4 stitched, or kept when it is current
        else:
            run.film = None
            run.film_duration = None
            run.captions = None
            unfinished = [s.shot_id for s in run.shots if s.status != COMPLETED]
            pending = [s.shot_id for s in run.shots if s.status not in FINAL_STATES]
            if pending:
                run.notes.append(
                    f"resume: {', '.join(pending)} may still finish; run resume on {run.out_dir}"
                )
            log.info("no film stitched; not completed: %s", ", ".join(unfinished))
        run.save()
        film = film_from_manifest(run.out_dir, read_manifest(run.out_dir))
        remaining, limit = self._budget()
        write_text(
            inside(run.out_dir, REPORT),
            report_markdown(
                film,
                remaining=remaining,
                limit=limit,
                backend=self.backend_name,
                file=True,
                sandbox=bool(getattr(self.ledger, "sandbox", False)),
            ),
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


def _captions_of(shot: Any) -> dict[str, Any]:
    """The story's captions for a shot, when it writes them (``Shot.caption``, the lower
    third; ``Shot.card``, a card before the shot: text, or an object with ``text`` and
    ``seconds``). Read with getattr: a storyboard from before captions has neither."""
    caption = getattr(shot, "caption", None)
    card = getattr(shot, "card", None)
    text = card if isinstance(card, str) else getattr(card, "text", None)
    seconds = getattr(card, "seconds", None)
    return {
        "caption": caption.strip() if isinstance(caption, str) else "",
        "card": text.strip() if isinstance(text, str) else "",
        "card_s": float(seconds) if isinstance(seconds, (int, float)) and seconds > 0 else 0.0,
    }
