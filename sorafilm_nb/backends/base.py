"""The VideoBackend protocol, the Job record, and the errors a caller handles.

BackendError
├── AuthError          401/403: missing or wrong key (the key itself is never in the message)
├── InvalidRequest     400: illegal seconds, size or model; carries the API's param
├── RefusedPrompt      the job failed with error.code "moderation_blocked"
├── RateLimited        429; retry_after seconds when the server said
├── ServerError        5xx, dropped connection, timeout
├── NotFound           404: unknown job id
├── ContentExpired     the job's content can no longer be downloaded
├── NotSupported       the provider has no such operation (Runway cannot list); nothing sent
├── OutcomeUnknown     a create's answer was lost and the job cannot be looked up: it may
│                      exist and bill, so the studio holds its reservation (``.lost`` says
│                      what was sent, a ``LostCreate``)
└── SimulatorMismatch  a server believed to be the simulator answered without saying so
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from ..errors import SorafilmError

Status = Literal["queued", "in_progress", "completed", "failed"]
Variant = Literal["video", "thumbnail", "spritesheet"]


@dataclass(frozen=True)
class Job:
    """A video job as the API reports it (the Video object), independent of the SDK's types."""

    id: str
    status: Status
    progress: int  # 0-100
    model: str
    seconds: int
    size: str
    prompt: str | None
    created_at: int  # unix seconds
    completed_at: int | None = None
    expires_at: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    remixed_from: str | None = None
    poll_after_ms: int | None = None  # the server's openai-poll-after-ms hint, when sent

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed")


class BackendError(SorafilmError):
    """Something the Videos API (or the way to it) said no to."""


class AuthError(BackendError):
    pass


class InvalidRequest(BackendError):
    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class RefusedPrompt(BackendError):
    def __init__(self, message: str, *, code: str = "moderation_blocked") -> None:
        super().__init__(message)
        self.code = code


class RateLimited(BackendError):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(BackendError):
    pass


class NotFound(BackendError):
    pass


class ContentExpired(BackendError):
    pass


class NotSupported(BackendError):
    """The provider (or this backend) has no such operation; nothing was sent."""


@dataclass(frozen=True)
class LostCreate:
    """What is known about a create whose outcome is unknown: enough to find it by hand."""

    provider: str
    model: str
    seconds: int
    size: str
    prompt_sha256: str
    sent_at: float  # unix seconds, our clock
    where: str  # where a person can look (a console page)


class SimulatorMismatch(BackendError):
    """A server believed to be a sorafilm simulator answered without saying so.

    Its jobs are booked in the sandbox ledger, so from then on a job it starts might be real
    and billed yet unbooked: the backend starts no more jobs, and says which job, if any, was
    started by the call that found out.
    """


class OutcomeUnknown(BackendError):
    """A create may or may not have made a (billed) job, and the provider cannot list jobs.

    Never resend blindly: the studio marks the shot ``unknown`` with its reservation held
    and tells the user where to look (``lost.where``) and how to retry on purpose.
    """

    def __init__(self, message: str, *, lost: LostCreate) -> None:
        super().__init__(message)
        self.lost = lost


@runtime_checkable
class VideoBackend(Protocol):
    """What the studio needs from a Videos API. Implementations: backends.openai_api.

    Optional: ``is_simulator() -> bool``, asked (through is_simulated()) before any job, so
    simulated runs are booked in the sandbox ledger. A backend without it is judged by its
    ``name`` ("simulator" or not); one that can tell should say, since a name can be given
    to a backend on the real API (OpenAIBackend tells from the simulator's answers).
    """

    name: str

    def create(self, *, prompt: str, model: str, seconds: int, size: str) -> Job: ...

    def retrieve(self, job_id: str) -> Job: ...

    def download(self, job_id: str, dest: Path, *, variant: Variant = "video") -> Path: ...

    def list(
        self, *, after: str | None = None, limit: int = 100, order: Literal["asc", "desc"] = "desc"
    ) -> list[Job]: ...

    def remix(self, job_id: str, *, prompt: str) -> Job: ...

    def extend(self, job_id: str, *, prompt: str, seconds: int) -> Job: ...

    def delete(self, job_id: str) -> None: ...


def is_simulated(backend: object | None) -> bool:
    """Whether jobs on backend are simulated (free), so they book in the sandbox ledger.

    None means "start the embedded simulator". A backend that can tell (``is_simulator()``,
    as OpenAIBackend can, from the header the simulator sends) is asked, so ``sorafilm
    simulate`` reached through a base URL books in the sandbox too; its name is not trusted
    then, since a name can be given to a backend on the real API. Only a backend that cannot
    tell is judged by its name. The one home of this rule: the studio, the notebook app and
    the CLI ask here and pass the answer to ``Ledger.for_run(simulated=...)``.
    """
    if backend is None:
        return True
    probe = getattr(backend, "is_simulator", None)
    if callable(probe):
        return bool(probe())
    return getattr(backend, "name", "") == "simulator"
