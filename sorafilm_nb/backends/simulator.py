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

from ._loopback import DOUBLE_RENDER_SCALE, serve, shut, temp_folder
from ._sim_jobs import SimJobs
from ._sim_state import (
    CREATE_OPS,
    ApiError,
    Renderer,
    SimJob,
)
from .faults import Fault, FaultConfig

__all__ = ["CREATE_OPS", "DEFAULT_REFUSE_MARKER", "Fault", "FaultConfig", "Simulator"]

log = logging.getLogger(__name__)

#: A prompt containing this phrase ends failed with error.code "moderation_blocked".
DEFAULT_REFUSE_MARKER = "[refuse]"


class Simulator(SimJobs):
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
        render_scale: float = DOUBLE_RENDER_SCALE,
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
        self.conceal = False  # tests: answer without the simulator header, like a real server
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

    def count(self, op: str) -> None:
        """Record one request for ``op`` (``calls`` is read by tests and benchmarks)."""
        with self._lock:
            self.calls[op] += 1

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
