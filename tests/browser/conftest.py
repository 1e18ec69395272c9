"""The browser check runs only when asked for: `pytest -m browser tests/browser`.

A plain `pytest` (make test) collects this folder too, so its items are deselected (not
skipped) unless the marker expression selects "browser": the check needs a Chromium from apt
and a JupyterLab server, which `make test-browser` sets up.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    expr = config.getoption("markexpr") or ""
    if "browser" in expr and "not browser" not in expr:
        return
    chosen = [item for item in items if item.get_closest_marker("browser")]
    if chosen:
        config.hook.pytest_deselected(items=chosen)
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
