"""A fake Veo on Vertex AI: the HTTP shape ``google-genai`` speaks, on 127.0.0.1.

Why this shape: google-genai 3.x sends ``generate_videos`` only in Vertex AI mode (it raises
in Gemini Developer API mode), so the fake serves Vertex's paths, with an API key in
``x-goog-api-key`` (Vertex "express mode")::

    POST /v1beta1/{publishers/google/models/MODEL | projects/P/locations/L/...}:predictLongRunning
         {"instances": [{"prompt", "image"?, "lastFrame"?, "referenceImages"?}],
          "parameters": {"durationSeconds", "aspectRatio", "resolution", "generateAudio", ...}}
      -> {"name": ".../models/MODEL/operations/ID"}
    POST /v1beta1/{.../models/MODEL}:fetchPredictOperation {"operationName": NAME}
      -> {"name", "done", "response": {"@type", "raiMediaFilteredCount",
          "raiMediaFilteredReasons"?, "videos": [{"bytesBase64Encoded", "mimeType"}]}}

Errors use Google's body ``{"error": {"code", "message", "status"}}``. Faults come from the
simulator's ``FaultConfig``; ``hostile`` turns on a misbehaving server for tests:
"echo_key" (errors repeat the key), "reuse_id" (every create answers the same name),
"huge_body" (a done operation far bigger than any clip), "endless_body" (a response that
never ends).
"""

from __future__ import annotations

import base64
import hmac
import time
import uuid
from typing import Any

from ._fake_base import FakeHandler, FakeJob, FakeServer, HttpError, image_info

__all__ = ["FakeVeo"]

RESPONSE_TYPE = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
PROJECT = "projects/sorafilm-fake/locations/us-central1"
REFUSAL_REASON = (
    "Veo could not generate videos because the input prompt may violate Google's "
    "Responsible AI practices. Support codes: 17301594"
)


