"""The C scanner (sorafilm_nb.analysis._pyscan) against CPython's own parser, file by file.

The C scanner is only allowed two outcomes on a file: exactly the result the ast scanner
gives, or None (ast then reads the file). These tests hold it to that on the bad inputs of the
analysis tests, on inputs at its limits and on constructs it once misread. The same contract
on every Python file of real installed packages (test_pyscan_packages.py) and of the standard
library (test_pyscan_stdlib.py), and on fuzzed mutations of real source (test_pyscan_fuzz.py),
lives in files of their own so that pytest-xdist runs them on different workers.
"""

from __future__ import annotations

import gc
import os
import sys
import sysconfig
from pathlib import Path

import pytest
from pyscan_fixtures import c_result

from sorafilm_nb.analysis import _pyscan
from sorafilm_nb.analysis import (
    scan_python as _scan_python,  # the dev install builds it: hatch_build.py
)
from sorafilm_nb.analysis.scan_python import scan_python, scan_python_ast


def test_the_dev_install_has_the_c_scanner() -> None:
    # Without it everything still works, on ast alone, but 3-5x slower (bench_analysis):
    # the install that CI and `make bench` measure must have built it.
    assert _scan_python._pyscan is _pyscan
    assert Path(_pyscan.__file__).name.endswith(sysconfig.get_config_var("EXT_SUFFIX"))


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
    "long chain": "x = 2" + " ** 2" * 100_000 + "\n",  # too deep on every version
    "many unary": "x = " + "-" * 200_000 + "1\n",
    "latin-1 bytes": "s = 'caf\xe9'\n",
    "stray backslash": "x = 1 \\ + 2\n",
    "single brace in f-string": "x = f'a}b'\n",
    # found by fuzzing the C scanner: each was read as fine while ast refuses it
    "empty f-string field": "x = f'{}'\n",
    "bad f-string conversion": "x = f'{x!z}'\n",
    "brackets too deep in an f-string": "x = f'{" + "(" * 250 + "x" + ")" * 250 + "}'\n",
    "operator chain in an f-string": "x = f'{" + "2**" * 100_000 + "2}'\n",
    "unary chain in an f-string": "x = f'{" + "-" * 100_000 + "1}'\n",
    "non-ascii bytes": "x = b'caf\xc3\xa9'\n",  # UTF-8 é
    "short x escape": "x = '\\x4'\n",
    "short u escape": "x = '\\u12'\n",
    "U escape past unicode": "x = '\\U00110000'\n",
    "unknown N name": "x = '\\N{NO SUCH CHARACTER NAME}'\n",
    "short x escape in bytes": "x = b'\\x4'\n",
    "double underscore in number": "x = 1__0\n",
    "trailing underscore in number": "x = 1_\n",
    "exponent without digits": "x = 1e\n",
    "octal digit 8": "x = 0o8\n",
    "binary digit 2": "x = 0b2\n",
    "bare 0x": "x = 0x\n",
    "two dots in a number": "x = 1.2.3\n",
    "number then float": "x = 1..2\n",
    "import with a trailing comma": "import a,\n",
    "from-import with a trailing comma": "from a import b,\n",
    "decorated assignment": "@dec\nx = 1\n",
    "double semicolon": "x = 1;;\n",
    "lone semicolon": ";\n",
    "semicolon after a colon": "if x: ;\n",
    "keyword as an operand": "x = pass\n",
    "class inside an expression": "print(class)\n",
    "assignment to a keyword": "async = 1\n",
    "operators in a row": "**>>=\n",
    "comparison without a left operand": "x = == 1\n",
    "try without handlers": "try:\n    pass\nx = 1\n",
    "try at the end": "try:\n    pass\n",
    "try with else only": "try:\n    pass\nelse:\n    pass\n",
    "stray else": "x = 1\nelse:\n    pass\n",
    "stray except": "except:\n    pass\n",
    "stray elif": "x = 1\nelif y:\n    pass\n",
    "operator before a colon": "for x in y <<=:\n    pass\n",
    "lambda after an operand": "x = 'a' lambda: 1\n",
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
        b"x = f'{x:{y:{z}}}'\n",  # 3.11 refuses a field in a spec's field; 3.12 allows one
        pytest.param(
            b"x = f'''{'\\n'}'''\n",  # a backslash in a field: refused before 3.12
            marks=pytest.mark.skipif(
                sys.version_info >= (3, 12), reason="valid from 3.12: the contract test below"
            ),
        ),
    ],
)
def test_what_only_cpython_decides_goes_to_ast(src: bytes) -> None:
    assert _pyscan.scan(src) is None
    assert scan_python(src) == scan_python_ast(src)


def assert_contract(data: bytes) -> None:
    """The C scanner's one rule: ast's result exactly, or None (and ast reads the file)."""
    got = c_result(data)  # must not crash, whatever the bytes
    if got is not None:
        ref = scan_python_ast(data)
        assert "warn" not in ref, f"read a file ast refuses: {ref['warn']}"
        assert got == ref


@pytest.mark.parametrize(
    "src",
    [
        # what one Python accepts and another refuses: the scanner follows the one it is for
        b"def f[T](x: T) -> T:\n    raise ValueError\n",
        b"class A[T](Base):\n    pass\n",
        b"type Alias = list[int]\n",
        b"x = f'{f\"{f'{x}'}\"}'\n",  # the same quote nested: 3.12 on
        b'x = f"{d["key"]}"\n',
        b"x = f'{x!r }'\n",
        b"x = f'''{'\\n'}'''\n",  # a backslash in a field: 3.12 on
    ],
)
def test_version_dependent_syntax_follows_this_python(src: bytes) -> None:
    assert_contract(src)


