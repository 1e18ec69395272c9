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
import re
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

# Body caps, checked on Content-Length (or while a chunked body arrives) before it is read.
# A JSON body holds at most a prompt of MAX_PROMPT (32,000) characters, 192 KB even if every
# character is sent as a \uXXXX escape: 1 MiB is ample. A multipart create carries an
# input_reference image that must be exactly one of the API's sizes, at most 1792x1024: even
# uncompressed 32-bit RGBA that is 7.3 MB (PNG and JPEG far less), so 20 MiB takes any
# honest image with room for the form around it, and refuses a 64 MiB upload unread.
MAX_JSON_BODY = 1024 * 1024
MAX_UPLOAD_BODY = 20 * 1024 * 1024
MAX_BODY = MAX_UPLOAD_BODY  # the largest body any request may carry
_UPLOAD_OPS = frozenset({"create", "edit", "extend"})  # the operations that take files
# path shape -> the methods the API serves there (the Allow header of a 405)
_ALLOW = {"list": "GET, POST", "job": "GET, DELETE", "content": "GET", "post": "POST"}
_HEX = re.compile(rb"[0-9A-Fa-f]{1,8}")  # a chunk size; 8 digits is already 4 GiB
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
        if not self.sim.conceal:  # tests stand in a real server this way (as the fakes do)
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

    def do_HEAD(self) -> None:
        """HEAD, OPTIONS and TRACE: the API's JSON 405 with Allow, never the base class's
        HTML page (a HEAD answer carries the headers only, as HTTP requires)."""
        parts = [p for p in urlsplit(self.path).path.split("/") if p]
        try:
            allow = self._allowed(parts)
        except ApiError as err:
            self._send_json(err.status, err.body())
            return
        refusal = ApiError(
            405,
            f"Method {self.command} is not allowed on this path; allowed: {allow}.",
            code="method_not_allowed",
        )
        self._send_json(405, refusal.body(), {"Allow": allow})

    do_OPTIONS = do_TRACE = do_HEAD

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """What the base class answers itself (a malformed request line, an unknown method,
        oversized headers) comes as the API's JSON error too, never an HTML page."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # a garbled request line: still a status line
            self.request_version = self.protocol_version
        text = message or self.responses.get(code, ("Error",))[0]
        with contextlib.suppress(OSError):
            self._send_json(code, ApiError(code, text, code=None).body(), {"Connection": "close"})

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

    def _allowed(self, parts: list[str]) -> str:
        """The Allow header for a path of the API; the API's 404 for any other path."""
        rest = parts[2:] if parts[:2] == ["v1", "videos"] else None
        if rest is not None and len(rest) == 0:
            return _ALLOW["list"]
        if rest is not None and len(rest) == 1:
            return _ALLOW["post"] if rest[0] in ("edits", "extensions") else _ALLOW["job"]
        if rest is not None and len(rest) == 2 and rest[1] in ("content", "remix"):
            return _ALLOW["content"] if rest[1] == "content" else _ALLOW["post"]
        raise ApiError(
            404, f"Unknown path: {self.command} /{'/'.join(parts)[:100]}", code="unknown_url"
        )

    def _dispatch(self) -> None:
        split = urlsplit(self.path)
        # split before unquoting, so an encoded "/" or ".." stays inside one id segment
        parts = [p for p in split.path.split("/") if p]
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        # until the body is read, an answer must close the connection: the unread bytes
        # would otherwise be taken for the next request
        self._body_pending = bool(
            self.headers.get("Content-Length", "0").strip() not in ("", "0")
            or self.headers.get("Transfer-Encoding")
        )
        sim = self.sim
        try:
            op, job_id = self._route(self.command, parts)
            sim.count(op)
            # the key, then the declared length, and only then a byte of the body
            sim.check_key(self.headers.get("Authorization"))
            raw = self._read_body(op)
        except ApiError as err:
            self._send_json(err.status, err.body())
            return
        try:
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

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue`` is answered only once the key and length are checked
        (in _read_body): the base class says "continue" at once, inviting the body early."""
        return True

    def _continue(self) -> None:
        if self.headers.get("Expect", "").lower() == "100-continue":
            self.wfile.write(f"{self.protocol_version} 100 Continue\r\n\r\n".encode())
            self.wfile.flush()

    def _body_cap(self, op: str) -> int:
        multipart = self.headers.get("Content-Type", "").startswith("multipart/form-data")
        return MAX_UPLOAD_BODY if multipart and op in _UPLOAD_OPS else MAX_JSON_BODY

    def _read_body(self, op: str) -> bytes:
        """The request body, within the operation's cap; refused unread when it declares
        more. Chunked bodies are read chunk by chunk under the same cap; any other transfer
        coding, or one next to a Content-Length (request smuggling), is refused."""
        cap = self._body_cap(op)
        codings = self.headers.get_all("Transfer-Encoding") or []
        lengths = self.headers.get_all("Content-Length") or []
        if codings:
            if lengths:
                raise ApiError(400, "A request cannot have both Content-Length and chunked.")
            if [c.strip().lower() for c in ",".join(codings).split(",")] != ["chunked"]:
                raise ApiError(
                    501, "Only the chunked transfer coding is supported.", type_="server_error"
                )
            self._continue()
            raw = self._read_chunked(cap)
            self._body_pending = False
            return raw
        if len(set(v.strip() for v in lengths)) > 1:
            raise ApiError(400, "Conflicting Content-Length headers.")
        text = lengths[0].strip() if lengths else "0"
        length = int(text) if text.isdigit() and len(text) <= 12 else -1
        if length < 0:
            raise ApiError(400, "Content-Length must be a whole number of bytes.")
        if length > cap:
            raise ApiError(
                413,
                f"Request body too large: {length} bytes; this request takes at most {cap}.",
                code="request_too_large",
            )
        if length:
            self._continue()
        raw = self.rfile.read(length) if length else b""
        if len(raw) != length:
            raise ApiError(400, "The request body ended before Content-Length bytes.")
        self._body_pending = False
        return raw

    def _read_chunked(self, cap: int) -> bytes:
        """A chunked body (RFC 9112 7.1), at most cap bytes of data; trailers are skipped."""
        out = bytearray()
        while True:
            line = self.rfile.readline(1026)
            size_text = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not _HEX.fullmatch(size_text):
                raise ApiError(400, "Malformed chunked request body.")
            size = int(size_text, 16)
            if size == 0:
                break
            if len(out) + size > cap:
                raise ApiError(
                    413,
                    f"Request body too large: over {cap} bytes in chunks.",
                    code="request_too_large",
                )
            data = self.rfile.read(size)
            if len(data) != size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise ApiError(400, "Malformed chunked request body.")
            out += data
        for _ in range(64):  # trailer fields up to the empty line
            line = self.rfile.readline(8194)
            if line in (b"\r\n", b"\n"):
                return bytes(out)
            if not line.endswith(b"\n"):
                break
        raise ApiError(400, "Malformed chunked request body.")

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
        if getattr(self, "_body_pending", False):  # see _dispatch
            self.close_connection = True
            extra = {**(extra or {}), "Connection": "close"}
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
        if self.command != "HEAD":  # a HEAD answer has the headers of one, never its body
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
        fh, size = sim.open_content(job_id, variant)  # 404, never 500, when DELETE races it
        with fh:
            slow = sim.fire("slow_download", op)
            stop_at = size // 2 if sim.fire("cut_download", op) else size
            self._headers(200, CONTENT_TYPES[variant], size)
            rate = max(1, sim.faults.slow_bytes_per_second)
            sent = 0
            while sent < stop_at and (data := fh.read(min(16 * 1024, stop_at - sent))):
                if slow:  # pace before each chunk, so the whole body takes size / rate
                    self.wfile.flush()
                    time.sleep(len(data) / rate)
                self.wfile.write(data)
                sent += len(data)
        if sent < size:  # the promised length never arrives: a broken transfer
            self.wfile.flush()
            self._drop()
