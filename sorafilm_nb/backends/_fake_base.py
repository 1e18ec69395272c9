"""What the provider fakes (fake_veo, fake_runway) share: a loopback server, faults, media.

Why a shared base and not a copy of the simulator: each fake speaks one provider's HTTP
shape, but the plumbing is the same (127.0.0.1 on an ephemeral port, a background thread,
the simulator's ``Fault``/``FaultConfig``, the animatic ``Renderer``, a temp folder, a job
clock). Only routing and bodies differ, and those live in each fake's module.

The handler never logs headers or bodies, so a key cannot reach a log. Every answer carries
``capabilities.SIMULATOR_HEADER`` (as the simulator's do), so a backend pointed at a fake on
loopback knows its jobs are simulated and the studio books them in the sandbox ledger.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import random
import secrets
import socket
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from ..capabilities import SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE
from ._loopback import serve, shut, temp_folder
from ._sim_state import Renderer, SimJob
from .faults import Fault, FaultConfig

__all__ = ["FakeHandler", "FakeJob", "FakeServer", "Fault", "FaultConfig", "HttpError"]

log = logging.getLogger("sorafilm_nb.backends.fakes")

MAX_BODY = 32 * 1024 * 1024  # reference images ride in the JSON body as base64


class HttpError(Exception):
    """An error a fake answers with its provider's error body (built by the fake)."""

    def __init__(self, status: int, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason


@dataclass
class FakeJob:
    """One job in a fake: what was asked, what was sent with it, and how it ends."""

    id: str
    seq: int
    model: str
    seconds: int
    size: str  # "WxH", for the animatic
    prompt: str
    created: float  # fake clock
    created_wall: float
    refuse: bool = False
    expire: bool = False
    fail_internal: bool = False
    conditioning: dict[str, Any] = field(default_factory=dict)  # kind -> what was sent
    audio: bool | None = None  # with sound or not, as asked (None: the provider's default)
    polls: int = 0
    render: Future[Path] | None = None

    def sim_job(self) -> SimJob:
        """The simulator's job record, so its Renderer draws this job's animatic."""
        lines = [self.prompt]
        for kind, info in sorted(self.conditioning.items()):
            lines.append(f"{kind}: {info.get('sha256', '')[:12]} {info.get('size', '')}")
        return SimJob(
            id=self.id.replace("/", "_"),
            seq=self.seq,
            model=self.model,
            seconds=self.seconds,
            size=self.size,
            prompt="\n".join(lines),
            created_at=int(self.created_wall),
            started=self.created,
        )


def image_info(data: bytes, folder: Path) -> dict[str, Any]:
    """Probe an uploaded image (the fakes honour conditioning: it must be a real image)."""
    from ..render import RenderError, probe

    # a name of its own per request: two shots may send the same image at once
    path = folder / f"img-{hashlib.sha256(data).hexdigest()[:16]}-{secrets.token_hex(6)}.img"
    try:
        path.write_bytes(data)
        info = probe(path)
    except RenderError:
        raise HttpError(
            400, "The image is not a readable image.", reason="INVALID_ARGUMENT"
        ) from None
    finally:
        path.unlink(missing_ok=True)
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": f"{info.width}x{info.height}",
        "bytes": len(data),
    }


