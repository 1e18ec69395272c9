"""hatch_build.py: the C scanner is compiled when it can be, and its absence costs nothing but
speed when it cannot."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import hatch_build  # noqa: E402


def scratch_root(tmp_path: Path) -> Path:
    (tmp_path / hatch_build.SOURCE).parent.mkdir(parents=True)
    shutil.copy(ROOT / hatch_build.SOURCE, tmp_path / hatch_build.SOURCE)
    return tmp_path


def test_compiles_a_module_this_python_imports(tmp_path: Path) -> None:
    root = scratch_root(tmp_path)
    built = hatch_build.compile_scanner(root)
    assert built == hatch_build.target(root) and built.is_file()
    assert not list(root.rglob("*.tmp"))
    loader = importlib.machinery.ExtensionFileLoader("sorafilm_nb.analysis._pyscan", str(built))
    spec = importlib.util.spec_from_file_location(
        "sorafilm_nb.analysis._pyscan", built, loader=loader
    )
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    facts = module.scan(b"class Boom(Exception):\n    '''Goes off.'''\n")
    assert facts[1] == [["Boom", 1, ["Exception"], "Goes off.", 0]]


def test_a_failing_compiler_leaves_a_pure_python_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scratch_root(tmp_path)
    monkeypatch.setenv("CC", "false")  # a compiler that always fails
    assert hatch_build.compile_scanner(root) is None
    assert "C scanner not built" in capsys.readouterr().err
    assert not hatch_build.target(root).exists() and not list(root.rglob("*.tmp"))

    monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    assert hatch_build.compile_scanner(root) is None
    assert "ast will be used" in capsys.readouterr().err


def test_missing_python_headers_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = scratch_root(tmp_path)
    monkeypatch.setattr(hatch_build.sysconfig, "get_paths", lambda: {"include": str(tmp_path)})
    assert hatch_build.compile_scanner(root) is None
    assert "no Python.h" in capsys.readouterr().err


def test_without_the_c_scanner_results_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.analysis import scan_python as _scan_python
    from sorafilm_nb.analysis.profile import analyze

    httpx = Path(importlib.util.find_spec("httpx").origin).parent  # type: ignore[union-attr]
    with_c = analyze(httpx, use_cache=False)
    monkeypatch.setattr(_scan_python, "_pyscan", None)  # as if no compiler had been there
    without = analyze(httpx, use_cache=False)
    assert without.concepts == with_c.concepts and without.themes == with_c.themes
    assert len(with_c.concepts) > 20
