"""The VideoBackend protocol, the Job record, and the errors a caller handles.

BackendError
├── AuthError          401/403: missing or wrong key (the key itself is never in the message)
├── InvalidRequest     400: illegal seconds, size or model; carries the API's param
├── RefusedPrompt      the job failed with error.code "moderation_blocked"
├── RateLimited        429; retry_after seconds when the server said
├── ServerError        5xx, dropped connection, timeout
├── NotFound           404: unknown job id
├── ContentExpired     the job's content can no longer be downloaded
├── NotSupported       the provider has no such operation; nothing was sent
├── OutcomeUnknown     a create may or may not have made a job, and jobs cannot be listed
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


@runtime_checkable
class VideoBackend(Protocol):
    """What the studio needs from a Videos API. Implementations: backends.openai_api.

    Optional: ``is_simulator() -> bool``, asked by Ledger.for_backend before any job, so
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
