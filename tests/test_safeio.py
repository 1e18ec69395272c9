"""safeio: the one atomic writer. Real files, real links, real umask."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import sorafilm_nb
from sorafilm_nb import safeio


def test_the_umask_is_read_without_changing_it() -> None:
    """/proc/self/status shows it: no os.umask() flip while the studio's threads write."""
    mask = os.umask(0o027)
    try:
        assert safeio.read_umask() == 0o027
    finally:
        os.umask(mask)
    if Path("/proc/self/status").exists():
        code = (
            "import os, sorafilm_nb.safeio as s\n"
            "def flip(mask): raise AssertionError('os.umask was called')\n"
            "os.umask = flip\n"
            "print(oct(s.read_umask()))\n"
        )
        env = {**os.environ, "PYTHONPATH": str(Path(sorafilm_nb.__file__).parents[1])}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        assert out.stdout.strip() == oct(safeio.UMASK)


def test_files_get_one_mode_from_the_umask_read_at_import(tmp_path: Path) -> None:
    for write in (
        lambda p: safeio.write_text(p, "x"),
        lambda p: safeio.write_bytes(p, b"x"),
        lambda p: safeio.write_chunks(p, iter([b"a", b"b"])),
    ):
        target = tmp_path / "f"
        write(target)
        assert stat.S_IMODE(target.stat().st_mode) == safeio.FILE_MODE == 0o666 & ~safeio.UMASK
        target.unlink()
    with safeio.atomic_path(tmp_path / "g.mp4", suffix=".mp4") as tmp:
        assert tmp.name.endswith(".partial.mp4") and tmp.exists()
        tmp.write_bytes(b"video")
    assert stat.S_IMODE((tmp_path / "g.mp4").stat().st_mode) == safeio.FILE_MODE


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.write_text("old")

    def chunks():
        yield b"new, half"
        raise OSError("the connection broke")

    with pytest.raises(OSError, match="broke"):
        safeio.write_chunks(target, chunks())
    with pytest.raises(RuntimeError), safeio.atomic_path(target):
        raise RuntimeError("ffmpeg failed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_a_link_at_the_target_is_replaced_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "report.md").symlink_to(outside)
    safeio.write_text(folder / "report.md", "report")
    assert outside.read_text() == "precious"
    assert not (folder / "report.md").is_symlink()
    assert (folder / "report.md").read_text() == "report"


def test_a_planted_temp_name_is_never_followed(tmp_path: Path, monkeypatch) -> None:
    """A temp name that exists (a link planted by someone who guessed it) fails the write."""
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    folder = tmp_path / "out"
    folder.mkdir()
    planted = folder / ".film.mp4.planted.partial"
    planted.symlink_to(outside)
    monkeypatch.setattr(safeio, "temp_name", lambda target, suffix="": planted)
    with pytest.raises(FileExistsError):
        safeio.write_bytes(folder / "film.mp4", b"x")
    assert outside.read_text() == "precious"
    assert not (folder / "film.mp4").exists()


def test_no_other_writer_in_the_package() -> None:
    """One home for atomic writes: nothing else makes temp files or touches the umask."""
    root = Path(sorafilm_nb.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "safeio.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bmkstemp\(|\bos\.umask\(|NamedTemporaryFile\(", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_a_repository_s_link_is_found_whatever_path_names_its_folder(tmp_path: Path) -> None:
    """The repository ships ``out`` as a link to a folder of the user's. Named through
    another path to the repository (a link to it, a symlinked parent of it), the folder
    started with neither the repository's path as given nor its real one, so its ``out``
    link went unseen and the films were written into the user's folder. A link the user
    made outside the repository, and one inside it to a folder inside it, are not refused."""
    repository_link = safeio.repository_link
    repo = tmp_path / "real" / "repo"
    (repo / "inner").mkdir(parents=True)
    victim = tmp_path / "home"
    victim.mkdir()
    (repo / "out").symlink_to(victim)
    (repo / "fine").symlink_to(repo / "inner")
    (tmp_path / "alias").symlink_to(repo)  # a link to the repository
    (tmp_path / "up").symlink_to(tmp_path / "real")  # a symlinked parent of it
    named = [repo / "out", tmp_path / "alias" / "out", tmp_path / "up" / "repo" / "out" / "f"]
    for given in (repo, tmp_path / "alias", tmp_path / "up" / "repo"):
        for folder in named:
            found = repository_link(folder, given)
            assert found is not None and found[1] == str(victim), (folder, given)
        assert repository_link(tmp_path / "alias" / "fine" / "film", given) is None
        assert repository_link(tmp_path / "alias" / "inner", given) is None
    assert repository_link(victim / "film", repo) is None  # the user's own folder, given
