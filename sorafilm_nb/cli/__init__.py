"""The `sorafilm` console script: a thin face over the library, one module per subcommand.

Each module in sorafilm_nb/cli/ exposes ``register(subparsers)``, which adds its parser
and sets ``func`` to a handler returning the exit code. Only the named subcommand's module
is imported (build_parser(only=...)), and heavy libraries are imported inside handlers, so
`sorafilm --help` and `sorafilm plan` start fast.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

# Order here is the order in `sorafilm --help`.
COMMANDS = ("analyze", "plan", "budget", "film", "resume", "simulate", "share", "providers")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The `sorafilm` parser: every subcommand, or with only, that one alone (what main()
    builds when the command line names it: importing and registering the other six costs
    15-50 ms a run, which `sorafilm plan` is measured against; see _chosen)."""
    from .. import __version__
    from .common import Parser

    parser = Parser(
        prog="sorafilm",
        description="Turn a code repository into a short film with a text-to-video model, "
        "without overspending. Runs offline on an embedded simulator unless --real is given.",
    )
    parser.add_argument("--version", action="version", version=f"sorafilm {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS if only is None else (only,):
        try:
            module = importlib.import_module(f"sorafilm_nb.cli.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet is simply absent
            if exc.name != f"sorafilm_nb.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand. Whatever it prints passes terminal.guard_streams: a control
    character from a repository or a server is shown as an escape, never obeyed."""
    from ..terminal import guard_streams

    with guard_streams():
        return _main(argv)


def run() -> NoReturn:
    """`sorafilm` as a program (the console script, ``python -m sorafilm_nb``): main, then
    exit without the collector's last walk.

    Interpreter shutdown collects every object the imports made, one by one: ~0.4 s of CPU
    after a film is done (the provider SDK, the studio) that the user waits through for
    nothing, since the process's end frees it all. gc.freeze() first hands them to that end.
    Atexit handlers and weakref.finalize callbacks (temp folders, a ledger's connection)
    run as before. Only here, never in main: a caller of main() keeps its collector."""
    try:
        code = main()
    finally:
        gc.freeze()
    sys.exit(code)


def _chosen(argv: Sequence[str]) -> str | None:
    """The subcommand argv names, when it names one before any help or version flag: then
    its parser alone parses exactly as the full one would (the options before the command,
    -v and --version, take no value, so the first other word is the command). None when
    the full parser must answer (no command, a typo, --help listing every command)."""
    for word in argv:
        if word in ("-h", "--help", "--version") or word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


# Commands that run to an end in a second or so and make no reference cycles worth
# collecting: the cyclic garbage collector is paused for them (in `sorafilm plan` it ran ~45
# times, each walking every object the imports made: 5-10 % of a warm plan, issue 14).
# analyze() pauses it for its own work anyway; film, simulate and the rest keep it.
_NO_GC = frozenset({"plan", "analyze"})


def _main(argv: Sequence[str] | None) -> int:
    chosen = _chosen(sys.argv[1:] if argv is None else argv)
    if chosen in _NO_GC and gc.isenabled():
        gc.disable()
        try:
            return _run(chosen, argv)
        finally:
            _resume_collector()
    return _run(chosen, argv)


def _resume_collector() -> None:
    """gc.enable() after a paused command, without the walk it would set off: every object
    the command made sits in the youngest generation, never collected, and the first
    allocation after enable() walked them all (7 ms at the end of a cold `sorafilm plan` of
    Django, on the way out, issue 14). freeze() moves them out in one step and unfreeze()
    hands them to the oldest generation, whose full collection walks them as it would have.
    Not when something is frozen already: unfreeze() would release what another froze."""
    if gc.get_freeze_count():
        gc.enable()
        return
    gc.freeze()
    gc.enable()
    gc.unfreeze()


def _run(chosen: str | None, argv: Sequence[str] | None) -> int:
    parser = build_parser(chosen)
    args = parser.parse_args(argv)
    hook = _configure_logging("INFO" if getattr(args, "verbose", False) else "WARNING")
    # catch_warnings() restores the filters and showwarning, not formatwarning: put back by
    # hand, or each in-process main() (a notebook, the tests) wrapped it once more
    formatwarning = warnings.formatwarning
    try:
        with warnings.catch_warnings():
            warnings.formatwarning = _said_as_ours(formatwarning)
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `sorafilm budget history | head`: the reader had enough
        if not _stdout_closed():  # a socket's or a child's pipe: a failure, never a quiet 0
            raise
        _quiet_stdout()
        return 0
    except Exception as exc:  # a clear one-line error, not a traceback, for expected failures
        from ..errors import SorafilmError

        if isinstance(exc, SorafilmError):
            print(f"sorafilm: error: {exc}", file=sys.stderr)
            return 2
        raise
    finally:
        warnings.formatwarning = formatwarning
        if hook in sys.meta_path:
            sys.meta_path.remove(hook)


def _said_as_ours(other: Callable[..., str]) -> Callable[..., str]:
    """A warnings.formatwarning that says our own warnings (a BudgetWarning, a price file's)
    as one line in the shape of our errors, "sorafilm: warning: MESSAGE": the module's
    default shape starts with our source file and line and the class name, which say
    nothing to the person at the terminal. Anyone else's warning goes to other (the shape
    is for a developer). The format, not showwarning: a caller recording warnings
    (catch_warnings(record=True), pytest.warns) still gets each one, since recording
    formats nothing. Our message goes through redact() like every log line: the log
    handler masks secrets, and a warning is printed beside it."""

    def said(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        line: str | None = None,
    ) -> str:
        if category.__module__.split(".", 1)[0] != __name__.split(".", 1)[0]:
            return other(message, category, filename, lineno, line)
        from ..redact import redact  # a warning may quote repository or server text

        return f"sorafilm: warning: {redact(str(message))}\n"

    return said


def _stdout_closed() -> bool:
    """Whether stdout's reader has gone: its pipe reports an error to poll() (the write end
    of a pipe whose read end is closed), or a flush meets the broken pipe again."""
    import select

    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return True
    except (OSError, ValueError):
        pass
    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), 0)
        return any(event & select.POLLERR for _, event in poll.poll(0))
    except (OSError, ValueError, AttributeError):  # no file behind stdout (a test's capture)
        return False


def _quiet_stdout() -> None:
    """stdout onto /dev/null, so the interpreter's last flush of what the closed pipe did not
    take is quiet too (else: "Exception ignored ... BrokenPipeError" after the exit). Every
    command's: only `analyze` did this, and `budget history --json | head` printed a
    traceback."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a stdout with no file (a test's capture)
        pass


LOG_FORMAT = "%(levelname)s %(name)s: %(message)s"


def _configure_logging(level: str) -> object | None:
    """logging.basicConfig(level, LOG_FORMAT) for this command: now when logging is already
    imported, else the moment a module imports it (the hook returned, on sys.meta_path until
    the command ends). Only a module that logs imports logging, and a warm `sorafilm plan`
    has none: importing it (with traceback, linecache, tokenize, textwrap) cost ~4 ms of
    every plan (issue 14). Configured right after its import, before any module could log
    a line, it is configured exactly as if done first."""
    if "logging" in sys.modules:
        _basic_config(sys.modules["logging"], level)
        return None
    hook = _LoggingHook(level)
    sys.meta_path.insert(0, hook)
    return hook


def _basic_config(logging: Any, level: str) -> None:
    """logging.basicConfig(level, LOG_FORMAT), each line through redact(): a library's log
    line may name a URL with its password (httpx logs every request's URL, and a --base-url
    may hold https://user:password@) or echo a key, and -v prints them to a terminal or a CI
    log. redact.redact is the one home of that masking."""

    class RedactingFormatter(logging.Formatter):  # type: ignore[misc]
        def format(self, record: Any) -> str:
            from ..redact import redact

            return redact(super().format(record))

    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(LOG_FORMAT))
    logging.basicConfig(level=level, handlers=[handler])


class _LoggingHook:
    """A meta path finder that finds nothing itself: it lets the other finders find logging
    and makes the loader call basicConfig once the module has run."""

    def __init__(self, level: str) -> None:
        self.level = level

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = getattr(finder, "find_spec", lambda *_: None)(name, path, target)
            if spec is not None and spec.loader is not None:
                break
        else:
            return None
        run = spec.loader.exec_module
        level = self.level

        def exec_module(module: Any) -> None:
            run(module)
            _basic_config(module, level)

        spec.loader.exec_module = exec_module
        return spec


if __name__ == "__main__":  # pragma: no cover
    run()
