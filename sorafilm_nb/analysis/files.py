"""Which files of a repository to read: the ones its owner sees.

Inside a git work tree that is ``git ls-files`` (tracked plus untracked-but-not-ignored), so
.gitignore is honoured; elsewhere (an installed package, a tarball) a walk that skips the
usual junk. Symlinked directories are never followed, so a symlink loop cannot hang a scan.

Every file of a repository is untrusted input: ``open_inside`` is the one way a file of it is
opened (sources in the worker, the README in profile.py). It opens only a regular file whose
real path lies inside the root, never following a link out of it, never a FIFO, device or
socket (those are rejected before any open that could block), and says why otherwise.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # scan_python is not imported to list files
    from .scan_python import FileScan

# file suffix -> language
LANGUAGES: dict[str, str] = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        "node_modules",
        "__pycache__",
        "build",
        "dist",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        ".ipynb_checkpoints",
        ".eggs",
        "LC_MESSAGES",  # gettext catalogs (.po/.mo): Django alone has 1,300 of these folders
    }
)


# Third-party code shipped inside a repository: not the owner's concepts.
VENDOR_DIRS = frozenset({"vendor", "vendored", "_vendor", "third_party", "thirdparty"})


def language_of(rel: str) -> str | None:
    """The language a file is parsed as, from its suffix; None for files we do not read."""
    dot = rel.rfind(".")
    if dot < 0:
        return None
    return LANGUAGES.get(rel[dot:].lower())


def wanted(rel: str) -> bool:
    """A source file we read: a known language, not minified, not vendored."""
    if not language_of(rel) or rel.endswith((".min.js", ".min.mjs", ".bundle.js")):
        return False
    return not any(part in VENDOR_DIRS for part in rel.split("/")[:-1])


# Part of the cache's scanner versions: bump when what a walk lists changes.
WALK_VERSION = "walk-7"  # 7: a path that is not UTF-8 is a warning, not listed

# rel dir ("" for root) -> [mtime_ns, [subdirectories to enter], [source file names],
#                           [names of other links, never entered]]
DirListing = dict[str, list[Any]]

# Kernel pseudo-filesystems and device nodes: never read, whatever links or roots say.
SYSTEM_TREES = ("/proc", "/sys", "/dev")


class Skipped(Exception):
    """A repository file that is not read, and why (the text of its ScanWarning)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def in_system_tree(path: str) -> bool:
    """Whether an absolute real path lies in procfs, sysfs or /dev."""
    return any(path == top or path.startswith(top + "/") for top in SYSTEM_TREES)


def _inside(path: str, root: str) -> bool:
    return (path == root or path.startswith(root.rstrip("/") + "/")) and not in_system_tree(path)


def _kind(mode: int) -> str:
    return "a directory" if stat.S_ISDIR(mode) else "a special file"


def resolve_link(root: str, rel: str) -> str:
    """The real path of the link root/rel when it stays inside root; Skipped otherwise."""
    try:
        real = os.path.realpath(os.path.join(root, rel), strict=True)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Skipped("unreadable: symlink loop") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise Skipped("unreadable: dangling symlink") from None
        raise Skipped(f"unreadable: {exc.strerror or exc}") from None
    if not _inside(real, root):
        raise Skipped("symlink leads outside the repository, not followed")
    return real


