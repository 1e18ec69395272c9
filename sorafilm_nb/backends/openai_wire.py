"""The ``openai`` SDK's Videos objects and ours: a Video becomes a Job, a failed job an error.

Also the two things every call around the SDK needs: its "Sora API is scheduled to shut
down" DeprecationWarnings kept off the user's screen (thread-safely), and whether a base URL
names this machine (the only place a sorafilm simulator can be).
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from .base import (
    AuthError,
    BackendError,
    ContentExpired,
    InvalidRequest,
    Job,
    NotFound,
    RateLimited,
    RefusedPrompt,
    ServerError,
)

# ---------------------------------------------------------------- deprecation warnings

_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_cm: warnings.catch_warnings | None = None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence the SDK's "Sora API is scheduled to shut down" DeprecationWarnings here.

    ``warnings.catch_warnings`` swaps process-wide state, so overlapping calls from several
    threads (the studio polls shots concurrently) share one reference-counted filter instead
    of each restoring the filters another thread is still relying on.
    """
    global _quiet_depth, _quiet_cm
    with _quiet_lock:
        if _quiet_depth == 0:
            _quiet_cm = warnings.catch_warnings()
            _quiet_cm.__enter__()
            warnings.filterwarnings("ignore", category=DeprecationWarning, message=r".*Sora API.*")
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0 and _quiet_cm is not None:
                _quiet_cm.__exit__(None, None, None)
                _quiet_cm = None


# ---------------------------------------------------------------- helpers


def raise_for_job(job: Job) -> Job:
    """Return a job that did not fail; raise RefusedPrompt / ServerError for one that did."""
    if job.status != "failed":
        return job
    code = job.error_code or "unknown_error"
    message = job.error_message or "the job failed without a reason"
    if "moderation" in code or "policy" in code:
        raise RefusedPrompt(f"job {job.id} was refused: {message}", code=code)
    raise ServerError(f"job {job.id} failed ({code}): {message}")


def _job(video: Any, poll_after_ms: int | None = None) -> Job:
    """The SDK's Video model -> our frozen Job."""
    error = getattr(video, "error", None)
    try:
        seconds = int(str(video.seconds))
    except ValueError:
        seconds = 0
    return Job(
        id=video.id,
        status=video.status,
        progress=int(video.progress or 0),
        model=str(video.model),
        seconds=seconds,
        size=str(video.size),
        prompt=video.prompt,
        created_at=int(video.created_at),
        completed_at=video.completed_at,
        expires_at=video.expires_at,
        error_code=getattr(error, "code", None) if error else None,
        error_message=getattr(error, "message", None) if error else None,
        remixed_from=video.remixed_from_video_id,
        poll_after_ms=poll_after_ms,
    )


def _header_float(headers: Any, name: str) -> float | None:
    try:
        value = headers.get(name) if headers is not None else None
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (127.0.0.0/8, ::1 or "localhost"), the only place
    a sorafilm simulator can be reached: it never binds another address."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- errors


def map_error(
    openai: Any, exc: Exception, what: str, *, base_url: str, scrub: Callable[[str], str]
) -> BackendError:
    """An SDK exception -> our error, with the server's message (scrubbed of keys)."""
    if isinstance(exc, openai.APITimeoutError):
        return ServerError(f"{what}: timed out talking to {base_url}")
    if isinstance(exc, openai.APIConnectionError):
        return ServerError(
            f"{what}: connection to {base_url} failed ({scrub(str(exc.__cause__ or exc))[:200]})"
        )
    if not isinstance(exc, openai.APIStatusError):
        return BackendError(f"{what}: {scrub(str(exc))[:300]}")
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    error = error if isinstance(error, dict) else {}
    message = scrub(str(error.get("message") or exc.message))[:500]
    code = str(error.get("code") or "")
    request_id = getattr(exc, "request_id", None)
    text = f"{what}: {message} (HTTP {exc.status_code}" + (
        f", request {request_id})" if request_id else ")"
    )
    mapped: BackendError
    if exc.status_code == 410 or "expired" in code:
        mapped = ContentExpired(text)
    elif isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        mapped = AuthError(text)
    elif isinstance(exc, openai.RateLimitError):
        ms = _header_float(exc.response.headers, "retry-after-ms")
        retry_after = (
            ms / 1000 if ms is not None else _header_float(exc.response.headers, "retry-after")
        )
        mapped = RateLimited(text, retry_after=retry_after)
    elif isinstance(exc, openai.NotFoundError):
        mapped = NotFound(text)
    elif isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        param = error.get("param")
        mapped = InvalidRequest(text, param=param if isinstance(param, str) else None)
    elif exc.status_code >= 500 or isinstance(exc, openai.ConflictError):
        mapped = ServerError(text)
    else:
        mapped = BackendError(text)
    mapped.status_code = exc.status_code  # type: ignore[attr-defined]
    if not hasattr(mapped, "code"):
        mapped.code = code or None  # type: ignore[attr-defined]
    return mapped
