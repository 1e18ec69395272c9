"""The C scanner (sorafilm_nb._pyscan) against CPython's own parser, file by file.

The C scanner is only allowed two outcomes on a file: exactly the result the ast scanner
gives, or None (ast then reads the file). These tests hold it to that on every Python file of
real installed packages and of the standard library, on the bad inputs of the analysis tests,
and on fuzzed mutations of real source.
"""

from __future__ import annotations

import importlib.util
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sorafilm_nb import _pyscan, _scan_python  # the dev install builds it: hatch_build.py
from sorafilm_nb._scan_python import _assemble, _from_c, scan_python, scan_python_ast


def c_result(data: bytes) -> dict | None:
    """What scan_python returns through the C scanner, or None when it hands over to ast."""
    raw = _pyscan.scan(data)
    if raw is None:
        return None
    facts = _from_c(raw)
    return None if facts is None else _assemble(data, *facts)


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, name
    return Path(next(iter(spec.submodule_search_locations)))


def compare(files: list[Path]) -> tuple[int, int, list[str], int, int]:
    """Over files: (files ast reads, of those the C scanner handed back, differences found,
    files ast rejects, of those the C scanner read anyway)."""
    accepted = handed_back = rejected = lenient = 0
    diffs: list[str] = []
    for path in files:
        data = path.read_bytes()
        ref = scan_python_ast(data)
        got = c_result(data)
        if "warn" in ref:
            rejected += 1
            lenient += got is not None
            continue
        accepted += 1
        if got is None:
            handed_back += 1
        elif got != ref:
            keys = sorted(k for k in set(got) | set(ref) if got.get(k) != ref.get(k))
            diffs.append(f"{path}: {keys}")
    return accepted, handed_back, diffs, rejected, lenient


def test_the_dev_install_has_the_c_scanner() -> None:
    # Without it everything still works, on ast alone, but 3-5x slower (bench_analysis):
    # the install that CI and `make bench` measure must have built it.
    assert _scan_python._pyscan is _pyscan
    assert Path(_pyscan.__file__).name.endswith(sysconfig.get_config_var("EXT_SUFFIX"))


