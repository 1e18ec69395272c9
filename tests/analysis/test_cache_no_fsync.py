"""Caches are written atomically but not fsynced (issue 14): each fsync cost a cold
`sorafilm plan` 0.5-7 ms of waiting, a dozen times, for files that are checked when read
and rebuilt when torn. What must survive a crash (ledger exports, films, manifests) still is
fsynced: safeio's default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sorafilm_nb import safeio
from sorafilm_nb.analysis.profile import analyze


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def spy(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return calls


def test_safeio_fsyncs_unless_told_not_to(tmp_path: Path, fsyncs: list[int]) -> None:
    safeio.write_bytes(tmp_path / "durable.bin", b"x")
    assert len(fsyncs) == 1
    safeio.write_bytes(tmp_path / "cache.bin", b"y", durable=False)
    assert len(fsyncs) == 1
    assert (tmp_path / "cache.bin").read_bytes() == b"y"


def test_the_analysis_cache_and_parsed_data_are_not_fsynced(
    tmp_path: Path, fsyncs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.datafiles import data_dir, load_toml

    monkeypatch.setenv("SORAFILM_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "mod.py").write_text('"""A module."""\n\nclass Thing:\n    """A thing."""\n')
    analyze(repo, cache_dir=tmp_path / "cache")
    load_toml(data_dir() / "prompts" / "prompts.toml")
    written = sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert any(n.endswith(".index") for n in written) and any(n.endswith(".json") for n in written)
    assert fsyncs == []
