"""The film folder's lock, and the check that the folder holds only its own files.

Why a lock: two notebooks resuming one folder at once could each find a reservation without
its job, each see nothing in list() yet, and each create the shot: one paid job too many.
Why so careful opening it: the folder may be one the user did not make (a shared or
downloaded one), and a planted ``.sorafilm.lock`` link or hard link would otherwise have its
target, anywhere the user can write, truncated and overwritten with our PID.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..safeio import FILE_MODE, NOFOLLOW, link_refusal
from .folder import FilmError

__all__ = ["LOCK", "folder_lock", "refuse_links_out"]

LOCK = ".sorafilm.lock"


@contextlib.contextmanager
def folder_lock(out_dir: Path, repo: str | Path | None = None) -> Iterator[None]:
    """Hold the film folder for one process at a time (an OS lock: a killed holder frees it).

    Two notebooks resuming one folder at once could each find a reservation without its job,
    each see nothing in list() yet, and each create the shot: one paid job too many. So the
    studio's run, resume and rerun hold this lock for their whole length. ``repo``: the
    repository filmed, whose links must not choose the folder (safeio.link_refusal).
    """
    folder = Path(out_dir)
    refused = link_refusal(folder, repo) if repo else None
    if refused is not None:
        raise FilmError(f"{folder}: {refused} (nothing was written)")
    folder.mkdir(parents=True, exist_ok=True)
    refuse_links_out(folder)
    path = folder / LOCK
    for _ in range(100):
        fh = _open_lock(path)
        try:
            _lock_file(fh)
        except OSError:
            fh.seek(0)
            holder = fh.read(32).decode("ascii", "replace").strip() or "another process"
            fh.close()
            raise FilmError(
                f"{folder} is in use by process {holder}; wait for it to finish "
                "(nothing was submitted)"
            ) from None
        except BaseException:
            fh.close()
            raise
        # The holder before us unlinks the file as it leaves: if it did so between our open
        # and our lock, we hold a lock on a file nobody else can see, and a newcomer would
        # create and lock a fresh one. Only a lock on the file at the path counts.
        if _same_file(fh, path):
            break
        _unlock_file(fh)
        fh.close()
    else:  # pragma: no cover - a path swapped under us a hundred times running
        raise FilmError(f"{folder}: could not take the folder lock {LOCK}")
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()).encode())
        fh.flush()
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                path.unlink()  # still ours; one who opened it meanwhile sees it gone, retries
            _unlock_file(fh)
    finally:
        fh.close()


def _open_lock(path: Path) -> Any:
    """The lock file, opened without following a link and only if it is a plain file of
    ours: a planted ``.sorafilm.lock`` link (or a hard link to a file elsewhere) would
    otherwise have its target truncated and overwritten with our PID."""
    flags = os.O_RDWR | os.O_CREAT | NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0)  # a FIFO planted there must not hang the open
    try:
        fd = os.open(path, flags, FILE_MODE)
    except OSError as exc:
        if path.is_symlink():
            raise FilmError(
                f"{path} is a symbolic link; the lock file must be a plain file in the "
                "folder (remove the link; nothing was written)"
            ) from None
        raise FilmError(f"{path}: cannot open the folder lock: {exc.strerror}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        what = "not a plain file" if not stat.S_ISREG(st.st_mode) else "a hard link"
        raise FilmError(
            f"{path} is {what}; the lock file must be the folder's own plain file "
            "(remove it; nothing was written)"
        )
    return os.fdopen(fd, "r+b")


def refuse_links_out(out_dir: Path) -> None:
    """Refuse a film folder any of whose entries is a link leading out of it.

    Everything the studio writes there replaces its name (safeio), so a link would not be
    written through; but a folder that links out is not one the studio made, and reading a
    clip, the manifest or the lock through such a link reaches files elsewhere.
    """
    folder = Path(out_dir)
    try:
        root = folder.resolve(strict=True)
        entries = list(os.scandir(root))
    except OSError as exc:
        raise FilmError(f"{folder}: cannot list the folder: {exc.strerror}") from None
    out = []
    for entry in entries:
        if entry.is_symlink():
            target = Path(os.path.realpath(entry.path))
            if target.parent != root and root not in target.parents:
                out.append(entry.name)
    if out:
        raise FilmError(
            f"{folder} holds links that lead out of it ({', '.join(sorted(out)[:5])}); "
            "a film folder holds only its own files. Remove them or choose another folder "
            "(nothing was written)"
        )


def _same_file(fh: Any, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fh.fileno())
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _lock_file(fh: Any) -> None:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock_file(fh: Any) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        fh.seek(0)
        with contextlib.suppress(OSError):
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
