"""The simulator's HTTP layer: routing, bodies (JSON and multipart), faults, responses.

The handler never logs headers or bodies, so the bearer key cannot end up in a log, and no
response ever repeats it. Every response, errors included, says it comes from the simulator
(``x-sorafilm-simulator: 1``; see ``_sim_state.SIMULATOR_HEADER``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import secrets
import socket
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from ._sim_state import CREATE_OPS, SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE, ApiError

if TYPE_CHECKING:
    from .simulator import Simulator

log = logging.getLogger("sorafilm_nb.backends.simulator")

MAX_BODY = 64 * 1024 * 1024  # input_reference images can be large; anything beyond is refused
CONTENT_TYPES = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}


def parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """multipart/form-data -> dict; ``a[b]`` fields nest as {"a": {"b": ...}}; files -> bytes."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ApiError(400, "Could not parse the multipart form body.")
    out: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):  # decode=True on a leaf part gives bytes or None
            payload = b""
        value: Any = payload if part.get_filename() else payload.decode("utf-8", "replace")
        if "[" in name and name.endswith("]"):
            outer, inner = name[:-1].split("[", 1)
            nested = out.setdefault(outer, {})
            if isinstance(nested, dict):
                nested[inner] = value
        else:
            out[name] = value
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    server_version = "sorafilm-simulator"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection is closed after this
    # headers and body go out as separate writes; with Nagle on, each reply waits ~40 ms
    # for the client's delayed ACK
    disable_nagle_algorithm = True

    @property
    def sim(self) -> Simulator:
        return self.server.simulator  # type: ignore[attr-defined]

    def send_response(self, code: int, message: str | None = None) -> None:
        """Every status line, this module's and the base class's ``send_error`` alike, is
        followed by the header that says "simulated": a client cannot get an answer from
        the simulator without being told so."""
        super().send_response(code, message)
        self.send_header(SIMULATOR_HEADER, SIMULATOR_HEADER_VALUE)

    def log_message(self, format: str, *args: Any) -> None:
        # the request line only (method and path); headers, which hold the key, never
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:  # not part of the API: answered with the API's 404 body
        self._dispatch()

    do_PATCH = do_PUT

    # ------------------------------------------------------------ routing

    def _route(self, method: str, parts: list[str]) -> tuple[str, str | None]:
        """(operation, job id) for a path below /v1/videos."""
        rest = parts[2:] if parts[:2] == ["v1", "videos"] else None
        op: str | None = None
        if rest is not None and len(rest) == 0:
            op = {"POST": "create", "GET": "list"}.get(method)
        elif rest is not None and len(rest) == 1:
            op = {"GET": "retrieve", "DELETE": "delete"}.get(method)
            if method == "POST" and rest[0] in ("edits", "extensions"):
                return ("edit" if rest[0] == "edits" else "extend"), None
        elif rest is not None and len(rest) == 2:
            op = {("GET", "content"): "content", ("POST", "remix"): "remix"}.get((method, rest[1]))
        if op is None or rest is None:
            raise ApiError(
                404, f"Unknown path: {method} /{'/'.join(parts)[:100]}", code="unknown_url"
            )
        return op, (unquote(rest[0]) if rest else None)

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        # split before unquoting, so an encoded "/" or ".." stays inside one id segment
        parts = [p for p in split.path.split("/") if p]
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        try:
            raw = self._read_raw()
            op, job_id = self._route(self.command, parts)
        except ApiError as err:
            self._send_json(err.status, err.body())
            return
        sim = self.sim
        sim.count(op)
        try:
            sim.check_key(self.headers.get("Authorization"))  # before the body is looked at
            body = self._parse_body(raw)
            if sim.fire("drop_connection", op):
                self._drop()
                return
            if sim.fire("rate_limit", op):
                self._rate_limited()
                return
            if sim.fire("server_error", op):
                raise ApiError(
                    500,
                    "The server had an error while processing your request.",
                    type_="server_error",
                )
            if op == "content":
                self._send_content(job_id or "", query.get("variant", "video"), op)
                return
            status, payload, headers = self._operate(op, job_id, body, query)
            if op in CREATE_OPS and sim.fire("lose_create_response", op):
                self._drop()  # the job exists on the server; the client never hears of it
                return
            if sim.fire("slow_response", op):  # done on the server; the answer comes late
                time.sleep(max(0.0, sim.faults.slow_response_seconds))
            self._send_json(status, payload, headers)
        except ApiError as err:
            self._send_json(err.status, err.body())
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:
            log.exception("simulator error on %s %s", self.command, split.path)
            self._send_json(
                500,
                ApiError(500, "The simulator failed on this request.", type_="server_error").body(),
            )

    def _operate(
        self, op: str, job_id: str | None, body: dict[str, Any], query: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        sim = self.sim
        hint = {"openai-poll-after-ms": str(sim.poll_after_ms)}
        if op == "create":
            return 200, sim.create(body).public(), hint
        if op == "retrieve":
            return 200, sim.retrieve(job_id or "").public(), hint
        if op == "delete":
            return 200, sim.delete(job_id or ""), {}
        if op == "remix":
            return 200, sim.remix(job_id or "", body).public(), hint
        if op == "edit":
            return 200, sim.edit(body).public(), hint
        if op == "extend":
            return 200, sim.extend(body).public(), hint
        # list
        order = query.get("order", "desc")
        if order not in ("asc", "desc"):
            raise ApiError(
                400,
                f"Invalid value for 'order': {order[:10]!r}.",
                param="order",
                code="invalid_value",
            )
        try:
            limit = int(query.get("limit", "20"))
        except ValueError:
            limit = -1
        if not 0 <= limit <= 100:
            raise ApiError(
                400,
                "Invalid 'limit': expected an integer from 0 to 100.",
                param="limit",
                code="invalid_value",
            )
        return 200, sim.list_page(after=query.get("after"), limit=limit, order=order), {}

    # ------------------------------------------------------------ bodies

    def _read_raw(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            raise ApiError(
                413 if length > 0 else 400, f"Content-Length must be 0..{MAX_BODY} bytes."
            )
        return self.rfile.read(length) if length else b""

    def _parse_body(self, raw: bytes) -> dict[str, Any]:
        if self.command != "POST":
            return {}
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            return parse_multipart(ctype, raw)
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise ApiError(400, "We could not parse the JSON body of your request.") from None
        if not isinstance(data, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return data

    # ------------------------------------------------------------ responses

    def _headers(
        self, status: int, ctype: str, length: int, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("x-request-id", "req_" + secrets.token_hex(12))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()

    def _send_json(
        self, status: int, payload: dict[str, Any], extra: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self._headers(status, "application/json", len(data), extra)
        self.wfile.write(data)

    def _rate_limited(self) -> None:
        wait = max(0.0, self.sim.faults.retry_after)
        err = ApiError(
            429,
            f"Rate limit reached for requests. Please try again in {wait:.2f}s.",
            type_="requests",
            code="rate_limit_exceeded",
        )
        self._send_json(
            429,
            err.body(),
            {
                "Retry-After": str(max(1, math.ceil(wait))),
                "retry-after-ms": str(round(wait * 1000)),
            },
        )

    def _drop(self) -> None:
        """Close the socket without a response: what a reset proxy or a crash looks like."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send_content(self, job_id: str, variant: str, op: str) -> None:
        sim = self.sim
        path = sim.content_path(job_id, variant)
        slow = sim.fire("slow_download", op)
        size = path.stat().st_size
        stop_at = size // 2 if sim.fire("cut_download", op) else size
        self._headers(200, CONTENT_TYPES[variant], size)
        rate = max(1, sim.faults.slow_bytes_per_second)
        sent = 0
        with path.open("rb") as fh:
            while sent < stop_at and (data := fh.read(min(16 * 1024, stop_at - sent))):
                if slow:  # pace before each chunk, so the whole body takes size / rate
                    self.wfile.flush()
                    time.sleep(len(data) / rate)
                self.wfile.write(data)
                sent += len(data)
        if sent < size:  # the promised length never arrives: a broken transfer
            self.wfile.flush()
            self._drop()
