"""analysis.analyze: real files in tmp dirs, real git repos, real installed packages."""

from __future__ import annotations

import importlib.util
import json
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from git_fixtures import git

from sorafilm_nb.analysis import profile as analysis
from sorafilm_nb.analysis.profile import CONCEPT_KINDS, RepoProfile, analyze
from sorafilm_nb.errors import AnalysisError

HAS_GIT = shutil.which("git") is not None


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} not installed"
    return Path(next(iter(spec.submodule_search_locations)))


def warned(profile: RepoProfile) -> dict[str, str]:
    return {w.file: w.reason for w in profile.warnings}


SMALL_ERRORS = '''"""Errors of the tiny parser."""


class ParseError(ValueError):
    """The input could not be parsed."""


class EmptyInput(ParseError):
    """Nothing to parse at all."""
'''

SMALL_CORE = '''"""Turn text into numbers."""
from .errors import EmptyInput, ParseError

__all__ = ["parse", "Parser"]


class Parser:
    """Parses text, one line at a time."""

    def feed(self, line):
        return parse(line)

    def close(self):
        pass


def parse(text):
    """Parse text into an int."""
    if not text:
        raise EmptyInput()
    try:
        return int(text)
    except ValueError:
        raise ParseError(text)
    except (TypeError, OverflowError):
        raise ParseError(repr(text)) from None


def _helper():
    try:
        import json
    except ImportError:
        json = None
    return json
'''


def small_repo(root: Path) -> Path:
    write(root, "tiny/__init__.py", '"""Tiny."""\nfrom .core import Parser, parse\n')
    write(root, "tiny/errors.py", SMALL_ERRORS)
    write(root, "tiny/core.py", SMALL_CORE)
    write(
        root,
        "tiny/cli.py",
        "from .core import parse\nfrom .errors import ParseError\n\n"
        "def main(argv):\n    try:\n        print(parse(argv[0]))\n"
        "    except ParseError:\n        return 1\n    return 0\n",
    )
    write(
        root,
        "tests/test_core.py",
        "from tiny.core import parse\n\ndef test_parse():\n    assert parse('1') == 1\n",
    )
    write(
        root,
        "README.md",
        "# Tiny parser\n\n[![ci](https://x/badge.svg)](https://x)\n\n"
        "Tiny turns **text** into numbers,\nslowly.\n\n## Install\n\npip install tiny\n",
    )
    return root


# ---------------------------------------------------------------- what is found


def test_missing_path_and_file_path_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match="no such file or directory"):
        analyze(tmp_path / "nope")
    f = write(tmp_path, "a.py", "x = 1\n")
    with pytest.raises(AnalysisError, match="not a directory") as info:
        analyze(f)
    assert "archive" not in str(info.value)


