"""The backends share one verifying TLS context: built once, and still verifying.

Building a context parses certifi's CA bundle (25-35 ms of CPU); each backend used to build
several per construction. These tests hold both halves of the fix: one load per process, and
every httpx client a backend holds still refuses a server whose certificate nobody vouches
for (a self-signed one on 127.0.0.1), while a client that does trust it gets through.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import httpx2
import pytest

from sorafilm_nb.backends import _provider
from sorafilm_nb.backends._provider import bounded_transport, ssl_context
from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.runway import RunwayBackend
from sorafilm_nb.backends.veo import VeoBackend


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"{}"
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An https server on 127.0.0.1 with a self-signed certificate valid for that address
    (so the only thing wrong with it is that no trusted authority signed it)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", cert
    finally:
        server.shutdown()
        server.server_close()


def _clients(url: str) -> dict[str, Any]:
    """Every httpx client the backends build for ``url``, by where it lives."""
    veo = VeoBackend(api_key="test-key", base_url=url)
    runway = RunwayBackend(api_key="test-key", base_url=url)
    openai = OpenAIBackend(api_key="test-key", base_url=url)
    return {
        "bounded_transport": httpx.Client(transport=bounded_transport(1024, 10.0)),
        "veo creator": veo._creator._api_client._httpx_client,
        "veo reader": veo._reader._api_client._httpx_client,
        "runway sdk": runway._client._client,
        "runway media": runway._media,
        "openai sdk": openai._client._client,
    }


def test_every_backend_client_still_refuses_an_untrusted_certificate(
    self_signed: tuple[str, Path],
) -> None:
    url, cert = self_signed
    # the server itself is sound: a client that trusts its certificate is answered
    trusting = ssl.create_default_context(cafile=str(cert))
    with httpx.Client(verify=trusting) as client:
        assert client.get(url).status_code == 200
    for where, client in _clients(url).items():
        with pytest.raises((httpx.ConnectError, httpx2.ConnectError), match="VERIFY_FAILED"):
            client.get(url)
            pytest.fail(f"{where}: accepted a self-signed certificate")


def test_veo_probe_refuses_an_untrusted_certificate(self_signed: tuple[str, Path]) -> None:
    """The probe's own client verifies too: an unverified answer would have been read."""
    url, _ = self_signed
    veo = VeoBackend(api_key="test-key", base_url=url)
    assert veo.is_simulator() is False
    assert veo._kind.state == "unknown"  # no answer was observed: the handshake failed


def test_each_library_default_context_is_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Constructing backends loads a CA bundle once per httpx library, not once per client,
    and each context is what that library builds by default (openai's httpx2 trusts the
    system store, the rest certifi's bundle): what is trusted does not change."""
    loads: list[object] = []
    original = ssl.SSLContext.load_verify_locations

    def counting(self: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loads.append(args or kwargs)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counting)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    _provider._library_context.cache_clear()
    try:
        for _ in range(3):
            clients = _clients("http://127.0.0.1:9")
        assert len(loads) == 2, loads  # httpx's and httpx2's, once each
        assert ssl_context() is ssl_context(httpx.Client)
        assert ssl_context(httpx2.Client) is not ssl_context()
        for library, client in ((httpx, clients["runway sdk"]), (httpx2, clients["openai sdk"])):
            context = ssl_context(type(client))
            assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
            default = library.create_ssl_context()
            assert context.cert_store_stats() == default.cert_store_stats()
    finally:
        _provider._library_context.cache_clear()