class FakeServer:
    """A provider fake's lifecycle, faults and job clock. Subclasses set ``handler``.

    ``render``: draw each job's animatic in a worker as soon as it is created, as the
    simulator does (False: on its first download only, for tests that never download).
    """

    handler: type[BaseHTTPRequestHandler]
    thread_name = "sorafilm-fake"

    def __init__(
        self,
        *,
        api_key: str = "fake-key-0123456789",
        job_seconds: float = 0.2,
        render: bool = True,
        render_scale: float = 0.1,
        faults: FaultConfig | None = None,
        refuse_marker: str = "[refuse]",
        content_ttl: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.requested_port = port
        self.job_seconds = job_seconds
        self.render = render
        self.render_scale = render_scale
        self.faults = faults or FaultConfig()
        self.refuse_marker = refuse_marker
        self.content_ttl = content_ttl
        self.clock = clock
        self.calls: Counter[str] = Counter()
        self.jobs: dict[str, FakeJob] = {}
        self.lock = threading.RLock()
        self._seq = 0
        self._rng = random.Random(self.faults.seed)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._cleanup: weakref.finalize | None = None
        self.folder: Path | None = None
        self.renderer: Renderer | None = None
        self.conceal = False  # tests: answer without the simulator header, like a real server

    # ------------------------------------------------------------ lifecycle

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake is not running: call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        if self._server is not None:
            return self
        folder, self._cleanup = temp_folder(self, "sorafilm-fake-")
        self.folder = folder
        self.renderer = Renderer(folder, scale=self.render_scale)
        try:
            self._server, self._thread = serve(
                self.requested_port, self.handler, self.thread_name, fake=self
            )
        except OSError:  # the port is busy: leave nothing behind
            self.stop()
            raise
        return self

    def stop(self) -> None:
        shut(self._server, self._thread)
        self._server = self._thread = None
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:  # never the key
        where = self.base_url if self._server is not None else "stopped"
        return f"<{type(self).__name__} {where} jobs={len(self.jobs)}>"

    # ------------------------------------------------------------ faults and jobs

    def inject(self, **faults: int | Fault) -> None:
        """``fake.inject(rate_limit=2)``: an int is a count of next matching requests."""
        for name, value in faults.items():
            if not isinstance(getattr(self.faults, name, None), Fault):
                raise ValueError(f"unknown fault {name!r}")
            with self.lock:
                setattr(
                    self.faults, name, value if isinstance(value, Fault) else Fault(count=value)
                )

    def fire(self, name: str, op: str) -> bool:
        fault: Fault = getattr(self.faults, name)
        with self.lock:
            return fault.draw(op, self._rng)

    def new_job(
        self, job_id: str, *, model: str, seconds: int, size: str, prompt: str, op: str = "create"
    ) -> FakeJob:
        with self.lock:
            self._seq += 1
            job = FakeJob(
                id=job_id,
                seq=self._seq,
                model=model,
                seconds=seconds,
                size=size,
                prompt=prompt,
                created=self.clock(),
                created_wall=time.time(),
                refuse=(bool(self.refuse_marker) and self.refuse_marker in prompt)
                or self.fire("moderation", op),
                expire=self.fire("expire_content", op),
            )
            self.jobs[job_id] = job
        return job

    def start_render(self, job: FakeJob) -> None:
        if self.render and not job.refuse and self.renderer is not None:
            job.render = self.renderer.submit(job.sim_job())

    def fraction(self, job: FakeJob) -> float:
        if self.job_seconds <= 0:
            return 1.0
        return (self.clock() - job.created) / self.job_seconds

    def video_path(self, job: FakeJob) -> Path:
        if job.render is None:
            if self.renderer is None:
                raise HttpError(503, "The fake is shutting down.", reason="UNAVAILABLE")
            job.render = self.renderer.submit(job.sim_job())
        return job.render.result()


class FakeHandler(BaseHTTPRequestHandler):
    """Plumbing for the fakes' handlers: bodies, JSON, drops, never a logged header."""

    protocol_version = "HTTP/1.1"
    server_version = "sorafilm-fake"
    sys_version = ""
    timeout = 30
    disable_nagle_algorithm = True

    @property
    def fake(self) -> Any:
        return self.server.fake  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def end_headers(self) -> None:
        """Every answer (errors and media included) says it comes from a sorafilm fake."""
        if not getattr(self.fake, "conceal", False):
            self.send_header(SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE)
        super().end_headers()

    def read_json(self) -> dict[str, Any]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            raise HttpError(413, "Request body too large.", reason="INVALID_ARGUMENT")
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise HttpError(
                400, "Invalid JSON payload received.", reason="INVALID_ARGUMENT"
            ) from None
        if not isinstance(data, dict):
            raise HttpError(
                400, "The request body must be a JSON object.", reason="INVALID_ARGUMENT"
            )
        return data

    def send_json(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def drop(self) -> None:
        """Close the socket without a response (a reset proxy, a crash)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def common_faults(self, op: str) -> bool:
        """Drop, 429 or 500 before the operation runs; True when the request was answered."""
        fake = self.fake
        if fake.fire("drop_connection", op):
            self.drop()
            return True
        if fake.fire("rate_limit", op):
            self.send_error_body(
                429,
                "Resource has been exhausted (e.g. check quota).",
                "RESOURCE_EXHAUSTED",
                {"Retry-After": str(max(1, round(fake.faults.retry_after)))},
            )
            return True
        if fake.fire("server_error", op):
            self.send_error_body(500, "Internal error encountered.", "INTERNAL")
            return True
        return False

    def send_error_body(
        self, status: int, message: str, reason: str, extra: dict[str, str] | None = None
    ) -> None:  # pragma: no cover - each fake overrides with its provider's shape
        self.send_json(status, {"error": message}, extra)
