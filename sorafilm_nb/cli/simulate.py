"""`sorafilm simulate`: run the embedded Videos API simulator in the foreground.

Point any client at it: ``OPENAI_BASE_URL=http://127.0.0.1:PORT/v1`` and any non-empty
``OPENAI_API_KEY``. ``--key-from-env`` accepts only the key in ``OPENAI_API_KEY`` (the
provider's variable, which the client reads too), as the other commands read keys: never
from the command line. ``--key KEY`` still works but warns: a command line is seen by
anyone who can run ``ps``, and it stays in the shell's history. Ctrl-C stops it.

``--provider veo`` or ``--provider runway`` serves that provider's HTTP shape instead (the
fakes the tests drive google-genai and runwayml against), with the same animatic renderer
and faults; the banner says which variables point the official SDK (and sorafilm's
``--base-url``) at it.

Every response carries ``x-sorafilm-simulator: 1`` (the bodies stay exactly the API's), so
sorafilm's own OpenAIBackend, pointed here by URL, knows its jobs are simulated and
the studio books them in the sandbox ledger, not against the real budget.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from .common import number_in

_positive = number_in(0, math.inf, "seconds a job takes", whole=False)
_port = number_in(0, 65535, "the port to listen on (0: any free port)")
_probability = number_in(0, 1, "the share of requests, a probability", whole=False)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run the offline Videos API simulator (the real SDK talks to it)",
        description="Serve the Videos API on 127.0.0.1 until Ctrl-C: /v1/videos with the "
        "API's JSON shapes, bearer auth, error bodies, pagination and the poll hint. "
        "Completed jobs serve a real H.264 animatic of the requested length and aspect. "
        "Every response carries the header x-sorafilm-simulator: 1, by which sorafilm "
        "tells simulated jobs (sandbox ledger) from real ones.",
    )
    parser.add_argument(
        "--provider",
        choices=("openai", "veo", "runway"),
        default="openai",
        help="whose HTTP shape to serve: openai (the Videos API, default), veo (Vertex AI's "
        "predictLongRunning, for google-genai) or runway (the task API, for runwayml)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=0,
        help="port to listen on (default: any free port, printed at start)",
    )
    parser.add_argument(
        "--job-seconds",
        type=_positive,
        default=20.0,
        metavar="S",
        help="how long a job takes from create to completed (default 20, "
        "a demo pace; tests use 0.2)",
    )
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument(
        "--key-from-env",
        action="store_true",
        help="accept only the bearer key set in the provider's variable (OPENAI_API_KEY; "
        "GEMINI_API_KEY or GOOGLE_API_KEY; RUNWAYML_API_SECRET), the one its client sends "
        "(default: any non-empty key)",
    )
    keys.add_argument(
        "--key",
        default=None,
        help="accept only this bearer key; prefer --key-from-env (a command line shows in "
        "`ps` and the shell history)",
    )
    parser.add_argument(
        "--refuse",
        default=None,
        metavar="REGEX",
        help="prompts matching REGEX end failed with moderation_blocked "
        "(the marker '[refuse]' always does)",
    )
    parser.add_argument(
        "--error-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="answer this share of requests with a 500 (the SDK retries)",
    )
    parser.add_argument(
        "--rate-limit-rate",
        type=_probability,
        default=0.0,
        metavar="P",
        help="answer this share of requests with a 429 and Retry-After",
    )
    parser.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    import re

    from ..backends import connect
    from ..backends.simulator import Fault, FaultConfig, Simulator

    if args.refuse:
        try:
            re.compile(args.refuse)
        except re.error as exc:
            print(f"sorafilm simulate: --refuse is not a valid regex: {exc}", file=sys.stderr)
            return 2
    key = _required_key(args)
    if key == "":
        return 2
    args.key = key
    faults = FaultConfig(
        server_error=Fault(probability=args.error_rate),
        rate_limit=Fault(probability=args.rate_limit_rate),
        retry_after=1.0,
    )
    if args.provider != "openai":
        return _serve_fake(args, faults)
    sim = Simulator(
        port=args.port,
        render_scale=connect.DOUBLE_RENDER_SCALE,
        job_seconds=args.job_seconds,
        api_key=args.key,
        refuse_pattern=args.refuse,
        faults=faults,
    )
    if not _started(sim, args.port):
        return 2
    with sim:
        try:  # Ctrl-C may come at any moment, even while the banner is printed
            print(f"Videos API simulator on {sim.base_url}", flush=True)
            print(f"  export OPENAI_BASE_URL={sim.base_url}", flush=True)
            if args.key is None:
                print("  any non-empty OPENAI_API_KEY is accepted", flush=True)
            else:
                print("  only the key given is accepted (not printed)", flush=True)
            print("Ctrl-C to stop.", flush=True)
            _wait_for_a_signal()
        except KeyboardInterrupt:
            print("\nsimulator stopped", file=sys.stderr)
    return 0


def _required_key(args: argparse.Namespace) -> str | None:
    """The one key the server accepts (None: any), read as the other commands read keys:
    from the provider's variable (--key-from-env). ``--key`` is taken with a warning; ""
    after saying why there is none (the caller exits 2)."""
    from ..backends._provider import KEY_ENV, find_key

    names = " or ".join(KEY_ENV[args.provider])
    if args.key_from_env:
        key = find_key(args.provider)
        if not key:
            print(
                f"sorafilm simulate: --key-from-env needs {names} set in the environment",
                file=sys.stderr,
            )
            return ""
        return key
    if args.key is not None:
        print(
            "sorafilm simulate: warning: --key puts the key on the command line, where `ps` "
            f"and the shell history show it; set {names} and use --key-from-env instead",
            file=sys.stderr,
            flush=True,
        )
    return args.key or None


def _started(server: Any, port: int) -> bool:
    """Start the simulator or a fake, SIGTERM and SIGHUP then stopping it as Ctrl-C does
    (_stop_on_sigterm); False after saying why it cannot listen (a busy port): the caller
    exits 2. One home for the simulator's and the fakes' start."""
    try:
        server.start()
    except OSError as exc:
        print(
            f"sorafilm simulate: cannot listen on 127.0.0.1:{port}: {exc.strerror}",
            file=sys.stderr,
        )
        return False
    _stop_on_sigterm()
    return True


def _stop_on_sigterm() -> None:
    """SIGTERM (kill, systemd, a container stop) and SIGHUP (the terminal closed) stop the
    simulator as Ctrl-C does, so ``with sim`` removes its media folder from the temp
    directory; their default action ends the process with no cleanup at all."""
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, interrupt)


def _wait_for_a_signal() -> None:
    """Block the main thread until Ctrl-C, SIGTERM or SIGHUP raises KeyboardInterrupt here.

    Why not ``time.sleep(3600)``: a signal sent to the process goes to whichever of its
    threads takes it first, often a server or render thread (one that changes its signal
    mask, as spawning ffmpeg or starting a thread does). CPython's C handler, run there,
    only flags the Python handler for the main thread's next bytecode, and a main thread
    asleep in sleep() is never woken (the kernel resumes the sleep): the simulator served on
    and a container stop hung. The C handler also writes to the wakeup fd, from any thread,
    so the main thread waits on that: select() returns and the handler raises.
    """
    import contextlib
    import select
    import signal
    import socket

    reader, writer = socket.socketpair()
    with reader, writer:
        reader.setblocking(False)
        writer.setblocking(False)  # set_wakeup_fd requires it: a signal never blocks
        previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        try:
            while True:
                select.select([reader], [], [])
                with contextlib.suppress(BlockingIOError):
                    reader.recv(512)  # the signal numbers; the handlers run on return
        finally:
            signal.set_wakeup_fd(previous)


def _serve_fake(args: argparse.Namespace, faults: Any) -> int:
    """Serve FakeVeo or FakeRunway until Ctrl-C (a key they made up is printed; the one the
    person gave is not)."""
    from ..backends import connect
    from ..backends.fake_runway import FakeRunway
    from ..backends.fake_veo import FakeVeo

    kind = FakeVeo if args.provider == "veo" else FakeRunway
    options: dict[str, Any] = {"port": args.port, "job_seconds": args.job_seconds}
    options["faults"] = faults
    options["render_scale"] = connect.DOUBLE_RENDER_SCALE
    if args.key:
        options["api_key"] = args.key
    if args.refuse:
        print(
            "sorafilm simulate: --refuse applies to --provider openai; the fakes refuse "
            "prompts holding '[refuse]'",
            file=sys.stderr,
        )
    fake = kind(**options)
    if not _started(fake, args.port):
        return 2
    with fake:
        try:
            shown = "<the key given>" if args.key else fake.api_key
            if args.provider == "veo":
                print(f"Veo (Vertex AI shape) fake on {fake.base_url}", flush=True)
                print(f"  export GEMINI_API_KEY={shown}", flush=True)
                print(
                    "  google-genai: genai.Client(vertexai=True, api_key=..., "
                    f"http_options=types.HttpOptions(base_url='{fake.base_url}'))",
                    flush=True,
                )
            else:
                print(f"Runway fake on {fake.base_url}", flush=True)
                print(f"  export RUNWAYML_BASE_URL={fake.base_url}", flush=True)
                print(f"  export RUNWAYML_API_SECRET={shown}", flush=True)
            print(
                f"  sorafilm film --provider {args.provider} --base-url {fake.base_url} ...",
                flush=True,
            )
            print("Ctrl-C to stop.", flush=True)
            _wait_for_a_signal()
        except KeyboardInterrupt:
            print("\nfake stopped", file=sys.stderr)
    return 0