@pytest.mark.parametrize(
    "src",
    [
        b"x = a if b\n",  # a conditional expression needs its else (ast refuses these)
        b"x = (a if b)\n",
        b"x = f(a if b, c)\n",
        b"elts = typ.elts if isin",  # a file cut short there
        b"x = a if b else c if d else e\n",
        b"x = [a if b else c for a in d if e if f]\n",
        b"x = {k: v for k, v in d if v}\n",
        b"f = lambda: a if b else c\n",
        b"match x:\n    case [y] if y > 0:\n        pass\n",
        b"for x in y: z = a if b else c\n",
    ],
)
def test_a_conditional_expression_without_else_is_refused_like_ast_does(src: bytes) -> None:
    assert_contract(src)
    if b"else" not in src and b"for" not in src and b"case" not in src:
        assert c_result(src) is None


# read wrongly (not declined) until fuzzing found them: the C result must be ast's
MISREAD = {
    "long dotted base": "class A(" + "b" * 600 + ".c):\n    pass\n",
    "parenthesised __all__": "(__all__) = ['a']\n",
    "parenthesised __all__ augmented": "__all__ = []\n(__all__) += ['b']\n",
    "parenthesised __all__ in a chain": "x = ((__all__)) = ['c']\n",
    "one-line case bodies": "match x:\n    case 1: raise OneError\n    case _: raise Other\n",
    "match on a list": "match [a]:\n case [b]: raise B\n",
}


@pytest.mark.parametrize("name", sorted(MISREAD))
def test_constructs_that_were_misread(name: str) -> None:
    data = MISREAD[name].encode()
    ref = scan_python_ast(data)
    assert "warn" not in ref
    assert c_result(data) == ref


def pathological() -> list[bytes]:
    """Inputs at the scanner's limits, cut short, or with odd line endings and BOMs."""
    out: list[bytes] = []
    for n in (189, 190, 191, 200):
        out.append(b"x = " + b"(" * n + b"1" + b")" * n + b"\n")
        out.append(b"x = " + b"([{" * (n // 3) + b"1" + b"}])" * (n // 3) + b"\n")
    for n in (94, 95, 96, 100):
        out.append(b"".join(b" " * i + b"if x:\n" for i in range(n)) + b" " * n + b"raise E\n")
    quotes = [b"'", b'"', b"'''", b'"""']
    for n in (7, 8, 9, 10):
        s = b"x"
        for i in range(n):
            s = b"f" + quotes[i % 4] + b"{" + s + b"}" + quotes[i % 4]
        out.append(b"y = " + s + b"\n")
    ops = b"+ - * / // % @ ** << >> & | ^ ~ < > <= >= == != = := -> . ... , : ; ( [ {".split()
    tails = [b"", b"\\", b"\\\n", b"\r", b"'", b'"""', b"f'{", b"f'{x", b"f'{x:", b"#"]
    out += [b"x = 1 " + op + tail for op in ops for tail in tails]
    out += [b"\\", b"x\\", b"'\\", b"b'\\x", b"'\\N{", b"f'\\N{A", b"0x", b"1e", b"1.", b"@"]
    real = Path(_scan_python.__file__).read_bytes()
    out += [real[:cut] for cut in range(0, len(real), len(real) // 97)]
    out += [real.replace(b"\n", b"\r"), real.replace(b"\n", b"\r\n")]
    out.append(real.replace(b"    ", b"\t"))
    for bom in (b"\xef\xbb\xbf", b"\xef\xbb", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe"):
        out.append(bom + real[:3000])
    out.append(b"\xef\xbb\xbf# -*- coding: utf-8 -*-\nx = 1\n")
    out.append(real * 30)  # a big file (about 500 KB)
    return out


@pytest.mark.parametrize("data", pathological(), ids=lambda d: repr(d[:30]))
def test_pathological_inputs_keep_the_contract(data: bytes) -> None:
    assert_contract(data)


def test_scanning_leaks_no_references() -> None:
    # every path: a file read; one declined by the tokenizer; one declined by the statement
    # parser after it built results; escapes and \N{} names looked up
    inputs = [
        Path(_scan_python.__file__).read_bytes(),
        CASES["docstrings"].encode(),
        b"x = 'abc\n",
        b"class A(B):\n    '''Doc.'''\nraise (X)\n",
        b"x = '\\N{BULLET}'\ny = '\\N{NO SUCH NAME}'\n",
        b"__all__ = ['a\\x41']\n",
    ]
    for data in inputs * 3:  # warm up (interned strings, free lists)
        _pyscan.scan(data)
    gc.collect()
    objects, nones = len(gc.get_objects()), sys.getrefcount(None)
    for _ in range(300):
        for data in inputs:
            _pyscan.scan(data)
    gc.collect()
    # a leaked result is hundreds of lists and dicts here; a leaked None, 300 references
    assert len(gc.get_objects()) - objects < 50
    assert sys.getrefcount(None) - nones < 50  # immortal from 3.12 on, counted before


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
from ...... import six_up
from ......pkg import seven
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


if sys.version_info < (3, 11):  # except* is 3.11's: a plain except gives the same facts
    CASES["raises and excepts"] = CASES["raises and excepts"].replace("except*", "except")


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


def test_the_scanner_under_test_is_the_one_asked_for() -> None:
    # make test-sanitize and make test-pythons load a scratch build: it must be that one
    asked = os.environ.get("SORAFILM_PYSCAN_PATH")
    if asked:
        assert Path(_pyscan.__file__).resolve() == Path(asked).resolve()
    else:
        assert Path(_pyscan.__file__).parent == Path(_scan_python.__file__).parent
