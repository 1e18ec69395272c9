"""Atomic file writes with one permission policy: the one way this package writes a file.

Why one helper (issue 10, and issue 11 item 4):

- **Atomic.** A crash never leaves a half-written manifest, plan, CSV or mp4 under its final
  name: bytes go to a temp file in the same folder, are fsynced, then ``os.replace``d onto
  the target (a rename replaces a link at the target, it never writes through it).
- **Never through a link.** The temp file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW``:
  a name planted in the folder (a symlink to ``~/.bashrc``) makes the write fail, it is never
  truncated or followed.
- **One permission policy.** Every file is ``0o666 & ~umask``, an ordinary file like any the
  user writes (``mkstemp``'s 0600 would hide a film's report from a colleague who can watch
  it). The umask is read once, at import, from ``/proc/self/status`` where the kernel shows
  it; ``os.umask`` can only read it by setting it, which races every thread creating files,
  so it is the fallback only where procfs is missing (and runs at import, before the
  studio's threads).

- **Not where a repository's link points.** ``repository_link`` finds a link of the
  repository being filmed on the way to an output folder (the CLI's --out, the studio's
  folder lock), which must not choose where our files go; ``link_refusal`` says so.

Imports only the standard library and ``sorafilm_nb.errors``: any layer may use it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "FILE_MODE",
    "NOFOLLOW",
    "atomic_path",
    "create_new",
    "link_refusal",
    "open_atomic",
    "read_umask",
    "repository_link",
    "temp_name",
    "write_bytes",
    "write_chunks",
    "write_text",
]

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | _CLOEXEC


def read_umask() -> int:
    """The process umask, read without changing it where the kernel allows (Linux >= 4.7)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8) & 0o777
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # the fallback reads by writing: done once, at import
    os.umask(mask)
    return mask


UMASK = read_umask()
FILE_MODE = 0o666 & ~UMASK


def temp_name(target: Path, suffix: str = "") -> Path:
    """The temp file a write to ``target`` goes through: hidden, beside it, unguessable.

    Always ``.<name>.<hex>.partial<suffix>``: one shape, so a folder's owner (the studio's
    leftover sweep) can recognise what a killed writer left behind.
    """
    return target.parent / f".{target.name}.{secrets.token_hex(6)}.partial{suffix}"


def create_new(path: Path) -> int:
    """Create ``path`` exclusively (never through a link, never an existing file) with the
    package's mode; returns the open fd."""
    fd = os.open(path, _NEW, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask read at import, whatever it is now
    except BaseException:
        os.close(fd)
        raise
    return fd


@contextlib.contextmanager
def open_atomic(
    path: str | os.PathLike[str],
    mode: str = "wb",
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    durable: bool = True,
) -> Iterator[IO[Any]]:
    """A file object whose content replaces ``path`` when the block ends without an error.

    An exception in the block (or a failed fsync) removes the temp file and leaves ``path``
    as it was. The parent folder is created if missing. durable=False skips the fsync: for
    a cache that checks what it reads and rebuilds what is torn, where a cold `sorafilm
    plan` would otherwise wait on a dozen fsyncs (0.5-7 ms each here, issue 14); the write
    is still atomic against other processes.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"open_atomic writes 'wb' or 'w', not {mode!r}")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target)
    fd = create_new(tmp)
    try:
        if mode == "wb":
            fh: IO[Any] = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        with fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_bytes(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> Path:
    """Replace ``path`` with ``data``, atomically (see the module docstring; durable as in
    open_atomic)."""
    with open_atomic(path, "wb", durable=durable) as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | os.PathLike[str], text: str, *, newline: str | None = None) -> Path:
    """Replace ``path`` with ``text`` in UTF-8, atomically."""
    with open_atomic(path, "w", newline=newline) as fh:
        fh.write(text)
    return Path(path)


def write_chunks(path: str | os.PathLike[str], chunks: Iterable[bytes]) -> int:
    """Replace ``path`` with the bytes of ``chunks`` (a download), atomically; returns how
    many bytes were written. An exception from the iterator leaves nothing behind."""
    written = 0
    with open_atomic(path, "wb") as fh:
        for chunk in chunks:
            fh.write(chunk)
            written += len(chunk)
    return written


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], *, suffix: str = "") -> Iterator[Path]:
    """A temp path beside ``path`` for a writer in another process (ffmpeg).

    The temp file is created here, exclusively and without following links, with the
    package's mode; the writer overwrites it in place. When the block ends without an error
    it is fsynced and renamed onto ``path``; otherwise it is removed. ``suffix`` keeps the
    extension a tool may look at.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(target, suffix)
    os.close(create_new(tmp))
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY | NOFOLLOW | _CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def repository_link(folder: Path, repo: str | Path) -> tuple[str, str] | None:
    """(the link, where it leads) when a link on the way to folder, inside repo, leads out of
    repo; None otherwise (no link, a link to elsewhere inside repo, a folder outside repo).

    Why: a repository someone else wrote may ship ``out`` (or ``films/``) as a link to a
    folder of the user's, and `sorafilm film --repo . --out out` (or a notebook's
    ``OUT = Path("out")``) wrote plan.md, report.md, manifest.json and the mp4s there, over
    files of those names. The user's own link to a larger disk is refused as well; the
    error names the folder to give instead.

    Every step of the way is looked at, from the root, and a link counts as the repository's
    when the folder it stands in really is inside repo: folder named through another path to
    the repository (a link to it, a symlinked parent: ``~/proj/out`` with ``~/proj`` a link
    to the repository) reached its ``out`` link unseen, as neither the repository's path
    as given nor its real one started the folder's."""
    top = os.path.realpath(repo)
    probe = os.path.abspath(folder)
    steps: list[str] = []
    while True:
        parent, name = os.path.split(probe)
        if not name:
            break
        steps.append(probe)
        probe = parent
    for step in reversed(steps):
        if not os.path.islink(step) or not _within(os.path.realpath(os.path.dirname(step)), top):
            continue
        target = os.path.realpath(step)
        if not _within(target, top):
            return os.path.relpath(step), target
    return None


def link_refusal(folder: Path, repo: str | Path, *, flag: str = "") -> str | None:
    """Why folder is refused when a link of repo chooses it (repository_link), said the one
    way for the CLI's --out and the studio's folder lock: the link, where it leads, and the
    folder to give instead (after ``flag``: "--out "); None when no such link does."""
    leads = repository_link(folder, repo)
    if leads is None:
        return None
    link, target = leads
    return (
        f"{link} is a link in the repository, to {target}; a repository's own link does not "
        f"choose where a film is written. Give the folder itself ({flag}"
        f"{os.path.realpath(folder)}) if that is where the film belongs"
    )


def _within(path: str, top: str) -> bool:
    """Whether path (a real path) is top or under it."""
    return path == top or path.startswith(top.rstrip("/") + "/")
