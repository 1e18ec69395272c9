"""A fake Runway API: the HTTP shape ``runwayml`` speaks, on 127.0.0.1.

    POST   /v1/text_to_video  {model, promptText, ratio, duration}            -> {id, estimatedCost}
    POST   /v1/image_to_video {model, promptImage, promptText, ratio, duration} -> same
    GET    /v1/tasks/{id}  -> PENDING | THROTTLED | RUNNING (progress 0-1) | SUCCEEDED (output
                              URLs) | FAILED (failure, failureCode) | CANCELLED
    DELETE /v1/tasks/{id}  -> 204
    GET    /media/{id}.mp4?exp=...  the output URL (403 once expired, like a signed URL)

Bearer auth and ``X-Runway-Version`` are checked. Faults: the simulator's ``FaultConfig``
(429, 500, drops, lost create answers, refusals as ``SAFETY.INPUT.TEXT``, expired URLs),
plus ``throttle`` (tasks sit in THROTTLED first) and ``internal`` (tasks fail with
``INTERNAL.BAD_OUTPUT.CODE01``). ``hostile``: "echo_key", "reuse_id", "huge_media",
"endless_media".
"""

from __future__ import annotations

import base64
import hmac
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from ._fake_base import FakeHandler, FakeJob, FakeServer, HttpError, image_info

__all__ = ["FakeRunway"]


def credits(model: str, size: str, seconds: int) -> int:
    """A task's credits from the packaged Runway price file (at $0.01 a credit, cents per
    second are credits per second): the fake quotes what the ledger books. A model the file
    does not price (veo3.1 on Runway, unverified) is quoted at 0."""
    from ..money.prices import PriceError, PriceTable

    try:
        return int(PriceTable.load(provider="runway").cost(model, size, seconds).cents)
    except PriceError:
        return 0