@pytest.mark.parametrize("ending", [".tgz", ".tar.gz", ".zip", ".whl"])
def test_an_archive_is_named_one_with_the_command_that_unpacks_it(
    ending: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sorafilm analyze tiny.tgz` said only "not a directory": a new user is told it is an
    archive and how to unpack it; the tar advice, run as said, makes a folder analyze reads."""
    import shlex
    import tarfile
    import zipfile

    repo = small_repo(tmp_path / "src")
    archive = tmp_path / f"tiny-1.0{ending}"
    if ending in (".zip", ".whl"):
        with zipfile.ZipFile(archive, "w") as zf:
            for f in repo.rglob("*"):
                zf.write(f, f.relative_to(repo))
    else:
        with tarfile.open(archive, "w:gz") as tf:
            tf.add(repo, arcname="tiny-1.0")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AnalysisError) as info:
        analyze(archive.name)
    said = str(info.value)
    assert "not a directory: an archive; unpack it first" in said, said
    command = said.split("(`", 1)[1].split("`)", 1)[0]
    if ending in (".zip", ".whl"):  # no top folder of its own: unpacked into one
        assert command == f"unzip {archive.name} -d tiny-1.0", said
        return
    assert command == f"tar xzf {archive.name}", said
    subprocess.run(shlex.split(command), check=True, cwd=tmp_path)
    assert analyze(tmp_path / "tiny-1.0").title == "Tiny parser"


def test_small_repo_concepts(tmp_path: Path) -> None:
    prof = analyze(small_repo(tmp_path))
    assert prof.title == "Tiny parser"
    assert prof.description == "Tiny turns text into numbers, slowly."
    assert prof.files_scanned == 5 and prof.languages == (("python", 5),)
    assert prof.warnings == ()
    by = {(c.kind, c.name): c for c in prof.concepts}
    err = by["exception", "ParseError"]
    assert (err.file, err.line, err.bases) == ("tiny/errors.py", 4, ("ValueError",))
    assert (err.raised, err.caught) == (2, 1)
    assert err.summary == "The input could not be parsed."
    # a subclass of a repo exception is an exception too (transitively)
    assert by["exception", "EmptyInput"].raised == 1
    # built-in exceptions are never concepts, however often caught (issue 12): only the
    # exceptions the project defines are
    assert not {"ValueError", "ImportError", "OverflowError", "TypeError"} & {
        c.name for c in prof.concepts
    }
    # re-raising a variable (`raise exc`) is not an exception class
    assert ("exception", "text") not in by
    parser = by["class", "Parser"]
    assert parser.summary == "Parses text, one line at a time." and parser.line == 7
    assert parser.methods == 2
    assert err.refs == 2  # named in core.py and cli.py
    assert by["module", "tiny.core"].refs == 3  # imported by __init__, cli and the test
    assert by["function", "parse"].file == "tiny/core.py"
    assert ("function", "_helper") not in by  # private functions are not concepts
    assert ("function", "feed") not in by  # methods are counted, not listed
    assert by["module", "tiny.core"].summary == "Turn text into numbers."
    assert "words" not in by["class", "Parser"].words
    assert by["exception", "ParseError"].words[:3] == ("parse", "error", "input")
    assert all(c.kind in CONCEPT_KINDS for c in prof.concepts)


def test_same_name_exception_and_class(tmp_path: Path) -> None:
    write(
        tmp_path,
        "db.py",
        "class Error(Exception):\n    pass\n\nclass OperationalError(Error):\n    pass\n",
    )
    write(
        tmp_path,
        "report.py",
        'class Message:\n    pass\n\nclass Error(Message):\n    """A line."""\n',
    )
    write(tmp_path, "use.py", "from db import Error\ntry:\n    pass\nexcept Error:\n    pass\n")
    by = {(c.kind, c.name): c for c in analyze(tmp_path).concepts}
    assert by["exception", "Error"].file == "db.py" and by["exception", "Error"].caught == 1
    assert by["class", "Error"].file == "report.py"  # its own bases say: not an exception
    assert by["exception", "OperationalError"].bases == ("Error",)


def test_ranking_central_above_incidental(tmp_path: Path) -> None:
    prof = analyze(small_repo(tmp_path))
    names = [c.name for c in prof.concepts]
    # ParseError: defined, documented, imported by two files, raised and caught
    assert names.index("ParseError") < names.index("main")
    # parse (imported by 3 files, documented, in __all__) above main (used nowhere)
    assert names.index("parse") < names.index("main")
    # tests are out by default; brought back, the test module ranks below the module it tests
    assert "tests.test_core" not in names
    names = [c.name for c in analyze(tmp_path, include=("tests",)).concepts]
    assert names.index("tiny.core") < names.index("tests.test_core")
    scores = [c.score for c in prof.concepts]
    assert scores == sorted(scores, reverse=True)


def test_deterministic_order(tmp_path: Path) -> None:
    small_repo(tmp_path)
    write(tmp_path, "tiny/more.py", "class Zeta:\n    pass\n\nclass Alpha:\n    pass\n")
    a = analyze(tmp_path, use_cache=False)
    b = analyze(tmp_path, use_cache=False)
    assert a == b and a.concepts == b.concepts
    same = [c.name for c in a.concepts if c.name in ("Alpha", "Zeta")]
    assert same == ["Alpha", "Zeta"]  # equal scores: by name


def test_docstring_themes(tmp_path: Path) -> None:
    for i in range(3):
        write(
            tmp_path,
            f"m{i}.py",
            f'"""The kettle boils water number {i}."""\n\n'
            f'def f{i}():\n    """Pour the kettle into the teapot, then the cup.\n\n'
            f"    See https://example.com/docs and ``sugar_bowl(x)``.\n\n"
            f'        >>> spoon.stir()\n    """\n',
        )
    prof = analyze(tmp_path)
    themes = dict(prof.themes)
    assert themes["kettle"] == 1.0  # in all six docstrings, the most used word
    assert themes["teapot"] == pytest.approx(0.5)
    assert "the" not in themes and "into" not in themes  # stopwords
    assert not {"https", "example", "docs", "sugar", "bowl", "spoon", "stir"} & set(themes)
    theme = next(c for c in prof.concepts if c.kind == "theme" and c.name == "kettle")
    assert (theme.file, theme.line, theme.words) == ("", 0, ("kettle",))


def test_readme_rst_title(tmp_path: Path) -> None:
    write(
        tmp_path,
        "README.rst",
        "=======\nWidgets\n=======\n\n.. image:: x.png\n\nWidgets are *small*\nthings.\n\nMore.\n",
    )
    prof = analyze(tmp_path)
    assert (prof.title, prof.description) == ("Widgets", "Widgets are small things.")
    assert prof.name == "widgets"  # no metadata: the README's name, never the folder's


def test_javascript_and_typescript(tmp_path: Path) -> None:
    write(
        tmp_path,
        "src/errors.js",
        "/** Raised when the oven is cold. */\nexport class OvenError extends Error {}\n",
    )
    write(
        tmp_path,
        "src/bake.js",
        "import { OvenError } from './errors.js';\n"
        "/** Bake a cake. */\nexport function bake(oven) {\n"
        "  try { if (!oven.hot) throw new OvenError('cold'); }\n"
        "  catch (e) { if (e instanceof OvenError) { return null; } throw e; }\n}\n",
    )
    write(
        tmp_path,
        "src/shop.ts",
        "import { bake } from './bake';\n"
        "export class Shop<T> extends Base<T> implements Sells {\n"
        "  open(): void { throw new OvenError('x'); }\n}\n"
        "export const sell = (n: number): number => n;\n",
    )
    write(
        tmp_path,
        "src/broken.tsx",
        "export function keep() { return 1 }\nexport const A = () => <div>{oops</div>;\n",
    )
    prof = analyze(tmp_path)
    by = {(c.kind, c.name): c for c in prof.concepts}
    oven = by["exception", "OvenError"]
    assert (oven.file, oven.line, oven.language) == ("src/errors.js", 2, "javascript")
    assert (oven.raised, oven.caught) == (2, 1)
    assert oven.summary == "Raised when the oven is cold."
    assert by["function", "bake"].summary == "Bake a cake."
    assert by["class", "Shop"].bases == ("Base",)
    assert by["class", "Shop"].language == "typescript"
    assert ("function", "sell") in by
    langs = dict(prof.languages)
    assert langs == {"javascript": 2, "typescript": 1, "tsx": 1}
    # a file with syntax errors is read as far as it goes, and says so
    assert warned(prof) == {"src/broken.tsx": "syntax error near line 2: read partially"}
    assert by["function", "keep"].language == "tsx"


# ---------------------------------------------------------------- bad input


def test_bad_files_become_warnings_not_crashes(tmp_path: Path) -> None:
    write(tmp_path, "good.py", "class Fine:\n    '''Still read.'''\n")
    write(tmp_path, "binary.py", b"\x7fELF\x00\x00\x01garbage")
    write(tmp_path, "huge.py", "x = 1\n" * 200_000)  # 1.2 MB > 1 MiB cap
    write(tmp_path, "latin.py", "s = 'caf\xe9'\n".encode("latin-1"))
    write(
        tmp_path,
        "cookie.py",
        b"# -*- coding: latin-1 -*-\nclass Caf\xe9Error(Exception):\n    pass\n",
    )
    write(tmp_path, "py2.py", "print 'hello'\n")
    write(tmp_path, "syntax.py", "def f(:\n")
    write(tmp_path, "escape.py", '"""Bad \\N{NOT A NAME} escape."""\n')
    # nested too deep for CPython's parser on every supported version (3.10 parses a flat
    # 100,000-term sum; right-associative ** nests)
    write(tmp_path, "deep.py", "x = 2" + " ** 2" * 100_000 + "\n")
    write(tmp_path, "deeper.py", "x = " + "-" * 200_000 + "1\n")
    write(tmp_path, "parens.py", "x = " + "(" * 300 + "1" + ")" * 300 + "\n")
    write(tmp_path, "nul.js", b"var a = 1;\x00\x00")
    os.symlink("does-not-exist.py", tmp_path / "dangling.py")
    os.symlink("loop_b.py", tmp_path / "loop_a.py")
    os.symlink("loop_a.py", tmp_path / "loop_b.py")
    (tmp_path / "somedir").mkdir()
    os.symlink("somedir", tmp_path / "dir_link.py")
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")  # a directory symlink loop
    os.mkfifo(tmp_path / "fifo.py")  # open() on it would block forever

    prof = analyze(tmp_path)
    w = warned(prof)
    assert w["binary.py"].startswith("binary")
    assert "too large" in w["huge.py"]
    assert "UTF-8" in w["latin.py"]
    assert "Python 2" in w["py2.py"] and "syntax error at line 1" in w["py2.py"]
    assert "syntax error" in w["syntax.py"]
    assert "bad escape" in w["escape.py"] and "UTF-8" not in w["escape.py"]
    assert "RecursionError" in w["deep.py"]
    assert "RecursionError" in w["deeper.py"]  # MemoryError from the parser
    assert "nested parentheses" in w["parens.py"]
    assert w["nul.js"].startswith("binary")
    assert w["dangling.py"] == "unreadable: dangling symlink"
    assert "unreadable" in w["loop_a.py"] and "unreadable" in w["loop_b.py"]
    assert "directory" in w["dir_link.py"]
    assert "not a regular file" in w["fifo.py"]
    assert set(w) == {
        "fifo.py",
        "binary.py",
        "huge.py",
        "latin.py",
        "py2.py",
        "syntax.py",
        "escape.py",
        "deep.py",
        "deeper.py",
        "parens.py",
        "nul.js",
        "dangling.py",
        "loop_a.py",
        "loop_b.py",
        "dir_link.py",
    }
    names = {c.name for c in prof.concepts}
    assert "Fine" in names and "CaféError" in names  # the good files are not lost
    assert not any(f.startswith("sub/") for f in w)  # the symlinked dir was not entered
    assert prof.files_scanned == 2
    # a second run reports the same warnings, from the cache where the file was readable
    again = analyze(tmp_path)
    assert warned(again) == w
    assert again.stats["parsed"] == 0


def test_an_unreadable_directory_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.analysis import files as _scan_files

    write(tmp_path, "ok/fine.py", "class Fine:\n    pass\n")
    locked = tmp_path / "locked"
    write(tmp_path, "locked/hidden.py", "class Hidden:\n    pass\n")
    locked.chmod(0)
    try:
        if os.geteuid() == 0:  # root reads anything: make the kernel's refusal happen anyway
            real = _scan_files._read_dir

            def refusing(folder: str) -> tuple[list[str], list[str]]:
                if folder == str(locked):
                    raise PermissionError(13, "Permission denied", folder)
                return real(folder)

            monkeypatch.setattr(_scan_files, "_read_dir", refusing)
        cache = tmp_path / "cache"
        for _ in range(2):  # cold, then warm: the warning stays, the folder is tried again
            prof = analyze(tmp_path, cache_dir=cache)
            assert warned(prof) == {"locked/": "unreadable directory: Permission denied"}
            assert "Fine" in {c.name for c in prof.concepts}
    finally:
        locked.chmod(0o755)
    monkeypatch.undo()
    healed = analyze(tmp_path, cache_dir=tmp_path / "cache")
    assert healed.warnings == () and "Hidden" in {c.name for c in healed.concepts}


def test_empty_repo(tmp_path: Path) -> None:
    prof = analyze(tmp_path)
    assert (prof.concepts, prof.warnings, prof.files_scanned) == ((), (), 0)
    assert prof.title == tmp_path.name and prof.description == ""
    assert RepoProfile.from_json(prof.to_json()) == prof


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_empty_git_repo(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    prof = analyze(tmp_path)
    assert prof.concepts == () and prof.stats["listing"] == "git"


def test_walk_skips_junk_dirs(tmp_path: Path) -> None:
    write(tmp_path, "app/main.py", "class Kept:\n    pass\n")
    for junk in (
        ".venv/lib/x.py",
        "venv/x.py",
        "node_modules/pkg/index.js",
        "__pycache__/x.py",
        "build/lib/x.py",
        "dist/x.py",
        ".tox/x.py",
        "thing.egg-info/x.py",
        ".git/hooks/x.py",
        "static/vendor/lib.js",
        "static/app.min.js",
        "locale/fr/LC_MESSAGES/x.py",  # gettext catalogs' folders
    ):
        write(tmp_path, junk, "class Junk:\n    pass\n")
    write(tmp_path, "locale/fr/formats.py", "class KeptToo:\n    pass\n")  # locale code is code
    prof = analyze(tmp_path)
    assert prof.files_scanned == 2 and prof.stats["listing"] == "walk"
    assert "Junk" not in {c.name for c in prof.concepts}


# ---------------------------------------------------------------- git


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_git_ignored_files_are_skipped(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, ".gitignore", "secret_*.py\ngenerated/\n")
    write(tmp_path, "src/tracked.py", "class Tracked:\n    pass\n")
    write(tmp_path, "src/secret_keys.py", "class SecretKeys:\n    pass\n")
    write(tmp_path, "generated/out.py", "class Generated:\n    pass\n")
    write(tmp_path, "build/keep.py", "class InBuild:\n    pass\n")  # committed: the owner's
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "init")
    write(tmp_path, "src/untracked.py", "class Untracked:\n    pass\n")  # new, not ignored
    # no .gitignore for these yet: untracked dependencies and build output are not the owner's
    write(tmp_path, ".venv/lib/python3.11/site-packages/dep.py", "class VenvDep:\n    pass\n")
    write(tmp_path, "node_modules/left-pad/index.js", "class NodeDep {}\n")
    write(tmp_path, "build/lib/copy.py", "class BuildCopy:\n    pass\n")
    write(tmp_path, "pkg.egg-info/junk.py", "class EggJunk:\n    pass\n")

    prof = analyze(tmp_path)
    names = {c.name for c in prof.concepts}
    assert {"Tracked", "Untracked", "InBuild"} <= names
    assert not names & {"SecretKeys", "Generated", "VenvDep", "NodeDep", "BuildCopy", "EggJunk"}
    assert prof.stats["listing"] == "git"

    sub = analyze(tmp_path / "src")  # a subdirectory of a work tree: paths relative to it
    assert {c.file for c in sub.concepts if c.kind == "class"} == {"tracked.py", "untracked.py"}

    (tmp_path / "src" / "tracked.py").unlink()  # deleted, not yet committed: just gone
    gone = analyze(tmp_path)
    assert "Tracked" not in {c.name for c in gone.concepts} and gone.warnings == ()

    ignored = analyze(tmp_path / "generated")  # an ignored folder is walked, not empty
    assert ignored.stats["listing"] == "walk" and "Generated" in {c.name for c in ignored.concepts}


def test_git_missing_falls_back_to_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()  # looks like a work tree, but there is no git to ask
    write(tmp_path, "a.py", "class Walked:\n    pass\n")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin-here"))
    prof = analyze(tmp_path)
    assert prof.stats["listing"] == "walk" and "Walked" in {c.name for c in prof.concepts}


# ---------------------------------------------------------------- cache


def test_cache_parses_only_what_changed(tmp_path: Path) -> None:
    repo = small_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    first = analyze(repo, cache_dir=cache)
    assert (first.stats["parsed"], first.stats["cached"]) == (5, 0)

    second = analyze(repo, cache_dir=cache)
    assert (second.stats["parsed"], second.stats["cached"]) == (0, 5)
    assert second == first

    core = repo / "tiny" / "core.py"
    core.write_text(SMALL_CORE.replace("class Parser:", "class Reader:"), encoding="utf-8")
    third = analyze(repo, cache_dir=cache)
    assert (third.stats["parsed"], third.stats["cached"]) == (1, 4)
    names = {c.name for c in third.concepts}
    assert "Reader" in names and "Parser" not in names

    core.write_text(SMALL_CORE, encoding="utf-8")  # back as it was
    fourth = analyze(repo, cache_dir=cache)
    assert fourth.stats["parsed"] == 1 and fourth == first
    # same bytes, new mtime (a checkout, a touch): read and hashed again, but not parsed
    os.utime(core, ns=(1, 1))
    fifth = analyze(repo, cache_dir=cache)
    assert (fifth.stats["parsed"], fifth.stats["cached"]) == (0, 5) and fifth == first

    off = analyze(repo, cache_dir=cache, use_cache=False)
    assert off.stats["parsed"] == 5 and off == first


def age(root: Path, seconds: int = 3600) -> None:
    """Set every directory's and file's mtime an hour back: old enough for the racy rule."""
    for path in [root, *root.rglob("*")]:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_walk_reads_only_directories_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.analysis import files as _scan_files

    repo = small_repo(tmp_path / "repo")
    write(repo, "extras/deep/notes/extra.py", "class Extra:\n    pass\n")
    age(repo)
    read: list[str] = []
    real_read_dir = _scan_files._read_dir

    def counting(folder: str) -> tuple[list[str], list[str]]:
        read.append(os.path.relpath(folder, repo))
        return real_read_dir(folder)

    monkeypatch.setattr(_scan_files, "_read_dir", counting)
    cache = tmp_path / "cache"
    first = analyze(repo, cache_dir=cache)
    assert first.stats["listing"] == "walk" and len(read) >= 5  # every directory, once

    read.clear()
    second = analyze(repo, cache_dir=cache)
    assert read == [] and second == first  # unchanged directories: one stat each, no read

    # a new file deep down changes only its own directory's mtime: that one is read again
    write(repo, "extras/deep/notes/late.py", "class LateArrival:\n    pass\n")
    third = analyze(repo, cache_dir=cache)
    assert read == ["extras/deep/notes"]
    assert "LateArrival" in {c.name for c in third.concepts}

    # a removed directory disappears from the listing (its parent's mtime changed)
    read.clear()
    shutil.rmtree(repo / "extras" / "deep")
    fourth = analyze(repo, cache_dir=cache)
    assert read == ["extras"]
    assert not {"Extra", "LateArrival"} & {c.name for c in fourth.concepts}


def test_walk_listing_cached_too_recently_is_read_again(tmp_path: Path) -> None:
    """A directory changed in the same clock tick as the walk that cached it is not trusted."""
    repo = small_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    analyze(repo, cache_dir=cache)  # directories were written just now: too fresh to trust
    sub = repo / "tiny"
    st = sub.stat()
    write(repo, "tiny/fresh.py", "class FreshlyAdded:\n    pass\n")
    os.utime(sub, ns=(st.st_atime_ns, st.st_mtime_ns))  # same directory mtime as cached
    prof = analyze(repo, cache_dir=cache)
    assert "FreshlyAdded" in {c.name for c in prof.concepts}


def test_malformed_directory_listings_in_the_index_are_ignored(tmp_path: Path) -> None:
    repo = small_repo(tmp_path / "repo")
    age(repo)
    cache = tmp_path / "cache"
    first = analyze(repo, cache_dir=cache)
    index_file = next((cache / "analysis").glob("*.index"))
    index = marshal.loads(index_file.read_bytes())
    assert set(index["dirs"]) >= {"", "tiny"}
    for bad in ({"": "nonsense", "tiny": [1, 2]}, ["not", "a", "dict"]):
        index["dirs"] = bad
        index_file.write_bytes(marshal.dumps(index))
        assert analyze(repo, cache_dir=cache) == first


def test_cache_same_size_same_mtime_change_is_seen(tmp_path: Path) -> None:
    """A file rewritten within the same clock tick (same size) is still re-read."""
    repo = tmp_path / "repo"
    f = write(repo, "a.py", "class Aaaa:\n    pass\n")
    cache = tmp_path / "cache"
    analyze(repo, cache_dir=cache)
    st = f.stat()
    f.write_text("class Bbbb:\n    pass\n", encoding="utf-8")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime
    prof = analyze(repo, cache_dir=cache)
    assert "Bbbb" in {c.name for c in prof.concepts}


def test_corrupt_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    repo = small_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    good = analyze(repo, cache_dir=cache)
    files = sorted((cache / "analysis").iterdir())
    assert [f.suffix for f in files] == [".index", ".results"]
    for f in files:
        f.write_bytes(b"\x00garbage" * 10)
    prof = analyze(repo, cache_dir=cache)
    assert prof == good and prof.stats["parsed"] == 5
    assert any("corrupt" in n for n in prof.stats["cache_notes"])
    again = analyze(repo, cache_dir=cache)
    assert again.stats["parsed"] == 0 and "cache_notes" not in again.stats

    # well-formed marshal, wrong shape inside: still ignored, never a crash
    index = next((cache / "analysis").glob("*.index"))
    data = marshal.loads(index.read_bytes())
    first = next(iter(data["files"]))
    data["files"][first] = "not a list"
    index.write_bytes(marshal.dumps(data))
    prof = analyze(repo, cache_dir=cache)
    assert prof == good and prof.stats["parsed"] == 5

    # the results half lost or truncated: files are parsed again, nothing else breaks
    results = next((cache / "analysis").glob("*.results"))
    results.write_bytes(results.read_bytes()[:50])
    (repo / "tiny" / "cli.py").write_text("def main():\n    pass\n", encoding="utf-8")
    prof = analyze(repo, cache_dir=cache)
    assert prof.stats["parsed"] == 5
    assert "main" in {c.name for c in prof.concepts}
    assert analyze(repo, cache_dir=cache).stats["parsed"] == 0


def test_unwritable_cache_is_a_note_not_an_error(tmp_path: Path) -> None:
    repo = small_repo(tmp_path / "repo")
    blocker = write(tmp_path, "not-a-dir", "a file where the cache dir should be")
    prof = analyze(repo, cache_dir=blocker)
    assert prof.stats["parsed"] == 5 and len(prof.concepts) > 5
    assert any("cache not written" in n for n in prof.stats["cache_notes"])


def test_cache_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SORAFILM_CACHE_DIR", str(tmp_path / "envcache"))
    repo = write(tmp_path / "repo", "a.py", "x = 1\n").parent
    prof = analyze(repo)
    assert prof.stats["cache_file"].startswith(str(tmp_path / "envcache"))
    assert any((tmp_path / "envcache" / "analysis").glob("*.index"))


# ---------------------------------------------------------------- serialisation


def test_json_round_trip_and_frame(tmp_path: Path) -> None:
    prof = analyze(small_repo(tmp_path))
    text = prof.to_json()
    back = RepoProfile.from_json(text)
    assert back == prof
    assert back.concepts[0].words == prof.concepts[0].words
    assert isinstance(back.concepts[0].words, tuple)
    assert json.loads(text)["title"] == "Tiny parser"
    with pytest.raises(AnalysisError, match="RepoProfile"):
        RepoProfile.from_json('{"root": "x"}')

    frame = prof.concepts_frame()
    assert list(frame.columns) == [
        "name",
        "kind",
        "file",
        "line",
        "score",
        "raised",
        "caught",
        "refs",
        "methods",
        "bases",
        "language",
        "summary",
    ]
    assert len(frame) == len(prof.concepts)
    assert frame.iloc[0]["name"] == prof.concepts[0].name
    row = frame[frame["name"] == "ParseError"].iloc[0]
    assert (row["raised"], row["caught"]) == (2, 1)
    assert (row["bases"], row["language"]) == ("ValueError", "python")
    parser = frame[frame["name"] == "Parser"].iloc[0]
    assert parser["methods"] >= 1 and parser["refs"] >= 1


# ---------------------------------------------------------------- real packages


def test_httpx_from_site_packages() -> None:
    prof = analyze(package_dir("httpx"))
    assert prof.stats["listing"] == "walk"  # the venv is git-ignored: walked, not empty
    assert prof.files_scanned >= 20 and prof.warnings == ()
    exceptions = [c.name for c in prof.top(15, ("exception",))]
    assert "HTTPStatusError" in exceptions and "InvalidURL" in exceptions
    status = next(c for c in prof.concepts if c.name == "HTTPStatusError")
    assert status.file == "_exceptions.py" and status.raised >= 1
    assert status.words[:3] == ("http", "status", "error")
    classes = [c.name for c in prof.top(10, ("class",))]
    assert {"Client", "Response", "Request", "URL"} <= set(classes)
    assert RepoProfile.from_json(prof.to_json()) == prof


def test_django_core_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    core = package_dir("django") / "core"
    # a fresh single-threaded interpreter, as the CLI is: the worker pool is used there
    # (this test process may run threads left by other tests, which rules fork out)
    code = (
        "import sys; from sorafilm_nb.analysis.profile import analyze; "
        "p = analyze(sys.argv[1], use_cache=False); "
        "print(p.stats['workers']); print(p.to_json())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(core)], capture_output=True, text=True, check=True
    )
    workers, text = proc.stdout.split("\n", 1)
    prof = RepoProfile.from_json(text)
    assert prof.stats["files"] >= analysis.PARALLEL_MIN  # big enough for the worker pool
    assert int(workers) == analysis._workers()  # every core
    monkeypatch.setattr(analysis, "PARALLEL_MIN", 10**9)
    serial = analyze(core, use_cache=False)
    assert serial.stats["workers"] == 1
    assert serial == prof and serial.concepts == prof.concepts  # same answer either way
    top_exc = [c.name for c in prof.top(8, ("exception",))]
    assert "ValidationError" in top_exc and "ImproperlyConfigured" in top_exc
    modules = [c.name for c in prof.top(10, ("module",))]
    assert "django.core.exceptions" in modules  # named as imported: the package is django.core
    validation = next(c for c in prof.concepts if c.name == "ValidationError")
    assert validation.file == "exceptions.py" and validation.raised > 10
    assert validation.caught > 0
    # test code does not outrank the code it tests; django.core ships none, so: no tests/
    assert not any(c.file.startswith("tests/") for c in prof.concepts[:20])


def test_cache_from_another_scanner_version_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade of a scanner must re-parse: the (size, mtime) fast path never re-keys."""
    repo = small_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    first = analyze(repo, cache_dir=cache)
    assert analyze(repo, cache_dir=cache).stats["parsed"] == 0
    monkeypatch.setattr(analysis, "_scanners", lambda: "py-999|js-999|rank-999")
    upgraded = analyze(repo, cache_dir=cache)
    assert upgraded.stats["parsed"] == 5
    assert any("another scanner version" in n for n in upgraded.stats["cache_notes"])
    assert upgraded == first
    assert analyze(repo, cache_dir=cache).stats["parsed"] == 0  # and trusted again after


# ---------------------------------------------------------------- scanner details


def test_identifiers_match_their_regex_definition() -> None:
    """identifiers() skips the regex for speed; it must find exactly what the regex finds."""
    import re

    from sorafilm_nb.analysis.scan_python import identifiers

    pattern = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
    samples = [
        b"9abc _x __ab 1_2_3 x\xe9yz caf\xc3\xa9 \xff\xfeabc a1b2 _12 0x1F 1e10 __init__",
        b"",
        b"ab cd",
        *(p.read_bytes() for p in sorted(package_dir("httpx").rglob("*.py"))),
    ]
    for data in samples:
        expected = set(pattern.findall(data.decode("utf-8", "replace")))
        assert set(identifiers(data).split()) == expected
    assert "abc" in identifiers(samples[0]).split()  # leading digits dropped, not the token


def test_raise_and_except_tally_keeps_the_first_line(tmp_path: Path) -> None:
    """The statement walk is not in source order; the line reported is the first one."""
    from sorafilm_nb.analysis.scan_python import scan_python

    src = (
        "def a():\n"
        "    raise KeyError('x')\n"  # line 2, inside a function: walked after line 5
        "class B:\n"
        "    pass\n"
        "raise KeyError('y')\n"
        "try:\n"
        "    pass\n"
        "except KeyError:\n"
        "    try:\n"
        "        pass\n"
        "    except KeyError:\n"
        "        pass\n"
    )
    result = scan_python(src.encode())
    assert result["rz"] == {"KeyError": [2, 2]}
    assert result["ct"] == {"KeyError": [2, 8]}
