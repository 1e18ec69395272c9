"""Two projects' films share few gags (issue 12, item 2): casting is seeded per project, and
every role many projects share is played by several gags of near-equal fit, so the seeded
tie-break has a real choice. Small repositories written in tmp dirs, analyzed for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.casting import MetaphorLibrary, cast
from sorafilm_nb.story.scoring import stem

# Roles that many libraries' public APIs play (HTTP, CLI, data, templates): each needs a
# choice of gags, or every project with a Request films the same one.
COMMON_ROLES = (
    "request", "response", "send", "fetch", "client", "session", "server", "serve", "listen",
    "route", "handler", "middleware", "parse", "validate", "render", "template", "command",
    "option", "config", "create", "build", "compile", "load", "read", "write", "stream",
    "cache", "schema", "model", "field", "type", "format", "print", "table", "app", "run",
    "url", "path", "header", "cookie", "json", "encode", "serialize", "object", "string",
    "number", "array", "unknown", "promise", "context", "define",
)  # fmt: skip
MIN_PLAYERS = 3  # two projects then pick the same one at most a third of the time

# Two HTTP libraries, written apart: different names and docstrings, the same trade (the
# requests / httpx / express case, where two films shared a third of their gags).
LIBRARIES = {
    "fetchy": {
        "Client": "An HTTP client that sends requests and keeps a connection pool.",
        "Request": "A request to send to a server.",
        "Response": "The response a server sends back.",
        "Headers": "Case-insensitive headers of a request or a response.",
        "get": "Send a GET request to the url.",
        "post": "Send a POST request with a body.",
        "stream": "Stream the response body in chunks.",
        "Timeout": "How long to wait for the server before giving up.",
    },
    "courier": {
        "Session": "Keeps cookies and settings across requests.",
        "PreparedRequest": "The exact bytes that will be sent to the server.",
        "Reply": "Contains the server's response to a request.",
        "send": "Send a prepared request and return its reply.",
        "fetch": "Fetch a resource from a url.",
        "put": "Send a PUT request.",
        "Router": "Routes each incoming request to its handler.",
        "listen": "Listen for connections on a port.",
    },
}


def _repo(root: Path, name: str, api: dict[str, str]) -> Path:
    pkg = root / name
    pkg.mkdir(parents=True)
    (root / "README.md").write_text(
        f"# {name.title()}\n\n{name.title()} is an HTTP library.\n", encoding="utf-8"
    )
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\n', encoding="utf-8")
    code = [f'"""{name}: HTTP."""']
    for what, doc in api.items():
        head = f"class {what}:" if what[0].isupper() else f"def {what}(*args):"
        code.append(f'\n\n{head}\n    """{doc}"""\n')
    (pkg / "api.py").write_text("".join(code), encoding="utf-8")
    (pkg / "__init__.py").write_text(
        f"from .api import {', '.join(api)}\n__all__ = {list(api)!r}\n", encoding="utf-8"
    )
    return root


def _gags(root: Path) -> set[str]:
    return {e.metaphor.id for e in cast(analyze(root, use_cache=False)).entries}


def test_two_http_libraries_share_at_most_a_quarter_of_their_gags(tmp_path: Path) -> None:
    a, b = (_gags(_repo(tmp_path / n, n, api)) for n, api in LIBRARIES.items())
    assert len(a & b) / len(a | b) <= 0.25, sorted(a & b)


@pytest.mark.parametrize("theme", ["kitchen"])
def test_every_common_role_has_a_choice_of_gags(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    thin = {}
    for role in COMMON_ROLES:
        players = [
            m.id
            for m in lib.metaphors
            if stem(role) in {stem(r) for r in m.roles} and m.polarity != "trouble"
        ]
        if len(players) < MIN_PLAYERS:
            thin[role] = players
    assert not thin, thin
