"""The OpenAI backend's download: one stream into a file, bounded by a whole-call deadline.

Kept apart from ``openai_api`` because it is one self-contained mechanism (a watchdog timer
that shuts the response's socket at the deadline, so even a read blocked on a silent server
returns at once; the file appears only whole, through ``safeio``), not the backend's logic.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..safeio import open_atomic
from ._provider import is_transport_error as _is_transport_error
from .base import BackendError, ServerError
from .openai_wire import _header_float, _quiet

__all__ = ["stream_download"]


def stream_download(
    openai: Any,
    open_stream: Callable[[], Any],
    target: Path,
    *,
    what: str,
    deadline: float,
    map_error: Callable[[Exception, str], BackendError],
) -> Path:
    """Stream the response ``open_stream()`` gives into ``target`` within ``deadline`` s.

    Written to a new temp file beside ``target`` (never through a symlink), size-checked
    against Content-Length (and never empty), fsynced, then renamed into place; any failure,
    the deadline included, leaves nothing. SDK errors go through ``map_error``.
    """
    limit = deadline
    expired = threading.Event()
    sock: list[socket.socket] = []  # the response's socket, once there is one
    sock_lock = threading.Lock()

    def cut() -> None:  # the watchdog: runs in a timer thread at the deadline
        with sock_lock:
            expired.set()
            for s in sock:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def too_slow(written: int, expected: float | None) -> ServerError:
        of = f" of {int(expected)}" if expected is not None else ""
        return ServerError(
            f"{what}: not finished after {limit:g} s (download_deadline); "
            f"{written}{of} bytes had arrived; nothing was saved"
        )

    watchdog = threading.Timer(limit, cut)
    watchdog.daemon = True
    written = 0
    expected: float | None = None
    watchdog.start()
    try:
        with (
            _quiet(),
            open_stream() as response,
        ):
            stream = response.http_response.extensions.get("network_stream")
            raw = stream.get_extra_info("socket") if stream is not None else None
            with sock_lock:
                if isinstance(raw, socket.socket):
                    sock.append(raw)
            if expired.is_set():
                raise too_slow(0, None)
            expected = _header_float(response.headers, "content-length")
            with open_atomic(target, "wb") as fh:  # renamed into place only if whole
                # no chunk_size: each piece as it arrives, so the deadline is checked
                # even where the watchdog could not reach the socket
                for chunk in response.iter_bytes():
                    if expired.is_set():
                        raise too_slow(written, expected)
                    fh.write(chunk)
                    written += len(chunk)
                if expired.is_set():
                    raise too_slow(written, expected)
                if written == 0:
                    raise ServerError(f"{what}: the server sent an empty body")
                if expected is not None and written != int(expected):
                    raise ServerError(f"{what}: got {written} bytes, expected {int(expected)}")
        return target
    except openai.APIError as exc:
        if expired.is_set():
            raise too_slow(written, expected) from None
        raise map_error(exc, what) from None
    except Exception as exc:
        if _is_transport_error(exc) and expired.is_set():  # the watchdog's shutdown
            raise too_slow(written, expected) from None
        if _is_transport_error(exc):
            raise ServerError(
                f"{what}: the connection broke mid-download ({type(exc).__name__})"
            ) from None
        raise
    finally:
        watchdog.cancel()
