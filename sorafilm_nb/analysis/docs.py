"""The project's documentation pages (docs/, doc/): their code examples are evidence of the API
the project teaches, next only to the README's (analysis.examples.doc_uses, analysis.api).

Why a bounded walk of its own: pages are not source files (files.list_files does not list
them), a docs folder can be large, and the warm path of analyze() must not read them: the
profile cache is keyed by their (path, size, mtime, ctime) only (signature), and the pages are
read when a profile is built. Each page is opened like any source file (files.open_inside), so a
link out of the repository reads nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

from .files import SKIP_DIRS, Skipped, open_inside

DOC_DIRS = ("docs", "doc", "documentation")
PAGE_EXTS = (".rst", ".md", ".mdx", ".txt")
MAX_PAGES = 300
MAX_PAGE_BYTES = 256 * 1024
MAX_TOTAL_BYTES = 4 * 1024 * 1024  # what a profile build reads of a docs folder at most
# folders below a docs folder's top that are walked: os.walk recurses (Python 3.11), so a
# hostile docs/d/d/.../d a thousand deep raised RecursionError out of analyze()
MAX_DEPTH = 12
# pages about the project's history or people, not its API
_NOT_API = ("change", "history", "license", "authors", "contributing", "code_of_conduct", "news")


def pages(root: Path) -> list[str]:
    """The documentation pages under root (relative posix paths, sorted, at most MAX_PAGES)."""
    out: list[str] = []
    for top in DOC_DIRS:
        base = root / top
        if base.is_symlink() or not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base, followlinks=False):
            rel_dir = Path(folder).relative_to(root).as_posix()
            deep = rel_dir.count("/") >= MAX_DEPTH
            dirs[:] = (
                []
                if deep
                else sorted(d for d in dirs if not d.startswith((".", "_")) and d not in SKIP_DIRS)
            )
            for name in sorted(files):
                low = name.lower()
                if low.endswith(PAGE_EXTS) and not low.startswith(_NOT_API):
                    out.append(f"{rel_dir}/{name}")
                    if len(out) >= MAX_PAGES:
                        return out
    return out


def signature(root: Path) -> str:
    """What the pages are, for the profile cache key, without reading them."""
    parts: list[str] = []
    for rel in pages(root):
        try:
            st = os.lstat(root / rel)
        except OSError:
            continue
        parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}")  # cache.py
    return "\n".join(parts)


def read_pages(root: Path) -> list[str]:
    """The text of every page (the first MAX_PAGE_BYTES of each, MAX_TOTAL_BYTES in all);
    unreadable ones are left out: documentation is evidence, never a reason to fail."""
    texts: list[str] = []
    left = MAX_TOTAL_BYTES
    for rel in pages(root):
        if left <= 0:
            break
        try:
            fd, _ = open_inside(str(root), rel)
        except (Skipped, OSError):
            continue
        with os.fdopen(fd, "rb") as fh:
            try:
                data = fh.read(min(MAX_PAGE_BYTES, left))
            except OSError:
                continue
        left -= len(data)
        texts.append(data.decode("utf-8", "replace"))
    return texts
