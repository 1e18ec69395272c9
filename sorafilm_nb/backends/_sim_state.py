"""The simulator's job store: validation, the clock that moves jobs along, and rendering.

Kept apart from the HTTP layer (_sim_handler.py) so the rules of the Videos API (which
sizes a model allows, when a job completes, when its content expires) read as plain Python.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import capabilities
from ..capabilities import SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE

# The Videos API's models, sizes and lengths come from the capability model (the one home of
# these facts, data/capabilities/openai.toml): the simulator accepts exactly what it lists.
MODELS = tuple(capabilities.load("openai"))  # ids and dated snapshots, file order
_DEFAULT = capabilities.for_model("openai", capabilities.default_model("openai"))
SECONDS = tuple(str(s) for s in _DEFAULT.seconds)  # the API's strings: "4", "8", "12"
EXTENSION_SECONDS = tuple(str(s) for s in _DEFAULT.extension_seconds)
MAX_TOTAL_SECONDS = 120
MAX_EXTENSIONS = 6
if _DEFAULT.prompt_chars is None:  # the spec publishes one (maxLength); the data file cites it
    raise RuntimeError("data/capabilities/openai.toml lost the Videos API's prompt_chars")
MAX_PROMPT: int = _DEFAULT.prompt_chars  # the same limit the compressor and lint fit prompts to
CREATE_OPS = frozenset({"create", "remix", "extend", "edit"})  # the calls that start a job
JOB_ID = re.compile(r"video_[A-Za-z0-9]{8,64}")
# SIMULATOR_HEADER / SIMULATOR_HEADER_VALUE (imported above from capabilities, re-exported
# here for the handler): every simulator response carries it, so a client pointed at
# ``sorafilm simulate`` can tell its jobs are simulated. The bodies stay exactly the API's.
__all__ = ["SIMULATOR_HEADER", "SIMULATOR_HEADER_VALUE"]


class ApiError(Exception):
    """An error the simulator answers with the API's error body."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type_
        self.param = param
        self.code = code

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


@dataclass
class SimJob:
    """One job as the simulator keeps it; ``public()`` is the API's Video object."""

    id: str
    seq: int
    model: str
    seconds: int
    size: str
    prompt: str
    created_at: int
    started: float  # the simulator clock when the job was created
    refuse: bool = False  # ends failed with moderation_blocked
    expire: bool = False  # completes with expires_at already in the past
    remixed_from: str | None = None
    extensions: int = 0
    polls: int = 0
    status: str = "queued"
    progress: int = 0
    completed_at: int | None = None
    expires_at: int | None = None
    error: dict[str, str] | None = None
    render: Future[Path] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def done(self) -> bool:
        return self.status in ("completed", "failed")

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "video",
            "model": self.model,
            "status": self.status,
            "progress": self.progress,
            "created_at": self.created_at,
            "completed_at": self.completed_at,
            "expires_at": self.expires_at,
            "prompt": self.prompt,
            "size": self.size,
            "seconds": str(self.seconds),
            "remixed_from_video_id": self.remixed_from,
            "error": self.error,
        }


def new_id() -> str:
    return "video_" + secrets.token_hex(16)


def json_type(value: object) -> str:
    """How the API names the JSON type of a value in an ``invalid_type`` message."""
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: True is an int in Python, not in JSON
        return "a boolean"
    for kind, name in ((int, "an integer"), (float, "a decimal number"), (str, "a string")):
        if isinstance(value, kind):
            return name
    if isinstance(value, bytes):
        return "a file"
    return "an array" if isinstance(value, list) else "an object"


def missing(param: str, why: str = "") -> ApiError:
    """The API's 400 for a required field left out: "Missing required parameter: 'prompt'.",
    with ``why`` (what needs it) in brackets before the stop."""
    said = f" ({why})" if why else ""
    return ApiError(
        400,
        f"Missing required parameter: '{param}'{said}.",
        param=param,
        code="missing_required_parameter",
    )


def wrong_type(param: str, value: object, expected: str) -> ApiError:
    """The API's 400 for a field of the wrong JSON type: ``{"seconds": 8}`` is not told
    that '8' is unsupported, but that a string was expected and an integer came."""
    return ApiError(
        400,
        f"Invalid type for '{param}': expected {expected}, but got {json_type(value)} instead.",
        param=param,
        code="invalid_type",
    )


def _one_of(values: tuple[str, ...]) -> str:
    quoted = [f"'{v}'" for v in values]
    return "one of " + ", ".join(quoted[:-1]) + f", or {quoted[-1]}"