class FakeVeo(FakeServer):
    """Veo's Vertex AI endpoints. ``base_url`` goes into ``HttpOptions(base_url=...)``."""

    thread_name = "sorafilm-fake-veo"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handler = _VeoHandler
        self.hostile: set[str] = set()
        self.requests: list[dict[str, Any]] = []  # every accepted create body, for tests

    def check_key(self, key: str | None) -> None:
        if not key or not hmac.compare_digest(key.encode(), self.api_key.encode()):
            shown = f" ({key})" if "echo_key" in self.hostile and key else ""
            raise HttpError(
                401,
                f"API keys are not supported by this API{shown}. Expected OAuth2 access "
                "token or other authentication credentials that assert a principal.",
                reason="UNAUTHENTICATED",
            )

    def create(self, model: str, body: dict[str, Any]) -> str:
        from .. import capabilities

        try:
            caps = capabilities.for_model("veo", model)
        except KeyError:
            raise HttpError(
                404,
                f"Publisher Model `{PROJECT}/publishers/google/models/{model[:60]}` not found.",
                reason="NOT_FOUND",
            ) from None
        instances = body.get("instances")
        params = body.get("parameters") or {}
        if not isinstance(instances, list) or len(instances) != 1 or not isinstance(params, dict):
            raise HttpError(
                400, "Request must contain exactly one instance.", reason="INVALID_ARGUMENT"
            )
        inst = instances[0]
        prompt = inst.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise HttpError(400, "Prompt is required.", reason="INVALID_ARGUMENT")
        seconds = params.get("durationSeconds", 8)
        native = f"{params.get('aspectRatio', '16:9')}/{params.get('resolution', '720p')}"
        size = next((s for s, n in caps.native.items() if n == native), None)
        if size is None:
            raise HttpError(
                400,
                f"Unsupported aspect ratio/resolution: {native[:30]}.",
                reason="INVALID_ARGUMENT",
            )
        if not isinstance(seconds, int) or seconds not in caps.allowed_seconds(size):
            raise HttpError(
                400,
                f"Unsupported output video duration {str(seconds)[:10]} seconds at {native}, "
                f"supported durations are [{','.join(map(str, caps.allowed_seconds(size)))}].",
                reason="INVALID_ARGUMENT",
            )
        audio = self._audio(caps, params)
        assert self.folder is not None
        conditioning: dict[str, Any] = {}
        for key, kind in (("image", "first_frame"), ("lastFrame", "last_frame")):
            if key in inst:
                conditioning[kind] = self._image(inst[key])
        if "last_frame" in conditioning and "first_frame" not in conditioning:
            raise HttpError(400, "lastFrame requires image.", reason="INVALID_ARGUMENT")
        refs = inst.get("referenceImages")
        if refs is not None:
            conditioning["reference_images"] = self._references(caps, refs, inst, seconds, size)
        if "reuse_id" in self.hostile and self.jobs:
            return next(iter(self.jobs))
        name = f"{PROJECT}/publishers/google/models/{model}/operations/{uuid.uuid4()}"
        job = self.new_job(name, model=model, seconds=seconds, size=size, prompt=prompt)
        job.conditioning = conditioning
        job.audio = audio
        with self.lock:
            self.requests.append(body)
        self.start_render(job)
        return name

    @staticmethod
    def _audio(caps: Any, params: dict[str, Any]) -> bool:
        """``parameters.generateAudio`` as Vertex takes it (its Veo API reference:
        ``"generateAudio": boolean``): a JSON boolean or absent (null, as proto3 JSON reads
        it), true only for a model that makes audio. Absent means the model's own default:
        Veo 3.x makes sound."""
        value = params.get("generateAudio")
        if value is None:
            return bool(caps.audio)
        if not isinstance(value, bool):
            raise HttpError(
                400,
                f"Invalid value at 'parameters.generateAudio' ({str(value)[:20]}): "
                "expected a boolean.",
                reason="INVALID_ARGUMENT",
            )
        if value and not caps.audio:
            raise HttpError(
                400, "generateAudio is not supported by this model.", reason="INVALID_ARGUMENT"
            )
        return value

    def _references(
        self, caps: Any, refs: Any, inst: dict[str, Any], seconds: int, size: str
    ) -> dict[str, Any]:
        """Check ``referenceImages`` as Vertex does (google-genai's docstring and Google's
        reference-image page): a list of up to ``max_reference_images`` ASSET images (STYLE
        only on veo-2.0-generate-exp), never with ``image``/``lastFrame``/``video``, at the
        lengths and sizes the capability model allows them (Veo 3.1: 8 s, 16:9)."""

        def bad(message: str) -> HttpError:
            return HttpError(400, message, reason="INVALID_ARGUMENT")

        if "reference_images" not in caps.conditioning or not isinstance(refs, list):
            raise bad("referenceImages is not supported for this model.")
        if not 0 < len(refs) <= caps.max_reference_images:
            raise bad(f"At most {caps.max_reference_images} reference images are supported.")
        if any(key in inst for key in ("image", "lastFrame", "video")):
            raise bad("referenceImages cannot be combined with image, lastFrame or video.")
        if seconds not in (caps.reference_seconds or caps.seconds):
            raise bad(
                "Reference image to video supports only "
                f"{'/'.join(map(str, caps.reference_seconds))} seconds."
            )
        if size not in (caps.reference_sizes or caps.sizes):
            raise bad(
                f"Aspect ratio {caps.native[size].split('/')[0]} is not supported with "
                "reference images."
            )
        infos = []
        for ref in refs:
            kind = ref.get("referenceType") if isinstance(ref, dict) else None
            if not isinstance(kind, str) or kind.upper() not in ("ASSET", "STYLE"):
                raise bad("Each reference image needs a referenceType of asset or style.")
            if kind.upper() == "STYLE":
                raise bad("Style reference images are not supported for this model.")
            infos.append({**self._image(ref.get("image")), "reference_type": kind.upper()})
        return {
            "sha256": ",".join(i["sha256"][:12] for i in infos),
            "size": f"{len(infos)} image(s)",
            "images": infos,
        }

    def _image(self, raw: Any) -> dict[str, Any]:
        assert self.folder is not None
        data = raw.get("bytesBase64Encoded") if isinstance(raw, dict) else None
        if not isinstance(data, str):
            raise HttpError(400, "Image must carry bytesBase64Encoded.", reason="INVALID_ARGUMENT")
        try:
            blob = base64.b64decode(data, validate=True)
        except ValueError:
            raise HttpError(400, "Invalid base64 image.", reason="INVALID_ARGUMENT") from None
        return {**image_info(blob, self.folder), "mime_type": raw.get("mimeType")}

    def operation(self, name: str) -> tuple[FakeJob, dict[str, Any]]:
        with self.lock:
            job = self.jobs.get(name)
            if job is not None:
                job.polls += 1
        if job is None:
            raise HttpError(404, f"Operation {name[:200]} not found.", reason="NOT_FOUND")
        out: dict[str, Any] = {"name": name}
        if self.fraction(job) < 1.0 or (job.render is not None and not job.render.done()):
            return job, {**out, "done": False}
        if (job.expire or time.monotonic() - job.created > self.content_ttl) and not job.refuse:
            raise HttpError(404, f"Operation {name[:200]} not found.", reason="NOT_FOUND")
        response: dict[str, Any] = {"@type": RESPONSE_TYPE, "raiMediaFilteredCount": 0}
        if job.refuse:
            response["raiMediaFilteredCount"] = 1
            response["raiMediaFilteredReasons"] = [REFUSAL_REASON]
        else:
            video = self.video_path(job).read_bytes()
            response["videos"] = [
                {"bytesBase64Encoded": base64.b64encode(video).decode(), "mimeType": "video/mp4"}
            ]
        return job, {**out, "done": True, "response": response}