def _fd_path(fd: int, fallback: str) -> str:
    """Where an open file really is: the kernel's answer on Linux (so a directory swapped
    for a link between the checks and the open is still caught), else realpath."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(fallback)


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the lstat must not block
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
)


def open_inside(root: str, rel: str) -> tuple[int, os.stat_result]:
    """(read-only fd, its stat) of the regular file root/rel; root must be a real path.

    A link is followed only to a file inside root; a FIFO, socket, device or directory is
    refused by lstat before anything is opened, and the opened file is checked again (type,
    identity, real path), so a swap in between cannot smuggle in another file. Raises
    Skipped with the warning's text, or FileNotFoundError when the file is simply gone
    (git lists tracked files deleted from disk). The caller closes the fd.
    """
    path = os.path.join(root, rel)
    st = os.lstat(path)  # FileNotFoundError: gone since it was listed
    if stat.S_ISLNK(st.st_mode):
        path = resolve_link(root, rel)
        st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise Skipped(f"not a regular file ({_kind(st.st_mode)}), skipped")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Skipped("became a symlink while read, skipped") from None
        raise
    try:
        got = os.fstat(fd)
        if not stat.S_ISREG(got.st_mode) or (got.st_dev, got.st_ino) != (st.st_dev, st.st_ino):
            raise Skipped("changed while read, skipped")
        if not _inside(_fd_path(fd, path), root):
            raise Skipped("lies outside the repository (through a linked folder), skipped")
    except BaseException:
        os.close(fd)
        raise
    return fd, got


class Listing(NamedTuple):
    files: list[str]  # posix paths relative to root, sorted
    how: str  # "git" or "walk"
    dirs: DirListing | None  # a walk's directory listings, for the next call's ``dirs``
    # path relative to root -> why it was not read: directories (ending "/") that could not
    # be listed, and links the walk did not follow (out of the root, dangling, loops)
    unreadable: dict[str, str]


def list_files(root: Path, dirs: DirListing | None = None, trusted_before: int = 0) -> Listing:
    """Every source file to scan under root, how they were found, and, for a walk, each
    directory's listing to pass back as ``dirs`` next time and the directories it could not
    read (a warning each: a folder skipped in silence would look like a folder with nothing).

    A directory listed in ``dirs`` whose mtime is unchanged (and was already older than
    ``trusted_before`` when it was listed, git's racy rule) is not read again: adding,
    removing or renaming an entry changes a directory's mtime, and a stat costs a fifth of
    reading the directory (Django's 2,649 directories: 7.6 ms against 36 ms).
    """
    from .gitfiles import git_files

    listed = git_files(root)
    if listed is not None:
        tracked, untracked = listed
        # What the owner committed is theirs wherever it lies. Files git merely has not been
        # told to ignore are not, when they sit in a virtualenv, node_modules or a build
        # folder: a new project without a .gitignore must not be read as its dependencies.
        found = tracked + [p for p in untracked if not _in_junk_dir(p)]
        skipped: dict[str, str] = {}
        named = _utf8_named(list(filter(wanted, found)), skipped)
        return Listing(prefer_sources(sorted(named)), "git", None, skipped)
    found, listing, unreadable = _walk_files(root, dirs or {}, trusted_before)
    named = _utf8_named(list(filter(wanted, found)), unreadable)
    return Listing(prefer_sources(sorted(named)), "walk", listing, unreadable)


def escaped_path(rel: str) -> str:
    """A listed path as text that can be written anywhere: the bytes of a name that is not
    UTF-8 (os and git hand them over as lone surrogates) as ``\\xff`` escapes."""
    if rel.isascii():
        return rel
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _utf8_named(found: list[str], unreadable: dict[str, str]) -> list[str]:
    """found without the paths that are not valid UTF-8, each put in unreadable (keyed by
    escaped_path) with why.

    Why: such a name reaches Python as lone surrogates ("bad\\udcff.py"), which no UTF-8
    file, terminal or JSON reader takes: a repository with one crashed `sorafilm plan` at
    writing plan.json (UnicodeEncodeError, a traceback) after every step had carried the
    name along. Python cannot import such a module either; the warning names the file."""
    if all(map(str.isascii, found)):  # nearly every repository: one pass in C
        return found
    kept: list[str] = []
    for rel in found:
        if not_utf8(rel):
            unreadable[escaped_path(rel)] = "file name is not valid UTF-8, not read"
        else:
            kept.append(rel)
    return kept


def not_utf8(path: str) -> bool:
    """Whether a path from os or git was not UTF-8 on disk: it holds lone surrogates."""
    if path.isascii():
        return False
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# Folders a JavaScript build writes its output to.
BUILD_DIRS = frozenset({"lib", "dist", "build", "out", "esm", "cjs", "es", "umd"})
_TS_SOURCE = (".ts", ".tsx", ".mts", ".cts")
DECLARATIONS = (".d.ts", ".d.mts", ".d.cts")


def prefer_sources(files: list[str]) -> list[str]:
    """Without the compiled twin of a TypeScript project: when TypeScript sources lie under
    a ``src/`` folder, the JavaScript and declarations in build folders (lib/, dist/, ...)
    are their output, and would show every concept twice, in its compiled form."""
    if not any(
        f.endswith(_TS_SOURCE) and not f.endswith(DECLARATIONS) and "src" in f.split("/")[:-1]
        for f in files
    ):
        return files
    return [
        f
        for f in files
        if (f.endswith(_TS_SOURCE) and not f.endswith(DECLARATIONS))
        or not any(part in BUILD_DIRS for part in f.split("/")[:-1])
    ]


def is_built(rel: str, results: Mapping[str, FileScan]) -> bool:
    """Whether a JavaScript file is build output: its scanner saw a source map comment or the
    __esModule marker ("gen"), or a .d.ts twin sits beside it."""
    scan: Mapping[str, object] = results.get(rel) or {}
    return bool(scan.get("gen")) or rel.rsplit(".", 1)[0] + ".d.ts" in results


def compiled_only(results: Mapping[str, FileScan]) -> tuple[str, str] | None:
    """(folder, warning) when the JavaScript here is mostly build output and no TypeScript
    source came with it: a package that ships only lib/ or dist/. A file counts as built
    when its scanner saw a source map comment or the __esModule marker, or a .d.ts twin
    sits beside it."""
    js = [rel for rel, r in results.items() if "warn" not in r and r.get("lang") == "javascript"]
    if not js or any(
        r.get("lang") in ("typescript", "tsx") and not rel.endswith(DECLARATIONS)
        for rel, r in results.items()
        if "warn" not in r
    ):
        return None
    skipped = [rel for rel in js if build_folder(rel)]
    if skipped:  # only the package's entry (project.entry_build_files) brings these in
        in_build: dict[str, int] = {}
        for rel in skipped:
            top = build_folder(rel) or ""
            in_build[top] = in_build.get(top, 0) + 1
        folder = max(sorted(in_build), key=lambda t: in_build[t])
        return folder, (
            f"only compiled JavaScript found: the package's entry leads into {folder}, a "
            f"build folder ({len(skipped)} of {len(js)} .js files read from build folders), "
            "and no TypeScript source (src/**/*.ts) came with it; concepts are read from "
            "the compiled code"
        )
    built = [rel for rel in js if is_built(rel, results)]
    if len(built) * 2 <= len(js):
        return None
    tops: dict[str, int] = {}
    for rel in built:
        top = rel.split("/", 1)[0] + "/" if "/" in rel else ""
        tops[top] = tops.get(top, 0) + 1
    folder = max(sorted(tops), key=lambda t: tops[t])
    return folder, (
        f"only compiled JavaScript found: {len(built)} of {len(js)} .js files are build "
        "output (source maps, .d.ts twins, the __esModule marker) and no TypeScript source "
        "(src/**/*.ts) came with them; concepts are read from the compiled code"
    )


def build_folder(rel: str) -> str | None:
    """The build folder the walk skips (``build/``, ``dist/``, ``a/dist/``) that rel lies in,
    or None: only build output counts, never node_modules or a virtualenv, and never a path
    that leaves the repository (``../``, absolute)."""
    if rel.startswith(("/", "../")) or rel == "..":
        return None
    parts = rel.split("/")[:-1]
    for i, part in enumerate(parts):
        if _junk_dir(part):
            return "/".join(parts[: i + 1]) + "/" if part in BUILD_DIRS else None
    return None


def list_folder(root: Path, folder: str, limit: int = 2000) -> list[str]:
    """The source files under one folder of root (relative to root), walked like the rest:
    links never entered. [] when the folder is not a real directory inside root, reached
    through no link (a ``build`` that is a symlink out of the repository is refused)."""
    base = os.path.realpath(root)
    path = os.path.join(base, folder.rstrip("/"))
    if os.path.realpath(path) != path or not os.path.isdir(path):
        return []
    found, _, _ = _walk_files(Path(path), {}, 0)
    return sorted(folder + rel for rel in found if wanted(rel))[:limit]


def _junk_dir(name: str) -> bool:
    """A directory that holds no code of the owner's (a venv, node_modules, a build...)."""
    return name in SKIP_DIRS or name.endswith(".egg-info")


def _in_junk_dir(rel: str) -> bool:
    return any(_junk_dir(part) for part in rel.split("/")[:-1])


def _walk_files(
    root: Path, cached: DirListing, trusted_before: int
) -> tuple[list[str], DirListing, dict[str, str]]:
    """scandir walk; symlinked directories are listed by scandir but never entered."""
    out: list[str] = []
    listing: DirListing = {}
    unreadable: dict[str, str] = {}
    stack: list[str] = [""]
    base = str(root)
    pop, push, get, stat = stack.pop, stack.extend, cached.get, os.stat  # a hot loop
    while stack:
        rel = pop()
        folder = base + "/" + rel if rel else base
        try:
            st = stat(folder)  # before reading: a change after it shows
        except OSError:
            continue
        mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
        entry = get(rel)
        if (
            type(entry) is list
            and len(entry) == 5
            and entry[0] == mtime
            and entry[4] == ctime  # not another folder unpacked in its place (cache.py)
            and mtime < trusted_before
            and type(entry[1]) is list
            and type(entry[2]) is list
            and type(entry[3]) is list
        ):
            subdirs, names, links = entry[1], entry[2], entry[3]
        else:  # not cached, changed, too fresh to trust, or not in the shape we write
            try:
                subdirs, names, links = _read_dir(folder)
            except OSError as exc:  # not cached either: tried again next time
                unreadable[escaped_path(rel) + "/"] = f"unreadable directory: {exc.strerror or exc}"
                continue
        listing[rel] = [mtime, subdirs, names, links, ctime]
        for name in links:  # resolved on every walk: a link's target can change unseen
            if type(name) is not str:
                continue
            link = rel + "/" + name if rel else name
            try:
                resolve_link(base, link)
            except Skipped as skip:
                unreadable[escaped_path(link)] = skip.reason
        if rel:
            prefix = rel + "/"
            if names:
                out.extend([prefix + name for name in names])
            if subdirs:
                push([prefix + name for name in subdirs])
        else:
            out.extend(names)
            push(subdirs)
    return out, listing, unreadable


def _read_dir(folder: str) -> tuple[list[str], list[str], list[str]]:
    """(subdirectories worth entering, source file names, other links) of one directory;
    OSError when it cannot be listed.

    Links are never entered. A link named like a source file is listed with the sources
    (open_inside judges it when it is read); the walk reports any other link that leads out
    of the root, dangles or loops, since a folder it does not enter must not vanish in
    silence. A link to a folder inside the root is passed over quietly: its files are read
    where they lie.
    """
    subdirs: list[str] = []
    names: list[str] = []
    links: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_link = not is_dir and entry.is_symlink()
            except OSError:
                continue
            if is_dir:
                if not _junk_dir(name):
                    subdirs.append(name)
            elif language_of(name):
                names.append(name)
            elif is_link and not _junk_dir(name):
                links.append(name)
    return subdirs, names, links


# how each archive a project ships as is unpacked, by its name's ending (longest first)
_UNPACK = (
    (".tar.gz", "tar xzf {}"),
    (".tgz", "tar xzf {}"),
    (".tar.bz2", "tar xjf {}"),
    (".tar.xz", "tar xJf {}"),
    (".tar", "tar xf {}"),
    (".zip", "unzip {} -d {}"),
    (".whl", "unzip {} -d {}"),
)


def unpack_advice(file: Path) -> str:
    """The tail ": an archive; unpack it first (`tar xzf F`) ..." for a file named as an
    archive, else "".

    Why: a new user handed `analyze` a downloaded sdist or wheel and was told only "not a
    directory". A wheel (a zip may too) has no top folder of its own: it is unpacked into one."""
    import shlex

    name = file.name.lower()
    for ending, command in _UNPACK:
        if name.endswith(ending) and len(name) > len(ending):
            folder = shlex.quote(file.name[: -len(ending)])
            unpack = command.format(shlex.quote(os.fspath(file)), folder)
            return f": an archive; unpack it first (`{unpack}`), then analyze the folder it makes"
    return ""