def check_seconds(body: dict[str, Any], allowed: tuple[str, ...], default: str | None) -> str:
    """The ``seconds`` field: a string from ``allowed`` (the API's enum is of strings)."""
    seconds = body.get("seconds", default)
    if seconds is None:
        raise missing("seconds")
    if not isinstance(seconds, str):
        raise wrong_type("seconds", seconds, f"{_one_of(allowed)} (a string)")
    if seconds not in allowed:
        raise ApiError(
            400,
            f"Invalid value for 'seconds': {seconds[:20]!r}. Supported values are: "
            f"{', '.join(allowed)}.",
            param="seconds",
            code="invalid_value",
        )
    return seconds


def check_create(body: dict[str, Any]) -> tuple[str, str, int, str]:
    """Validate a create body like the API does; returns (prompt, model, seconds, size)."""
    prompt = check_prompt(body.get("prompt"))
    model = body.get("model", "sora-2")
    if not isinstance(model, str):
        raise wrong_type("model", model, "a string")
    if model not in MODELS:
        raise ApiError(
            400,
            f"Invalid value for 'model': {model[:40]!r}. Supported "
            f"values are: {', '.join(MODELS)}.",
            param="model",
            code="invalid_value",
        )
    caps = capabilities.for_model("openai", model)
    seconds = check_seconds(body, tuple(str(s) for s in caps.seconds), "4")
    size = body.get("size", "720x1280")
    allowed = caps.sizes
    if not isinstance(size, str):
        raise wrong_type("size", size, "a string")
    if size not in allowed:
        raise ApiError(
            400,
            f"Invalid value for 'size': {size[:20]!r}. Model {model} "
            f"supports: {', '.join(allowed)}.",
            param="size",
            code="invalid_value",
        )
    return prompt, model, int(seconds), size


def check_prompt(prompt: object) -> str:
    if prompt is None:
        raise missing("prompt")
    if not isinstance(prompt, str):
        raise wrong_type("prompt", prompt, "a string")
    if not prompt.strip():
        raise ApiError(
            400,
            "Invalid 'prompt': expected a non-empty string, but got "
            f"{'an empty string' if not prompt else 'only whitespace'} instead.",
            param="prompt",
            code="empty_string",
        )
    if len(prompt) > MAX_PROMPT:
        raise ApiError(
            400,
            f"Invalid 'prompt': string too long. Expected a string with "
            f"maximum length {MAX_PROMPT}, but got a string with length "
            f"{len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )
    return prompt


class Renderer:
    """Renders each job's animatic once, in a small worker pool, into ``folder``."""

    def __init__(
        self, folder: Path, *, workers: int = 2, scale: float = 0.5, fps: int = 12
    ) -> None:
        self.folder = folder
        self.scale = scale
        self.fps = fps
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sim-render")

    def submit(self, job: SimJob) -> Future[Path]:
        return self._pool.submit(self._render, job)

    def _render(self, job: SimJob) -> Path:
        from ..render import render_animatic

        return render_animatic(
            self.folder / f"{job.id}.mp4",
            seconds=job.seconds,
            size=job.size,
            fps=self.fps,
            scale=self.scale,
            prompt=job.prompt,  # all a real provider sees: the panel is read from it
        )

    def variant(self, job: SimJob, video: Path, variant: str) -> Path:
        """The thumbnail (webp) or spritesheet (jpg), derived from the video once."""
        from ..render import render_spritesheet, render_thumbnail

        if variant == "thumbnail":
            out = self.folder / f"{job.id}.thumbnail.webp"
            if not out.exists():
                render_thumbnail(video, out, fmt="webp")
            return out
        out = self.folder / f"{job.id}.spritesheet.jpg"
        if not out.exists():
            render_spritesheet(video, out)
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def now() -> int:
    return int(time.time())


def check_reference(ref: object, size: str, folder: Path | None) -> None:
    """An uploaded reference must be an image of exactly the requested size, as the API
    requires; a reference object needs exactly one of image_url and file_id. folder: where
    the upload is written to be probed (the simulator's media folder)."""
    if ref is None:
        return
    if isinstance(ref, dict):
        if ("image_url" in ref) == ("file_id" in ref):
            raise ApiError(
                400,
                "input_reference needs exactly one of 'image_url' and 'file_id'.",
                param="input_reference",
                code="invalid_value",
            )
        return
    if not isinstance(ref, bytes) or not ref or folder is None:
        raise ApiError(
            400,
            "input_reference must be an image file.",
            param="input_reference",
            code="invalid_value",
        )
    from ..render import RenderError, probe

    path = folder / f"ref-{new_id()}.img"
    try:
        path.write_bytes(ref)
        info = probe(path)
    except RenderError:
        raise ApiError(
            400,
            "input_reference is not a readable image.",
            param="input_reference",
            code="invalid_image",
        ) from None
    finally:
        path.unlink(missing_ok=True)
    if f"{info.width}x{info.height}" != size:
        raise ApiError(
            400,
            f"Inpaint image must match the requested width and height "
            f"({size}); got {info.width}x{info.height}.",
            param="input_reference",
            code="invalid_value",
        )