class _VeoHandler(FakeHandler):
    server_version = "ESF"

    def send_error_body(
        self, status: int, message: str, reason: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_json(
            status, {"error": {"code": status, "message": message, "status": reason}}, extra
        )

    def do_GET(self) -> None:
        self.send_error_body(404, "The requested URL was not found on this server.", "NOT_FOUND")

    def do_POST(self) -> None:
        fake: FakeVeo = self.fake
        path = self.path.split("?", 1)[0]
        op, _, rest = "", "", path
        if path.startswith("/v1beta1/") and ":" in path:
            rest, _, verb = path[len("/v1beta1/") :].rpartition(":")
            op = {"predictLongRunning": "create", "fetchPredictOperation": "retrieve"}.get(verb, "")
        fake.calls[op or "unknown"] += 1
        try:
            body = self.read_json()
            if not op or "/models/" not in rest:
                raise HttpError(
                    404, "The requested URL was not found on this server.", reason="NOT_FOUND"
                )
            fake.check_key(self.headers.get("x-goog-api-key"))
            if self.common_faults(op):
                return
            if op == "create":
                name = fake.create(rest.rsplit("/models/", 1)[1], body)
                if fake.fire("lose_create_response", op):
                    self.drop()
                    return
                self.send_json(200, {"name": name})
                return
            wanted = body.get("operationName")
            if not isinstance(wanted, str) or not wanted.startswith(rest + "/operations/"):
                raise HttpError(
                    400, "operationName does not belong to this model.", reason="INVALID_ARGUMENT"
                )
            if "endless_body" in fake.hostile:
                self._endless()
                return
            _job, payload = fake.operation(wanted)
            if "huge_body" in fake.hostile and payload.get("done"):
                self._huge(wanted)
                return
            self.send_json(200, payload)
        except HttpError as err:
            self.send_error_body(err.status, err.message, err.reason or "UNKNOWN")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _huge(self, name: str) -> None:
        """A done operation whose inline video is 1 GiB of base64, sent only as far as the
        client keeps reading."""
        head = (
            b'{"name": "'
            + name.encode()
            + b'", "done": true, "response": {"videos": [{"bytesBase64Encoded": "'
        )
        total = 1 << 30
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(head) + total + 3))
        self.end_headers()
        try:
            self.wfile.write(head)
            chunk = b"A" * 65536
            for _ in range(total // len(chunk)):
                self.wfile.write(chunk)
        except OSError:
            self.close_connection = True

    def _endless(self) -> None:
        """A chunked body that never ends (one small piece every 20 ms)."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            self.wfile.write(b"1\r\n{\r\n")
            while True:
                self.wfile.write(b"2\r\n  \r\n")
                self.wfile.flush()
                time.sleep(0.02)
        except OSError:
            self.close_connection = True
