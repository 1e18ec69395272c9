"""Two projects' films share few gags (issue 12, item 2): casting is seeded per project, and
every role many projects share is played by several gags of near-equal fit, so the seeded
tie-break has a real choice. Small repositories written in tmp dirs, analyzed for real."""

from __future__ import annotations

from collections import Counter
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


def _cast_in(tmp_path: Path, project: str, name: str, doc: str) -> str:
    """The gag one concept gets in a project of its own (a real repository in a tmp dir)."""
    root = tmp_path / project
    (root / project).mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{project}"\n', encoding="utf-8")
    (root / project / "__init__.py").write_text(
        f'class {name}:\n    """{doc or "."}"""\n\n\n__all__ = ["{name}"]\n', encoding="utf-8"
    )
    return cast(analyze(root, use_cache=False)).entry(name).metaphor.id


@pytest.mark.parametrize(
    ("name", "doc"),
    [
        ("Request", "A request to send to a server."),
        ("Client", "An HTTP client that sends requests."),
        ("Session", ""),
        ("Router", ""),
    ],
)
def test_one_concept_in_many_projects_gets_many_gags(tmp_path: Path, name: str, doc: str) -> None:
    """The same Request in two dozen projects: the project-seeded choice among gags that fit
    it equally well spreads them over at least MIN_PLAYERS gags, none in more than half the
    films (with two fitting gags, as the kitchen had for a request, that cannot hold). A gag
    that fits clearly better (one more word of what the concept does) still wins everywhere:
    the seed only chooses among equals."""
    picks = Counter(_cast_in(tmp_path, f"proj{i}", name, doc) for i in range(24))
    assert len(picks) >= MIN_PLAYERS and max(picks.values()) <= 12, picks


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
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
