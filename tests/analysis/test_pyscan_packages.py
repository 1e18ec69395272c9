"""The C scanner gives ast's result, or declines, on every Python file of real packages.

See test_pyscan.py for the contract."""

from __future__ import annotations

import pytest
from pyscan_fixtures import compare, package_dir


@pytest.mark.slow
@pytest.mark.parametrize("package", ["django", "openai", "httpx", "_pytest", "hypothesis"])
def test_same_result_as_ast_on_real_packages(package: str) -> None:
    files = sorted(package_dir(package).rglob("*.py"))
    accepted, handed_back, diffs, _, _ = compare(files)
    assert accepted > 20
    assert diffs == []
    # the C scanner must actually do the work, not decline it
    assert handed_back <= max(2, accepted // 100), (handed_back, accepted)
