"""SORAFILM_NO_SKIPS=1 turns a run with a skip into a failed run, and leaves one without alone."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

SKIPS = "import pytest\n\ndef test_a():\n    pytest.skip('no server')\n\ndef test_b():\n    pass\n"


@pytest.mark.parametrize(
    ("env", "source", "code"),
    [
        ("1", SKIPS, pytest.ExitCode.TESTS_FAILED),
        ("", SKIPS, pytest.ExitCode.OK),
        ("1", "def test_b():\n    pass\n", pytest.ExitCode.OK),
    ],
    ids=["asked-with-a-skip", "not-asked", "asked-without-a-skip"],
)
def test_a_skip_fails_the_run_only_when_asked(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, env: str, source: str, code: int
) -> None:
    monkeypatch.setenv("SORAFILM_NO_SKIPS", env)
    pytester.makepyfile(test_x=source)
    result = pytester.runpytest_inprocess("-p", "no_skips", "-p", "no:cacheprovider")
    assert result.ret == code
    if code != pytest.ExitCode.OK:
        result.stdout.fnmatch_lines(
            ["*SORAFILM_NO_SKIPS=1: 1 test(s) skipped (test_x.py::test_a)*"]
        )