class FakeRunway(FakeServer):
    """Runway's task API. ``base_url`` goes to ``RunwayML(base_url=...)``."""

    thread_name = "sorafilm-fake-runway"

    def __init__(self, *, throttle: int = 0, internal: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault("api_key", "key_fake0123456789abcdef")
        super().__init__(**kwargs)
        self.handler = _RunwayHandler
        self.hostile: set[str] = set()
        self.throttle = throttle  # the next N tasks start THROTTLED
        self.internal = internal  # the next N tasks fail INTERNAL.*
        self.requests: list[dict[str, Any]] = []
        self.cancelled: set[str] = set()
        self.throttled: set[str] = set()

    def check_key(self, header: str | None, version: str | None) -> None:
        key = header[7:] if header and header.startswith("Bearer ") else ""
        if not key or not hmac.compare_digest(key.encode(), self.api_key.encode()):
            shown = f": {key}" if "echo_key" in self.hostile else ""
            raise HttpError(401, f"Invalid API key{shown}")
        if version != "2024-11-06":
            raise HttpError(400, "Invalid or missing X-Runway-Version header")

    def create(self, body: dict[str, Any], *, image: bool) -> dict[str, Any]:
        from .. import capabilities

        model = body.get("model")
        try:
            caps = capabilities.for_model("runway", str(model))
        except KeyError:
            raise HttpError(400, f"Invalid model: {str(model)[:40]}") from None
        prompt, ratio, seconds = body.get("promptText"), body.get("ratio"), body.get("duration")
        # Runway counts promptText in UTF-16 code units (runwayml's types); the limit is the
        # capability file's, the one the planner fits every prompt under.
        limit = caps.prompt_chars or 1000
        if (
            not isinstance(prompt, str)
            or not prompt.strip()
            or capabilities.prompt_length(prompt) > limit
        ):
            raise HttpError(400, f"promptText must be 1 to {limit} characters")
        size = next((s for s, n in caps.native.items() if n == ratio), None)
        if size is None:
            raise HttpError(400, f"Invalid ratio for {model}: {str(ratio)[:20]}")
        if not isinstance(seconds, int) or seconds not in caps.allowed_seconds(size):
            raise HttpError(400, f"Invalid duration for {model}: {str(seconds)[:10]}")
        conditioning: dict[str, Any] = {}
        if image:
            conditioning["first_frame"] = self._prompt_image(body.get("promptImage"))
        if "reuse_id" in self.hostile and self.jobs:
            job = next(iter(self.jobs.values()))
        else:
            job = self.new_job(
                str(uuid.uuid4()), model=str(model), seconds=seconds, size=size, prompt=prompt
            )
            job.conditioning = conditioning
            with self.lock:
                self.requests.append(body)
                if self.throttle > 0:
                    self.throttle -= 1
                    self.throttled.add(job.id)
                if self.internal > 0:
                    self.internal -= 1
                    job.fail_internal = True
            self.start_render(job)
        return {
            "id": job.id,
            "estimatedCost": {"credits": credits(job.model, job.size, job.seconds)},
        }

    def _prompt_image(self, raw: Any) -> dict[str, Any]:
        uri = (
            raw[0].get("uri") if isinstance(raw, list) and raw and isinstance(raw[0], dict) else raw
        )
        if isinstance(raw, list) and raw[0].get("position") != "first":
            raise HttpError(400, "promptImage position must be 'first'")
        if not isinstance(uri, str) or not uri.startswith("data:image/") or ";base64," not in uri:
            raise HttpError(400, "The fake takes promptImage as a base64 data URI only")
        mime, _, data = uri[5:].partition(";base64,")
        try:
            blob = base64.b64decode(data, validate=True)
        except ValueError:
            raise HttpError(400, "promptImage is not valid base64") from None
        assert self.folder is not None
        return {**image_info(blob, self.folder), "mime_type": mime}

    def task(self, task_id: str, base_url: str) -> dict[str, Any]:
        with self.lock:
            job = self.jobs.get(task_id)
            if job is not None:
                job.polls += 1
        if job is None:
            raise HttpError(404, "Task not found")
        created = datetime.fromtimestamp(job.created_wall, timezone.utc).isoformat()
        out: dict[str, Any] = {"id": job.id, "createdAt": created.replace("+00:00", "Z")}
        estimate = {"credits": credits(job.model, job.size, job.seconds)}
        if job.id in self.cancelled:
            return {**out, "status": "CANCELLED", "cost": {"credits": 0}}
        frac = self.fraction(job)
        if job.id in self.throttled and frac < 0.5:
            return {**out, "status": "THROTTLED", "estimatedCost": estimate}
        if frac < 0.1:
            return {**out, "status": "PENDING", "estimatedCost": estimate}
        if frac < 1.0 or (job.render is not None and not job.render.done()):
            return {
                **out,
                "status": "RUNNING",
                "progress": round(min(frac, 0.99), 2),
                "estimatedCost": estimate,
            }
        if job.refuse or job.fail_internal:
            code = "SAFETY.INPUT.TEXT" if job.refuse else "INTERNAL.BAD_OUTPUT.CODE01"
            return {
                **out,
                "status": "FAILED",
                "failure": "The task failed.",
                "failureCode": code,
                "cost": {"credits": 0},
            }
        expires = int(job.created_wall + (-1 if job.expire else self.content_ttl))
        url = f"{base_url}/media/{job.id}.mp4?exp={expires}"
        return {**out, "status": "SUCCEEDED", "output": [url], "cost": estimate}

    def media(self, name: str, query: str) -> FakeJob:
        task_id = name.removesuffix(".mp4")
        job = self.jobs.get(task_id)
        try:
            expires = int(query.split("exp=", 1)[1].split("&")[0])
        except (IndexError, ValueError):
            expires = 0
        if job is None or expires < time.time():
            raise HttpError(403, "Request has expired")
        return job


class _RunwayHandler(FakeHandler):
    def send_error_body(
        self, status: int, message: str, reason: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_json(status, {"error": message}, extra)

    def _serve(self, method: str) -> None:
        fake: FakeRunway = self.fake
        path, _, query = self.path.partition("?")
        parts = [p for p in path.split("/") if p]
        op = {
            ("POST", "text_to_video"): "create",
            ("POST", "image_to_video"): "create",
            ("GET", "tasks"): "retrieve",
            ("DELETE", "tasks"): "delete",
        }.get((method, parts[1] if len(parts) >= 2 and parts[0] == "v1" else ""), "")
        if parts[:1] == ["media"] and method == "GET":
            op = "content"
        fake.calls[op or "unknown"] += 1
        try:
            body = self.read_json()
            if not op:
                raise HttpError(404, "Not found")
            if op == "content":
                self._media(parts[-1], query)
                return
            fake.check_key(self.headers.get("Authorization"), self.headers.get("X-Runway-Version"))
            if self.common_faults(op):
                return
            if op == "create":
                payload = fake.create(body, image=parts[1] == "image_to_video")
                if fake.fire("lose_create_response", op):
                    self.drop()
                    return
                self.send_json(200, payload)
            elif op == "retrieve" and len(parts) == 3:
                self.send_json(200, fake.task(parts[2], fake.base_url))
            elif op == "delete" and len(parts) == 3:
                if parts[2] not in fake.jobs:
                    raise HttpError(404, "Task not found")
                fake.cancelled.add(parts[2])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                raise HttpError(404, "Not found")
        except HttpError as err:
            self.send_error_body(err.status, err.message, "")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _media(self, name: str, query: str) -> None:
        fake: FakeRunway = self.fake
        job = fake.media(name, query)
        if "huge_media" in fake.hostile or "endless_media" in fake.hostile:
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            if "huge_media" in fake.hostile:
                self.send_header("Content-Length", str(1 << 34))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                while True:
                    if "huge_media" in fake.hostile:
                        self.wfile.write(b"\0" * 65536)
                    else:
                        self.wfile.write(b"400\r\n" + b"\0" * 1024 + b"\r\n")
                        self.wfile.flush()
                        time.sleep(0.02)
            except OSError:
                self.close_connection = True
            return
        data = fake.video_path(job).read_bytes()
        if fake.fire("cut_download", "content"):
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.drop()
            return
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
