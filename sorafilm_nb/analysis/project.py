"""Project metadata and the public surface the scanners do not see.

Why here and not in the scanners: these facts are about a few files (pyproject.toml,
package.json, the JavaScript entry point, the classes a README example calls methods on), read
once per profile build (Metadata); the per-file scanners and their caches stay as they are.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import sys
from pathlib import Path

from ..lazyre import LazyPattern, word_start
from ..naming import project_key
from .files import Skipped, build_folder, list_folder, open_inside

_MAX = 2_000_000  # bytes read of any one file here


def _read(root: Path, rel: str) -> str:
    """A repository file's text, opened like every other (files.open_inside): never through
    a link out of the root, never /proc or a FIFO; "" when it is not there or is refused."""
    try:
        fd, _ = open_inside(str(root), rel)
    except (Skipped, OSError):
        return ""
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read(_MAX).decode("utf-8", "replace")
        except OSError:
            return ""


# The files a project's name, summary and entry points come from (metadata_fingerprint's order)
METADATA_FILES = ("pyproject.toml", "package.json", "setup.cfg", "setup.py", "PKG-INFO")


class Metadata:
    """A repository's packaging metadata as one analysis reads it: each of METADATA_FILES
    read when this is made, pyproject.toml and package.json each parsed at the first
    question, and the JavaScript entries (js_entries) found once.

    Why one of these per analysis, passed to every question: flask's build read and parsed
    pyproject.toml four times (its name, its summary, and twice for its install line) and a
    JavaScript package's package.json eight, each read opening the file anew. Why not a
    cache keyed by the root: the files change between two analyses of one root (an edit
    between two plans in a notebook, a test that rewrites pyproject.toml in-process), and
    such a cache would answer the second from the first's text. Parsing waits for a
    question: a warm analyze() asks only for the texts (metadata_fingerprint) and package.json
    (entry_build_files), and never imports tomllib (issue 14)."""

    __slots__ = ("_entries", "_package", "_tables", "root", "texts")

    def __init__(self, root: Path) -> None:
        self.root = root
        self.texts = {name: _read(root, name) for name in METADATA_FILES}
        self._tables: list[dict[str, object]] | None = None
        self._package: dict[str, object] | None = None
        self._entries: list[str] | None = None

    def package_json(self) -> dict[str, object]:
        """package.json's top object; {} when there is none or it is not a JSON object."""
        if self._package is None:
            self._package = _parse_package(self.texts["package.json"])
        return self._package

    def pyproject_tables(self) -> list[dict[str, object]]:
        """pyproject.toml's ``[project]`` and ``[tool.poetry]`` tables, those that are there."""
        if self._tables is None:
            self._tables = _parse_pyproject(self.texts["pyproject.toml"])
        return self._tables


def _parse_package(text: str) -> dict[str, object]:
    try:
        doc = json.loads(text) if text else {}
    except (ValueError, RecursionError):  # hostile nesting recurses past the limit
        return {}
    return doc if isinstance(doc, dict) else {}


def _parse_pyproject(text: str) -> list[dict[str, object]]:
    # tomllib only here: a warm profile never reads a name (issue 14)
    if not text:
        return []
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        doc = tomllib.loads(text)
    # a hostile document: nesting past the recursion limit, or an integer past Python's
    # 4,300 digits (ValueError, not TOMLDecodeError) is no name, not a traceback
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        return []
    tool = doc.get("tool")
    tables = (doc.get("project"), tool.get("poetry") if isinstance(tool, dict) else None)
    return [t for t in tables if isinstance(t, dict)]


def project_name(meta: Metadata) -> str | None:
    """The name the project is published under: pyproject.toml ``[project] name`` (or
    ``[tool.poetry] name``), package.json ``name``, setup.cfg ``[metadata] name``, or a literal
    ``name=`` in setup.py; None when none says. A scoped npm name keeps its last part.

    A name its registry would refuse (PyPI's and npm's rules: _PYTHON_NAME, _NPM_NAME) is no
    name: the repository is hostile, and ``x<script>y</script>`` or ``../../etc/passwd``
    became the film's title ("script>", "passwd") through the scope strip."""
    named = _metadata_name(meta)
    return named[1].rsplit("/", 1)[-1] if named else None


def npm_name(meta: Metadata) -> str | None:
    """package.json's ``name`` (a scoped one whole: "@scope/kit"), when npm would accept it;
    else None (see project_name: a refused name is no name)."""
    return _valid(meta.package_json().get("name"), _NPM_NAME)


