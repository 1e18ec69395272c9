"""A run where a skip is a failure: SORAFILM_NO_SKIPS=1 (set by .ci/run).

Why: a test that skips passes nothing. Where a part may be missing (PostgreSQL's binaries,
psycopg), the fixture skips with a reason saying what to install, which is right on a
newcomer's machine; in CI everything is installed, so a skip there means something broke (a
server that would not start, a template that would not copy) and must not read as green.
"""

from __future__ import annotations

import os

import pytest

ENV = "SORAFILM_NO_SKIPS"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get(ENV) != "1" or hasattr(session.config, "workerinput"):
        return  # not asked, or an xdist worker: the controller sees every worker's reports
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        names = ", ".join(sorted({r.nodeid for r in skipped})[:10])
        if reporter:
            reporter.write_line(f"{ENV}=1: {len(skipped)} test(s) skipped ({names})", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
