"""Shared fixtures. No test touches the user's real cache, data or ledger directories."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point every per-user directory at a temp dir, and drop any real API key."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("SORAFILM_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("SORAFILM_LEDGER", str(base / "data" / "ledger.sqlite3"))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SORAFILM_API_KEY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
