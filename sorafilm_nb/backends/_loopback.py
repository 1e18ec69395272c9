"""A double's HTTP server on 127.0.0.1: started on a thread, stopped, its media folder removed.

The embedded simulator and the Veo and Runway fakes share this lifecycle, so each binds only
the loopback address (a double is never reachable from another machine) and none leaves a
temp folder behind, even when it is never stopped (a notebook kernel that just exits).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by serve(): http.server (with http.client, email, ssl) is ~15 ms
    # that `connect`'s importers (every `sorafilm` command a test runs) pay before any double
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: The size the doubles draw their animatics at, as a share of the planned size: half
#: (640x360 for 1280x720; the panel says so), legible and quick for a demo. The Simulator's
#: default and what ``connect`` and ``sorafilm simulate`` start the doubles with; tests that
#: check what is sent, booked and stitched, never the pixels, set ``connect``'s copy smaller.
DOUBLE_RENDER_SCALE = 0.5

__all__ = ["serve", "shut", "temp_folder"]


def serve(
    port: int, handler: type[BaseHTTPRequestHandler], thread_name: str, **attrs: Any
) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """A server on 127.0.0.1:port (0: any free port) serving on a daemon thread. ``attrs``
    are set on the server, where the handler finds its double (``server.simulator``)."""
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", port), handler)  # may raise: port busy
    server.daemon_threads = True
    for name, value in attrs.items():
        setattr(server, name, value)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=thread_name, daemon=True
    )
    thread.start()
    return server, thread


def shut(server: ThreadingHTTPServer | None, thread: threading.Thread | None) -> None:
    """Stop serving, close the socket and wait (at most 5 s) for the thread."""
    if server is not None:
        server.shutdown()
        server.server_close()
    if thread is not None:
        thread.join(timeout=5)


def temp_folder(owner: object, prefix: str) -> tuple[Path, weakref.finalize]:
    """A new temp folder, removed when called or when ``owner`` is collected."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    return folder, weakref.finalize(owner, shutil.rmtree, folder, True)
