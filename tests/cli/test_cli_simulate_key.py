"""`sorafilm simulate` takes the one key it accepts as the other commands take keys: from the
provider's variable (--key-from-env), never from the command line, where `ps` and the shell
history show it; --key still works, with a warning (ux pass)."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit

# the subcommand's own register()/handler, as cli wires them (tests/backends/test_simulator)
CLI = (
    "import argparse, sys; from sorafilm_nb.cli import simulate; "
    "p = argparse.ArgumentParser(); simulate.register(p.add_subparsers()); "
    "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))"
)
KEY = "sk-sim-only-this-key-0123456789"


def _serve(env: dict[str, str], *args: str) -> tuple[str, str, dict[str, int]]:
    """Run `simulate ARGS`, ask it with no key, a wrong one and KEY; (stdout, stderr, the
    status each got)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "simulate", "--port", "0", "--job-seconds", "0.1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "PYTHONUNBUFFERED": "1"},
    )
    status: dict[str, int] = {}
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline()]
        assert lines[0].startswith("Videos API simulator on http://127.0.0.1:"), lines
        while not lines[-1].startswith("Ctrl-C") and lines[-1]:  # the whole banner
            lines.append(proc.stdout.readline())
        url = urlsplit(lines[0].split(" on ", 1)[1].strip())
        for name, key in (("wrong", "sk-another-key-0123456789"), ("right", KEY)):
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            conn.request("GET", "/v1/videos", headers={"Authorization": f"Bearer {key}"})
            status[name] = conn.getresponse().status
            conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return "".join(lines) + out, err, status


def test_the_key_comes_from_the_environment_and_is_never_printed() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    out, err, status = _serve({**env, "OPENAI_API_KEY": KEY}, "--key-from-env")
    assert status == {"wrong": 401, "right": 200}
    assert KEY not in out + err and "warning" not in err
    assert "only the key given is accepted" in out

    missing = subprocess.run(
        [sys.executable, "-c", CLI, "simulate", "--key-from-env"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert missing.returncode == 2 and "needs OPENAI_API_KEY set" in missing.stderr


def test_a_key_on_the_command_line_still_works_but_warns() -> None:
    out, err, status = _serve(dict(os.environ), "--key", KEY)
    assert status == {"wrong": 401, "right": 200}
    assert "--key puts the key on the command line" in err and "--key-from-env" in err
    assert KEY not in out + err
