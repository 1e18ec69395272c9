"""Spread the parsing of many files over every core (used by analysis.profile).

Kept apart from profile.py, which decides WHEN to use a pool (PARALLEL_MIN there); this says
HOW: which start method is safe here, and how the work is split between the pool and this
process.
"""

from __future__ import annotations

import heapq
import marshal
import os
import select
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from .worker import MAX_BYTES, Item, Outcome, scan_chunk, scan_chunk_packed


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

    multiprocessing is imported only when fork is ruled out (~15 ms of a cold `sorafilm
    plan` before its first file was parsed, issue 14): a process that is already a worker
    of someone's pool imported it to become one, so its absence says this is none.
    """
    import threading

    loaded = sys.modules.get("multiprocessing")
    if loaded is not None and loaded.parent_process() is not None:  # someone's pool's worker
        return None
    here = threading.current_thread()
    others = [
        t for t in threading.enumerate() if t is not here and not getattr(t, FORK_SAFE_ATTR, False)
    ]
    if hasattr(os, "fork") and not others:  # what multiprocessing's "fork" method calls
        return "fork"
    import multiprocessing as mp

    main = sys.modules.get("__main__")
    if "forkserver" in mp.get_all_start_methods() and getattr(main, "__file__", None) is None:
        return "forkserver"
    return None


def run(
    todo: list[Item],
    known: frozenset[str],
    workers: int,
    method: str | None,
    meanwhile: Callable[[], object] | None = None,
    chunks: list[list[Item]] | None = None,
) -> tuple[list[Outcome], int]:
    """scan_chunk over todo: in this process when small, else on every core; and how many
    processes did the work (the stats say it, so a fallback to one core shows). ``chunks``:
    todo's _chunks when the caller has them already (run_then: they stat each non-Python
    file).

    The pool gets one process fewer than there are cores: this process works too, taking
    chunks no worker has started yet (with fork, the next in the queue, see _forked; with
    forkserver, from the far end), so no core idles and this process's results never cross
    a pipe. Results come back marshalled (several times
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
    if chunks is None:
        chunks = _chunks(todo, workers * 6)
    if method == "fork" and len(chunks) * _INDEX <= _QUEUE_BYTES:
        return _forked(chunks, known, workers - 1, meanwhile)
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
            parts: dict[int, list[Outcome]] = {}
            for i in range(len(chunks) - 1, -1, -1):  # from the far end: see above
                if futures[i].cancel():
                    parts[i] = scan_chunk(chunks[i], known)
            for i, fut in enumerate(futures):
                if i not in parts:
                    parts[i] = marshal.loads(fut.result())
            return _in_order(chunks, parts, known), workers
    except (OSError, RuntimeError, ImportError):
        # no process pool here (a sandbox, a frozen app) or a worker died: one core
        return scan_chunk(todo, known), 1
    finally:
        _stop_helpers(helpers)


# Chunk numbers in the queue pipe: 2 bytes each, all written at once before any fork, so
# they must fit in the pipe's buffer with no reader yet: PIPE_BUF bytes always do (4096 on
# Linux, 512 on macOS: 2048 or 256 chunks, 6 a core; more cores use the executor).
_INDEX = 2
_QUEUE_BYTES = getattr(select, "PIPE_BUF", 512)


class Finish:
    """What run_then() does with the outcomes, and how its result crosses a pipe.

    finish(outcomes, processes) makes the result from every outcome in chunk order (and how
    many processes read); pack and unpack carry it home from a child as bytes; prepare, when
    given, readies the process that will finish (the modules finish imports) and runs there
    before it reads (what it raises is dropped: finish meets it again). A plain class: a
    NamedTuple's string annotations are compiled at import (typing.ForwardRef)."""

    __slots__ = ("finish", "pack", "prepare", "unpack")

    def __init__(
        self,
        finish: Callable[[list[Outcome], int], Any],
        pack: Callable[[Any], bytes],
        unpack: Callable[[bytes], Any],
        prepare: Callable[[], object] | None = None,
    ) -> None:
        self.finish = finish
        self.pack = pack
        self.unpack = unpack
        self.prepare = prepare


def run_then(
    todo: list[Item],
    known: frozenset[str],
    workers: int,
    method: str | None,
    then: Finish,
    meanwhile: Callable[[], object] | None = None,
) -> Any:
    """``then.finish(*run(todo, known, workers, method))``, with meanwhile run beside.

    On the fork path a child finishes: once the queue is empty, this process sends it the
    outcomes it has not got, runs meanwhile while the child finishes, and unpacks what the
    child sends home. So what this process prepares for its own next step (analyze's
    meanwhile: plan()'s story modules, theme, lint lists and token counter, ~80 ms) runs
    beside the finishing (analyze's ranking and cache write, ~100 ms), where a core idled
    (issue 14), instead of beside the reading, where it took a core's share of the files.
    A finishing child that fails or dies costs only time: its chunks are scanned here and
    finish runs here, raising what it raises. Without fork, or with more chunks than the
    queue holds: run() (given the chunks made here), then finish here.
    """
    chunks = None
    if method == "fork" and workers >= 2:
        chunks = _chunks(todo, workers * 6)
        if len(chunks) * _INDEX <= _QUEUE_BYTES:
            return _forked(chunks, known, workers - 1, meanwhile, then)
    prepare = then.prepare

    def here() -> None:  # this process finishes: it prepares for that too, beside the readers
        if prepare is not None:
            prepare()
        if meanwhile is not None:
            meanwhile()

    outcomes, used = run(todo, known, workers, method, here, chunks)
    return then.finish(outcomes, used)


def _forked(
    chunks: list[list[Item]],
    known: frozenset[str],
    children: int,
    meanwhile: Callable[[], object] | None,
    then: Finish | None = None,
) -> Any:
    """run() on forked children, with nothing of multiprocessing (issue 14); with then,
    run_then() (the first child finishes).

    A pool of ProcessPoolExecutor cost a cold `sorafilm plan` ~15 ms of imports
    (multiprocessing, concurrent.futures, logging) before the first file was parsed, a
    feeder and a manager thread beside this process's own work, and a pickled copy of
    ``known`` with every chunk. Forked children have ``known`` and the chunks already; what
    they share is a pipe holding every chunk's number, written in full (and its write end
    closed) before the first fork, so a read never blocks: each process reads the next
    number (one atomic 2-byte read) until the pipe is empty, children from the start at
    once, this process after meanwhile (without then), so JavaScript's chunks, first in the
    queue (see _chunks), go to a child. Each child sends its chunks' outcomes home (the
    finishing one, its result) marshalled through a pipe of its own and leaves with
    os._exit (no atexit handler, no flush of this process's buffers). A child that cannot be
    forked, dies, or sends nothing whole costs only time: the chunks it took are scanned
    here. Returns the outcomes in chunk order (as one process would) and how many
    processes did the work; with then, then's result.
    """
    queue, ends = os.pipe()
    try:
        os.write(ends, b"".join(i.to_bytes(_INDEX, "little") for i in range(len(chunks))))
    finally:
        os.close(ends)
    started: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
    inbox = -1  # the write end of the finishing child's pipe from here
    try:
        for k in range(children):
            read, write = os.pipe()
            inbox_read = -1
            if k == 0 and then is not None:
                inbox_read, inbox = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no more processes here: fewer children, or none
                for fd in (read, write, inbox_read, inbox if k == 0 else -1):
                    if fd >= 0:
                        os.close(fd)
                inbox = -1 if k == 0 else inbox
                break
            if pid == 0:  # the child: take chunks, send them (or the result) home, leave
                code = 1
                try:
                    os.close(read)
                    if inbox >= 0:  # the end this process writes (its own, or a sibling's)
                        os.close(inbox)
                    blob = _child(queue, chunks, known, then if k == 0 else None, inbox_read)
                    with os.fdopen(write, "wb") as sent:
                        sent.write(blob)
                    code = 0
                finally:
                    os._exit(code)
            os.close(write)
            if inbox_read >= 0:
                os.close(inbox_read)
            started.append((pid, read))
        if meanwhile is not None and started and then is None:
            with suppress(Exception):  # see run(): the caller does it again, and reports
                meanwhile()
        parts = _take(queue, chunks, known)
        helped = 1
        finisher = started[0][0] if started and inbox >= 0 else None
        for pid, _ in [c for c in started if c[0] != finisher]:  # theirs first: it needs them
            got = _collect(started, pid)
            if got is not None:
                parts.update(got[1])
                helped += 1
        result: tuple[bool, Any] = (False, None)  # (finished in the child, its result)
        if finisher is not None:  # send it what it lacks, then run meanwhile beside it
            try:
                with os.fdopen(inbox, "wb") as to_child:
                    inbox = -1
                    to_child.write(marshal.dumps((parts, helped + 1)))
            except OSError:  # gone: it sends nothing whole, and finish runs here
                pass
            if meanwhile is not None:
                with suppress(Exception):  # see run(): the caller does it again, and reports
                    meanwhile()
            got = _collect(started, finisher)
            if got is not None and got[0]:
                result = (True, then.unpack(got[1]) if then is not None else None)
            elif got is not None:
                parts.update(got[1])
                helped += 1
    finally:
        os.close(queue)
        if inbox >= 0:
            os.close(inbox)
        for pid, read in started:  # interrupted: the children still running are ended
            if read >= 0:
                os.close(read)
            with suppress(OSError):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
    if result[0]:
        return result[1]
    out = _in_order(chunks, parts, known)
    return (out, helped) if then is None else then.finish(out, helped)


def _collect(started: list[tuple[int, int]], pid: int) -> tuple[bool, Any] | None:
    """What child pid sent home ((finished, payload), see _child), once it has left; None
    when it died or sent nothing whole. It leaves ``started`` (the list of children that
    still need ending) once its pipe is closed and it is reaped."""
    at = next(i for i, (p, _) in enumerate(started) if p == pid)
    read = started[at][1]
    started[at] = (pid, -1)  # the file object below closes it
    with os.fdopen(read, "rb") as home:
        blob = home.read()
    try:
        status = os.waitpid(pid, 0)[1]
    except ChildProcessError:  # reaped already (SIGCHLD ignored here): what it sent decides
        status = 0
    started.pop(at)
    if os.waitstatus_to_exitcode(status) != 0:
        return None
    try:
        finished, payload = marshal.loads(blob)
    except (EOFError, ValueError, TypeError):
        return None
    return bool(finished), payload


def _child(
    queue: int,
    chunks: list[list[Item]],
    known: frozenset[str],
    then: Finish | None,
    inbox: int,
) -> bytes:
    """What a forked child sends home: (False, its chunks' outcomes), or when it finishes,
    (True, then's packed result); (False, ...) too when finish fails, so this process
    finishes instead and raises what finish raises."""
    if then is not None and then.prepare is not None:
        with suppress(Exception):
            then.prepare()
    mine = _take(queue, chunks, known)
    if then is None:
        return marshal.dumps((False, mine))
    with os.fdopen(inbox, "rb") as got:
        others, processes = marshal.loads(got.read())
    out = _in_order(chunks, {**others, **mine}, known)
    try:
        return marshal.dumps((True, then.pack(then.finish(out, processes))))
    except Exception:
        return marshal.dumps((False, mine))


def _in_order(
    chunks: list[list[Item]], parts: dict[int, list[Outcome]], known: frozenset[str]
) -> list[Outcome]:
    """Every chunk's outcomes in chunk order (as the executor returned them): the one home
    of the gathering the fork path's parent, its finishing child and the executor path
    share. A chunk with no part (a child that died or sent nothing whole took it) is
    scanned here: a lost process costs only time."""
    out: list[Outcome] = []
    for i, chunk in enumerate(chunks):
        part = parts.get(i)
        out.extend(part if part is not None else scan_chunk(chunk, known))
    return out


def _take(queue: int, chunks: list[list[Item]], known: frozenset[str]) -> dict[int, list[Outcome]]:
    """Scan the chunks whose numbers this process reads from the queue, until it is empty."""
    done: dict[int, list[Outcome]] = {}
    while True:
        number = os.read(queue, _INDEX)
        if len(number) < _INDEX:  # empty (every chunk is taken)
            return done
        i = int.from_bytes(number, "little")
        done[i] = scan_chunk(chunks[i], known)


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
    """todo in about n_chunks chunks of about equal cost (_cost: a JavaScript file's bytes,
    weighted; a Python file the mean one), each language in chunks of its own, in
    proportion to its share of the cost.

    By cost, not by count: split by file count, the growth bench's half tree put its 332
    JavaScript files (23 MiB, 9.6 s of 13.4 s of parsing) in one chunk, which one core
    parsed while the other idled (issue 14). Within a language, the costliest file goes first
    to the chunk that holds least so far (the longest-processing-time rule), so a chunk is
    never much over its share unless one file is; a chunk keeps its files in listing order.

    JavaScript and the other tree-sitter languages come first in the queue, Python last:
    this process takes chunks from the far end (forkserver), so in a mostly Python
    repository the few JavaScript files (Django's 22) go to a worker; and beside other
    languages such a language is split only into chunks worth _SPLIT_MIN, so only one
    process pays to load tree-sitter and its grammar for a handful of files."""
    costs = [_cost(item) for item in todo]
    total = sum(costs) or 1
    by_lang: dict[str, list[int]] = {}
    for i, item in enumerate(todo):
        by_lang.setdefault(item[2], []).append(i)
    order = sorted(by_lang, key=lambda lang: (lang == "python", lang))
    chunks: list[list[Item]] = []
    for lang in order:
        mine = by_lang[lang]
        share = sum(costs[i] for i in mine)
        n = max(1, min(len(mine), round(n_chunks * share / total)))
        if lang == "python":  # every file the mean one: interleaved, as LPT would deal them
            chunks.extend([todo[i] for i in mine[k::n]] for k in range(n))
            continue
        if len(order) > 1:  # alone, every process loads it anyway
            n = max(1, min(n, share // _SPLIT_MIN))
        loads = [(0, k) for k in range(n)]  # (cost so far, chunk): a heap, lightest first
        bins: list[list[int]] = [[] for _ in range(n)]
        for i in sorted(mine, key=lambda i: -costs[i]):  # stable: equal costs in list order
            load, k = heapq.heappop(loads)
            bins[k].append(i)
            heapq.heappush(loads, (load + costs[i], k))
        chunks.extend([todo[i] for i in sorted(b)] for b in bins)
    return chunks


# What a file costs to scan, in bytes of Python (the C scanner's pace), for the chunks to be
# balanced by work, not by file count. Measured 2026-12-07 on bench_growth's trees, one
# process: Python 0.045-0.1 s/MiB, JavaScript 0.75-1.4 s/MiB (tree-sitter, then the walk of
# its tree in Python), TypeScript about 0.3 s/MiB (three files); every file also costs an
# open, a stat, a read and a hash, about what 2 KiB of Python take.
_SCRIPT_PER_BYTE = 10  # any language tree-sitter parses (every one but Python)
_FILE_COST = 2048
# A Python file is not measured: it costs as much as the mean one (Django's are 6.3 KiB,
# the growth bench's site-packages 11 KiB). A stat of each costs a cold `sorafilm plan` of
# Django ~3 ms on one core before the pool starts, and buys little: Python chunks hold
# hundreds of files, interleaved, whose sizes even out; the costly languages' files are few
# and each is measured.
_PYTHON_FILE = _FILE_COST + 8 * 1024
# Beside other languages, a tree-sitter language is split only into chunks worth this much:
# loading tree-sitter and the grammar in one more process (40-80 ms, measured 2026-12-07)
# must buy more than it costs: 160 KiB of JavaScript, about 0.15 s (Django's 22 files,
# 115 KiB, stay one chunk)
_SPLIT_MIN = 160 * 1024 * _SCRIPT_PER_BYTE


def _cost(item: Item) -> int:
    """A file's estimated scan cost, in bytes of Python (see _SCRIPT_PER_BYTE): a Python
    file's is the mean one's (_PYTHON_FILE); another's is measured by one stat (a file the
    worker will not read, over MAX_BYTES or gone, costs only its fixed part)."""
    rel, root, lang = item
    if lang == "python":
        return _PYTHON_FILE
    try:
        size = os.stat(os.path.join(root, rel)).st_size
    except OSError:
        return _FILE_COST
    return _FILE_COST if size > MAX_BYTES else _FILE_COST + size * _SCRIPT_PER_BYTE