def _metadata_name(meta: Metadata) -> tuple[str, str] | None:
    """(registry, name) of the first metadata file naming the project, in project_name's
    order: ("pip", "Flask"), ("npm", "@scope/kit") (the scope kept: it is part of what npm
    installs); None when none names it or the name is one its registry would refuse."""
    for table in meta.pyproject_tables():
        if name := _valid(table.get("name"), _PYTHON_NAME):
            return "pip", name
    if name := npm_name(meta):
        return "npm", name
    text = meta.texts["setup.cfg"]
    if text:
        import configparser

        cfg = configparser.ConfigParser(interpolation=None)
        try:
            cfg.read_string(text)
            value = cfg.get("metadata", "name", fallback="").strip()
        except configparser.Error:
            value = ""
        if name := _valid(value, _PYTHON_NAME):  # "attr: pkg.NAME" is no name either
            return "pip", name
    text = meta.texts["setup.py"]
    m = re.search(r"""\bname\s*=\s*(['"])([^'"\n]{1,214})\1""", text)
    name = _valid(m.group(2), _PYTHON_NAME) if m else None
    return ("pip", name) if name else None


# The commands a README gives to install a package from its registry, before the name (and
# any options between): "pip install -U Flask", "python -m pip install", "uv add", "npm i",
# "yarn add", "pnpm add", "bun add".
_INSTALLS = {
    "pip": r"(?:pip3?|python3? -m pip|uv pip|pipx|poetry|uv|pdm) (?:install|add)",
    "npm": r"(?:npm (?:install|i|add)|yarn (?:global )?add|pnpm (?:add|install|i)|bun (?:add|i))",
}
_OPTIONS = r"(?: +-{1,2}[A-Za-z][\w-]*)*"


def install_line(meta: Metadata, readme: str) -> str:
    """How to get the project: "pip install Flask" or "npm install @scope/kit", with the name
    its packaging metadata gives; "" unless the project says it is published.

    Why not every name the metadata gives: every pyproject.toml and package.json needs a name,
    published or not (an app, an internal tool, this repository), and a film telling viewers
    to install a name nobody published sends them to whatever someone registers under it.
    So the name must be one the registry has by the project's own word: a PKG-INFO (the core
    metadata of a built distribution: an sdist as PyPI serves it) naming it, or the README's
    own install command for it ("pip install -U Flask", "npm i yargs"). A package.json with
    ``"private": true`` or a ``Private :: Do Not Upload`` classifier is never published."""
    built = _pkg_info_name(meta)  # setup.py's name=about["__title__"] (requests) names none
    named = _metadata_name(meta) or (("pip", built) if built else None)
    if named is None:
        return ""
    registry, name = named
    if _private(meta, registry):
        return ""
    built_it = registry == "pip" and built is not None and project_key(built) == project_key(name)
    said = rf"(?<![\w-]){_INSTALLS[registry]}{_OPTIONS} +{re.escape(name)}(?![\w./-])"
    if built_it or re.search(said, readme[:_MAX], re.I):
        return f"{registry} install {name}"
    return ""


def _private(meta: Metadata, registry: str) -> bool:
    """The metadata says the package is never to be published: package.json's ``"private":
    true``, or the classifier PyPI refuses uploads of (``Private :: Do Not Upload``)."""
    if registry == "npm":
        return meta.package_json().get("private") is True
    for table in meta.pyproject_tables():
        said = table.get("classifiers")
        for c in said if isinstance(said, list) else ():
            if isinstance(c, str) and c.strip().lower() == "private :: do not upload":
                return True
    return False


def _pkg_info_name(meta: Metadata) -> str | None:
    """The ``Name:`` of the PKG-INFO at the root (core metadata: its headers end at the first
    blank line); None when there is none or it names nothing PyPI would accept."""
    head = meta.texts["PKG-INFO"][:20000].split("\n\n", 1)[0]
    m = re.search(r"(?m)^Name:[ \t]*(\S.*?)[ \t]*\r?$", head)
    return _valid(m.group(1), _PYTHON_NAME) if m else None


SUMMARY_MAX = 300  # characters of a metadata summary kept (a tagline takes its first sentence)


def project_summary(meta: Metadata) -> str:
    """What the project's metadata says it is: pyproject.toml's ``description``, else
    package.json's: the tagline of a package whose README says none, or that ships no README
    (tenacity's sdist: "Retry code until it succeeds"). "" when neither says."""
    said = [t.get("description") for t in meta.pyproject_tables()]
    said.append(meta.package_json().get("description"))
    text = next((d for d in said if isinstance(d, str) and d.strip()), "")
    return " ".join(text.split())[:SUMMARY_MAX]


