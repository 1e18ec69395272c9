"""The prepared vocabulary's stamp (story/tokens.py): a file checked once is not hashed again
while it is unchanged, and any change to it is hashed, and a damaged file refused (issue 14)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from sorafilm_nb.story import bpe, tokens


class CountingSha:
    """hashlib as bpe sees it, counting the sha256 calls (the body checks)."""

    def __init__(self) -> None:
        import hashlib

        self.real = hashlib
        self.calls = 0

    def sha256(self, data: Any) -> Any:
        self.calls += 1
        return self.real.sha256(data)


@pytest.fixture
def sha(monkeypatch: pytest.MonkeyPatch) -> CountingSha:
    counting = CountingSha()
    monkeypatch.setattr(bpe, "hashlib", counting)
    return counting


def age(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if every file had been written a while ago: its ctime (which no call can set back)
    older than the racy window."""
    monkeypatch.setattr(tokens, "_RACY_NS", -(10**12))


def own_copy(path: Path) -> None:
    """A private copy of the (possibly shared, hard-linked) vocabulary: written by the test."""
    blob = path.read_bytes()
    path.unlink()
    path.write_bytes(blob)


def test_a_checked_file_is_vouched_for_until_it_changes(
    sha: CountingSha, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tokens.vocab_path()
    assert tokens.prepared_vocab() is not None  # made, or the shared one
    own_copy(path)
    sha.calls = 0
    assert tokens.prepared_vocab() is not None and sha.calls == 1  # too fresh: no stamp
    assert not tokens.stamp_path(path).exists()

    age(monkeypatch)
    sha.calls = 0
    first = tokens.prepared_vocab()
    assert first is not None and sha.calls == 1 and tokens.stamp_path(path).exists()
    again = tokens.prepared_vocab()
    assert again is not None and sha.calls == 1  # vouched for: not hashed again
    assert again.ranks() == first.ranks() and again.pattern == first.pattern

    # one byte changed in place, with its mtime set back: the ctime still tells
    blob = bytearray(path.read_bytes())
    blob[-5] ^= 1
    st = path.stat()
    with open(path, "r+b") as fh:
        fh.seek(len(blob) - 5)
        fh.write(bytes([blob[-5]]))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns
    sha.calls = 0
    rebuilt = tokens.prepared_vocab()  # hashed, refused, made again from the bundle
    assert sha.calls >= 1 and rebuilt is not None
    assert rebuilt.ranks() == first.ranks()
    assert path.read_bytes()[-5] != blob[-5]  # the damaged file was replaced


def test_a_stamp_for_another_file_vouches_for_nothing(
    sha: CountingSha, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tokens.vocab_path()
    assert tokens.prepared_vocab() is not None
    own_copy(path)
    age(monkeypatch)
    assert tokens.prepared_vocab() is not None and tokens.stamp_path(path).exists()
    stamp = tokens.stamp_path(path).read_text().split()
    for i, bad in ((1, "1"), (5, "00" * 32)):  # another inode; another body hash
        forged = list(stamp)
        forged[i] = bad
        tokens.stamp_path(path).write_text(" ".join(forged))
        sha.calls = 0
        assert tokens.prepared_vocab() is not None and sha.calls == 1
    tokens.stamp_path(path).write_text("garbage")
    sha.calls = 0
    assert tokens.prepared_vocab() is not None and sha.calls == 1


def test_a_file_changed_while_it_is_read_is_not_vouched_for(
    sha: CountingSha, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp is compared with the file's stat; a write landing between that stat and the
    read (another process damaging the file in place) must not ride on the stamp's word."""
    path = tokens.vocab_path()
    assert tokens.prepared_vocab() is not None
    own_copy(path)
    age(monkeypatch)
    good = tokens.prepared_vocab()
    assert good is not None and tokens.stamp_path(path).exists()

    real_fdopen = os.fdopen

    class DamagedOnRead:
        """The vocabulary's file object; its first read lands after a concurrent write."""

        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> DamagedOnRead:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def fileno(self) -> int:
            return int(self.fh.fileno())

        def read(self) -> bytes:
            size = os.fstat(self.fh.fileno()).st_size
            with open(path, "r+b") as other:  # the other process's in-place write
                other.seek(size - 5)
                byte = other.read(1)
                other.seek(size - 5)
                other.write(bytes([byte[0] ^ 1]))
            return bytes(self.fh.read())

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        fh = real_fdopen(fd, *args, **kwargs)
        same = os.path.samestat(os.fstat(fd), os.stat(path))
        return DamagedOnRead(fh) if same else fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    got = tokens.prepared_vocab()
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    assert got is not None and got.ranks() == good.ranks()  # refused and made again


def test_the_file_is_on_disk_before_a_stamp_vouches_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The vocabulary is written without fsync; a stamp that reached the disk before the
    file's blocks would vouch, after a crash, for a body never hashed again."""
    path = tokens.vocab_path()
    assert tokens.prepared_vocab() is not None
    own_copy(path)
    age(monkeypatch)
    real_fsync = os.fsync
    synced: list[tuple[int, bool]] = []

    def fsync(fd: int) -> None:
        synced.append((os.fstat(fd).st_ino, tokens.stamp_path(path).exists()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert tokens.prepared_vocab() is not None and tokens.stamp_path(path).exists()
    assert (path.stat().st_ino, False) in synced
