"""How local paths are shown to people: relative to the notebook, or from "~", never in full.

Notebooks are shared ("here is what I made, and how"), and so are the pages share() makes
from them. Whatever a notebook prints, and whatever a widget keeps in its state, is saved
into the .ipynb; an absolute path there names the author's home folder (their user name)
and the layout of their disk, and means nothing on the reader's machine. So every path
meant for people goes through here:

- ``notebook_relative``: a path relative to a folder (the notebook's, the page's), or ""
  when the only relative path would spell out local folders anyway. What links use: a link
  that does not work from the reader's copy is worse than none.
- ``shown_path``: the path relative to the working directory when it is below it, else in
  full: from the home folder ("~/films/x"), else as it is (outside the home, e.g.
  /srv/films: no user name in it, and the only way to say where the film is). Never
  "../film-x/film.mp4": a person reads where a file is, a link needs where it is from here.
- ``home_short``: a path under the home folder written from "~" (the ledger's repr).
- ``without_local_folders``: free text (an error's message, which names files by absolute
  path) with the notebook's folder written "." and the home folder "~".

The working directory stands for the notebook's folder: Jupyter starts a notebook's kernel
there. Nothing here imports more than the standard library: ``import sorafilm_nb`` stays light.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "default_cache_dir",
    "home_short",
    "local_folders",
    "notebook_relative",
    "replace_folders",
    "shown_path",
    "without_local_folders",
]


def default_cache_dir() -> Path:
    """SORAFILM_CACHE_DIR, else platformdirs' per-user cache dir for sorafilm-nb (the scan
    cache, the token counts and the parsed data files live under it)."""
    env = os.environ.get("SORAFILM_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("sorafilm-nb"))


def _homes() -> list[Path]:
    """The home folder as written ($HOME) and resolved; never the filesystem root."""
    found: list[Path] = []
    written = Path(os.path.abspath(os.path.expanduser("~")))
    for home in (written, written.resolve()):
        if home != Path(home.anchor) and home not in found:
            found.append(home)
    return found


def notebook_relative(path: str | os.PathLike[str], base: str | os.PathLike[str]) -> str:
    """``path`` relative to ``base`` (POSIX), or "" if that would spell out local folders.

    The path as written is tried first (os.path.abspath, no symlink resolving: an out/ that
    links elsewhere is still out/ to Jupyter's file server), then the resolved one. A relative
    path is refused when it only looks relative: one that climbs to the filesystem root
    ("../../../home/alice/films/x.mp4" is the absolute path in disguise), or that descends
    into the user's home folder from above it (it would name the user).
    """
    start = Path(os.path.abspath(base))
    climbing = []
    for target, origin in (
        (Path(os.path.abspath(path)), start),
        (Path(path).resolve(), start.resolve()),
    ):
        try:
            rel = Path(os.path.relpath(target, origin))
        except ValueError:  # another drive (Windows): no relative path at all
            continue
        if rel.parts[:1] != ("..",):
            return rel.as_posix()  # below the notebook's folder
        if not _spells_local_folders(target, origin):
            climbing.append(rel.as_posix())  # ../out/film.mp4 from notebooks/ is fine
    return climbing[0] if climbing else ""


def _spells_local_folders(target: Path, origin: Path) -> bool:
    """Whether the relative path from ``origin`` to ``target`` names folders it should not."""
    try:
        common = Path(os.path.commonpath([target, origin]))
    except ValueError:
        return True
    if common == Path(common.anchor):
        return True  # from the root down: every folder of the absolute path, in order
    for home in _homes():
        inside_home = target == home or home in target.parents
        if inside_home and common in home.parents:
            return True  # down through /home/<user>
    return False


def home_short(path: str | os.PathLike[str]) -> str:
    """An absolute path under the home folder written from "~" (as ``expanduser`` reads it
    back); any other path as it is.

    The path as written is tried before the resolved one, so a project reached through a
    link keeps the name its author uses. A relative path is left alone: it names no folder
    above the working directory.
    """
    text = os.fspath(path)
    if not os.path.isabs(text):
        return text
    for candidate in (Path(os.path.abspath(text)), Path(text).resolve()):
        for home in _homes():
            if candidate == home:
                return "~"
            if home in candidate.parents:
                return str(Path("~") / candidate.relative_to(home))
    return text


def shown_path(path: str | os.PathLike[str], base: str | os.PathLike[str] | None = None) -> str:
    """``path`` as people should read it: relative to ``base`` (default: the working
    directory, the notebook's folder) when it is below it, else in full: from the home
    folder ("~/..."), else as the absolute path it is.

    Why not climbing ("../film-x/film.mp4", which notebook_relative allows for links): run
    from /tmp/nu/pkgs with --out /tmp/nu/film-x, a new user read "film: ../film-x/film.mp4"
    against the README's promise (relative when below, else in full)."""
    rel = notebook_relative(path, os.getcwd() if base is None else base)
    if rel and rel.split("/", 1)[0] != "..":
        return rel
    return home_short(os.path.abspath(path))


def local_folders(base: str | os.PathLike[str] | None = None) -> list[tuple[str, str]]:
    """(folder, what to write instead), longest first: ``base`` (default: the working
    directory, the notebook's folder) becomes ".", the home folder "~". Both as written and
    resolved; the filesystem root itself is never rewritten."""
    here = os.getcwd() if base is None else os.path.abspath(base)
    pairs: dict[str, str] = {}
    for folder, short in (
        *((str(home), "~") for home in _homes()),
        (here, "."),
        (os.path.realpath(here), "."),
    ):
        folder = folder.rstrip("/\\")
        if folder and os.path.isabs(folder) and os.path.dirname(folder) != folder:
            pairs[folder] = short
    return sorted(pairs.items(), key=lambda pair: -len(pair[0]))


def replace_folders(text: str, pairs: Iterable[tuple[str, str]]) -> str:
    """``text`` with each (folder, short) pair's folder written ``short``, in the order given
    (give the longest first). Only whole path components match: /home/al is not rewritten
    inside /home/alice/x, and neither is /home/alice in /home/alice2."""
    for folder, short in pairs:
        # a sentence's full stop may follow a path; ".d" or "2" would make another folder
        pattern = re.compile(r"(?<![\w.-])" + re.escape(folder) + r"(?:([/\\])|(?![\w-]|\.[\w-]))")

        def swap(m: re.Match[str], short: str = short) -> str:
            return short + (m.group(1) or "")

        text = pattern.sub(swap, text)
    return text


def without_local_folders(text: str, *, base: str | os.PathLike[str] | None = None) -> str:
    """``text`` with ``base`` (default: the working directory) written "." and the home
    folder "~" (see ``local_folders``), whole path components only."""
    return replace_folders(text, local_folders(base))
