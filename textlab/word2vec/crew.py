"""Worker processes that train one model together: weights in shared memory, rounds in lockstep.

Why processes. NumPy releases the GIL inside a matrix product but takes it
back between calls, and a mini-batch is hundreds of calls on small arrays:
two threads gave 1.3x one core, two processes 2x. So training forks
``workers - 1`` copies of this process after the corpus is read. The copies
share, without copying, everything the parent had: the corpus ids (read
only, so the pages are never duplicated) and the two weight matrices, which
live in *anonymous* shared memory (``shared_array``): a mapping with no name,
so nothing can be left behind in ``/dev/shm`` however the run ends (Ctrl-C,
SIGKILL, a crash), and no ``/dev/shm`` size limit applies (a container's is
often 64 MB).

Why lockstep. Every worker draws the same random choices (the same seeded
generator goes through the same blocks) and takes its own mini-batches:
in a round of N batches, worker i computes batch i. A round goes (``train``)

    compute   every worker computes its batch's update from the weights as they
              are, and leaves it in its mailbox in shared memory
    barrier
    apply     every worker adds all N updates, in batch order, to its own share
              of the weight rows
    barrier

so what each process reads and writes, and in which order, is fixed: the
same seed, settings and number of workers give the same vectors, bit for
bit, as computing the N batches of each round one after another in one
process (a test checks this).

Semaphores make the barriers; each wait wakes every ``POLL`` seconds to
check the others are alive: the parent raises a worker's own error (or says
it was killed), and a worker whose parent has gone exits.
"""

from __future__ import annotations

import gc
import mmap
import multiprocessing
import os
import signal
import sys
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from ..errors import TextlabError

#: Seconds a wait sleeps before checking that the other processes are alive.
POLL = 0.5


def can_fork() -> bool:
    """Worker processes need a safe ``fork`` (Linux, the BSDs): they inherit the corpus and the shared weights.

    Not on macOS, where system libraries (Accelerate, which NumPy's wheels use there, and
    libdispatch) start threads that a forked child cannot use: Python itself stopped
    forking by default there for that reason. One process then computes every worker's
    batches: the same vectors, on one core.
    """
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def shared_array(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """Zeros in anonymous shared memory: processes forked afterwards read and change the same numbers."""
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    buffer = mmap.mmap(-1, max(size, 1))  # -1: anonymous; MAP_SHARED is the default on Unix
    return np.frombuffer(buffer, dtype, count=int(np.prod(shape))).reshape(shape)


class WorkerDied(TextlabError):
    exit_code = 1


class Crew:
    """This process (worker 0) and ``size - 1`` forked workers, going through rounds together.

    ``start(work)`` forks the workers, each running ``work(i)``; all
    meet at each ``barrier(i)``.
    As a context manager, leaving stops any worker still running (an error
    or Ctrl-C in this process) and waits for them.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._context = multiprocessing.get_context("fork") if size > 1 else None
        make = self._context.Semaphore if self._context else None
        self._arrived = make(0) if make else None  # a release per worker > 0 at each barrier
        self._go = [make(0) for _ in range(size)] if make else []  # worker i may go on past the barrier
        self._parent = os.getpid()
        self._workers: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []

    def start(self, work: Callable[[int], None]) -> None:
        assert self._context is not None or self.size == 1
        if self.size == 1:
            return
        # Python's collector links every object into its lists, and rewriting those links
        # would copy each page of the parent's objects into the worker that collects:
        # frozen objects are never scanned, so the pages stay shared.
        gc.freeze()
        for i in range(1, self.size):
            ours, theirs = self._context.Pipe(duplex=False)  # type: ignore[union-attr]
            process = self._context.Process(  # type: ignore[union-attr]
                target=_worker_main, args=(work, i, theirs), name=f"textlab-word2vec-{i}", daemon=True
            )
            with warnings.catch_warnings():
                # Python 3.12+ warns on every fork of a process with threads (BLAS's, the progress
                # line's): a child could find a lock held by a thread it does not have. The workers
                # take none of those locks: they compute with NumPy and talk through the semaphores
                # and pipe made for them (CPython re-creates its own locks in the child).
                warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
                process.start()
            theirs.close()
            self._workers.append((process, ours))
        gc.unfreeze()  # in this process only: the workers keep theirs frozen

    def barrier(self, worker: int) -> None:
        """Return when every worker has called it (this process counts the arrivals, then lets all go on)."""
        if self.size == 1:
            return
        assert self._arrived is not None
        if worker == 0:
            for _ in range(self.size - 1):
                self._wait(self._arrived)
            for go in self._go[1:]:
                go.release()
        else:
            # a worker cannot arrive at the next barrier before this one has let it go,
            # so the arrivals the parent counts are all for this barrier
            self._arrived.release()
            self._wait(self._go[worker])

    def _wait(self, semaphore) -> None:
        while not semaphore.acquire(timeout=POLL):
            self._check()

    def _check(self) -> None:
        if os.getpid() != self._parent:  # a worker: stop if the parent is gone (killed)
            if os.getppid() != self._parent:
                os._exit(1)
            return
        for i, (process, conn) in enumerate(self._workers, 1):
            if process.exitcode is not None:
                raise _failure(i, process.exitcode, conn)

    def finish(self) -> None:
        """After the last round: wait for the workers to end, raising the error of one that failed."""
        for i, (process, conn) in enumerate(self._workers, 1):
            process.join()
            if process.exitcode:  # not 0 (and not None: it has been joined)
                raise _failure(i, process.exitcode, conn)
        self._workers = []

    def __enter__(self) -> Crew:
        return self

    def __exit__(self, *exc) -> None:
        for process, _ in self._workers:
            if process.exitcode is None:
                process.terminate()
        for process, conn in self._workers:
            process.join()
            conn.close()
        self._workers = []


def _worker_main(work: Callable[[int], None], worker: int, conn: Connection) -> None:
    """A forked worker: its share of training; an error goes to the parent, which says it."""
    # Ctrl-C reaches the whole process group: the parent stops the workers itself. The parent's
    # SIGTERM handler (raise and clean up), inherited by fork, is not a worker's: it just ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        work(worker)
    except BaseException as e:  # everything goes to the parent, nothing to stderr
        try:
            conn.send(e)
        except Exception:  # an exception that does not pickle
            conn.send(RuntimeError(f"word2vec worker {worker}: {e!r}"))
        conn.close()
        os._exit(1)  # not sys.exit: multiprocessing would print a traceback
    conn.close()


def _failure(worker: int, exitcode: int, conn: Connection) -> BaseException:
    """The error a worker sent, or what its exit says (a signal: most often the kernel's out-of-memory killer)."""
    if conn.poll():
        try:
            return conn.recv()
        except (EOFError, OSError):
            pass
    if exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = "out of memory? fewer workers or a smaller vocabulary need less" if -exitcode == signal.SIGKILL else None
        return WorkerDied(f"word2vec worker {worker} was killed ({name})", hint)
    return WorkerDied(f"word2vec worker {worker} stopped (exit code {exitcode})")