# A distribution name as PyPI accepts it (PEP 508: letters, digits, . _ -, alphanumeric at
# both ends), and a package name as npm accepts it (URL-safe ASCII, no leading . or _, an
# optional @scope/; old packages may have capitals). Both at most 214 characters. ASCII
# spelled out, not \w (Unicode: "rеact" with a Cyrillic "е" read as React on the closing
# card), and a letter or digit first: "--global" is an option to npm, "~root" a home folder
# to the shell, neither a package.
_PYTHON_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,212}[A-Za-z0-9])?")
_NPM_PART = r"[A-Za-z0-9][A-Za-z0-9_.~-]*"
_NPM_NAME = re.compile(rf"(?=.{{1,214}}$)(?:@{_NPM_PART}/)?{_NPM_PART}")


def _valid(value: object, pattern: re.Pattern[str]) -> str | None:
    """value stripped, when it is a name pattern accepts whole; else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if pattern.fullmatch(value) else None


def metadata_fingerprint(meta: Metadata) -> str:
    """The metadata files' text, for the profile cache key (a rename changes the title)."""
    return "\0".join(meta.texts[n][:20000] for n in METADATA_FILES)


# ------------------------------------------------------------------ JavaScript entry points

_JS_EXTS = ("", ".js", ".ts", ".mjs", ".cjs", ".tsx", "/index.js", "/index.ts", "/index.mjs")


def js_entries(meta: Metadata) -> list[str]:
    """The package's entry files (relative posix paths): package.json "exports" ".", then
    "module" and "main", then index.js; TypeScript sources win over their compiled copies.
    Found once per Metadata (a build asks three times: the files to read, the exports, the
    default export's name); a copy each time."""
    if meta._entries is None:
        meta._entries = _js_entries(meta.root, meta.package_json())
    return list(meta._entries)


def _js_entries(root: Path, pkg: dict[str, object]) -> list[str]:
    wanted: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            if not value.endswith((".d.ts", ".d.mts", ".d.cts", ".json")):
                wanted.append(value)
        elif isinstance(value, dict):
            for key, sub in value.items():
                if key != "types":
                    walk(sub)

    exports = pkg.get("exports")
    if isinstance(exports, dict) and "." in exports:
        walk(exports["."])
    elif isinstance(exports, (str, dict)):
        walk(exports)
    for key in ("module", "main"):
        walk(pkg.get(key))
    if pkg or (root / "index.js").is_file():
        wanted.append("index.js")
    out: list[str] = []
    for want in wanted:
        rel = _resolve(root, posixpath.normpath(want.lstrip("./") or "index.js"))
        if rel and rel not in out:
            out.append(rel)
    return out


# any relative module a file loads: import/export ... from './x', import('./x'), require('./x')
# LazyPattern: compiled at first use, as only a JavaScript project needs it (issue 14).
# "import\s*(?:\(\s*)?", not "import\s*\(?\s*": two quantifiers took turns over one run of
# spaces, and an entry's comment "import" and 20,000 spaces cost 1.9 s of CPU (quadratic)
_LOADS = LazyPattern(
    rf"""(?:{word_start("from")}\s*|{word_start("require")}\(\s*|{word_start("import")}\s*(?:\(\s*)?)"""
    r"""['"](\.{1,2}/[^'"]+)['"]"""
)


def entry_build_files(meta: Metadata) -> list[str]:
    """The source files of the build folders (build/, dist/, ... which the walk skips) that
    the package's entry lies in or loads directly: a package that ships only compiled code
    (yargs: index.cjs requires ./build/index.cjs) would otherwise show nothing at all.

    Never outside the repository: a path with ``../`` that leaves it is dropped
    (files.build_folder), and a folder reached through a symlink is not listed
    (files.list_folder); each file is still opened by files.open_inside."""
    root = meta.root
    entries = js_entries(meta)
    own = [rel for rel in entries if not build_folder(rel)]
    # an entry of the package's own (axios's index.js loads ./lib/) outranks the bundles an
    # "exports" condition names in dist/: those are the same code, built
    reached = [] if own else list(entries)
    for rel in own:  # one hop: a root index.cjs that requires ./build/index.cjs
        folder = posixpath.dirname(rel)
        for target in _LOADS.findall(_read(root, rel)):
            reached.append(posixpath.normpath(posixpath.join(folder, target)))
    out: list[str] = []
    for folder in dict.fromkeys(f for f in map(build_folder, reached) if f):
        out.extend(list_folder(root, folder))
    return out


def _resolve(root: Path, rel: str) -> str | None:
    stem = re.sub(r"\.(c|m)?js$", "", rel)
    # src/x.ts over lib/x.js, dist/x.js: the source a maintainer wrote
    for cand in (f"src/{posixpath.basename(stem)}.ts", stem + ".ts"):
        if stem.startswith(("lib/", "dist/", "build/")) and (root / cand).is_file():
            return cand
    for ext in _JS_EXTS:
        if rel.endswith(_JS_EXTS[1:6]) and ext:
            continue
        cand = rel + ext
        if (root / cand).is_file():
            return cand
    return None
