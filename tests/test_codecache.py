"""codecache: the methods dataclasses writes, compiled once and kept beside the bytecode;
a class made from the kept code is the class made from source (issue 14)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from sorafilm_nb import codecache
from sorafilm_nb.codecache import MethodCode, remembered


def _make() -> type:
    @dataclasses.dataclass(frozen=True)
    class Shot:
        beat: str
        seconds: int = 4
        props: tuple[str, ...] = ()

    return Shot


def _codes(cls: type) -> dict[str, bytes]:
    return {
        name: getattr(cls, name).__code__.co_code
        for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__")
    }


def test_a_class_from_kept_code_is_the_class_from_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    where = tmp_path / "__pycache__" / "methods.bin"
    plain = _make()
    with remembered(where) as first:
        made = _make()
    assert first.added >= 5 and where.is_file()
    written = where.stat().st_mtime_ns
    with remembered(where) as second:
        again = _make()
    assert second.added == 0 and where.stat().st_mtime_ns == written  # all from the file
    assert _codes(again) == _codes(plain) == _codes(made)
    one, two = again("chase", 8, ("whisk",)), plain("chase", 8, ("whisk",))
    assert repr(one) == repr(two)
    assert (one.beat, one.seconds, one.props) == ("chase", 8, ("whisk",))
    assert one == again("chase", 8, ("whisk",)) and hash(one) == hash(again("chase", 8, ("whisk",)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.beat = "x"  # type: ignore[misc]
    assert again("x").seconds == 4
    assert "exec" not in vars(dataclasses)  # Python's own exec again after the block


def test_a_changed_class_compiles_its_new_methods(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    where = tmp_path / "methods.bin"
    with remembered(where):
        _make()
    with remembered(where) as store:

        @dataclasses.dataclass
        class Other:  # a field more: another __init__ text
            beat: str
            extra: int = 0

    assert store.added >= 1 and Other("a", 2).extra == 2


def test_another_interpreters_or_a_damaged_file_is_ignored(tmp_path: Path) -> None:
    store = MethodCode()
    store.compiled("def f():\n return 1\n")
    blob = store.dumps()
    assert blob is not None and MethodCode(blob).codes.keys() == store.codes.keys()
    other = blob.replace(sys.version.encode(), b"3.99.0 (elsewhere)", 1)
    for damaged in (b"", b"junk", other, blob[: len(blob) // 2], codecache._magic() + b"\x00"):
        assert MethodCode(damaged).codes == {}


def test_nothing_is_written_where_python_writes_no_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    where = tmp_path / "methods.bin"
    with remembered(where):
        _make()
    assert not where.exists()
