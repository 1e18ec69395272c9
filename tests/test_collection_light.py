"""Issue 10 item 5: collecting the suite does not import the heavy packages.

Every xdist worker collects the whole suite before it runs its share, so a package a test
module imports at its top is paid for by every worker, whether or not it runs that test:
pandas, ipywidgets, nbformat, nbclient (with zmq, jupyter_client and IPython) and hypothesis
were ~3 s of CPU per worker, on a machine of 2 cores. Those imports live in the tests and
fixtures that use them; this collects the suite in a fresh process, as a worker does, and
names any that came back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "pandas",
    "matplotlib",
    "ipywidgets",
    "nbformat",
    "nbclient",
    "jupyter_client",
    "zmq",
    "IPython",
    "hypothesis",
)
# What is loaded when collection ends (pytest_collection_finish), as a worker starts its first
# test: not after pytest.main returns, when hypothesis's own plugin has imported hypothesis for
# its terminal summary, which only the controller prints, at the end of the run.
COLLECT = f"""\
import json, sys
import pytest

class Spy:
    heavy = None

    def pytest_collection_finish(self, session):
        Spy.heavy = [m for m in {HEAVY!r} if m in sys.modules]

code = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:nbval",
                    "-p", "no:anyio", "tests"], plugins=[Spy()])
print(json.dumps({{"code": int(code), "heavy": Spy.heavy}}))
"""


@pytest.mark.slow
def test_collecting_the_suite_imports_no_heavy_package() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("PYTEST_XDIST_WORKER", None)
    out = subprocess.run(
        [sys.executable, "-c", COLLECT],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert result["heavy"] == [], (
        f"collecting the suite imported {result['heavy']}: a test module or fixture module "
        "imports it at its top; import it in the test or fixture that uses it"
    )
