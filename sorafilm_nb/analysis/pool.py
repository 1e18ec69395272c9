"""Spread the parsing of many files over every core (used by analysis.profile).

Kept apart from profile.py, which decides WHEN to use a pool (PARALLEL_MIN there); this says
HOW: which start method is safe here, and how the work is split between the pool and this
process.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable
from contextlib import suppress

from .worker import Item, Outcome, scan_chunk, scan_chunk_packed


def workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# A thread that sets this attribute true declares itself safe to fork beside: it holds no
# lock a worker could need at the moment of a fork (cli/progress.py's ticker, which writes
# only under a lock that an os.register_at_fork hook takes around every fork). Without it,
# `sorafilm plan` and `sorafilm analyze`, which show progress from such a thread, read
# every repository on one core (issue 14).
FORK_SAFE_ATTR = "sorafilm_fork_safe"


def start_method() -> str | None:
    """How to start worker processes here, or None to stay on one core.

    fork when this process runs no other thread (fork with threads can deadlock; a Jupyter
    kernel has several), threads that declare themselves fork-safe (FORK_SAFE_ATTR) aside.
    Otherwise forkserver, but only in an interactive session (no ``__main__.__file__``):
    forkserver and spawn re-import the main script in every worker, which re-runs a script
    that calls analyze() without an ``if __name__ == "__main__"`` guard. A library must not
    surprise its caller with that, so such scripts use one core.
    """
    import multiprocessing as mp
    import threading

    if mp.parent_process() is not None:  # already a worker of someone's pool
        return None
    methods = mp.get_all_start_methods()
    here = threading.current_thread()
    others = [
        t for t in threading.enumerate() if t is not here and not getattr(t, FORK_SAFE_ATTR, False)
    ]
    if "fork" in methods and not others:
        return "fork"
    main = sys.modules.get("__main__")
    if "forkserver" in methods and getattr(main, "__file__", None) is None:
        return "forkserver"
    return None


def run(
    todo: list[Item],
    known: frozenset[str],
    workers: int,
    method: str | None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[list[Outcome], int]:
    """scan_chunk over todo: in this process when small, else on every core; and how many
    processes did the work (the stats say it, so a fallback to one core shows).

    The pool gets one process fewer than there are cores: this process works too, taking
    chunks from the far end of the queue that no worker has started yet, so no core idles
    and half the results never cross a pipe. Results come back marshalled (several times
    cheaper than pickle for these plain dicts). Processes, not threads: most of the work
    holds the GIL (``ast.parse``, tree-sitter's Parser.parse, and the Python half of a C
    scan: identifiers, docstring words; the C scanner lets go of it only while tokenizing).

    meanwhile, when given, is called in this process once the pool has its work and before
    this process takes any: the caller's own preparation (analyze's meanwhile) then runs
    beside the workers instead of before or after them, and this process simply parses
    fewer chunks. Not called without a pool (nothing would run beside it). What it raises
    is dropped: it only prepares what the caller does again, and reports, afterwards.
    """
    if method is None or workers < 2:
        return scan_chunk(todo, known), 1
    chunks = _chunks(todo, workers * 6)
    helpers = _helpers_running()
    try:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            max_workers=workers - 1, mp_context=mp.get_context(method)
        ) as pool:
            futures = [pool.submit(scan_chunk_packed, chunk, known) for chunk in chunks]
            if meanwhile is not None:
                with suppress(Exception):  # see above: the caller does it again, and reports
                    meanwhile()
            parts: list[list[Outcome] | None] = [None] * len(chunks)
            for i in range(len(chunks) - 1, -1, -1):
                if futures[i].cancel():
                    parts[i] = scan_chunk(chunks[i], known)
            out: list[Outcome] = []
            for i, fut in enumerate(futures):
                part = parts[i]
                out.extend(part if part is not None else marshal.loads(fut.result()))
            return out, workers
    except (OSError, RuntimeError, ImportError):
        # no process pool here (a sandbox, a frozen app) or a worker died: one core
        return scan_chunk(todo, known), 1
    finally:
        _stop_helpers(helpers)


# The standard library's helper processes a forkserver pool starts and leaves running: the
# fork server (it dies on SIGTERM, then stays a zombie nobody reaps) and the resource
# tracker (it ignores SIGTERM). In a Jupyter kernel, the one place forkserver is chosen,
# ipykernel's shutdown waits until the kernel has no child left, so every shutdown or
# restart of a kernel that had analyzed a repository waited out jupyter_client's grace
# period (2.5 s) and ended in a kill: a fifth of the quickstart's nbconvert time (issue 14).
# Each is stopped the standard library's own way (close its pipe, reap it: ``_stop``,
# private but there since Python 3.8), and only if this run started it: one that was
# already running belongs to someone else. Starting them again costs the next cold
# analysis about 0.1 s.
def _helpers_running() -> tuple[bool, bool]:
    """Whether the fork server and the resource tracker run already (before a pool)."""
    from multiprocessing import forkserver, resource_tracker

    server = getattr(forkserver._forkserver, "_forkserver_pid", None) is not None
    tracker = getattr(resource_tracker._resource_tracker, "_fd", None) is not None
    return server, tracker


def _stop_helpers(running_before: tuple[bool, bool]) -> None:
    """Stop the helper processes a pool started (see above), leaving others running."""
    from multiprocessing import forkserver, resource_tracker

    helpers = (forkserver._forkserver, resource_tracker._resource_tracker)
    for was_running, helper in zip(running_before, helpers, strict=True):
        stop = getattr(helper, "_stop", None)
        if not was_running and stop is not None:
            with suppress(OSError):  # already gone
                stop()


def _chunks(todo: list[Item], n_chunks: int) -> list[list[Item]]:
    """todo in about n_chunks chunks: each language in chunks of its own, in proportion to
    its share (at least one), interleaved so each chunk gets a fair share of big and small
    files. Python comes last: this process takes chunks from the far end, so in a mostly
    Python repository the few JavaScript files (Django's 22) go to a worker, and only that
    one process pays to load tree-sitter and its grammar (20-40 ms each, issue 14)."""
    by_lang: dict[str, list[Item]] = {}
    for item in todo:
        by_lang.setdefault(item[2], []).append(item)
    order = sorted(by_lang, key=lambda lang: (lang == "python", lang))
    chunks: list[list[Item]] = []
    for lang in order:
        items = by_lang[lang]
        n = max(1, min(len(items), round(n_chunks * len(items) / len(todo))))
        chunks.extend(items[i::n] for i in range(n))
    return chunks
