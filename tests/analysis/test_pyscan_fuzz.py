"""Fuzzing the C scanner: mutated real source and random bytes never crash it, and what it
reads is what ast reads. See test_pyscan.py for the contract."""

from __future__ import annotations

from pyscan_fixtures import c_result, package_dir

from sorafilm_nb.analysis.scan_python import scan_python_ast

_CORPUS = sorted(package_dir("django").rglob("*.py"))[::7]


def test_mutated_source_is_never_misread() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

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
    def check(index: int, cuts: list) -> None:
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

    check()


def test_random_bytes_never_crash() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None)
    @given(st.binary(max_size=400))
    def check(data: bytes) -> None:
        got = c_result(data)
        if got is not None:
            assert got == scan_python_ast(data) or "warn" in scan_python_ast(data)

    check()