@pytest.mark.slow
@pytest.mark.parametrize("package", ["django", "openai", "httpx", "_pytest", "hypothesis"])
def test_same_result_as_ast_on_real_packages(package: str) -> None:
    files = sorted(package_dir(package).rglob("*.py"))
    accepted, handed_back, diffs, _, _ = compare(files)
    assert accepted > 20
    assert diffs == []
    # the C scanner must actually do the work, not decline it
    assert handed_back <= max(2, accepted // 100), (handed_back, accepted)


@pytest.mark.slow
def test_same_result_as_ast_on_the_standard_library() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(
        p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts and p.is_file()
    )
    accepted, handed_back, diffs, rejected, lenient = compare(files)
    assert accepted > 1000
    assert diffs == []
    # the standard library's tests hold odd code on purpose (encodings, unicode names,
    # numbers like 0x1for): a few are handed back, never most
    assert handed_back <= accepted // 50, (handed_back, accepted)
    # lib2to3's test data is Python 2 and the test suite's badsyntax files are broken on
    # purpose: ast warns on them, and the C scanner must not read them as fine. Errors only
    # CPython's grammar knows (`1 = x`) may be read leniently; they are rare here.
    assert rejected >= 5
    assert lenient <= rejected // 10, (lenient, rejected)


BAD = {
    "python 2 print": "print 'hello'\n",
    "python 2 exec": "exec 'x = 1'\n",
    "python 2 except": "try:\n    pass\nexcept ValueError, e:\n    pass\n",
    "python 2 raise": "raise ValueError, 'no'\n",
    "python 2 octal": "x = 0777\n",
    "python 2 long": "x = 10L\n",
    "python 2 not-equal": "if a <> b:\n    pass\n",
    "python 2 backticks": "x = `y`\n",
    "python 2 ur prefix": "x = ur'abc'\n",
    "unterminated string": "x = 'abc\n",
    "unterminated triple string": 'x = """abc\n',
    "unclosed bracket": "x = (1,\n",
    "stray closer": "x = 1)\n",
    "mismatched brackets": "x = (1]\n",
    "bad dedent": "if x:\n        a = 1\n    b = 2\n",
    "unexpected indent": "a = 1\n    b = 2\n",
    "missing block": "if x:\nb = 2\n",
    "tabs and spaces": "if x:\n\ta = 1\n        b = 2\n",
    "two operands": "x = a b\n",
    "def without parens": "def f:\n    pass\n",
    "deep parens": "x = " + "(" * 300 + "1" + ")" * 300 + "\n",
    "long chain": "x = 1" + " + 1" * 100_000 + "\n",
    "many unary": "x = " + "-" * 200_000 + "1\n",
    "latin-1 bytes": "s = 'caf\xe9'\n",
    "stray backslash": "x = 1 \\ + 2\n",
    "single brace in f-string": "x = f'a}b'\n",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_broken_code_goes_to_ast(name: str) -> None:
    data = BAD[name].encode("latin-1")
    assert _pyscan.scan(data) is None
    assert "warn" in scan_python(data)  # and ast says why


@pytest.mark.parametrize(
    "src",
    [
        b"# -*- coding: latin-1 -*-\nclass Caf\xe9Error(Exception):\n    pass\n",
        b"\xef\xbb\xbf# coding: utf8\nx = 1\n",  # CPython refuses utf8 (not utf-8) with a BOM
        "class Café:\n    pass\n".encode(),  # identifiers are NFKC-normalised by CPython
        b"x = t'template'\n",  # t-strings: Python 3.14's business
        b"raise (ValueError)\n",
    ],
)
def test_what_only_cpython_decides_goes_to_ast(src: bytes) -> None:
    assert _pyscan.scan(src) is None
    assert scan_python(src) == scan_python_ast(src)


CASES = {
    "docstrings": '''"""Module doc.

More.
"""
class A(Base, mod.Mixin, Generic[T], metaclass=Meta):
    r"""Raw \\d doc."""
    x = 1
    @property
    def f(self):
        "Escaped \\t doc \\N{BULLET}."
    async def g(self): """One-line."""
    class Inner:
        """Not collected."""
        def h(self):
            """Not collected either."""
def top(a, b=(1, 2), *, c: int = 3) -> "A":
    f"""Not a docstring: an f-string."""
''',
    "raises and excepts": """
def f():
    try:
        raise ValueError("x") from None
    except (KeyError, errors.ParseError) as e:
        raise
    except OSError or IOError:
        pass
    except get_error():
        raise err
    try:
        pass
    except* TypeError:
        raise mod.Boom()
    if x: raise NotImplementedError; y = 2
    raise Exception().with_traceback(tb)
    raise Error[0]
    raise Error if a else Other
""",
    "imports": """
import os, os.path as p
from . import a, b as c
from ..pkg.mod import (x,
    y as z,)
from ... import deep
from ...up import far
from __future__ import annotations
def inner():
    import json
    from .lazy import *
""",
    "__all__ forms": """
__all__ = ["a", 'b', "c" "d", f"e", b"f", x, *rest]
__all__ += ("g",)
__all__ = __all__ + ["h"]
x = __all__ = ["i"]
__all__: list[str] = ["j"]
if True:
    __all__.extend(["k"])
    __all__ += ["l"]
def f():
    __all__ = ["not module level"]
__all__ = [name for name in dir()]
__all__ = "m", "n"
__all__ = ("o")
""",
    "compound statements": """
match command.split():
    case [action]:
        raise ActionError
    case Point(x=0) | {"k": _}:
        pass
    case _:
        raise DefaultError
match = 1
case = match(2)
while x:
    with open(f) as g, ctx():
        for i in range(3):
            pass
        else:
            raise LoopError
class K: pass
class L(): x = lambda: 1
if a: import late
else:
    class Hidden(Base):
        '''Doc.'''
        def m(self): pass
try:
    import fast
except ImportError:
    fast = None
finally:
    pass
""",
    "strings and f-strings": '''
s = f"{x!r:>{width}} {{literal}} {y['k']} {f'{z}'}"
t = rb"\\d" + Rb'x' + BR"""y""" + U"u" + F'{a}'
u = """a 'b' "c" \\""" end"""
v = f"""{
    value
}"""
w = "\\N{EM DASH}" f"\\{x}"
class A:
    "Ascii" "concatenated" """docstring"""
''',
    "line endings": "class A:\r\n    '''Doc\r\n    lines.'''\r\n    def f(self):\r\n"
    "        raise Err\r\n",
    "continuations": """
x = 1 + \\
    2
class A(Base,
        Other):
    '''Doc.'''
    def f(self, a,
          b):
        raise \\
            ValueError
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_constructs_read_as_ast_reads_them(name: str) -> None:
    data = CASES[name].encode()
    ref = scan_python_ast(data)
    assert "warn" not in ref, ref
    got = c_result(data)
    assert got is not None, "the C scanner handed a valid file back"
    assert got == ref


def test_facts_from_a_known_file() -> None:
    # not only equal to ast: right
    result = scan_python(CASES["raises and excepts"].encode())
    assert result["rz"] == {
        "Boom": [1, 14],
        "NotImplementedError": [1, 15],
        "ValueError": [1, 4],
    }
    assert result["ct"] == {"KeyError": [1, 5], "ParseError": [1, 5], "TypeError": [1, 13]}
    result = scan_python(CASES["__all__ forms"].encode())
    assert result["all"] == sorted(["a", "b", "cd", "g", "i", "l", "m", "n"])


# ------------------------------------------------------------------ fuzzing

_CORPUS = sorted(package_dir("django").rglob("*.py"))[::7]


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    index=st.integers(0, len(_CORPUS) - 1),
    cuts=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.integers(0, 40),
            st.sampled_from(
                [
                    b"",
                    b"(",
                    b")",
                    b"'",
                    b'"',
                    b'"""',
                    b"\\",
                    b"\n",
                    b"\r",
                    b"\t",
                    b"    ",
                    b"{",
                    b"}",
                    b"f'{",
                    b"#",
                    b":",
                    b"\xff",
                    b"\xc3",
                    b"\x00",
                    b"class ",
                    b"raise ",
                    b"except ",
                    b"import ",
                    b"@",
                    b"...",
                    b"0",
                    b"lambda: ",
                ]
            ),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_source_is_never_misread(index: int, cuts: list) -> None:
    data = bytearray(_CORPUS[index].read_bytes())
    for where, drop, insert in cuts:
        at = int(where * len(data))
        data[at : at + drop] = insert
    data = bytes(data)
    got = c_result(data)  # must not crash, whatever the bytes
    if got is not None:
        ref = scan_python_ast(data)
        if "warn" not in ref:
            assert got == ref


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    got = c_result(data)
    if got is not None:
        assert got == scan_python_ast(data) or "warn" in scan_python_ast(data)
