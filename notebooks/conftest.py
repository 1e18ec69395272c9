"""nbval runs the notebooks (`pytest --nbval-lax notebooks`) with the user's dirs isolated.

Each notebook's kernel inherits this process's environment, so pointing the ledger, the
analysis cache and the film folder at a temp dir here keeps every run away from the user's
real ledger and out of the repository, and dropping any API key keeps the notebooks on the
simulator whatever the developer's shell holds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_TMP: Path | None = None
_SAVED: dict[str, str | None] = {}
_VARS = (
    "SORAFILM_CACHE_DIR",
    "SORAFILM_DATA_DIR",
    "SORAFILM_LEDGER",
    "SORAFILM_SIM_LEDGER",
    "SORAFILM_NOTEBOOK_OUT",
    "SORAFILM_REPO",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "SORAFILM_API_KEY",
)


def pytest_configure(config: pytest.Config) -> None:
    global _TMP
    _TMP = Path(tempfile.mkdtemp(prefix="sorafilm-nbval-"))
    _SAVED.update({k: os.environ.get(k) for k in _VARS})
    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SORAFILM_API_KEY", "SORAFILM_REPO",
                "SORAFILM_SIM_LEDGER"):
        os.environ.pop(key, None)
    os.environ["SORAFILM_CACHE_DIR"] = str(_TMP / "cache")
    os.environ["SORAFILM_DATA_DIR"] = str(_TMP / "data")
    os.environ["SORAFILM_LEDGER"] = str(_TMP / "data" / "ledger.sqlite3")
    os.environ["SORAFILM_NOTEBOOK_OUT"] = str(_TMP / "out")


def pytest_unconfigure(config: pytest.Config) -> None:
    for key, value in _SAVED.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    if _TMP is not None:
        shutil.rmtree(_TMP, ignore_errors=True)
